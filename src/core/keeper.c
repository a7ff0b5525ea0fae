/*
 * keeper.c - kept mappings over any protocol: renewal, restart and
 * address-change recovery, retries (RFC 6886 §3.3, §3.6, §3.7, §3.2.1;
 * the timing comes from the protocol's pmp_keep_policy_t).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "args.h"
#include "keep_check.h"
#include "keep_event.h"
#include "keeper.h"

static int
engine_submit(void *ctx, pmp_req_t *r, uint64_t now_ms)
{
	return pmp_engine_submit(ctx, r, now_ms);
}

static void
engine_cancel(void *ctx, unsigned id)
{
	(void)pmp_engine_cancel(ctx, id);
}

void
pmp_keeper_init_queue(pmp_keeper_t *kp, const pmp_keep_queue_t *q,
    pmp_keeper_emit_fn emit, void *ctx)
{
	memset(kp, 0, sizeof(*kp));
	kp->q = *q;
	kp->policy = q->policy;
	kp->emit = emit;
	kp->ctx = ctx;
	kp->next_req_id = 1;
	kp->remap_ms = PMP_NO_DEADLINE;
	kp->verify_ms = PMP_NO_DEADLINE;
	kp->seen_losses = *q->restarts;
}

void
pmp_keeper_init(pmp_keeper_t *kp, pmp_engine_t *e, pmp_keeper_emit_fn emit,
    void *ctx)
{
	pmp_keep_queue_t q;

	memset(&q, 0, sizeof(q));	/* no check_mappings: renewals check */
	q.ctx = e;
	q.submit = engine_submit;
	q.cancel = engine_cancel;
	q.policy = &e->proto->keep;
	q.rng = e->rng;
	q.method = e->proto->method;
	q.map_names_address = e->proto->map_names_address;
	q.restarts = &e->state_losses;
	q.epoch = &e->epoch;
	pmp_keeper_init_queue(kp, &q, emit, ctx);
	kp->engine = e;
}

static unsigned
new_req_id(pmp_keeper_t *kp)
{
	/* The high bit keeps internal ids apart from the caller's. */
	unsigned id = 0x80000000u | (kp->next_req_id++ & 0x7fffffffu);

	if (kp->next_req_id > 0x7fffffffu)
		kp->next_req_id = 1;
	return id;
}

void
pmp_keeper_add(pmp_keeper_t *kp, pmp_kept_t *k, uint64_t now_ms)
{
	pmp_kept_t **pp = &kp->list;

	k->next = NULL;
	k->delete_port = k->private_port;
	k->state = PMP_KEPT_PENDING;
	k->next_ms = now_ms;
	k->check_ms = PMP_NO_DEADLINE;
	k->backoff_ms = PMP_KEEP_BACKOFF_MIN_MS;
	k->in_flight = 0;
	while (*pp != NULL)
		pp = &(*pp)->next;
	*pp = k;
	/* Know the public address, so that events can name it and a change
	 * can be seen; then check it now and then. */
	if (!kp->verify_in_flight && (!kp->have_address ||
	    kp->verify_ms == PMP_NO_DEADLINE))
		kp->verify_ms = kp->have_address ? now_ms + PMP_KEEP_VERIFY_MS :
		    now_ms;
}

static void retry_later(pmp_keeper_t *kp, pmp_kept_t *k, int status,
    unsigned rc, uint32_t error_lifetime, uint64_t now_ms);

static void
submit(pmp_keeper_t *kp, pmp_kept_t *k, uint64_t now_ms)
{
	pmp_req_t *r = &k->req;
	int rc;

	memset(r, 0, sizeof(*r));
	r->embedded = 1;
	r->id = new_req_id(kp);
	r->protocol = k->protocol;
	r->private_port = k->private_port;
	if (k->state == PMP_KEPT_STOPPING) {
		/* §3.4: lifetime 0, suggested port 0.  Not past the time the
		 * mapping would expire anyway (§3.1), and briefly. */
		r->op = PMP_OP_UNMAP;
		r->private_port = k->delete_port;
		r->deadline_ms = now_ms + PMP_KEEP_DELETE_MS;
		if (k->granted != 0 && k->expires_ms > now_ms &&
		    k->expires_ms < r->deadline_ms)
			r->deadline_ms = k->expires_ms;
	} else {
		r->op = PMP_OP_MAP;
		r->lifetime = k->lifetime;
		/* §3.3: a renewal suggests the port the gateway granted, so
		 * that a rebooted gateway can give the same one back (§3.7). */
		r->public_port = k->public_port != 0 ? k->public_port :
		    pmp_args_suggestion(k->private_port, k->wish_port,
		    kp->policy->port0_suggestion);
		/* A renewal that would outlive the mapping is pointless:
		 * stop at its expiry and fall back to retrying (C-18). */
		if (k->state == PMP_KEPT_MAPPED && k->expires_ms > now_ms +
		    PMP_KEEP_BACKOFF_MIN_MS) {
			r->deadline_ms = k->expires_ms;
			r->valid_until_ms = k->expires_ms;
		}
	}
	if (k->nonce_set) {
		memcpy(r->nonce, k->nonce, sizeof(r->nonce));
		r->nonce_set = 1;
	}
	k->in_flight = 1;
	k->next_ms = PMP_NO_DEADLINE;
	rc = kp->q.submit(kp->q.ctx, r, now_ms);
	if (rc == PMP_OK && r->nonce_set) {
		memcpy(k->nonce, r->nonce, sizeof(k->nonce));
		k->nonce_set = 1;
	}
	if (rc != PMP_OK) {
		/* No random source for the nonce: like any failure, retried
		 * (a stop is then given up, as if unanswered). */
		k->in_flight = 0;
		if (k->state == PMP_KEPT_STOPPING)
			k->next_ms = PMP_NO_DEADLINE;
		else
			retry_later(kp, k, rc, 0, 0, now_ms);
	}
}

/* Take k's create back from the engine; if it went out, the gateway may
 * have granted it. */
static void
cancel_create(pmp_keeper_t *kp, pmp_kept_t *k)
{
	if (!k->in_flight)
		return;
	kp->q.cancel(kp->q.ctx, k->req.id);
	k->in_flight = 0;
	if (k->req.op == PMP_OP_CHECK)
		k->next_ms = k->resume_ms;
	else if (k->req.attempts > 0)
		k->outcome_unknown = 1;
}

static void
submit_verify(pmp_keeper_t *kp, uint64_t now_ms)
{
	pmp_req_t *r = &kp->verify_req;

	memset(r, 0, sizeof(*r));
	r->embedded = 1;
	r->id = new_req_id(kp);
	r->op = PMP_OP_PUBLIC_ADDRESS;
	kp->verify_in_flight = 1;
	kp->verify_ms = PMP_NO_DEADLINE;
	if (kp->q.submit(kp->q.ctx, r, now_ms) != PMP_OK) {
		kp->verify_in_flight = 0;
		kp->verify_ms = now_ms + PMP_KEEP_BACKOFF_MAX_MS;
	}
}

static int
cycle_pending(const pmp_keeper_t *kp)
{
	const pmp_kept_t *k;

	if (kp->remap_ms != PMP_NO_DEADLINE)
		return 1;
	for (k = kp->list; k != NULL; k = k->next)
		if (k->restoring)
			return 1;
	return 0;
}

/*
 * Schedule a re-creation of every kept mapping: after a restart, once a
 * random 0-5 s have passed (§3.7: so that all clients of a rebooted
 * gateway do not answer at once); after an address change, at once.  One
 * cycle at a time: the ten copies of one announcement, or a storm of
 * forged ones, give one cycle.
 */
static void
schedule_remap(pmp_keeper_t *kp, uint64_t now_ms, int restart)
{
	if (kp->list == NULL || cycle_pending(kp))
		return;
	kp->remap_ms = now_ms + (restart ? pmp_rng_upto(kp->q.rng,
	    kp->policy->restart_jitter_ms) : 0);
}

static void
check_losses(pmp_keeper_t *kp, uint64_t now_ms)
{
	if (*kp->q.restarts == kp->seen_losses)
		return;
	kp->seen_losses = *kp->q.restarts;
	pmp_keep_emit(kp, PMP_EV_GATEWAY_RESTARTED, NULL, PMP_OK, 0, 0, 0);
	schedule_remap(kp, now_ms, 1);
	/* The address may have changed with the restart. */
	if (!kp->verify_in_flight)
		kp->verify_ms = now_ms;
}

static void
start_cycle(pmp_keeper_t *kp, uint64_t now_ms)
{
	pmp_kept_t *k;

	kp->remap_ms = PMP_NO_DEADLINE;
	for (k = kp->list; k != NULL; k = k->next) {
		if (k->state == PMP_KEPT_STOPPING)
			continue;
		cancel_create(kp, k);
		/* What comes back is a restoration.  The old lease keeps
		 * running: if it runs out first, run() reports the loss
		 * (and a mapping that was already lost stays so). */
		if (k->state == PMP_KEPT_MAPPED || k->state == PMP_KEPT_LOST)
			k->restoring = 1;
		k->next_ms = now_ms;
		k->backoff_ms = PMP_KEEP_BACKOFF_MIN_MS;
	}
}

void
pmp_keeper_run(pmp_keeper_t *kp, uint64_t now_ms)
{
	pmp_kept_t *k;

	check_losses(kp, now_ms);
	if (kp->remap_ms <= now_ms)
		start_cycle(kp, now_ms);
	if (kp->list != NULL && !kp->verify_in_flight &&
	    kp->verify_ms <= now_ms && !kp->q.map_names_address) {
		submit_verify(kp, now_ms);
		pmp_keep_check_all(kp, now_ms);
	}
	for (k = kp->list; k != NULL; k = k->next) {
		if (k->state == PMP_KEPT_MAPPED && now_ms >= k->expires_ms) {
			/* Not renewed in time: the gateway has dropped it. */
			k->state = PMP_KEPT_LOST;
			pmp_keep_emit(kp, PMP_EV_LOST, k, PMP_ETIMEDOUT, 0, 0, 0);
		}
		if (!k->in_flight && k->next_ms <= now_ms) {
			submit(kp, k, now_ms);
		} else if (pmp_keep_check_at(kp, k) <= now_ms) {
			pmp_keep_check_request(k, new_req_id(kp));
			if (kp->q.submit(kp->q.ctx, &k->req, now_ms) != PMP_OK)
				pmp_keep_checked(kp, k, NULL, now_ms);
		}
	}
}

static void
unlink_kept(pmp_keeper_t *kp, pmp_kept_t *k)
{
	pmp_kept_t **pp;

	for (pp = &kp->list; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == k) {
			*pp = k->next;
			k->next = NULL;
			return;
		}
	}
}

static void
set_address(pmp_keeper_t *kp, const uint8_t addr[16], uint64_t now_ms)
{
	uint8_t prev[16];
	pmp_event_t ev;

	if (kp->have_address && memcmp(kp->address, addr, 16) == 0)
		return;
	if (!kp->have_address) {
		memcpy(kp->address, addr, 16);
		kp->have_address = 1;
		return;
	}
	memcpy(prev, kp->address, 16);
	memcpy(kp->address, addr, 16);
	if (kp->emit != NULL) {
		pmp_keep_event(kp, &ev, PMP_EV_ADDRESS_CHANGED, NULL);
		memcpy(ev.previous_address, prev, 16);
		kp->emit(kp->ctx, &ev);
	}
	/* Mappings made under the old address may be gone: re-check them
	 * all (RFC 6886 §3.2.1 leaves it to the client; miniupnpd does not
	 * reset its epoch on an address change, issue 254). */
	schedule_remap(kp, now_ms, 0);
}

/* Does the result carry an address (not ::, not ::ffff:0.0.0.0)? */
static int
names_address(const pmp_result_t *res)
{
	static const uint8_t zero[16];
	const uint8_t *a = res->public_address;

	if (memcmp(a, zero, 16) == 0)
		return 0;
	return !(memcmp(a, zero, 10) == 0 && a[10] == 0xff && a[11] == 0xff &&
	    memcmp(a + 12, zero, 4) == 0);
}

pmp_kept_t *
pmp_keeper_done(pmp_keeper_t *kp, pmp_req_t *r, uint64_t now_ms)
{
	const pmp_result_t *res = &r->result;
	pmp_kept_t *k;

	check_losses(kp, now_ms);
	if (r == &kp->verify_req) {
		kp->verify_in_flight = 0;
		kp->verify_ms = now_ms + (res->status == PMP_OK ?
		    PMP_KEEP_VERIFY_MS : PMP_KEEP_BACKOFF_MAX_MS);
		/* an answer without an address (PCP's ANNOUNCE) only says
		 * the server is there */
		if (res->status == PMP_OK && names_address(res))
			set_address(kp, res->public_address, now_ms);
		return NULL;
	}
	for (k = kp->list; k != NULL && &k->req != r; k = k->next)
		;
	if (k == NULL)
		return NULL;
	if (r->op == PMP_OP_CHECK) {
		pmp_keep_checked(kp, k, res, now_ms);
		return NULL;
	}
	k->in_flight = 0;
	if (k->state == PMP_KEPT_STOPPING) {
		unlink_kept(kp, k);
		pmp_keep_emit(kp, PMP_EV_DELETED, k, res->status, res->result_code, 0, 0);
		return k;
	}
	/* Did the gateway answer?  Then it holds what it said, and nothing
	 * if it refused; a create sent and not answered may have been
	 * granted. */
	if (res->status == PMP_OK || res->status == PMP_EGATEWAY ||
	    res->status == PMP_ENOTGRANTED || res->status == PMP_EREFUSED)
		k->outcome_unknown = 0;
	else if (res->attempts > 0)
		k->outcome_unknown = 1;
	if (res->status == PMP_OK) {
		pmp_kept_state_t was = k->state;
		uint16_t prev = k->public_port;
		int restoring = k->restoring;
		uint64_t renew;

		k->granted_ever = 1;
		k->delete_port = res->private_port;
		/* PCP's answers name the external address (RFC 6887 §11.4):
		 * a change shows here first. */
		if (names_address(res))
			set_address(kp, res->public_address, now_ms);

		k->restoring = 0;
		k->state = PMP_KEPT_MAPPED;
		k->public_port = res->public_port;
		k->granted = res->lifetime;
		k->expires_ms = now_ms + (uint64_t)res->lifetime * 1000u;
		k->backoff_ms = PMP_KEEP_BACKOFF_MIN_MS;
		/* NAT-PMP §3.3: "begin trying to renew the mapping halfway
		 * to expiry time"; 64-bit, and at least every 12 h (C-27):
		 * the protocol's policy. */
		renew = (uint64_t)res->lifetime * 1000u *
		    kp->policy->renew_num / kp->policy->renew_den;
		if (kp->policy->renew_spread != 0) {
			uint64_t spread = (uint64_t)res->lifetime * 1000u *
			    kp->policy->renew_spread / kp->policy->renew_den;

			renew += pmp_rng_upto(kp->q.rng, spread >
			    UINT32_MAX ? UINT32_MAX : (uint32_t)spread);
		}
		if (renew > kp->policy->renew_max_ms)
			renew = kp->policy->renew_max_ms;
		k->next_ms = now_ms + renew;
		pmp_keep_check_granted(kp, k, now_ms);
		if (was == PMP_KEPT_PENDING)
			pmp_keep_emit(kp, PMP_EV_MAPPED, k, PMP_OK, 0, 0, 0);
		else if (was == PMP_KEPT_LOST || restoring)
			pmp_keep_emit(kp, PMP_EV_RESTORED, k, PMP_OK, 0, prev, 0);
		else if (prev != k->public_port)
			pmp_keep_emit(kp, PMP_EV_PORT_CHANGED, k, PMP_OK, 0, prev, 0);
		else
			pmp_keep_emit(kp, PMP_EV_RENEWED, k, PMP_OK, 0, 0, 0);
		return NULL;
	}
	retry_later(kp, k, res->status, res->result_code, res->lifetime,
	    now_ms);
	return NULL;
}

/*
 * Any failure, transient or not, is retried with capped back-off for as
 * long as the mapping is kept: one refused datagram must not tear it down
 * (gluetun issue 3462).  If it stays unanswered past the expiry, run()
 * reports it lost.
 */
static void
retry_later(pmp_keeper_t *kp, pmp_kept_t *k, int status, unsigned rc,
    uint32_t error_lifetime, uint64_t now_ms)
{
	uint64_t wait = k->backoff_ms;

	/* RFC 6887 §8.3: an error answer says how long it will persist;
	 * do not ask again before (capped at 30 min, §7.4's long errors),
	 * and not before the protocol's hold-down. */
	if (status == PMP_EGATEWAY) {
		uint64_t hold = (uint64_t)error_lifetime * 1000u;

		if (hold > PMP_KEEP_ERROR_MAX_MS)
			hold = PMP_KEEP_ERROR_MAX_MS;
		if (hold < kp->policy->error_holddown_ms)
			hold = kp->policy->error_holddown_ms;
		if (hold > wait)
			wait = hold;
	}
	k->next_ms = now_ms + wait;
	pmp_keep_emit(kp, PMP_EV_RETRYING, k, status, rc, 0, (uint32_t)wait);
	k->backoff_ms = k->backoff_ms >= PMP_KEEP_BACKOFF_MAX_MS / 2 ?
	    PMP_KEEP_BACKOFF_MAX_MS : k->backoff_ms * 2;
}

int
pmp_keeper_stop(pmp_keeper_t *kp, unsigned id, uint64_t now_ms,
    pmp_kept_t **freed)
{
	pmp_kept_t *k;

	*freed = NULL;
	for (k = kp->list; k != NULL && k->id != id; k = k->next)
		;
	if (k == NULL)
		return PMP_EINVAL;
	if (k->state == PMP_KEPT_STOPPING)
		return PMP_OK;
	cancel_create(kp, k);
	if (kp->policy->port0_deletes_all && k->private_port == 0 &&
	    k->delete_port == 0 && k->granted_ever &&
	    k->state == PMP_KEPT_MAPPED) {
		/* A mapping of internal port 0 (the VPN providers' "gateway
		 * picks") that the gateway answered for internal port 0: the
		 * only delete naming it has internal port 0, which deletes
		 * every mapping of this host for the protocol (§3.4).  Left
		 * to expire; the event says so, with what is left of it. */
		k->state = PMP_KEPT_STOPPING;
		unlink_kept(kp, k);
		pmp_keep_emit_left(kp, k, now_ms);
		*freed = k;
		return PMP_OK;
	}
	k->state = PMP_KEPT_STOPPING;
	k->restoring = 0;
	if (k->delete_port == 0 || (!k->granted_ever && !k->outcome_unknown)) {
		/* Nothing this keep created is there: nothing to delete. */
		unlink_kept(kp, k);
		pmp_keep_emit(kp, PMP_EV_DELETED, k, PMP_OK, 0, 0, 0);
		*freed = k;
		return PMP_OK;
	}
	/* §3.4/§3.1: "a client SHOULD always send at least one deletion
	 * request whenever possible". */
	submit(kp, k, now_ms);
	if (!k->in_flight) {
		/* It could not even be queued: give up, as if unanswered. */
		unlink_kept(kp, k);
		pmp_keep_emit(kp, PMP_EV_DELETED, k, PMP_ESYS, 0, 0, 0);
		*freed = k;
	}
	return PMP_OK;
}

void
pmp_keeper_announcement(pmp_keeper_t *kp, const uint8_t *b, size_t n,
    const uint8_t src[16], uint16_t sport, uint64_t now_ms)
{
	pmp_announce_t a;

	/* RFC 6886 §3.2.1: "the client MUST check the source IP address, and
	 * silently discard the packet if the address is not the address of
	 * the client's current configured gateway". */
	if (kp->engine == NULL || memcmp(src, kp->engine->gateway, 16) != 0)
		return;
	kp->engine->proto->announcement(b, n, sport, &a);
	pmp_keeper_announced(kp, &a, now_ms);
}

void
pmp_keeper_announced(pmp_keeper_t *kp, const pmp_announce_t *ap,
    uint64_t now_ms)
{
	pmp_announce_t a = *ap;
	pmp_event_t ev;

	switch (a.kind) {
	case PMP_ANNOUNCE_NONE:
		return;
	case PMP_ANNOUNCE_RESTART:
		pmp_keep_emit(kp, PMP_EV_ANNOUNCEMENT, NULL, PMP_OK, 0, 0, 0);
		pmp_keep_emit(kp, PMP_EV_GATEWAY_RESTARTED, NULL, PMP_OK, 0, 0, 0);
		schedule_remap(kp, now_ms, 1);
		break;
	case PMP_ANNOUNCE_ADDRESS:
		if (a.has_epoch && kp->engine != NULL)
			(void)pmp_engine_note_epoch(kp->engine, a.epoch,
			    now_ms);
		if (kp->emit != NULL) {
			pmp_keep_event(kp, &ev, PMP_EV_ANNOUNCEMENT, NULL);
			ev.epoch = a.epoch;	/* the announcement's own */
			memcpy(ev.public_address, a.address, 16);
			kp->emit(kp->ctx, &ev);
		}
		check_losses(kp, now_ms);
		if (a.has_address) {
			if (kp->engine != NULL)
				pmp_engine_note_address(kp->engine,
				    a.address);
			set_address(kp, a.address, now_ms);
		}
		break;
	}
	/* The gateway is alive: a request that has been retransmitting for
	 * a while goes out again now (RFC 6886 §3.1). */
	if (kp->engine != NULL)
		pmp_engine_kick(kp->engine, now_ms);
}

uint64_t
pmp_keeper_deadline(const pmp_keeper_t *kp)
{
	uint64_t d = kp->remap_ms;
	const pmp_kept_t *k;

	if (*kp->q.restarts != kp->seen_losses)
		return 0;	/* a restart seen below: run() reacts */
	if (kp->list != NULL && !kp->verify_in_flight && kp->verify_ms < d &&
	    !kp->q.map_names_address)
		d = kp->verify_ms;
	for (k = kp->list; k != NULL; k = k->next) {
		if (!k->in_flight && k->next_ms < d)
			d = k->next_ms;
		if (pmp_keep_check_at(kp, k) < d)
			d = pmp_keep_check_at(kp, k);
		if (k->state == PMP_KEPT_MAPPED && k->expires_ms < d)
			d = k->expires_ms;
	}
	return d;
}

unsigned
pmp_keeper_count(const pmp_keeper_t *kp)
{
	const pmp_kept_t *k;
	unsigned n = 0;

	for (k = kp->list; k != NULL; k = k->next)
		n++;
	return n;
}
