/*
 * drive.c - drives the pure session (core/session.h) with the real
 * sockets, clock and random source: opens what is needed, sends what is
 * due, reads what arrived, delivers what finished, and keeps the
 * descriptor set and its observers up to date.  Every function runs with
 * the client's lock held.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "core/addr.h"
#include "natpmp/natpmp.h"
#include "pcp/pcp.h"
#include "upnp_drive.h"

/*
 * The protocol for the allowed methods, and the one to fall back to; NULL
 * if this build speaks none of them.  RFC 6887 App. A: "A client
 * supporting both ... SHOULD send its request using the PCP packet
 * format"; a NAT-PMP server's answer (or its answer to the probe beside a
 * silent PCP, core/negotiate.h) switches to NAT-PMP.  AUTO is both.
 * NAT-PMP is IPv4's only (RFC 6886 §3): toward an IPv6 gateway, PCP.
 */
static const pmp_proto_t *
choose_protocol(unsigned methods, const uint8_t gateway[16], int known,
    const pmp_proto_t **fallback)
{
	int pcp = methods == PMP_METHODS_AUTO ||
	    (methods & PMP_METHOD_BIT(PMP_METHOD_PCP));
	int natpmp = (methods == PMP_METHODS_AUTO ||
	    (methods & PMP_METHOD_BIT(PMP_METHOD_NATPMP))) &&
	    (!known || pmp_addr_is_v4(gateway));

	*fallback = pcp && natpmp ? pmp_natpmp_proto() : NULL;
	if (pcp)
		return pmp_pcp_proto();
	return natpmp ? pmp_natpmp_proto() : NULL;
}

/* UPnP-IGD alone: its own driver (upnp_drive.c).  With other methods,
 * AUTO's race (race.c) decides. */
static int
upnp_only(unsigned methods)
{
	return methods == PMP_METHOD_BIT(PMP_METHOD_UPNP);
}

/* The UPnP-IGD driver serves the client: forced, or it won the race. */
static int
upnp_alone(const pmp_client_t *c)
{
	return c->upnp != NULL && !c->racing;
}

pmp_method_t
pmp_drive_method(pmp_client_t *c)
{
	const pmp_proto_t *p, *fb;

	if (upnp_only(c->methods) || upnp_alone(c))
		return PMP_METHOD_UPNP;
	if (c->fd >= 0)
		return pmp_session_proto(&c->session)->method;
	p = choose_protocol(c->methods, c->gateway, c->have_gateway, &fb);
	return p != NULL ? p->method : PMP_METHOD_NONE;
}

int
pmp_drive_open(pmp_client_t *c)
{
	const pmp_proto_t *proto, *fallback;
	int fd;

	if (c->fd >= 0)
		return PMP_OK;
	if (!c->have_gateway) {
		pmp_gateway_info_t gi;
		int rc = pmp_discover_gateway(&gi);

		if (rc == PMP_ESYS)
			return pmp_client_sys_error(c);
		if (rc != PMP_OK)
			return rc;
		memcpy(c->gateway, gi.gateway, 16);
		c->have_gateway = 1;
	}
	c->rng.fill = pmp_random_fill;
	c->rng.ctx = NULL;
	if (upnp_only(c->methods)) {
		int rc = pmp_upnp_open(c, 0);

		if (rc == PMP_OK) {
			pmp_upnp_keep_init(c);
			c->asleep_ms = pmp_clock_asleep_ms();
			pmp_client_fd_changed(c, c->fd, PMP_FD_READ);
		}
		return rc;
	}
	proto = choose_protocol(c->methods, c->gateway, 1, &fallback);
	if (proto == NULL)
		return PMP_EUNSUPPORTED;
	fd = pmp_udp_open(c->gateway, c->port);
	if (fd < 0)
		return pmp_client_sys_error(c);
	c->fd = fd;
	pmp_session_init(&c->session, proto, &c->rng, c->gateway, c->port,
	    pmp_client_emit, c);
	pmp_session_set_fallback(&c->session, fallback);
	{
		uint8_t local[16];
		uint16_t local_port;

		/* The connected socket's address: what PCP puts in its
		 * requests (RFC 6887 §16.4's recipe). */
		if (pmp_udp_local(fd, local, &local_port) == PMP_OK)
			pmp_session_set_local(&c->session, local,
			    local_port);
	}
	c->asleep_ms = pmp_clock_asleep_ms();
	pmp_client_fd_changed(c, c->fd, PMP_FD_READ);
	if (pmp_race_wanted(c))
		pmp_race_start(c, pmp_clock_ms());
	return PMP_OK;
}

int
pmp_drive_listen(pmp_client_t *c)
{
	const pmp_proto_t *p;
	uint8_t local[16];
	uint16_t local_port;
	int fd;

	if (upnp_alone(c))
		return pmp_upnp_listen(c);
	p = pmp_session_proto(&c->session);

	c->listen_proto = p;

	if (c->listen_fd[0] < 0) {
		/* The connected socket's own address names the interface
		 * that reaches the gateway. */
		if (pmp_udp_local(c->fd, local, &local_port) != PMP_OK)
			return pmp_client_sys_error(c);
		fd = pmp_listener_open(p->announce_port, local);
		if (fd < 0)
			return pmp_client_sys_error(c);
		c->listen_fd[0] = fd;
		pmp_client_fd_changed(c, fd, PMP_FD_READ);
	}
	/* The second port's copies are a bonus: without them the first
	 * port's still arrive.  (Asked again after a fall back to a
	 * protocol that has one.) */
	if (c->listen_fd[1] < 0 && p->announce_port2 != 0 &&
	    pmp_udp_local(c->fd, local, &local_port) == PMP_OK &&
	    (fd = pmp_listener_open(p->announce_port2, local)) >= 0) {
		c->listen_fd[1] = fd;
		pmp_client_fd_changed(c, fd, PMP_FD_READ);
	}
	return PMP_OK;
}

/*
 * An error the socket reported for the requests on the wire (ICMP arrives
 * as errno on the connected socket, at the next send or receive).  Returns
 * 1 if it ended them.
 */
static int
socket_error(pmp_client_t *c, int err, uint64_t now)
{
	switch (err) {
	case ECONNREFUSED:
		/* RFC 6886 §3.1: ICMP port unreachable lets the client
		 * "conclude immediately that the gateway does not support
		 * NAT-PMP" (C-08). */
		pmp_session_fail_inflight(&c->session, PMP_EREFUSED, now);
		return 1;
	case EHOSTUNREACH:
	case ENETUNREACH:
#ifdef EHOSTDOWN	/* (not in Windows' errno.h: io maps it to these) */
	case EHOSTDOWN:
#endif
	case ENETDOWN:
		/* No way to the gateway at all: say so now rather than
		 * after the whole schedule of sends that cannot leave. */
		c->last_errno = err;
		pmp_session_fail_inflight(&c->session, PMP_ESYS, now);
		return 1;
	default:
		return 0;
	}
}

void
pmp_drive_flush(pmp_client_t *c, uint64_t now)
{
	uint8_t b[PMP_MAX_DATAGRAM];
	pmp_req_t *r;
	size_t n;

	if (c->upnp != NULL) {
		pmp_upnp_flush(c, now);
		if (!c->racing)
			return;
	}
	while ((n = pmp_session_output(&c->session, now, b, sizeof(b),
	    &r)) > 0) {
		unsigned id = r->id, attempt = r->attempts;

		/* Any other failure loses the datagram like the network
		 * may; retransmission covers it. */
		if (pmp_udp_send(c->fd, b, n) != PMP_OK &&
		    !socket_error(c, errno, now) && errno != EAGAIN &&
		    errno != EWOULDBLOCK && errno != ENOBUFS)
			c->last_errno = errno;
		/* the caller's and kept mappings' requests, not the
		 * session's own probes */
		if (c->attempt_cb != NULL && id < PMP_ID_CLEANUP)
			c->attempt_cb(c->attempt_arg, id, attempt,
			    pmp_session_proto(&c->session)->schedule.mrc);
	}
}

static void settle(pmp_client_t *c);

void
pmp_drive_deliver(pmp_client_t *c)
{
	pmp_req_t *r;
	pmp_kept_t *k;

	if (upnp_alone(c)) {
		while ((r = pmp_upnp_take_done(c)) != NULL) {
			if (r->cb != NULL)
				r->cb(r->arg, &r->result);
			free(r);
		}
		while ((k = pmp_upnp_take_gone(c)) != NULL)
			free(k);
		return;
	}
	while ((r = pmp_session_take_done(&c->session)) != NULL) {
		if (pmp_race_hold(c, r))
			continue;
		if (r->cb != NULL)
			r->cb(r->arg, &r->result);
		free(r);
	}
	while ((k = pmp_session_take_gone(&c->session)) != NULL)
		free(k);
	/* held for the race, but the caller will wait no longer */
	while ((r = pmp_race_take_expired(c, pmp_clock_ms())) != NULL) {
		if (r->cb != NULL)
			r->cb(r->arg, &r->result);
		free(r);
	}
	if (c->racing)
		settle(c);
}

static void
close_datagram(pmp_client_t *c)
{
	int i;

	for (i = 0; i < PMP_LISTENERS; i++) {
		if (c->listen_fd[i] >= 0) {
			pmp_client_fd_changed(c, c->listen_fd[i], 0);
			pmp_close(c->listen_fd[i]);
			c->listen_fd[i] = -1;
		}
	}
	if (c->fd >= 0) {
		pmp_client_fd_changed(c, c->fd, 0);
		pmp_close(c->fd);
		c->fd = -1;
	}
}

/* AUTO's race has a verdict: carry it out (race.c says what wins). */
static void
settle(pmp_client_t *c)
{
	uint64_t now = pmp_clock_ms();
	pmp_req_t *r;
	int listening;

	switch (pmp_race_verdict(c)) {
	case PMP_RACE_DATAGRAM:
		c->racing = 0;
		pmp_upnp_close(c);
		pmp_upnp_free(c);
		/* what the datagram methods gave up on stays given up */
		while ((r = pmp_race_take_held(c)) != NULL) {
			if (r->cb != NULL)
				r->cb(r->arg, &r->result);
			free(r);
		}
		break;
	case PMP_RACE_UPNP:
		listening = c->listen_fd[0] >= 0;
		pmp_race_to_upnp(c, now);
		close_datagram(c);
		c->fd = c->upnp->ssdp_fd;
		if (listening)
			(void)pmp_upnp_listen(c);
		pmp_upnp_flush(c, now);
		pmp_drive_deliver(c);
		break;
	default:
		break;
	}
}

/* Is fd among the ready ones (every one if ready is NULL)? */
static int
is_ready(int fd, const pmp_fd_t *ready, int n)
{
	int i;

	if (ready == NULL)
		return 1;
	for (i = 0; i < n; i++)
		if (ready[i].fd == fd && ready[i].events != 0)
			return 1;
	return 0;
}

/* Was fd reported with an error pending (PMP_FD_ERROR)? */
static int
error_ready(int fd, const pmp_fd_t *ready, int n)
{
	int i;

	for (i = 0; ready != NULL && i < n; i++)
		if (ready[i].fd == fd && (ready[i].events & PMP_FD_ERROR))
			return 1;
	return 0;
}

int
pmp_drive_process(pmp_client_t *c, const pmp_fd_t *ready, int nready,
    int reads)
{
	uint8_t b[PMP_MAX_DATAGRAM + 1];
	uint8_t src[16];
	uint16_t sport;
	uint64_t now;
	int rc = PMP_OK, i, j;

	if (c->fd < 0)
		return PMP_OK;
	if (upnp_alone(c)) {
		rc = pmp_upnp_process(c, ready, nready);
		pmp_drive_deliver(c);
		return rc;
	}
	if (c->racing)
		(void)pmp_upnp_process(c, ready, nready);
	now = pmp_clock_ms();
	/* Back from a suspend: what the gateway holds may have changed while
	 * nothing could be heard; re-verify the kept mappings now. */
	if (pmp_clock_slept(&c->asleep_ms, pmp_clock_asleep_ms()))
		pmp_session_resumed(&c->session, now);
	for (i = 0; i < reads && is_ready(c->fd, ready, nready); i++) {
		long n = pmp_udp_recv(c->fd, b, sizeof(b), src, &sport);

		if (n < 0) {
			if (errno == EINTR || socket_error(c, errno, now))
				continue;
			/* an error the poll saw but the receive did not say
			 * (Wine's WSAPoll takes it): read it once */
			if ((errno == EAGAIN || errno == EWOULDBLOCK) && i == 0 &&
			    error_ready(c->fd, ready, nready))
				(void)socket_error(c, pmp_socket_error(c->fd),
				    now);
			else if (errno != EAGAIN && errno != EWOULDBLOCK)
				rc = pmp_client_sys_error(c);
			break;
		}
		/* n > sizeof(b) - 1 means longer than any datagram of the
		 * protocol: the parser rejects it by its real length. */
		pmp_session_input(&c->session, b, (size_t)n < sizeof(b) ?
		    (size_t)n : sizeof(b), src, sport, now);
	}
	for (i = 0; i < PMP_LISTENERS; i++) {
		long n;

		if (c->listen_fd[i] < 0 ||
		    !is_ready(c->listen_fd[i], ready, nready))
			continue;
		for (j = 0; j < reads && (n = pmp_udp_recv(c->listen_fd[i], b,
		    sizeof(b), src, &sport)) >= 0; j++)
			pmp_session_announcement(&c->session, b,
			    (size_t)n < sizeof(b) ? (size_t)n : sizeof(b), src,
			    sport, now);
	}
	pmp_drive_flush(c, now);
	/* After a fall back, the new protocol's second announcement port
	 * (once: not a bind retried on every call) */
	if (c->listen_proto != NULL &&
	    c->listen_proto != pmp_session_proto(&c->session))
		(void)pmp_drive_listen(c);
	pmp_drive_deliver(c);
	return rc;
}

int
pmp_drive_fds(pmp_client_t *c, pmp_fd_t *fds, int max)
{
	int n = 0, i;

	if (upnp_alone(c) && c->fd >= 0)
		return pmp_upnp_fds(c, fds, max);
	if (c->fd >= 0) {
		if (n < max) {
			fds[n].fd = c->fd;
			fds[n].events = PMP_FD_READ;
		}
		n++;
	}
	for (i = 0; i < PMP_LISTENERS; i++) {
		if (c->listen_fd[i] < 0)
			continue;
		if (n < max) {
			fds[n].fd = c->listen_fd[i];
			fds[n].events = PMP_FD_READ;
		}
		n++;
	}
	if (c->racing)
		n += pmp_upnp_fds(c, fds + (n < max ? n : max),
		    n < max ? max - n : 0);
	return n;
}

void
pmp_drive_close(pmp_client_t *c)
{
	if (c->upnp != NULL)
		pmp_upnp_close(c);
	if (!upnp_alone(c))
		close_datagram(c);
}

int
pmp_drive_submit(pmp_client_t *c, pmp_req_t *r, uint64_t now_ms)
{
	if (upnp_alone(c))
		return pmp_upnp_submit(c, r, now_ms);
	return pmp_session_submit(&c->session, r, now_ms);
}

pmp_req_t *
pmp_drive_cancel(pmp_client_t *c, unsigned id)
{
	pmp_req_t **pp, *r;

	if (c->fd < 0)
		return NULL;
	if (upnp_alone(c))
		return pmp_upnp_cancel(c, id);
	for (pp = &c->parked; (r = *pp) != NULL; pp = &r->next)
		if (r->id == id) {
			*pp = r->next;
			r->next = NULL;
			return r;
		}
	return pmp_session_cancel(&c->session, id);
}

pmp_req_t *
pmp_drive_take_queued(pmp_client_t *c)
{
	pmp_req_t *r;

	if (upnp_alone(c))
		return pmp_upnp_take_queued(c);
	if ((r = pmp_race_take_held(c)) != NULL)
		return r;
	return pmp_session_take_queued(&c->session);
}

unsigned
pmp_drive_pending(pmp_client_t *c)
{
	const pmp_req_t *r;
	unsigned n = 0;

	if (c->fd < 0)
		return 0;
	if (upnp_alone(c))
		return pmp_upnp_pending(c);
	for (r = c->parked; r != NULL; r = r->next)
		n++;
	return n + pmp_session_pending(&c->session);
}

uint64_t
pmp_drive_deadline(pmp_client_t *c)
{
	uint64_t d, u;

	if (c->fd < 0)
		return PMP_NO_DEADLINE;
	if (upnp_alone(c))
		return pmp_upnp_deadline(c);
	d = pmp_session_deadline(&c->session);
	if (c->racing && (u = pmp_upnp_deadline(c)) < d)
		d = u;
	if ((u = pmp_race_deadline(c)) < d)
		d = u;
	return d;
}

int
pmp_drive_public_address(pmp_client_t *c, uint8_t addr[16])
{
	if (c->fd < 0)
		return 0;
	if (upnp_alone(c))
		return pmp_upnp_public_address(c, addr);
	return pmp_session_public_address(&c->session, addr);
}
