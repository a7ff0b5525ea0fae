/*
 * request.c - one-shot requests: pmp_request_*(), pmp_cancel().
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <limits.h>
#include <stdlib.h>

#include "client.h"
#include "core/args.h"

/*
 * Queue a request whose arguments pmp_args_check() accepted; deadline_ms
 * is absolute on pmp_clock_ms(), 0 for the client's timeout.  Returns the
 * request id or a PMP_E* code.
 */
static int
submit(pmp_client_t *c, pmp_op_t op, int protocol, uint16_t private_port,
    uint16_t public_port, uint32_t lifetime, pmp_callback cb, void *arg)
{
	pmp_req_t *r;
	uint64_t now;
	int rc, id;

	if (c == NULL)
		return PMP_EINVAL;
	rc = pmp_args_check(op, protocol, private_port, lifetime);
	if (rc != PMP_OK)
		return rc;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return PMP_ENOMEM;
	pthread_mutex_lock(&c->lock);
	rc = pmp_drive_open(c);
	if (rc != PMP_OK)
		goto fail;
	if (c->next_id == 0 || c->next_id > INT_MAX)
		c->next_id = 1;
	id = (int)c->next_id;
	r->id = (unsigned)id;
	r->op = op;
	r->protocol = protocol;
	r->private_port = private_port;
	r->public_port = op == PMP_OP_MAP ? pmp_args_suggestion(private_port,
	    public_port, 0) : 0;
	r->lifetime = lifetime;
	r->cb = cb;
	r->arg = arg;
	now = pmp_clock_ms();
	r->deadline_ms = c->timeout_ms != 0 ? now + c->timeout_ms : 0;
	rc = pmp_session_submit(&c->session, r, now);
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

int
pmp_cancel(pmp_client_t *c, unsigned request_id)
{
	pmp_req_t *r = NULL;

	/* Ids above INT_MAX belong to kept mappings' own requests. */
	if (c == NULL || request_id == 0 || request_id > INT_MAX)
		return PMP_EINVAL;
	pthread_mutex_lock(&c->lock);
	if (c->fd >= 0)
		r = pmp_session_cancel(&c->session, request_id);
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
	if (c->fd >= 0)
		n = pmp_session_pending(&c->session);
	pthread_mutex_unlock(&c->lock);
	return n;
}
