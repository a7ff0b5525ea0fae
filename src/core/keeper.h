/*
 * keeper.h - kept mappings over any protocol: renewal, restart and
 * address-change recovery, retries (RFC 6886 §3.3, §3.6, §3.7, §3.2.1).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure like the engine it drives: the caller passes its monotonic time,
 * hands over finished requests and announcement datagrams, and calls
 * pmp_keeper_run() when pmp_keeper_deadline() is reached.  The renewal
 * instants, restart jitter and delete rules come from the engine's
 * protocol (pmp_proto_t.keep), randomness from the engine's random
 * source, the epoch rule from the protocol.  Events go to the emit
 * function given at init; every pmp_event_t is made in one place.
 */
#ifndef PMP_KEEPER_H
#define PMP_KEEPER_H

#include <stddef.h>
#include <stdint.h>

#include "pmp.h"
#include "engine.h"

/* Retry back-off after a failed request: 1 s, doubling, at most 60 s. */
#define PMP_KEEP_BACKOFF_MIN_MS 1000u
#define PMP_KEEP_BACKOFF_MAX_MS 60000u
/* How long pmp_keep_stop() tries to delete. */
#define PMP_KEEP_DELETE_MS 3000u
/* The longest an error answer's lifetime holds a retry back (RFC 6887
 * §7.4's long errors; a longer one is not believed). */
#define PMP_KEEP_ERROR_MAX_MS (30ull * 60u * 1000u)
/* Re-verify the public address this often: some gateways change it
 * without resetting their epoch (miniupnp issue 254). */
#define PMP_KEEP_VERIFY_MS (10ull * 60u * 1000u)

typedef enum pmp_kept_state {
	PMP_KEPT_PENDING,	/* never granted yet */
	PMP_KEPT_MAPPED,	/* granted, lease not run out (it may be being
				 * restored after a restart: see restoring) */
	PMP_KEPT_LOST,		/* was granted; its lease ran out unrenewed */
	PMP_KEPT_STOPPING	/* being deleted */
} pmp_kept_state_t;

typedef struct pmp_kept {
	struct pmp_kept *next;
	unsigned id;
	int protocol;
	uint16_t private_port;
	uint16_t wish_port;	/* suggestion for the first request */
	uint32_t lifetime;	/* asked every time */
	pmp_kept_state_t state;
	/* What a stop owes the gateway (RFC 6886 §3.4): a delete of what this
	 * keep may have created, and of nothing else. */
	int granted_ever;	/* a create was granted */
	int outcome_unknown;	/* a create is out, or got no answer */
	uint16_t delete_port;	/* internal port a delete names: the private
				 * port; for private port 0, the one the
				 * gateway answered for, 0 if none */
	int restoring;		/* re-creating after a restart/address change;
				 * the old lease, if any, still runs */
	uint16_t public_port;	/* last granted */
	uint32_t granted;
	uint64_t expires_ms;
	uint64_t next_ms;	/* next request; PMP_NO_DEADLINE if none due */
	uint64_t check_ms;	/* next check (keep_check.h), or none */
	uint64_t resume_ms;	/* next_ms while a check is out */
	uint32_t backoff_ms;
	int in_flight;		/* req is in the engine */
	int nonce_set;		/* nonce is this mapping's (RFC 6887 §11.2:
				 * renewals and deletes reuse it) */
	uint8_t nonce[12];
	pmp_req_t req;		/* embedded: at most one request at a time */
} pmp_kept_t;

typedef void (*pmp_keeper_emit_fn)(void *ctx, const pmp_event_t *ev);

/*
 * The request queue below a keeper, and what the keeper reads of the
 * method behind it: a datagram engine (pmp_keeper_init() fills it from
 * engine.h), or another method's driver (UPnP-IGD's, through
 * pmp_keeper_init_queue()).
 */
typedef struct pmp_keep_queue {
	void *ctx;
	/* Queue r (embedded); PMP_OK or an error (then never finished). */
	int (*submit)(void *ctx, pmp_req_t *r, uint64_t now_ms);
	/* Take r back, queued or on the wire. */
	void (*cancel)(void *ctx, unsigned id);
	const pmp_keep_policy_t *policy;
	const pmp_rng_t *rng;
	pmp_method_t method;	/* for events */
	/* A map's answer names the public address: no address requests
	 * of the keeper's own. */
	int map_names_address;
	/* It takes PMP_OP_CHECK: kept mappings are checked between
	 * renewals (keep_check.h). */
	int check_mappings;
	/* Bumped below for each restart of the gateway seen (an epoch
	 * failing its rule, a new BOOTID). */
	const unsigned *restarts;
	const pmp_epoch_t *epoch;	/* for events; NULL: the method has
					 * none */
} pmp_keep_queue_t;

typedef struct pmp_keeper {
	pmp_keep_queue_t q;
	pmp_engine_t *engine;	/* the datagram engine behind q, or NULL:
				 * announcements and updates are its */
	const pmp_keep_policy_t *policy;	/* q.policy */
	pmp_kept_t *list;	/* creation order */
	pmp_keeper_emit_fn emit;
	void *ctx;
	unsigned next_req_id;	/* internal request ids (high bit set) */
	int have_address;
	uint8_t address[16];
	unsigned seen_losses;	/* engine->state_losses already handled */
	uint64_t remap_ms;	/* a re-creation cycle starts then */
	uint64_t verify_ms;	/* next public address check */
	int verify_in_flight;
	pmp_req_t verify_req;
} pmp_keeper_t;

void pmp_keeper_init(pmp_keeper_t *kp, pmp_engine_t *e,
    pmp_keeper_emit_fn emit, void *ctx);
/* The same over another method's queue (copied). */
void pmp_keeper_init_queue(pmp_keeper_t *kp, const pmp_keep_queue_t *q,
    pmp_keeper_emit_fn emit, void *ctx);

/* Start keeping k (id, protocol, ports and lifetime filled in). */
void pmp_keeper_add(pmp_keeper_t *kp, pmp_kept_t *k, uint64_t now_ms);

/*
 * Take over every kept mapping of from, whose engine is being replaced
 * (the session changes protocol, RFC 6887 §9): what was granted, the
 * public port, the address known and a pending re-creation cycle stand;
 * requests out are gone with the old engine, and those mappings ask
 * again now; nonces were the other protocol's.  Mappings being deleted
 * are not taken: they are left on from's list for the caller.
 */
void pmp_keeper_take_over(pmp_keeper_t *kp, pmp_keeper_t *from,
    uint64_t now_ms);

/* Stop keeping id: delete on the gateway.  Returns PMP_OK, or PMP_EINVAL
 * if unknown.  If nothing is owed to the gateway (or nothing can be
 * sent), *freed gets k, unlinked, at once. */
int pmp_keeper_stop(pmp_keeper_t *kp, unsigned id, uint64_t now_ms,
    pmp_kept_t **freed);

/* Run the timers and submit the requests that are due.  A mapping whose
 * lease runs out unrenewed, whatever happened before, gives exactly one
 * PMP_EV_LOST. */
void pmp_keeper_run(pmp_keeper_t *kp, uint64_t now_ms);

/*
 * The host was asleep (the caller saw its boot clock jump ahead of its
 * monotonic one): a gateway may have restarted or dropped the mappings
 * meanwhile, so renew every kept mapping and check the address now.
 */
void pmp_keeper_resumed(pmp_keeper_t *kp, uint64_t now_ms);

/*
 * A finished embedded request (r->embedded).  Returns a kept mapping that
 * is now deleted and unlinked (the caller frees it), or NULL.
 */
pmp_kept_t *pmp_keeper_done(pmp_keeper_t *kp, pmp_req_t *r, uint64_t now_ms);

/*
 * A datagram from src:sport on the request socket that answered nothing
 * asked: a gateway's update of a kept mapping (RFC 6887 §14.2, when the
 * protocol has them)?  Returns 1 if it finished a mapping's request (the
 * caller routes it back through pmp_keeper_done()), 0 if ignored.
 */
int pmp_keeper_update(pmp_keeper_t *kp, const uint8_t *b, size_t n,
    const uint8_t src[16], uint16_t sport, uint64_t now_ms);

/* A datagram received on the announcement port from src:sport. */
void pmp_keeper_announcement(pmp_keeper_t *kp, const uint8_t *b, size_t n,
    const uint8_t src[16], uint16_t sport, uint64_t now_ms);
/* One already parsed (and from the gateway), e.g. by another protocol's
 * parser: the same handling. */
void pmp_keeper_announced(pmp_keeper_t *kp, const pmp_announce_t *a,
    uint64_t now_ms);

/* The next time pmp_keeper_run() has work, or PMP_NO_DEADLINE. */
uint64_t pmp_keeper_deadline(const pmp_keeper_t *kp);

/* Kept mappings still linked. */
unsigned pmp_keeper_count(const pmp_keeper_t *kp);

#endif
