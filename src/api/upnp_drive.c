/*
 * upnp_drive.c - drives the UPnP-IGD control point and mapping policy
 * (upnp/control.h, upnp/mapper.h) with real sockets and the clock, for a
 * client whose method is UPnP-IGD: the caller's requests one at a time,
 * the SSDP search socket and one TCP connection per exchange in the
 * client's descriptor set, results as pmp_result_t.  Every function runs
 * with the client's lock held.  Kept mappings over UPnP are not here yet
 * (pmp_keep() says PMP_EUNSUPPORTED).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <arpa/inet.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "core/addr.h"
#include "upnp/mapper.h"
#include "upnp_drive.h"

#define REMEMBERED 64	/* mappings made, for deletes by private port */

struct pmp_upnp_drive {
	int ssdp_fd;
	int tcp_fd;		/* -1: none */
	int connecting;		/* waiting for writable */
	int want_write;		/* WRITE's data not all taken */
	uint8_t local[16];	/* our address toward the gateway */
	char local_text[46];
	pmp_control_t control;
	pmp_mapper_t mapper;
	pmp_req_t *queue, **queue_tail;	/* the caller's, FIFO; head is
					 * current when busy */
	int busy;
	pmp_req_t *done, **done_tail;
	struct {
		int udp;
		uint16_t private_port, public_port;
	} made[REMEMBERED];
	unsigned nmade;
};

static void
append(pmp_req_t ***tail, pmp_req_t *r)
{
	r->next = NULL;
	**tail = r;
	*tail = &r->next;
}

int
pmp_upnp_open(pmp_client_t *c)
{
	struct pmp_upnp_drive *d = calloc(1, sizeof(*d));
	uint16_t port;
	int probe;

	if (d == NULL)
		return PMP_ENOMEM;
	d->tcp_fd = -1;
	d->queue_tail = &d->queue;
	d->done_tail = &d->done;
	/* our address toward the gateway: a connected socket's own */
	probe = pmp_udp_open(c->gateway, 1900);
	if (probe < 0 || pmp_udp_local(probe, d->local, &port) != PMP_OK) {
		if (probe >= 0)
			close(probe);
		free(d);
		return pmp_client_sys_error(c);
	}
	close(probe);
	if (pmp_addr_is_v4(d->local))
		inet_ntop(AF_INET, d->local + 12, d->local_text,
		    sizeof(d->local_text));
	else
		inet_ntop(AF_INET6, d->local, d->local_text,
		    sizeof(d->local_text));
	d->ssdp_fd = pmp_search_socket(d->local);
	if (d->ssdp_fd < 0) {
		free(d);
		return pmp_client_sys_error(c);
	}
	pmp_control_init(&d->control, c->gateway);
	c->upnp = d;
	c->fd = d->ssdp_fd;	/* "opened", for the rest of the client */
	return PMP_OK;
}

static void
close_tcp(pmp_client_t *c)
{
	struct pmp_upnp_drive *d = c->upnp;

	if (d->tcp_fd < 0)
		return;
	pmp_client_fd_changed(c, d->tcp_fd, 0);
	close(d->tcp_fd);
	d->tcp_fd = -1;
	d->connecting = d->want_write = 0;
}

void
pmp_upnp_close(pmp_client_t *c)
{
	struct pmp_upnp_drive *d = c->upnp;

	if (d == NULL)
		return;
	close_tcp(c);
	pmp_client_fd_changed(c, d->ssdp_fd, 0);
	close(d->ssdp_fd);
	c->fd = -1;
}

void
pmp_upnp_free(pmp_client_t *c)
{
	free(c->upnp);
	c->upnp = NULL;
}

int
pmp_upnp_submit(pmp_client_t *c, pmp_req_t *r, uint64_t now_ms)
{
	(void)now_ms;
	/* What IGD has no action for: a delete-all, PCP's options. */
	if (r->op == PMP_OP_UNMAP_ALL || r->op == PMP_OP_PEER ||
	    r->flags != 0 || r->nfilters != 0)
		return PMP_EUNSUPPORTED;
	r->submitted_ms = now_ms;
	append(&c->upnp->queue_tail, r);
	return PMP_OK;
}

/* The public port of the mapping of private_port this client made (its
 * delete names the external port), else the private port. */
static uint16_t
external_of(const struct pmp_upnp_drive *d, int udp, uint16_t private_port)
{
	unsigned i;

	for (i = 0; i < d->nmade; i++)
		if (d->made[i].udp == udp &&
		    d->made[i].private_port == private_port)
			return d->made[i].public_port;
	return private_port;
}

static void
remember(struct pmp_upnp_drive *d, int udp, uint16_t private_port,
    uint16_t public_port, int forget)
{
	unsigned i;

	for (i = 0; i < d->nmade; i++)
		if (d->made[i].udp == udp &&
		    d->made[i].private_port == private_port)
			break;
	if (forget) {
		if (i < d->nmade)
			d->made[i] = d->made[--d->nmade];
		return;
	}
	if (i == d->nmade) {
		if (d->nmade == REMEMBERED)
			i = 0;	/* the oldest goes */
		else
			d->nmade++;
	}
	d->made[i].udp = udp;
	d->made[i].private_port = private_port;
	d->made[i].public_port = public_port;
}

static void
start(pmp_client_t *c, pmp_req_t *r, uint64_t now_ms)
{
	struct pmp_upnp_drive *d = c->upnp;
	pmp_mapper_t *m = &d->mapper;

	memset(m, 0, sizeof(*m));
	m->op = r->op == PMP_OP_PUBLIC_ADDRESS ? PMP_MAPPER_ADDRESS :
	    r->op == PMP_OP_MAP ? PMP_MAPPER_MAP : PMP_MAPPER_UNMAP;
	m->udp = r->protocol == PMP_PROTO_UDP;
	m->internal_port = r->private_port;
	m->external_port = r->op == PMP_OP_UNMAP ?
	    external_of(d, m->udp, r->private_port) : r->public_port;
	m->lease = r->lifetime;
	memcpy(m->client, d->local_text, sizeof(m->client));
	memcpy(m->description, "pmp", 4);
	d->busy = 1;
	if (pmp_mapper_start(m, &d->control, &c->rng, now_ms) != PMP_OK) {
		m->done = 1;
		m->status = PMP_EINVAL;
	}
}

/* The current request is over: its result, to the done list. */
static void
finish(pmp_client_t *c, int status)
{
	struct pmp_upnp_drive *d = c->upnp;
	pmp_req_t *r = d->queue;
	pmp_result_t *res = &r->result;
	const pmp_mapper_t *m = &d->mapper;
	uint8_t a4[4];

	d->queue = r->next;
	if (d->queue == NULL)
		d->queue_tail = &d->queue;
	d->busy = 0;
	memset(res, 0, sizeof(*res));
	res->status = status;
	res->request_id = r->id;
	res->op = r->op;
	res->protocol = r->op == PMP_OP_PUBLIC_ADDRESS ? 0 : r->protocol;
	res->method = PMP_METHOD_UPNP;
	res->result_code = status == PMP_EGATEWAY ? (unsigned)m->upnp_error :
	    0;
	memcpy(res->gateway, c->gateway, 16);
	if (m->address[0] != '\0' && inet_pton(AF_INET, m->address, a4) == 1)
		pmp_addr_from_v4(res->public_address, a4);
	if (r->op != PMP_OP_PUBLIC_ADDRESS) {
		res->private_port = r->private_port;
		memcpy(res->private_address, d->local, 16);
	}
	if (status == PMP_OK && r->op == PMP_OP_MAP) {
		res->public_port = m->granted_port;
		/* 0: the router keeps it for ever (mapper.h): it is this
		 * client's to delete */
		res->lifetime = m->granted_lease;
		remember(d, m->udp, r->private_port, m->granted_port, 0);
	} else if (status == PMP_OK && r->op == PMP_OP_UNMAP) {
		remember(d, m->udp, r->private_port, 0, 1);
	}
	res->elapsed_ms = pmp_clock_ms() - r->submitted_ms;
	append(&d->done_tail, r);
}

static void
do_connect(pmp_client_t *c, const pmp_control_out_t *o, uint64_t now_ms)
{
	struct pmp_upnp_drive *d = c->upnp;
	int in_progress, fd;

	close_tcp(c);
	fd = pmp_tcp_connect(o->addr, o->port, &in_progress);
	if (fd < 0) {
		pmp_control_connected(&d->control, 0, now_ms);
		return;
	}
	d->tcp_fd = fd;
	d->connecting = in_progress;
	pmp_client_fd_changed(c, fd, PMP_FD_WRITE);
	if (!in_progress)
		pmp_control_connected(&d->control, 1, now_ms);
}

static void
do_write(pmp_client_t *c, const pmp_control_out_t *o, uint64_t now_ms)
{
	struct pmp_upnp_drive *d = c->upnp;
	ssize_t n = send(d->tcp_fd, o->data, o->len, MSG_DONTWAIT |
	    MSG_NOSIGNAL);

	if (n > 0)
		pmp_control_wrote(&d->control, (size_t)n, now_ms);
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR) {
		pmp_control_read(&d->control, NULL, 0, now_ms);	/* reset */
		return;
	}
	/* wait for writable before the rest */
	d->want_write = n < 0 || (size_t)n < o->len;
}

/* Run the machine until it waits on the network or the clock. */
static void
pump(pmp_client_t *c, uint64_t now_ms)
{
	struct pmp_upnp_drive *d = c->upnp;
	pmp_control_out_t o;
	int guard;

	for (guard = 0; guard < 1000; guard++) {
		pmp_req_t *r = d->queue;

		if (r == NULL)
			return;
		if (!d->busy)
			start(c, r, now_ms);
		if (d->mapper.done) {
			finish(c, d->mapper.status);
			continue;
		}
		if (r->deadline_ms != 0 && now_ms >= r->deadline_ms) {
			close_tcp(c);
			pmp_control_abort(&d->control);
			finish(c, PMP_ETIMEDOUT);
			continue;
		}
		if (d->connecting || d->want_write)
			return;		/* writable first */
		pmp_control_step(&d->control, now_ms, &o);
		switch (o.kind) {
		case PMP_CONTROL_WAIT:
			return;
		case PMP_CONTROL_SEND_TO:
			/* a lost M-SEARCH is as a lost datagram: the next
			 * round covers it */
			(void)pmp_udp_sendto(d->ssdp_fd, o.data, o.len,
			    o.addr, o.port);
			break;
		case PMP_CONTROL_CONNECT:
			do_connect(c, &o, now_ms);
			break;
		case PMP_CONTROL_WRITE:
			do_write(c, &o, now_ms);
			if (d->tcp_fd >= 0)
				pmp_client_fd_changed(c, d->tcp_fd,
				    d->want_write ? PMP_FD_WRITE : PMP_FD_READ);
			break;
		case PMP_CONTROL_CLOSE:
			close_tcp(c);
			break;
		case PMP_CONTROL_DONE:
			pmp_mapper_advance(&d->mapper, &d->control, now_ms);
			break;
		}
	}
}

void
pmp_upnp_flush(pmp_client_t *c, uint64_t now_ms)
{
	pump(c, now_ms);
}

static int
ready_for(int fd, const pmp_fd_t *ready, int n, unsigned want)
{
	int i;

	if (fd < 0)
		return 0;
	if (ready == NULL)
		return 1;
	for (i = 0; i < n; i++)
		if (ready[i].fd == fd && (ready[i].events & (want |
		    PMP_FD_ERROR)) != 0)
			return 1;
	return 0;
}

int
pmp_upnp_process(pmp_client_t *c, const pmp_fd_t *ready, int n)
{
	struct pmp_upnp_drive *d = c->upnp;
	uint8_t b[2048], src[16];
	uint16_t sport;
	uint64_t now = pmp_clock_ms();
	long len;
	int i;

	for (i = 0; i < 64 && ready_for(d->ssdp_fd, ready, n, PMP_FD_READ);
	    i++) {
		len = pmp_udp_recv(d->ssdp_fd, b, sizeof(b), src, &sport);
		if (len < 0)
			break;
		pmp_control_datagram(&d->control, b, (size_t)len < sizeof(b) ?
		    (size_t)len : sizeof(b), src, sport, now);
	}
	if (d->tcp_fd >= 0 && d->connecting &&
	    ready_for(d->tcp_fd, ready, n, PMP_FD_WRITE)) {
		int err = pmp_tcp_connected(d->tcp_fd);

		if (err != EINPROGRESS && err != EALREADY) {
			d->connecting = 0;
			pmp_control_connected(&d->control, err == 0, now);
		}
	} else if (d->tcp_fd >= 0 && d->want_write &&
	    ready_for(d->tcp_fd, ready, n, PMP_FD_WRITE)) {
		d->want_write = 0;	/* the next step writes the rest */
	} else if (d->tcp_fd >= 0 &&
	    ready_for(d->tcp_fd, ready, n, PMP_FD_READ)) {
		for (i = 0; i < 16 && d->tcp_fd >= 0; i++) {
			ssize_t r = recv(d->tcp_fd, b, sizeof(b),
			    MSG_DONTWAIT);

			if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				break;
			pmp_control_read(&d->control, b, r > 0 ? (size_t)r : 0,
			    now);
			if (r <= 0)
				break;
		}
	}
	pump(c, now);
	return PMP_OK;
}

int
pmp_upnp_fds(pmp_client_t *c, pmp_fd_t *fds, int max)
{
	struct pmp_upnp_drive *d = c->upnp;
	int n = 0;

	if (n < max) {
		fds[n].fd = d->ssdp_fd;
		fds[n].events = PMP_FD_READ;
	}
	n++;
	if (d->tcp_fd >= 0) {
		if (n < max) {
			fds[n].fd = d->tcp_fd;
			fds[n].events = d->connecting || d->want_write ?
			    PMP_FD_WRITE : PMP_FD_READ;
		}
		n++;
	}
	return n;
}

uint64_t
pmp_upnp_deadline(pmp_client_t *c)
{
	struct pmp_upnp_drive *d = c->upnp;
	uint64_t t;

	if (d->done != NULL)
		return 0;
	if (d->queue == NULL)
		return PMP_NO_DEADLINE;
	if (!d->busy)
		return 0;
	t = pmp_control_deadline(&d->control);
	if (d->queue->deadline_ms != 0 && d->queue->deadline_ms < t)
		t = d->queue->deadline_ms;
	return t == UINT64_MAX ? PMP_NO_DEADLINE : t;
}

pmp_req_t *
pmp_upnp_take_done(pmp_client_t *c)
{
	struct pmp_upnp_drive *d = c->upnp;
	pmp_req_t *r = d->done;

	if (r != NULL) {
		d->done = r->next;
		if (d->done == NULL)
			d->done_tail = &d->done;
		r->next = NULL;
	}
	return r;
}

pmp_req_t *
pmp_upnp_take_queued(pmp_client_t *c)
{
	struct pmp_upnp_drive *d = c->upnp;
	pmp_req_t *r = d->queue;

	if (r != NULL) {
		d->queue = r->next;
		if (d->queue == NULL)
			d->queue_tail = &d->queue;
		r->next = NULL;
		if (d->busy) {
			d->busy = 0;
			close_tcp(c);
			pmp_control_abort(&d->control);
		}
	}
	return r;
}

pmp_req_t *
pmp_upnp_cancel(pmp_client_t *c, unsigned id)
{
	struct pmp_upnp_drive *d = c->upnp;
	pmp_req_t **pp, *r;

	for (pp = &d->queue; (r = *pp) != NULL; pp = &r->next) {
		if (r->id != id)
			continue;
		if (pp == &d->queue && d->busy) {
			d->busy = 0;
			close_tcp(c);
			pmp_control_abort(&d->control);
		}
		*pp = r->next;
		if (d->queue_tail == &r->next)
			d->queue_tail = pp;
		r->next = NULL;
		return r;
	}
	return NULL;
}

unsigned
pmp_upnp_pending(pmp_client_t *c)
{
	const pmp_req_t *r;
	unsigned n = 0;

	for (r = c->upnp->queue; r != NULL; r = r->next)
		n++;
	return n;
}

int
pmp_upnp_public_address(pmp_client_t *c, uint8_t addr[16])
{
	const pmp_mapper_t *m = &c->upnp->mapper;
	uint8_t a4[4];

	if (m->address[0] == '\0' || inet_pton(AF_INET, m->address, a4) != 1)
		return 0;
	pmp_addr_from_v4(addr, a4);
	return 1;
}
