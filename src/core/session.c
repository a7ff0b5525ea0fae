/*
 * session.c - one protocol's engine and keeper toward one gateway (see
 * session.h).  The keeper sits above the engine; the session is the only
 * place a finished request is routed: to its kept mapping, or to the
 * caller.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "session.h"

void
pmp_session_init(pmp_session_t *s, const pmp_proto_t *proto,
    const pmp_rng_t *rng, const uint8_t gateway[16], uint16_t port,
    pmp_keeper_emit_fn emit, void *ctx)
{
	memset(s, 0, sizeof(*s));
	pmp_engine_init(&s->engine, proto, rng, gateway, port);
	pmp_keeper_init(&s->keeper, &s->engine, emit, ctx);
	pmp_negotiate_init(&s->negotiate, NULL);
	s->done_tail = &s->done;
}

void
pmp_session_set_local(pmp_session_t *s, const uint8_t local[16],
    uint16_t local_port)
{
	pmp_engine_set_local(&s->engine, local, local_port);
}

int
pmp_session_submit(pmp_session_t *s, pmp_req_t *r, uint64_t now_ms)
{
	return pmp_engine_submit(&s->engine, r, now_ms);
}

static void fall_back(pmp_session_t *s, pmp_req_t *first, uint64_t now_ms);

void
pmp_session_input(pmp_session_t *s, const uint8_t *b, size_t n,
    const uint8_t src[16], uint16_t sport, uint64_t now_ms)
{
	const pmp_proto_t *before = s->engine.proto;
	pmp_announce_t a;

	if (pmp_engine_input(&s->engine, b, n, src, sport, now_ms)) {
		/* the protocol answered: it is the gateway's */
		if (s->engine.proto == before)
			pmp_negotiate_settle(&s->negotiate);
		return;
	}
	if (pmp_keeper_update(&s->keeper, b, n, src, sport, now_ms))
		return;		/* the gateway moved a kept mapping */
	if (s->fallback == NULL || memcmp(src, s->engine.gateway, 16) != 0 ||
	    sport != s->engine.port ||
	    !pmp_negotiate_input(&s->negotiate, b, n, sport, &a))
		return;
	/* Silent to the newer protocol, answering the older: use it. */
	fall_back(s, NULL, now_ms);
	if (a.has_epoch)
		(void)pmp_engine_note_epoch(&s->engine, a.epoch, now_ms);
	if (a.has_address)
		pmp_engine_note_address(&s->engine, a.address);
}

void
pmp_session_announcement(pmp_session_t *s, const uint8_t *b, size_t n,
    const uint8_t src[16], uint16_t sport, uint64_t now_ms)
{
	pmp_announce_t a;

	if (s->fallback == NULL) {
		pmp_keeper_announcement(&s->keeper, b, n, src, sport, now_ms);
		return;
	}
	/* With an older protocol to fall back to (auto): its announcement
	 * (NAT-PMP's address, which dual gateways send beside PCP's
	 * ANNOUNCE) still names the address; its epoch is the other
	 * protocol's and is never fed to this one's rule (D-8). */
	if (memcmp(src, s->engine.gateway, 16) != 0)
		return;
	s->engine.proto->announcement(b, n, sport, &a);
	if (a.kind == PMP_ANNOUNCE_NONE) {
		s->fallback->announcement(b, n, sport, &a);
		if (a.kind != PMP_ANNOUNCE_ADDRESS || !a.has_address)
			return;
		a.has_epoch = 0;
	}
	pmp_keeper_announced(&s->keeper, &a, now_ms);
}

void
pmp_session_set_fallback(pmp_session_t *s, const pmp_proto_t *proto)
{
	s->fallback = proto;
	s->preferred = proto != NULL ? s->engine.proto : NULL;
	pmp_negotiate_init(&s->negotiate, proto);
}

const pmp_proto_t *
pmp_session_proto(const pmp_session_t *s)
{
	return s->engine.proto;
}

static void
append(pmp_req_t ***tail, pmp_req_t *r)
{
	r->next = NULL;
	**tail = r;
	*tail = &r->next;
}

/*
 * A fresh engine and keeper of proto, with older to fall back to (or
 * NULL): every caller's request not yet finished (and first, which an
 * answer ended) is submitted again; every kept mapping is taken over (what
 * was granted stands; requests out ask again); one being deleted is deleted
 * again, which costs nothing (its gateway forgot it, or never granted it
 * through this protocol) and gives its DELETED event as promised.
 */
static void
switch_protocol(pmp_session_t *s, const pmp_proto_t *proto,
    const pmp_proto_t *older, pmp_req_t *first, uint64_t now_ms)
{
	pmp_req_t *redo = NULL, **rt = &redo, *r;
	pmp_keeper_t old = s->keeper;
	pmp_kept_t *k;
	const pmp_rng_t *rng = s->engine.rng;
	uint8_t gw[16], local[16];
	uint16_t port = s->engine.port, local_port = s->engine.local_port;

	memcpy(gw, s->engine.gateway, 16);
	memcpy(local, s->engine.local, 16);
	if (first != NULL && !first->embedded)
		append(&rt, first);
	while ((r = pmp_engine_take_done(&s->engine)) != NULL) {
		if (r->embedded)
			continue;
		if (r->result.status == PMP_STATUS_FALLBACK)
			append(&rt, r);
		else
			append(&s->done_tail, r);
	}
	while ((r = pmp_engine_take_queued(&s->engine)) != NULL)
		if (!r->embedded)
			append(&rt, r);
	pmp_engine_init(&s->engine, proto, rng, gw, port);
	pmp_engine_set_local(&s->engine, local, local_port);
	pmp_keeper_init(&s->keeper, &s->engine, old.emit, old.ctx);
	s->fallback = older;
	pmp_negotiate_init(&s->negotiate, older);
	s->cleanup_busy = 0;	/* the old engine's, gone with it */
	while ((r = redo) != NULL) {
		int rc;

		redo = r->next;
		/* A nonce the caller gave stays (NAT-PMP ignores it); one
		 * drawn for the other protocol is not kept. */
		if (!(r->flags & PMP_MAP_NONCE))
			r->nonce_set = 0;
		rc = pmp_engine_submit(&s->engine, r, r->submitted_ms);
		if (rc != PMP_OK) {
			/* what this protocol cannot say, or no randomness */
			memset(&r->result, 0, sizeof(r->result));
			r->result.status = rc;
			r->result.request_id = r->id;
			r->result.op = r->op;
			r->result.protocol = r->protocol;
			r->result.private_port = r->private_port;
			memcpy(r->result.gateway, gw, 16);
			append(&s->done_tail, r);
		}
	}
	pmp_keeper_take_over(&s->keeper, &old, now_ms);
	while ((k = old.list) != NULL) {
		old.list = k->next;
		k->granted_ever = 0;
		k->outcome_unknown = 0;
		pmp_keeper_add(&s->keeper, k, now_ms);
		(void)pmp_session_keep_stop(s, k->id, now_ms);
	}
}

/* The server speaks only s->fallback's protocol (RFC 6887 §9). */
static void
fall_back(pmp_session_t *s, pmp_req_t *first, uint64_t now_ms)
{
	switch_protocol(s, s->fallback, NULL, first, now_ms);
}

/*
 * Fallen back to the older protocol, the gateway restarted (its epoch
 * said so): it may have been upgraded, so the choice is made again, the
 * newer protocol first (RFC 6887 App. A).  The keeper has seen the
 * restart first: its event is out and its re-creation cycle, after the
 * random 0-5 s (RFC 6887 §8.5, RFC 6886 §3.7), is taken over as it is.
 */
static void
renegotiate_after_restart(pmp_session_t *s, uint64_t now_ms)
{
	if (s->preferred == NULL || s->engine.proto == s->preferred ||
	    s->engine.state_losses == 0)
		return;
	pmp_keeper_run(&s->keeper, now_ms);
	switch_protocol(s, s->preferred, s->engine.proto, NULL, now_ms);
}

/*
 * An address request left a short mapping of our own port (RFC 6887
 * §11.6): delete it now, with its nonce, briefly (if this is lost it
 * expires by itself within the probe's lifetime).
 */
static void
delete_probe_mapping(pmp_session_t *s, const pmp_req_t *r, uint64_t now_ms)
{
	pmp_req_t *d = &s->cleanup;

	if (s->cleanup_busy)
		return;
	memset(d, 0, sizeof(*d));
	d->id = PMP_ID_CLEANUP;
	d->embedded = 1;
	d->op = PMP_OP_UNMAP;
	d->protocol = r->protocol;
	d->private_port = r->private_port;
	memcpy(d->nonce, r->nonce, sizeof(d->nonce));
	d->nonce_set = 1;
	d->deadline_ms = now_ms +
	    (uint64_t)2 * s->engine.proto->schedule.irt_ms;
	if (pmp_engine_submit(&s->engine, d, now_ms) == PMP_OK)
		s->cleanup_busy = 1;
}

/* Finished requests: kept mappings' own to the keeper, the caller's to
 * the done list. */
static void
route(pmp_session_t *s, uint64_t now_ms)
{
	pmp_req_t *r;
	pmp_kept_t *k;

	while ((r = pmp_engine_take_done(&s->engine)) != NULL) {
		if (r == &s->cleanup) {
			s->cleanup_busy = 0;
			continue;
		}
		if (r->result.status == PMP_STATUS_FALLBACK) {
			if (s->fallback != NULL) {
				fall_back(s, r, now_ms);
				continue;
			}
			r->result.status = PMP_EGATEWAY;
		}
		if (r->leaves_mapping) {
			r->leaves_mapping = 0;
			delete_probe_mapping(s, r, now_ms);
		}
		if (!r->embedded) {
			*s->done_tail = r;
			s->done_tail = &r->next;
			continue;
		}
		k = pmp_keeper_done(&s->keeper, r, now_ms);
		if (k != NULL) {
			k->next = s->gone;
			s->gone = k;
		}
	}
}

size_t
pmp_session_output(pmp_session_t *s, uint64_t now_ms, uint8_t *b,
    size_t cap, pmp_req_t **sent)
{
	size_t n;

	/* Each round either sends, or finishes requests (which the next
	 * round routes, and the keeper may follow with new ones), or ends:
	 * the keeper's run leaves nothing of its own due at now_ms. */
	for (;;) {
		route(s, now_ms);
		renegotiate_after_restart(s, now_ms);
		pmp_keeper_run(&s->keeper, now_ms);
		n = pmp_engine_output(&s->engine, now_ms, b, cap, sent);
		if (n > 0) {
			pmp_negotiate_sent(&s->negotiate,
			    s->engine.proto->schedule.irt_ms, now_ms);
			return n;
		}
		if (s->engine.done == NULL)
			break;
	}
	/* With nothing of its own to retransmit, the newer protocol's
	 * silence is still probed (only while something waits on it). */
	if (s->engine.queue == NULL)
		return 0;
	return pmp_negotiate_output(&s->negotiate, now_ms, s->engine.local,
	    b, cap, sent);
}

uint64_t
pmp_session_deadline(const pmp_session_t *s)
{
	uint64_t d = pmp_engine_deadline(&s->engine);
	uint64_t k = pmp_keeper_deadline(&s->keeper);
	uint64_t p = s->engine.queue != NULL ?
	    pmp_negotiate_deadline(&s->negotiate) : PMP_NO_DEADLINE;

	if (s->done != NULL)
		return 0;
	if (p < d)
		d = p;
	return k < d ? k : d;
}

void
pmp_session_fail_inflight(pmp_session_t *s, int status, uint64_t now_ms)
{
	pmp_engine_fail_inflight(&s->engine, status, now_ms);
}

pmp_req_t *
pmp_session_take_done(pmp_session_t *s)
{
	pmp_req_t *r = s->done;

	if (r == NULL)
		return NULL;
	s->done = r->next;
	if (s->done == NULL)
		s->done_tail = &s->done;
	r->next = NULL;
	return r;
}

pmp_kept_t *
pmp_session_take_gone(pmp_session_t *s)
{
	pmp_kept_t *k = s->gone;

	if (k != NULL) {
		s->gone = k->next;
		k->next = NULL;
	}
	return k;
}

pmp_req_t *
pmp_session_cancel(pmp_session_t *s, unsigned id)
{
	pmp_req_t *r, **pp;

	r = pmp_engine_cancel(&s->engine, id);
	if (r != NULL) {
		if (r->embedded) {
			/* Not the caller's: a kept mapping's ids are apart,
			 * so this cannot happen; put nothing back wrong. */
			return NULL;
		}
		return r;
	}
	for (pp = &s->done; *pp != NULL; pp = &(*pp)->next) {
		r = *pp;
		if (r->id == id) {
			*pp = r->next;
			if (s->done_tail == &r->next)
				s->done_tail = pp;
			r->next = NULL;
			return r;
		}
	}
	return NULL;
}

pmp_req_t *
pmp_session_take_queued(pmp_session_t *s)
{
	pmp_req_t *r;

	/* Finished but not routed yet: the caller's join the done list
	 * (their results stand), kept mappings' own are dropped. */
	while ((r = pmp_engine_take_done(&s->engine)) != NULL) {
		if (!r->embedded) {
			*s->done_tail = r;
			s->done_tail = &r->next;
		}
	}
	while ((r = pmp_engine_take_queued(&s->engine)) != NULL)
		if (!r->embedded)
			return r;
	return NULL;
}

void
pmp_session_keep(pmp_session_t *s, pmp_kept_t *k, uint64_t now_ms)
{
	pmp_keeper_add(&s->keeper, k, now_ms);
}

int
pmp_session_keep_stop(pmp_session_t *s, unsigned keep_id, uint64_t now_ms)
{
	pmp_kept_t *freed;
	int rc = pmp_keeper_stop(&s->keeper, keep_id, now_ms, &freed);

	if (freed != NULL) {
		freed->next = s->gone;
		s->gone = freed;
	}
	return rc;
}

void
pmp_session_resumed(pmp_session_t *s, uint64_t now_ms)
{
	pmp_keeper_resumed(&s->keeper, now_ms);
}

unsigned
pmp_session_keep_count(const pmp_session_t *s)
{
	return pmp_keeper_count(&s->keeper);
}

pmp_kept_t *
pmp_session_take_kept(pmp_session_t *s)
{
	pmp_kept_t *k = s->keeper.list;

	if (k != NULL) {
		s->keeper.list = k->next;
		k->next = NULL;
	}
	return k;
}

unsigned
pmp_session_pending(const pmp_session_t *s)
{
	return pmp_engine_pending(&s->engine);
}

int
pmp_session_public_address(const pmp_session_t *s, uint8_t addr[16])
{
	if (!s->engine.have_public)
		return 0;
	memcpy(addr, s->engine.public_addr, 16);
	return 1;
}

int
pmp_session_heard(const pmp_session_t *s)
{
	return s->engine.epoch.valid ||
	    (s->preferred != NULL && s->engine.proto != s->preferred);
}
