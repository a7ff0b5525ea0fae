/*
 * engine.c - the NAT-PMP request engine: queue, retransmission, matching.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "addr.h"
#include "engine.h"
#include "wire.h"

void
pmp_engine_init(pmp_engine_t *e, const uint8_t gateway[16], uint16_t port)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->gateway, gateway, 16);
	e->port = port;
	e->done_tail = &e->done;
	e->queue_tail = &e->queue;
}

void
pmp_engine_submit(pmp_engine_t *e, pmp_req_t *r, uint64_t now_ms)
{
	r->next = NULL;
	r->attempts = 0;
	r->submitted_ms = now_ms;
	memset(&r->result, 0, sizeof(r->result));
	*e->queue_tail = r;
	e->queue_tail = &r->next;
	if (r->deadline_ms != 0)
		e->with_deadline++;
}

static uint8_t
wire_opcode(const pmp_req_t *r)
{
	if (r->op == PMP_OP_PUBLIC_ADDRESS)
		return PMP_WIRE_OP_ADDR;
	return r->protocol == PMP_PROTO_UDP ? PMP_WIRE_OP_UDP :
	    PMP_WIRE_OP_TCP;
}

static void
unlink_req(pmp_engine_t *e, pmp_req_t *r)
{
	pmp_req_t **pp;

	/* Almost always the head (answered, given up): O(1) then. */
	for (pp = &e->queue; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			if (e->queue_tail == &r->next)
				e->queue_tail = pp;
			r->next = NULL;
			if (r->deadline_ms != 0)
				e->with_deadline--;
			return;
		}
	}
}

/* Move r from the queue to the done list with the given status. */
static void
finish(pmp_engine_t *e, pmp_req_t *r, int status, uint64_t now_ms)
{
	pmp_result_t *res = &r->result;

	unlink_req(e, r);
	res->status = status;
	res->request_id = r->id;
	res->op = r->op;
	res->protocol = r->op == PMP_OP_PUBLIC_ADDRESS ? 0 : r->protocol;
	memcpy(res->gateway, e->gateway, 16);
	if (r->op != PMP_OP_PUBLIC_ADDRESS && res->private_port == 0)
		res->private_port = r->private_port;
	res->attempts = r->attempts;
	res->elapsed_ms = now_ms - r->submitted_ms;
	*e->done_tail = r;
	e->done_tail = &r->next;
}

/*
 * Does m answer r?  RFC 6886 has no transaction id: a response is matched
 * by opcode (§3.3 "the 'x' in the OP field MUST match") and, for mappings,
 * by the internal port the gateway MUST echo (§3.5).
 */
static int
answers(const pmp_req_t *r, const pmp_wire_resp_t *m)
{
	uint8_t op = wire_opcode(r);
	uint16_t port = r->op == PMP_OP_UNMAP_ALL ? 0 : r->private_port;

	/* D-1: "unsupported version" arrives with opcode 0 (RFC text), 128
	 * (EID 3618) or 128 + op (miniupnpd); any of them ends the request,
	 * any other opcode answers something else. */
	if (m->form == PMP_FORM_SHORT && m->result == 1)
		return m->opcode == 0 || m->opcode == PMP_WIRE_RESPONSE ||
		    m->opcode == PMP_WIRE_RESPONSE + op;
	if (m->opcode != PMP_WIRE_RESPONSE + op)	/* */
		return 0;
	if (m->form == PMP_FORM_SHORT)		/* result 5, miniupnpd form */
		return 1;
	if (op != PMP_WIRE_OP_ADDR && m->private_port != port)	/* */
		return 0;
	/* A-20 / D-11: while a delete is pending, a success that still
	 * carries a port or a lifetime is a late answer to an earlier
	 * create of the same port, not the delete's answer. */
	if ((r->op == PMP_OP_UNMAP || r->op == PMP_OP_UNMAP_ALL) &&
	    m->result == 0 && (m->lifetime != 0 || m->public_port != 0))
		return 0;
	return 1;
}

static int
complete_status(pmp_engine_t *e, pmp_req_t *r, const pmp_wire_resp_t *m)
{
	pmp_result_t *res = &r->result;

	res->result_code = m->result;
	if (m->has_epoch)
		res->epoch = m->epoch;
	if (m->result != 0)
		return PMP_EGATEWAY;
	switch (r->op) {
	case PMP_OP_PUBLIC_ADDRESS:
		pmp_addr_from_v4(res->public_address, m->public_addr);
		/* 0.0.0.0 is no address (libnatpmp PR #16). */
		if (memcmp(m->public_addr, "\0\0\0\0", 4) == 0)
			return PMP_ENOADDR;
		memcpy(e->public_addr, res->public_address, 16);
		e->have_public = 1;
		return PMP_OK;
	case PMP_OP_MAP:
		/* A mapping answer names no address (§3.3): give the one
		 * this gateway reported last, if any. */
		if (e->have_public)
			memcpy(res->public_address, e->public_addr, 16);
		res->private_port = m->private_port;
		res->public_port = m->public_port;
		res->lifetime = m->lifetime;
		/* D-12 / A-24 / A-26: a success with lifetime 0 or port 0
		 * means no mapping was created (§3.5). */
		if (m->lifetime == 0 || m->public_port == 0)
			return PMP_ENOTGRANTED;
		return PMP_OK;
	case PMP_OP_UNMAP:
	case PMP_OP_UNMAP_ALL:
		res->private_port = m->private_port;
		return PMP_OK;
	}
	return PMP_OK;
}

int
pmp_engine_input(pmp_engine_t *e, const uint8_t *b, size_t n,
    const uint8_t src[16], uint16_t sport, uint64_t now_ms)
{
	pmp_wire_resp_t m;
	pmp_req_t *r = e->queue;

	/* §3.2/§3.3: "the client MUST check the source IP address, and
	 * silently discard the packet if the address is not the address of
	 * the gateway to which the request was sent"; the port too (D-3). */
	if (memcmp(src, e->gateway, 16) != 0 || sport != e->port ||
	    pmp_wire_decode_response(b, n, &m) != 0) {
		e->ignored++;
		return 0;
	}
	/* §3.6: every packet from the gateway feeds the epoch check. */
	if (m.has_epoch)
		(void)pmp_engine_note_epoch(e, m.epoch, now_ms);
	if (r == NULL || r->attempts == 0 || !answers(r, &m)) {
		e->ignored++;	/* late, duplicate or stale */
		return 0;
	}
	finish(e, r, complete_status(e, r, &m), now_ms);
	return 1;
}

static size_t
encode(const pmp_req_t *r, uint8_t *b, size_t cap)
{
	pmp_wire_req_t w;

	memset(&w, 0, sizeof(w));
	w.opcode = wire_opcode(r);
	if (r->op == PMP_OP_MAP || r->op == PMP_OP_UNMAP)
		w.private_port = r->private_port;
	if (r->op == PMP_OP_MAP) {
		w.public_port = r->public_port;
		w.lifetime = r->lifetime;
	}
	/* Deletes: suggested port and lifetime 0 (§3.4); delete-all also
	 * has internal port 0. */
	return pmp_wire_encode_request(&w, b, cap);
}

static void
expire_deadlines(pmp_engine_t *e, uint64_t now_ms)
{
	pmp_req_t *r = e->queue, *next;

	if (e->with_deadline == 0)
		return;		/* nothing to scan: large batches stay O(1) */
	for (; r != NULL; r = next) {
		next = r->next;
		if (r->deadline_ms != 0 && now_ms >= r->deadline_ms)
			finish(e, r, PMP_ETIMEDOUT, now_ms);
	}
}

size_t
pmp_engine_output(pmp_engine_t *e, uint64_t now_ms, uint8_t *b, size_t cap,
    pmp_req_t **sent)
{
	pmp_req_t *r;

	*sent = NULL;
	expire_deadlines(e, now_ms);
	while ((r = e->queue) != NULL) {
		if (r->attempts == 0) {
			/* One request at a time (§3.1): the next goes out
			 * only when the previous one has finished. */
			r->attempts = 1;
			r->next_ms = now_ms + PMP_FIRST_RTO_MS;
			*sent = r;
			return encode(r, b, cap);
		}
		if (now_ms < r->next_ms)
			return 0;
		if (r->attempts >= PMP_MAX_ATTEMPTS) {
			/* §3.1: after the ninth attempt and 64 s more, the
			 * gateway "does not support NAT-PMP".  What is queued
			 * behind would meet the same silence: end it too
			 * rather than make the caller wait 127.75 s each. */
			while (e->queue != NULL)
				finish(e, e->queue, PMP_ENOSUPPORT, now_ms);
			return 0;
		}
		/* Schedule from the planned instant, not from now, so that
		 * a late wake-up does not shift later sends. */
		r->attempts++;
		r->next_ms += (uint64_t)PMP_FIRST_RTO_MS << (r->attempts - 1);
		*sent = r;
		return encode(r, b, cap);
	}
	return 0;
}

uint64_t
pmp_engine_deadline(const pmp_engine_t *e)
{
	uint64_t d = PMP_NO_DEADLINE;
	const pmp_req_t *r;

	if (e->done != NULL)
		return 0;
	r = e->queue;
	if (r == NULL)
		return d;
	d = r->attempts == 0 ? 0 : r->next_ms;
	if (e->with_deadline == 0)
		return d;
	for (; r != NULL; r = r->next)
		if (r->deadline_ms != 0 && r->deadline_ms < d)
			d = r->deadline_ms;
	return d;
}

void
pmp_engine_fail_inflight(pmp_engine_t *e, int status, uint64_t now_ms)
{
	if (e->queue != NULL && e->queue->attempts > 0)
		finish(e, e->queue, status, now_ms);
}

pmp_req_t *
pmp_engine_cancel(pmp_engine_t *e, unsigned id)
{
	pmp_req_t *r, **pp;

	for (r = e->queue; r != NULL; r = r->next) {
		if (r->id == id) {
			unlink_req(e, r);
			return r;
		}
	}
	for (pp = &e->done; *pp != NULL; pp = &(*pp)->next) {
		r = *pp;
		if (r->id == id) {
			*pp = r->next;
			if (e->done_tail == &r->next)
				e->done_tail = pp;
			r->next = NULL;
			return r;
		}
	}
	return NULL;
}

pmp_req_t *
pmp_engine_take_done(pmp_engine_t *e)
{
	pmp_req_t *r = e->done;

	if (r == NULL)
		return NULL;
	e->done = r->next;
	if (e->done == NULL)
		e->done_tail = &e->done;
	r->next = NULL;
	return r;
}

int
pmp_engine_note_epoch(pmp_engine_t *e, uint32_t sssoe, uint64_t now_ms)
{
	if (pmp_epoch_update(&e->epoch, sssoe, now_ms))
		return 1;
	e->state_losses++;
	return 0;
}

void
pmp_engine_kick(pmp_engine_t *e, uint64_t now_ms)
{
	pmp_req_t *r = e->queue;

	(void)now_ms;	/* the next pmp_engine_output() call sends it */
	if (r != NULL && r->attempts > 1)
		r->attempts = 0;
}

unsigned
pmp_engine_pending(const pmp_engine_t *e)
{
	unsigned n = 0;
	const pmp_req_t *r;

	for (r = e->queue; r != NULL; r = r->next)
		n++;
	return n;
}
