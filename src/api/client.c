/*
 * client.c - the client object: creation, configuration, and freeing.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "upnp_drive.h"
#include "sync.h"
#include "core/addr.h"

int
pmp_client_new(pmp_client_t **out)
{
	pmp_client_t *c;
	pthread_mutexattr_t ma;

	if (out == NULL)
		return PMP_EINVAL;
	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return PMP_ENOMEM;
	if (pthread_mutexattr_init(&ma) != 0) {
		free(c);
		return PMP_ENOMEM;
	}
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	if (pthread_mutex_init(&c->lock, &ma) != 0) {
		pthread_mutexattr_destroy(&ma);
		free(c);
		return PMP_ENOMEM;
	}
	pthread_mutexattr_destroy(&ma);
	if (pmp_waker_init(&c->waker) != PMP_OK) {
		pthread_mutex_destroy(&c->lock);
		free(c);
		return PMP_ENOMEM;
	}
	/* Winsock, for this client's life (io.h) */
	if (pmp_net_start() != PMP_OK) {
		pmp_waker_free(&c->waker);
		pthread_mutex_destroy(&c->lock);
		free(c);
		return PMP_ESYS;
	}
	c->fd = -1;
	c->listen_fd[0] = c->listen_fd[1] = -1;
	c->next_keep_id = 1;
	c->port = PMP_SERVER_PORT;
	c->next_id = 1;
	*out = c;
	return PMP_OK;
}

/* The result of a request dropped unfinished by pmp_client_free(). */
static void
cancel_result(pmp_client_t *c, pmp_req_t *r)
{
	memset(&r->result, 0, sizeof(r->result));
	r->result.status = PMP_ECANCELED;
	r->result.request_id = r->id;
	r->result.op = r->op;
	r->result.protocol = r->op == PMP_OP_PUBLIC_ADDRESS ? 0 : r->protocol;
	r->result.method = r->attempts > 0 ? pmp_drive_method(c) :
	    PMP_METHOD_NONE;
	r->result.private_port = r->op == PMP_OP_PUBLIC_ADDRESS ? 0 :
	    r->private_port;
	r->result.attempts = r->attempts;
	memcpy(r->result.gateway, c->gateway, 16);
}

void
pmp_client_free(pmp_client_t *c)
{
	pmp_req_t *r, *canceled = NULL, **tail = &canceled;
	pmp_kept_t *k;

	if (c == NULL)
		return;
	if (c->fd >= 0) {
		/* Every accepted request gets its callback once: those
		 * finished with their result, then the others with
		 * PMP_ECANCELED. */
		while ((r = pmp_drive_take_queued(c)) != NULL) {
			cancel_result(c, r);
			*tail = r;
			tail = &r->next;
		}
		pmp_drive_deliver(c);
		while ((r = canceled) != NULL) {
			canceled = r->next;
			if (r->cb != NULL)
				r->cb(r->arg, &r->result);
			free(r);
		}
		/* (a session never opened has none) */
		while ((k = pmp_session_take_kept(&c->session)) != NULL)
			free(k);
	}
	pmp_drive_close(c);
	pmp_upnp_free(c);
	pmp_waker_free(&c->waker);
	pthread_mutex_destroy(&c->lock);
	free(c);
	pmp_net_stop();
}

int
pmp_client_set_gateway(pmp_client_t *c, const uint8_t addr[16], uint16_t port)
{
	int rc = PMP_OK;

	/* IPv4 (mapped) or IPv6, not the unspecified or a multicast one; a
	 * link-local one with its interface (core/addr.h) */
	if (c == NULL || addr == NULL || !pmp_addr_usable(addr))
		return PMP_EINVAL;
	pthread_mutex_lock(&c->lock);
	if (c->fd >= 0) {
		rc = PMP_EINVAL;
	} else {
		memcpy(c->gateway, addr, 16);
		c->port = port != 0 ? port : PMP_SERVER_PORT;
		c->have_gateway = 1;
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

int
pmp_parse_gateway(const char *text, uint8_t addr[16], uint16_t *port)
{
	char zone[32], *end;
	unsigned long index;

	if (text == NULL || addr == NULL || port == NULL ||
	    pmp_addr_parse_endpoint(text, addr, port, zone, sizeof(zone)) !=
	    PMP_OK)
		return PMP_EINVAL;
	if (!pmp_addr_is_linklocal(addr))
		return PMP_OK;
	/* a link-local gateway needs its interface: "%eth0" or "%2" */
	if (zone[0] == '\0')
		return PMP_EINVAL;
	index = strtoul(zone, &end, 10);
	if (*end != '\0')
		index = pmp_if_index(zone);
	if (index == 0 || index > 0xffff)
		return PMP_EINVAL;
	pmp_addr_set_scope(addr, (unsigned)index);
	return PMP_OK;
}

int
pmp_client_gateway(pmp_client_t *c, uint8_t addr[16], uint16_t *port)
{
	int rc = PMP_EAGAIN;

	if (c == NULL)
		return PMP_EINVAL;
	pthread_mutex_lock(&c->lock);
	if (c->have_gateway) {
		if (addr != NULL)
			memcpy(addr, c->gateway, 16);
		if (port != NULL)
			*port = c->port;
		rc = PMP_OK;
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

int
pmp_client_set_methods(pmp_client_t *c, unsigned methods)
{
	const unsigned known = PMP_METHOD_BIT(PMP_METHOD_NATPMP) |
	    PMP_METHOD_BIT(PMP_METHOD_PCP) | PMP_METHOD_BIT(PMP_METHOD_UPNP);
	/* What this version speaks: all three (UPnP-IGD with others is
	 * raced against them: race.c) */
	const unsigned spoken = known;
	int rc = PMP_OK;

	if (c == NULL || (methods & ~known) != 0)
		return PMP_EINVAL;
	if (methods != PMP_METHODS_AUTO && (methods & spoken) == 0)
		return PMP_EUNSUPPORTED;
	pthread_mutex_lock(&c->lock);
	if (c->fd >= 0)
		rc = PMP_EINVAL;
	else
		c->methods = methods;
	pthread_mutex_unlock(&c->lock);
	return rc;
}

int
pmp_client_igd_info(pmp_client_t *c, pmp_igd_info_t *info)
{
	int rc;

	if (c == NULL || info == NULL)
		return PMP_EINVAL;
	pthread_mutex_lock(&c->lock);
	rc = pmp_upnp_igd_info(c, info);
	pthread_mutex_unlock(&c->lock);
	return rc;
}

pmp_method_t
pmp_client_method(pmp_client_t *c)
{
	pmp_method_t m;

	if (c == NULL)
		return PMP_METHOD_NONE;
	pthread_mutex_lock(&c->lock);
	m = pmp_drive_method(c);
	pthread_mutex_unlock(&c->lock);
	return m;
}

int
pmp_client_public_address(pmp_client_t *c, uint8_t addr[16])
{
	int rc = PMP_EAGAIN;

	if (c == NULL || addr == NULL)
		return PMP_EINVAL;
	pthread_mutex_lock(&c->lock);
	if (pmp_drive_public_address(c, addr))
		rc = PMP_OK;
	pthread_mutex_unlock(&c->lock);
	return rc;
}

int
pmp_client_set_timeout_ms(pmp_client_t *c, uint32_t ms)
{
	if (c == NULL)
		return PMP_EINVAL;
	pthread_mutex_lock(&c->lock);
	c->timeout_ms = ms;
	pthread_mutex_unlock(&c->lock);
	return PMP_OK;
}

void
pmp_client_set_attempt_callback(pmp_client_t *c, pmp_attempt_cb cb, void *arg)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	c->attempt_cb = cb;
	c->attempt_arg = arg;
	pthread_mutex_unlock(&c->lock);
}

void
pmp_client_set_event_callback(pmp_client_t *c, pmp_event_cb cb, void *arg)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	c->event_cb = cb;
	c->event_arg = arg;
	pthread_mutex_unlock(&c->lock);
}

int
pmp_client_errno(pmp_client_t *c)
{
	int e;

	if (c == NULL)
		return 0;
	pthread_mutex_lock(&c->lock);
	e = c->last_errno;
	pthread_mutex_unlock(&c->lock);
	return e;
}

pmp_waker_t *
pmp_client_waker(pmp_client_t *c)
{
	return &c->waker;
}

uint32_t
pmp_client_timeout_setting(pmp_client_t *c)
{
	uint32_t t;

	pthread_mutex_lock(&c->lock);
	t = c->timeout_ms;
	pthread_mutex_unlock(&c->lock);
	return t;
}
