/*
 * request.c - one-shot requests: pmp_request_*(), pmp_cancel().
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "core/args.h"

/*
 * Queue a copy of t (op, arguments and extras filled, checked), whose
 * public port is the suggestion as given.  Returns the request id or a
 * PMP_E* code.
 */
static int
submit_req(pmp_client_t *c, const pmp_req_t *t, pmp_callback cb, void *arg)
{
	pmp_req_t *r;
	uint64_t now;
	int rc, id;

	if (c == NULL)
		return PMP_EINVAL;
	rc = pmp_args_check(t->op, t->protocol, t->private_port, t->lifetime);
	if (rc != PMP_OK)
		return rc;
	r = malloc(sizeof(*r));
	if (r == NULL)
		return PMP_ENOMEM;
	*r = *t;
	pthread_mutex_lock(&c->lock);
	rc = pmp_drive_open(c);
	if (rc != PMP_OK)
		goto fail;
	if (c->next_id == 0 || c->next_id > INT_MAX)
		c->next_id = 1;
	id = (int)c->next_id;
	r->id = (unsigned)id;
	/* a PEER suggests nothing unless asked (RFC 6887 §12.2, P-18) */
	if (r->op == PMP_OP_MAP)
		r->public_port = pmp_args_suggestion(r->private_port,
		    r->public_port, 0);
	else if (r->op != PMP_OP_PEER)
		r->public_port = 0;
	r->cb = cb;
	r->arg = arg;
	now = pmp_clock_ms();
	r->deadline_ms = c->timeout_ms != 0 ? now + c->timeout_ms : 0;
	rc = pmp_drive_submit(c, r, now);
	if (rc != PMP_OK)
		goto fail;
	c->next_id++;
	pmp_drive_flush(c, now);
	pmp_waker_wake(&c->waker);
	pthread_mutex_unlock(&c->lock);
	return id;
fail:
	pthread_mutex_unlock(&c->lock);
	free(r);
	return rc;
}

static int
submit(pmp_client_t *c, pmp_op_t op, int protocol, uint16_t private_port,
    uint16_t public_port, uint32_t lifetime, pmp_callback cb, void *arg)
{
	pmp_req_t t;

	memset(&t, 0, sizeof(t));
	t.op = op;
	t.protocol = protocol;
	t.private_port = private_port;
	t.public_port = public_port;
	t.lifetime = lifetime;
	return submit_req(c, &t, cb, arg);
}

int
pmp_request_public_address(pmp_client_t *c, pmp_callback cb, void *arg)
{
	return submit(c, PMP_OP_PUBLIC_ADDRESS, 0, 0, 0, 0, cb, arg);
}

int
pmp_request_map(pmp_client_t *c, int protocol, uint16_t private_port,
    uint16_t public_port, uint32_t lifetime, pmp_callback cb, void *arg)
{
	return submit(c, PMP_OP_MAP, protocol, private_port, public_port,
	    lifetime, cb, arg);
}

int
pmp_request_unmap(pmp_client_t *c, int protocol, uint16_t private_port,
    pmp_callback cb, void *arg)
{
	return submit(c, PMP_OP_UNMAP, protocol, private_port, 0, 0, cb, arg);
}

int
pmp_request_unmap_all(pmp_client_t *c, int protocol, pmp_callback cb,
    void *arg)
{
	return submit(c, PMP_OP_UNMAP_ALL, protocol, 0, 0, 0, cb, arg);
}

void
pmp_map_params_init_size(pmp_map_params_t *p, size_t size)
{
	if (p == NULL || size < offsetof(pmp_map_params_t, filters))
		return;
	memset(p, 0, size);
	p->size = size;
}

int
pmp_request_map_params(pmp_client_t *c, const pmp_map_params_t *p,
    pmp_callback cb, void *arg)
{
	pmp_req_t t;
	int rc;

	if (c == NULL || p == NULL)
		return PMP_EINVAL;
	rc = pmp_args_from_params(p, &t);
	if (rc != PMP_OK)
		return rc;
	return submit_req(c, &t, cb, arg);
}

int
pmp_cancel(pmp_client_t *c, unsigned request_id)
{
	pmp_req_t *r = NULL;

	/* Ids above INT_MAX belong to kept mappings' own requests. */
	if (c == NULL || request_id == 0 || request_id > INT_MAX)
		return PMP_EINVAL;
	pthread_mutex_lock(&c->lock);
	r = pmp_drive_cancel(c, request_id);
	if (r != NULL) {
		/* If it was on the wire, the next one may go out now. */
		pmp_drive_flush(c, pmp_clock_ms());
		pmp_waker_wake(&c->waker);
	}
	pthread_mutex_unlock(&c->lock);
	if (r == NULL)
		return PMP_EINVAL;
	free(r);
	return PMP_OK;
}

unsigned
pmp_client_pending(pmp_client_t *c)
{
	unsigned n = 0;

	if (c == NULL)
		return 0;
	pthread_mutex_lock(&c->lock);
	n = pmp_drive_pending(c);
	pthread_mutex_unlock(&c->lock);
	return n;
}
