/*
 * engine.c - the request engine: queue, transactions, retransmission,
 * matching, deadlines, cancel (see engine.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "engine.h"

void
pmp_engine_init(pmp_engine_t *e, const pmp_proto_t *proto,
    const pmp_rng_t *rng, const uint8_t gateway[16], uint16_t port)
{
	memset(e, 0, sizeof(*e));
	e->proto = proto;
	e->rng = rng;
	memcpy(e->gateway, gateway, 16);
	e->port = port;
	e->done_tail = &e->done;
	e->queue_tail = &e->queue;
}

void
pmp_engine_set_local(pmp_engine_t *e, const uint8_t local[16],
    uint16_t local_port)
{
	memcpy(e->local, local, 16);
	e->local_port = local_port;
}

int
pmp_engine_submit(pmp_engine_t *e, pmp_req_t *r, uint64_t now_ms)
{
	if ((r->flags & ~e->proto->map_flags) != 0 ||
	    r->nfilters > e->proto->max_filters ||
	    (r->op == PMP_OP_UNMAP_ALL && !e->proto->unmap_all))
		return PMP_EUNSUPPORTED;
	if (r->op == PMP_OP_PUBLIC_ADDRESS &&
	    e->proto->address_probe_lifetime != 0) {
		/* RFC 6887 §11.6: no address request; a short mapping of a
		 * port that is ours and harmless (the request socket's own,
		 * connected to the gateway, so nothing from outside reaches
		 * it), whose answer names the address. */
		r->protocol = PMP_PROTO_UDP;
		r->private_port = e->local_port;
		r->lifetime = e->proto->address_probe_lifetime;
	}
	if (e->proto->nonce_len > 0 && !r->nonce_set) {
		int rc = pmp_rng_bytes(e->rng, r->nonce, e->proto->nonce_len);

		if (rc != PMP_OK)
			return rc;
		r->nonce_set = 1;
	}
	r->next = NULL;
	r->attempts = 0;
	r->submitted_ms = now_ms;
	memset(&r->result, 0, sizeof(r->result));
	*e->queue_tail = r;
	e->queue_tail = &r->next;
	e->queued++;
	if (r->deadline_ms != 0)
		e->with_deadline++;
	return PMP_OK;
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
			e->queued--;
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
	res->method = r->attempts > 0 ? e->proto->method : PMP_METHOD_NONE;
	memcpy(res->gateway, e->gateway, 16);
	if (r->op != PMP_OP_PUBLIC_ADDRESS && res->private_port == 0)
		res->private_port = r->private_port;
	if (r->op != PMP_OP_PUBLIC_ADDRESS)
		memcpy(res->private_address, (r->flags & PMP_MAP_THIRD_PARTY) ?
		    r->third_party : e->local, 16);
	res->attempts = r->attempts;
	res->elapsed_ms = now_ms - r->submitted_ms;
	*e->done_tail = r;
	e->done_tail = &r->next;
}

/* r's answer m arrived: the result, and the address the gateway named. */
static void
complete(pmp_engine_t *e, pmp_req_t *r, const pmp_reply_t *m,
    uint64_t now_ms)
{
	pmp_result_t *res = &r->result;
	uint8_t addr[16];
	int named = 0, status;

	if (m->has_epoch)
		res->epoch = m->epoch;
	status = e->proto->complete(r, m, &named, addr);
	if (named) {
		memcpy(e->public_addr, addr, 16);
		e->have_public = 1;
	} else if (r->op == PMP_OP_MAP && res->result_code == 0 &&
	    e->have_public) {
		/* An answer that names no address (RFC 6886 §3.3): give the
		 * one this gateway reported last. */
		memcpy(res->public_address, e->public_addr, 16);
	}
	finish(e, r, status, now_ms);
}

int
pmp_engine_input(pmp_engine_t *e, const uint8_t *b, size_t n,
    const uint8_t src[16], uint16_t sport, uint64_t now_ms)
{
	pmp_reply_t m;
	pmp_req_t *r;
	unsigned i;

	/* RFC 6886 §3.2/§3.3, RFC 6887 §8.3: a packet that does not come
	 * from the gateway the request went to is silently discarded; the
	 * port too (D-3). */
	if (memcmp(src, e->gateway, 16) != 0 || sport != e->port ||
	    e->proto->parse(b, n, &m) != 0) {
		e->ignored++;
		return 0;
	}
	/* Every packet from the gateway feeds the epoch rule. */
	if (m.has_epoch)
		(void)pmp_engine_note_epoch(e, m.epoch, now_ms);
	for (r = e->queue, i = 0; r != NULL && i < e->proto->max_in_flight;
	    r = r->next, i++) {
		if (r->attempts > 0 && e->proto->answers(r, &m)) {
			complete(e, r, &m, now_ms);
			return 1;
		}
	}
	e->ignored++;	/* late, duplicate or stale */
	return 0;
}

int
pmp_engine_update(pmp_engine_t *e, pmp_req_t *r, const uint8_t *b,
    size_t n, const uint8_t src[16], uint16_t sport, uint64_t now_ms)
{
	pmp_reply_t m;

	if (!e->proto->mapping_updates || !r->nonce_set ||
	    (r->op != PMP_OP_MAP && r->op != PMP_OP_PEER) ||
	    memcmp(src, e->gateway, 16) != 0 || sport != e->port ||
	    e->proto->parse(b, n, &m) != 0 || !m.has_epoch ||
	    !e->proto->answers(r, &m))
		return 0;	/* (an update is a full answer, with its epoch:
				 * never a NAT-PMP server's short refusal) */
	/* (pmp_engine_input() fed its epoch already) */
	memset(&r->result, 0, sizeof(r->result));
	r->next = NULL;
	complete(e, r, &m, now_ms);
	return 1;
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

/* base moved by a random +-jitter_pct percent (RFC 6887 §8.1.1 RAND). */
static uint32_t
jittered(const pmp_engine_t *e, uint32_t base)
{
	unsigned pct = e->proto->schedule.jitter_pct;
	uint64_t span, x;

	if (pct == 0)
		return base;
	span = (uint64_t)base * pct / 100;
	x = pmp_rng_upto(e->rng, (uint32_t)(span * 2));
	return (uint32_t)(base - span + x);
}

/* The wait after the next send: IRT first, then doubled up to MRT. */
static uint32_t
next_rto(const pmp_engine_t *e, const pmp_req_t *r)
{
	const pmp_schedule_t *s = &e->proto->schedule;
	uint64_t rto;

	if (r->attempts == 1)
		return jittered(e, s->irt_ms);
	rto = (uint64_t)r->rto_ms * 2;
	if (s->mrt_ms != 0 && rto > s->mrt_ms)
		rto = s->mrt_ms;
	return jittered(e, rto > UINT32_MAX ? UINT32_MAX : (uint32_t)rto);
}

/*
 * RFC 6887 §11.2.1: a renewal that gets no answer is tried again halfway
 * to the mapping's expiry each time (at 3/4, 7/8, ... of the lifetime for
 * one sent at 1/2), never less than 4 s apart; once the mapping has run
 * out, the creation schedule from IRT (PROTOCOL.md D-10).
 */
static void
renewal_schedule(const pmp_engine_t *e, pmp_req_t *r, uint64_t now_ms)
{
	uint64_t half;

	if (!e->proto->keep.renew_halfway || r->valid_until_ms == 0)
		return;
	if (now_ms >= r->valid_until_ms) {
		/* past the mapping's end: from IRT again, once */
		r->valid_until_ms = 0;
		r->rto_ms = jittered(e, e->proto->schedule.irt_ms);
		r->next_ms = now_ms + r->rto_ms;
		return;
	}
	half = (r->valid_until_ms - now_ms) / 2;
	if (half < PMP_RENEW_MIN_GAP_MS)
		half = PMP_RENEW_MIN_GAP_MS;
	r->rto_ms = half > UINT32_MAX ? UINT32_MAX : (uint32_t)half;
	r->next_ms = now_ms + r->rto_ms;
}

size_t
pmp_engine_output(pmp_engine_t *e, uint64_t now_ms, uint8_t *b, size_t cap,
    pmp_req_t **sent)
{
	const pmp_schedule_t *s = &e->proto->schedule;
	pmp_req_t *r;
	unsigned i;
	size_t n;

	*sent = NULL;
	expire_deadlines(e, now_ms);
again:
	/* The first max_in_flight requests may be on the wire (NAT-PMP:
	 * one, RFC 6886 §3.1: the next goes out only when the previous one
	 * has finished). */
	for (r = e->queue, i = 0; r != NULL && i < e->proto->max_in_flight;
	    r = r->next, i++) {
		if (r->attempts == 0) {
			r->attempts = 1;
			r->rto_ms = next_rto(e, r);
			r->next_ms = now_ms + r->rto_ms;
		} else if (now_ms < r->next_ms) {
			continue;
		} else if (s->mrd_ms != 0 && r->deadline_ms == 0 &&
		    now_ms >= r->submitted_ms + s->mrd_ms) {
			/* (a caller's deadline, when there is one, rules) */
			finish(e, r, PMP_ENOSUPPORT, now_ms);
			goto again;
		} else if (s->mrc != 0 && r->attempts >= s->mrc) {
			/* RFC 6886 §3.1: after the ninth attempt and 64 s
			 * more, the gateway "does not support NAT-PMP".
			 * What is queued behind would meet the same silence:
			 * end it too rather than make the caller wait the
			 * whole schedule each time. */
			if (s->give_up_all) {
				while (e->queue != NULL)
					finish(e, e->queue, PMP_ENOSUPPORT,
					    now_ms);
				return 0;
			}
			finish(e, r, PMP_ENOSUPPORT, now_ms);
			goto again;
		} else {
			/* Schedule from the planned instant, not from now,
			 * so that a late wake-up does not shift later
			 * sends. */
			r->attempts++;
			r->rto_ms = next_rto(e, r);
			r->next_ms += r->rto_ms;
		}
		renewal_schedule(e, r, now_ms);
		if (s->mrd_ms != 0 && r->deadline_ms == 0 &&
		    r->next_ms > r->submitted_ms + s->mrd_ms)
			r->next_ms = r->submitted_ms + s->mrd_ms;
		n = e->proto->encode(r, e->local, b, cap);
		if (n == 0) {
			finish(e, r, PMP_EINVAL, now_ms);
			goto again;
		}
		*sent = r;
		return n;
	}
	return 0;
}

uint64_t
pmp_engine_deadline(const pmp_engine_t *e)
{
	uint64_t d = PMP_NO_DEADLINE;
	const pmp_req_t *r;
	unsigned i;

	if (e->done != NULL)
		return 0;
	for (r = e->queue, i = 0; r != NULL && i < e->proto->max_in_flight;
	    r = r->next, i++) {
		uint64_t t = r->attempts == 0 ? 0 : r->next_ms;

		if (t < d)
			d = t;
	}
	if (e->with_deadline == 0)
		return d;
	for (r = e->queue; r != NULL; r = r->next)
		if (r->deadline_ms != 0 && r->deadline_ms < d)
			d = r->deadline_ms;
	return d;
}

void
pmp_engine_fail_inflight(pmp_engine_t *e, int status, uint64_t now_ms)
{
	pmp_req_t *r, *next;
	unsigned i, window = e->proto->max_in_flight;

	for (r = e->queue, i = 0; r != NULL && i < window; r = next, i++) {
		next = r->next;
		if (r->attempts > 0)
			finish(e, r, status, now_ms);
	}
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

pmp_req_t *
pmp_engine_take_queued(pmp_engine_t *e)
{
	pmp_req_t *r = e->queue;

	if (r != NULL)
		unlink_req(e, r);
	return r;
}

int
pmp_engine_note_epoch(pmp_engine_t *e, uint32_t epoch, uint64_t now_ms)
{
	if (e->proto->epoch_update(&e->epoch, epoch, now_ms))
		return 1;
	e->state_losses++;
	return 0;
}

void
pmp_engine_note_address(pmp_engine_t *e, const uint8_t addr[16])
{
	memcpy(e->public_addr, addr, 16);
	e->have_public = 1;
}

void
pmp_engine_kick(pmp_engine_t *e, uint64_t now_ms)
{
	pmp_req_t *r;
	unsigned i;

	(void)now_ms;	/* the next pmp_engine_output() call sends them */
	for (r = e->queue, i = 0; r != NULL && i < e->proto->max_in_flight;
	    r = r->next, i++)
		if (r->attempts > 1)
			r->attempts = 0;
}

unsigned
pmp_engine_pending(const pmp_engine_t *e)
{
	return e->queued;
}
