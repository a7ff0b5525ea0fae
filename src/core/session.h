/*
 * session.h - the top of the pure core: one protocol's engine and keeper
 * toward one gateway, with finished requests routed between them, so that
 * the layer above sees bytes in, bytes out, one deadline, and the caller's
 * own finished requests.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure: no socket, clock or allocation; the caller passes its time in
 * milliseconds.  Not thread-safe: the caller serializes (the client's
 * lock).  Callbacks (events, through emit) may call back into the session.
 */
#ifndef PMP_SESSION_H
#define PMP_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "keeper.h"
#include "negotiate.h"

typedef struct pmp_session {
	pmp_engine_t engine;
	pmp_keeper_t keeper;
	pmp_req_t *done;	/* the caller's finished requests */
	pmp_req_t **done_tail;
	pmp_kept_t *gone;	/* kept mappings stopped, to be freed */
	/* The protocol to fall back to when the server speaks only an
	 * older one (NULL: none; set by the caller, used once). */
	const pmp_proto_t *fallback;
	/* The newer protocol, tried again after a fall back when the
	 * gateway restarts (NULL: no fallback was set). */
	const pmp_proto_t *preferred;
	pmp_negotiate_t negotiate;	/* the older one's probe */
	/* Deletes the short mapping an address request left (PCP, RFC 6887
	 * §11.6); one at a time: if busy, that mapping just expires. */
	pmp_req_t cleanup;
	int cleanup_busy;
} pmp_session_t;

void pmp_session_init(pmp_session_t *s, const pmp_proto_t *proto,
    const pmp_rng_t *rng, const uint8_t gateway[16], uint16_t port,
    pmp_keeper_emit_fn emit, void *ctx);

/*
 * If the server answers that it speaks only an older protocol
 * (PMP_STATUS_FALLBACK), move every pending request and kept mapping to
 * proto and go on with it (RFC 6887 §9, App. A: PCP to NAT-PMP at once).
 * The same when the server stays silent to the newer protocol but answers
 * the older one's probe (negotiate.h).  NULL: no fallback; such answers
 * end requests with PMP_EGATEWAY.  Once fallen back, a restart of the
 * gateway (its epoch) makes the session try the newer protocol again.
 */
void pmp_session_set_fallback(pmp_session_t *s, const pmp_proto_t *proto);

/* The protocol in use now (it changes after a fallback). */
const pmp_proto_t *pmp_session_proto(const pmp_session_t *s);

/* Our own address and port toward the gateway (PCP names the address in
 * requests, and maps the port to learn the public address). */
void pmp_session_set_local(pmp_session_t *s, const uint8_t local[16],
    uint16_t local_port);

/* A caller's request (not embedded): PMP_OK or the random source's
 * error. */
int pmp_session_submit(pmp_session_t *s, pmp_req_t *r, uint64_t now_ms);

/* A datagram on the request socket, from src:sport. */
void pmp_session_input(pmp_session_t *s, const uint8_t *b, size_t n,
    const uint8_t src[16], uint16_t sport, uint64_t now_ms);

/* A datagram on an announcement socket, from src:sport. */
void pmp_session_announcement(pmp_session_t *s, const uint8_t *b, size_t n,
    const uint8_t src[16], uint16_t sport, uint64_t now_ms);

/*
 * Everything due at now_ms: kept mappings' timers, finished requests routed
 * to their mapping, retransmissions.  Returns the length of a datagram to
 * send into b (0: nothing more now); *sent is its request.  Call until 0,
 * then collect with pmp_session_take_done() and pmp_session_take_gone().
 */
size_t pmp_session_output(pmp_session_t *s, uint64_t now_ms, uint8_t *b,
    size_t cap, pmp_req_t **sent);

/* When pmp_session_output() must next be called: absolute, 0 for at once,
 * PMP_NO_DEADLINE for never. */
uint64_t pmp_session_deadline(const pmp_session_t *s);

/* ICMP port unreachable and its kin: the requests on the wire fail. */
void pmp_session_fail_inflight(pmp_session_t *s, int status, uint64_t now_ms);

/* The oldest of the caller's finished requests, or NULL. */
pmp_req_t *pmp_session_take_done(pmp_session_t *s);

/* A stopped kept mapping to free, or NULL. */
pmp_kept_t *pmp_session_take_gone(pmp_session_t *s);

/* A caller's request, queued or finished, by id; NULL if none. */
pmp_req_t *pmp_session_cancel(pmp_session_t *s, unsigned id);

/* The client is being freed: a caller's request still queued or on the
 * wire, unlinked, or NULL.  The caller's finished ones wait in the done
 * list; kept mappings' own requests are dropped.  Call until NULL, then
 * take the done list. */
pmp_req_t *pmp_session_take_queued(pmp_session_t *s);

/* Kept mappings: see keeper.h.  stop returns PMP_OK or PMP_EINVAL. */
void pmp_session_keep(pmp_session_t *s, pmp_kept_t *k, uint64_t now_ms);
int pmp_session_keep_stop(pmp_session_t *s, unsigned keep_id,
    uint64_t now_ms);
void pmp_session_resumed(pmp_session_t *s, uint64_t now_ms);
unsigned pmp_session_keep_count(const pmp_session_t *s);
/* A kept mapping still linked (to free them all), unlinked, or NULL. */
pmp_kept_t *pmp_session_take_kept(pmp_session_t *s);

/* Requests queued or on the wire, kept mappings' own included. */
unsigned pmp_session_pending(const pmp_session_t *s);

/* Has the gateway answered in a protocol of the session (an answer, a
 * refusal, the older protocol's probe)?  AUTO's race (api/race.c) reads
 * it: a gateway that speaks PCP or NAT-PMP is kept to them. */
int pmp_session_heard(const pmp_session_t *s);

/* The public address last reported: 1 and addr, or 0. */
int pmp_session_public_address(const pmp_session_t *s, uint8_t addr[16]);

#endif
