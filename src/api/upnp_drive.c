/*
 * upnp_drive.c - drives the UPnP-IGD control point and mapping policy
 * (upnp/control.h, upnp/mapper.h) with real sockets and the clock, for a
 * client whose method is UPnP-IGD: the caller's requests one at a time,
 * the SSDP search socket and one TCP connection per exchange in the
 * client's descriptor set, results as pmp_result_t; kept mappings through
 * the protocol-neutral keeper (core/keeper.h) over the same queue, with
 * restarts seen in SSDP NOTIFY's BOOTID.UPNP.ORG.  Every function runs
 * with the client's lock held.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/inet.h"
#include "client.h"
#include "core/addr.h"
#include "upnp/mapper.h"
#include "upnp/request.h"
#include "upnp/ssdp.h"
#include "upnp_drive.h"


static void
append(pmp_req_t ***tail, pmp_req_t *r)
{
	r->next = NULL;
	**tail = r;
	*tail = &r->next;
}

int
pmp_upnp_open(pmp_client_t *c, int beside)
{
	struct pmp_upnp_drive *d = calloc(1, sizeof(*d));
	uint16_t port;
	int probe;

	if (d == NULL)
		return PMP_ENOMEM;
	d->tcp_fd = -1;
	d->notify_fd = -1;
	d->queue_tail = &d->queue;
	d->done_tail = &d->done;
	/* our address toward the gateway: a connected socket's own */
	probe = pmp_udp_open(c->gateway, 1900);
	if (probe < 0 || pmp_udp_local(probe, d->local, &port) != PMP_OK) {
		if (probe >= 0)
			pmp_close(probe);
		free(d);
		return pmp_client_sys_error(c);
	}
	pmp_close(probe);
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
	if (!beside)
		c->fd = d->ssdp_fd;	/* "opened", for the rest of the
					 * client */
	return PMP_OK;
}

static void
close_tcp(pmp_client_t *c)
{
	struct pmp_upnp_drive *d = c->upnp;

	if (d->tcp_fd < 0)
		return;
	pmp_client_fd_changed(c, d->tcp_fd, 0);
	pmp_close(d->tcp_fd);
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
	if (d->notify_fd >= 0) {
		pmp_client_fd_changed(c, d->notify_fd, 0);
		pmp_close(d->notify_fd);
		d->notify_fd = -1;
	}
	pmp_client_fd_changed(c, d->ssdp_fd, 0);
	pmp_close(d->ssdp_fd);
	if (c->fd == d->ssdp_fd)
		c->fd = -1;
	d->ssdp_fd = -1;
}

void
pmp_upnp_free(pmp_client_t *c)
{
	struct pmp_upnp_drive *d = c->upnp;
	pmp_kept_t *k;

	if (d == NULL)
		return;
	while ((k = d->keeper.list) != NULL) {
		d->keeper.list = k->next;
		free(k);
	}
	while ((k = d->gone) != NULL) {
		d->gone = k->next;
		free(k);
	}
	free(d);
	c->upnp = NULL;
}

int
pmp_upnp_submit(pmp_client_t *c, pmp_req_t *r, uint64_t now_ms)
{
	if (!pmp_upnp_can(r))
		return PMP_EUNSUPPORTED;
	r->submitted_ms = now_ms;
	append(&c->upnp->queue_tail, r);
	return PMP_OK;
}

static void
start(pmp_client_t *c, pmp_req_t *r, uint64_t now_ms)
{
	struct pmp_upnp_drive *d = c->upnp;
	pmp_mapper_t *m = &d->mapper;

	pmp_upnp_mapper_op(r, &d->made, d->local_text, m);
	/* its exchanges begin: from now on the IGD may hold what it asks
	 * (a kept mapping's stop then owes a delete, core/keeper.c) */
	r->attempts = 1;
	/* once per IGD (found again after a restart): what pmp probe shows */
	m->want_status = !d->status_asked && m->op != PMP_MAPPER_UNMAP;
	d->busy = 1;
	if (pmp_mapper_start(m, &d->control, &c->rng, now_ms) != PMP_OK) {
		m->done = 1;
		m->status = PMP_EINVAL;
	}
}

/* The current request is over: the caller's to the done list, a kept
 * mapping's back to the keeper. */
static void
finish(pmp_client_t *c, int status, uint64_t now_ms)
{
	struct pmp_upnp_drive *d = c->upnp;
	pmp_req_t *r = d->queue;
	pmp_kept_t *k;

	d->queue = r->next;
	if (d->queue == NULL)
		d->queue_tail = &d->queue;
	r->next = NULL;
	d->busy = 0;
	if (d->mapper.want_status && d->mapper.connection[0] != '\0') {
		d->status_asked = 1;
		memcpy(d->igd_status, d->mapper.connection,
		    sizeof(d->igd_status));
	}
	pmp_upnp_result(r, &d->mapper, status, c->gateway, d->local,
	    &d->made);
	r->result.elapsed_ms = now_ms - r->submitted_ms;
	if (r == &d->probe) {
		d->probe_state = status == PMP_OK ? PMP_UPNP_PROBE_OK :
		    PMP_UPNP_PROBE_FAILED;
		return;
	}
	if (!r->embedded) {
		append(&d->done_tail, r);
		return;
	}
	k = pmp_keeper_done(&d->keeper, r, now_ms);
	if (k != NULL) {
		k->next = d->gone;
		d->gone = k;
	}
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
	long n = pmp_send(d->tcp_fd, o->data, o->len);

	if (n > 0)
		pmp_control_wrote(&d->control, (size_t)n, now_ms);
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
		pmp_control_read(&d->control, NULL, 0, now_ms);	/* reset */
		return;
	}
	/* wait for writable before the rest */
	d->want_write = n < 0 || (size_t)n < o->len;
}

/*
 * The IGD's BOOTID.UPNP.ORG, from a search answer or a NOTIFY: UDA 1.1
 * §1.2 has a device raise it each time it boots, so a new one is a
 * restart: its mappings may be gone (miniupnpd keeps them only with a
 * lease file), its HTTP port may have moved.  The keeper re-creates.
 */
static void
boot_seen(struct pmp_upnp_drive *d, uint32_t bootid)
{
	if (d->have_bootid && bootid != d->bootid) {
		d->restarts++;
		d->status_asked = 0;
		pmp_control_forget(&d->control);
	}
	d->have_bootid = 1;
	d->bootid = bootid;
}

/* Run the machine until it waits on the network or the clock. */
static void
pump(pmp_client_t *c, uint64_t now_ms)
{
	struct pmp_upnp_drive *d = c->upnp;
	pmp_control_out_t o;
	int guard;

	for (guard = 0; guard < 1000; guard++) {
		pmp_req_t *r;

		if (pmp_keeper_deadline(&d->keeper) <= now_ms)
			pmp_keeper_run(&d->keeper, now_ms);
		r = d->queue;
		if (r == NULL)
			return;
		if (!d->busy)
			start(c, r, now_ms);
		if (d->mapper.done) {
			finish(c, d->mapper.status, now_ms);
			continue;
		}
		if (r->deadline_ms != 0 && now_ms >= r->deadline_ms) {
			close_tcp(c);
			pmp_control_abort(&d->control);
			finish(c, PMP_ETIMEDOUT, now_ms);
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
			if (d->control.have_igd && d->control.has_bootid)
				boot_seen(d, d->control.bootid);
			pmp_mapper_advance(&d->mapper, &d->control, now_ms);
			break;
		}
	}
}

void
pmp_upnp_deliver_later(pmp_client_t *c, pmp_req_t *r)
{
	append(&c->upnp->done_tail, r);
}

void
pmp_upnp_flush(pmp_client_t *c, uint64_t now_ms)
{
	pump(c, now_ms);
}

/* The search socket's error queue, emptied: the gateway's port 1900
 * closed ends the search early. */
static void
refusals(pmp_client_t *c, uint64_t now_ms)
{
	struct pmp_upnp_drive *d = c->upnp;
	uint8_t to[16];
	uint16_t port;
	int rc, i;

	for (i = 0; i < 64 && (rc = pmp_search_socket_refused(d->ssdp_fd, to,
	    &port)) >= 0; i++)
		if (rc == 1 && port == 1900 && memcmp(to, c->gateway, 16) == 0)
			pmp_control_refused(&d->control, now_ms);
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
		if (len < 0) {
			refusals(c, now);
			break;
		}
		pmp_control_datagram(&d->control, b, (size_t)len < sizeof(b) ?
		    (size_t)len : sizeof(b), src, sport, now);
	}
	for (i = 0; i < 64 && ready_for(d->notify_fd, ready, n, PMP_FD_READ);
	    i++) {
		pmp_ssdp_msg_t msg;

		len = pmp_udp_recv(d->notify_fd, b, sizeof(b), src, &sport);
		if (len < 0)
			break;
		/* the gateway's own, about itself (any of its NTs: each
		 * carries the device's BOOTID) */
		if (memcmp(src, c->gateway, 16) == 0 &&
		    pmp_ssdp_parse(b, (size_t)len < sizeof(b) ? (size_t)len :
		    sizeof(b), &msg) == 0 && msg.kind != PMP_SSDP_ANSWER &&
		    msg.has_bootid)
			boot_seen(d, msg.bootid);
	}
	if (pmp_clock_slept(&c->asleep_ms, pmp_clock_asleep_ms()))
		pmp_keeper_resumed(&d->keeper, now);
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
			long r = pmp_recv(d->tcp_fd, b, sizeof(b));

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
	if (d->notify_fd >= 0) {
		if (n < max) {
			fds[n].fd = d->notify_fd;
			fds[n].events = PMP_FD_READ;
		}
		n++;
	}
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
	uint64_t t = pmp_keeper_deadline(&d->keeper), u;

	if (d->done != NULL || d->gone != NULL)
		return 0;
	if (d->queue != NULL && !d->busy)
		return 0;
	if (d->queue != NULL) {
		u = pmp_control_deadline(&d->control);
		if (d->queue->deadline_ms != 0 && d->queue->deadline_ms < u)
			u = d->queue->deadline_ms;
		if (u < t)
			t = u;
	}
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

/* The caller's requests still queued, one per call; kept mappings' own
 * are dropped (the client is being freed). */
pmp_req_t *
pmp_upnp_take_queued(pmp_client_t *c)
{
	struct pmp_upnp_drive *d = c->upnp;
	pmp_req_t *r;

	while ((r = d->queue) != NULL) {
		d->queue = r->next;
		if (d->queue == NULL)
			d->queue_tail = &d->queue;
		r->next = NULL;
		if (d->busy) {
			d->busy = 0;
			close_tcp(c);
			pmp_control_abort(&d->control);
		}
		if (!r->embedded)
			return r;
	}
	return NULL;
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
	const pmp_keeper_t *kp = &c->upnp->keeper;

	if (pmp_upnp_mapper_address(&c->upnp->mapper, addr))
		return 1;
	if (!kp->have_address)
		return 0;
	memcpy(addr, kp->address, 16);
	return 1;
}

static void
copy_cut(char *out, size_t cap, const char *in)
{
	size_t n = strlen(in);

	if (n >= cap)
		n = cap - 1;
	memcpy(out, in, n);
	out[n] = '\0';
}

int
pmp_upnp_igd_info(pmp_client_t *c, pmp_igd_info_t *info)
{
	const struct pmp_upnp_drive *d = c->upnp;
	const pmp_control_t *k;

	memset(info, 0, sizeof(*info));
	if (d == NULL || !d->control.have_igd)
		return PMP_EAGAIN;
	k = &d->control;
	/* each cut to its field (UDA 1.1 asks under 64 characters of
	 * these names; a longer one is a router's oddity): for people */
	copy_cut(info->friendly_name, sizeof(info->friendly_name),
	    k->desc.friendly_name);
	copy_cut(info->manufacturer, sizeof(info->manufacturer),
	    k->desc.manufacturer);
	copy_cut(info->model_name, sizeof(info->model_name),
	    k->desc.model_name);
	copy_cut(info->service_type, sizeof(info->service_type),
	    k->service_type);
	copy_cut(info->location, sizeof(info->location), k->location);
	copy_cut(info->status, sizeof(info->status), d->igd_status);
	copy_cut(info->reason, sizeof(info->reason), k->reason);
	return PMP_OK;
}
