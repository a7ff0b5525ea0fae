/*
 * engine.h - the request engine: queue, transactions, retransmission,
 * matching, deadlines, cancel.  Protocol-neutral: what is on the wire and
 * when it goes comes from the pmp_proto_t it is given.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure (the BearSSL engine/sslio split): it holds no socket and reads no
 * clock.  The caller passes its monotonic time in milliseconds to every
 * call, feeds received datagrams to pmp_engine_input(), sends what
 * pmp_engine_output() returns, sleeps until pmp_engine_deadline() and
 * collects finished requests with pmp_engine_take_done().  Request nodes
 * are allocated by the caller, linked here, and handed back when finished.
 * Not thread-safe: the caller serializes (the client's lock).
 */
#ifndef PMP_ENGINE_H
#define PMP_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "pmp.h"
#include "proto.h"
#include "rng.h"

#define PMP_NO_DEADLINE UINT64_MAX

typedef struct pmp_engine {
	const pmp_proto_t *proto;
	const pmp_rng_t *rng;	/* jitter and nonces */
	uint8_t gateway[16];	/* IPv4-mapped */
	uint16_t port;
	uint8_t local[16];	/* our address toward it: pmp_engine_set_local */
	uint16_t local_port;	/* and our socket's port */
	/* FIFO.  The first proto->max_in_flight entries are on the wire
	 * once sent (a finished one is unlinked, so the rule holds). */
	pmp_req_t *queue;
	pmp_req_t **queue_tail;	/* O(1) append, for large batches */
	unsigned queued;	/* entries in queue */
	unsigned with_deadline;	/* queued requests with a caller deadline */
	pmp_req_t *done;	/* finished, oldest first */
	pmp_req_t **done_tail;
	pmp_epoch_t epoch;	/* the gateway's epoch as last seen */
	int have_public;	/* public_addr holds the last reported one */
	uint8_t public_addr[16];
	unsigned state_losses;	/* epoch rule failures seen */
	unsigned ignored;	/* datagrams dropped by validation */
} pmp_engine_t;

void pmp_engine_init(pmp_engine_t *e, const pmp_proto_t *proto,
    const pmp_rng_t *rng, const uint8_t gateway[16], uint16_t port);

/* Our own address and port toward the gateway, for protocols that send
 * them. */
void pmp_engine_set_local(pmp_engine_t *e, const uint8_t local[16],
    uint16_t local_port);

/*
 * Append r (fields id..arg filled by the caller) to the queue; draws its
 * nonce if the protocol uses one and r has none yet.  Returns PMP_OK,
 * PMP_EUNSUPPORTED if r->flags asks what the protocol cannot say, or the
 * random source's error (r is then not queued).
 */
int pmp_engine_submit(pmp_engine_t *e, pmp_req_t *r, uint64_t now_ms);

/*
 * A datagram of n bytes from src (IPv4-mapped) port sport.  Returns 1 if it
 * finished a request on the wire, 0 if it was ignored.
 */
int pmp_engine_input(pmp_engine_t *e, const uint8_t *b, size_t n,
    const uint8_t src[16], uint16_t sport, uint64_t now_ms);

/*
 * Run the timers (caller deadlines, retransmission, give-up) and return the
 * length of a datagram to send now into b (0: nothing to send).  *sent is
 * set to the request it belongs to.  Call until it returns 0.
 */
size_t pmp_engine_output(pmp_engine_t *e, uint64_t now_ms, uint8_t *b,
    size_t cap, pmp_req_t **sent);

/* When pmp_engine_output() must next be called: an absolute time, 0 if at
 * once, PMP_NO_DEADLINE if nothing is pending. */
uint64_t pmp_engine_deadline(const pmp_engine_t *e);

/* End the requests on the wire with status (ICMP port unreachable). */
void pmp_engine_fail_inflight(pmp_engine_t *e, int status, uint64_t now_ms);

/* Remove a pending or finished request by id; returns it or NULL. */
pmp_req_t *pmp_engine_cancel(pmp_engine_t *e, unsigned id);

/* Pop the oldest finished request, or NULL. */
pmp_req_t *pmp_engine_take_done(pmp_engine_t *e);

/* Unlink the first queued request (to drop it: the client is being
 * freed), or NULL; no result is set. */
pmp_req_t *pmp_engine_take_queued(pmp_engine_t *e);

/*
 * A datagram pmp_engine_input() ignored, read again as an answer to r,
 * which is not queued: the last request of a mapping the gateway may
 * update unasked (pmp_proto_t.mapping_updates, RFC 6887 §14.2).  If it
 * is from the gateway and answers r (nonce and all), r is finished with
 * it, as an answer on the wire would, and joins the done list: returns 1.
 * Otherwise 0, and nothing changes.
 */
int pmp_engine_update(pmp_engine_t *e, pmp_req_t *r, const uint8_t *b,
    size_t n, const uint8_t src[16], uint16_t sport, uint64_t now_ms);

/*
 * Feed the epoch of a packet from the gateway that did not go through
 * pmp_engine_input() (an announcement).  Returns 1 if consistent, 0 if
 * the gateway lost its state (and counts it in state_losses).
 */
int pmp_engine_note_epoch(pmp_engine_t *e, uint32_t epoch, uint64_t now_ms);

/* Remember the public address an announcement gave. */
void pmp_engine_note_address(pmp_engine_t *e, const uint8_t addr[16]);

/*
 * The gateway showed signs of life (an announcement): requests on the wire
 * that have been retransmitting start their schedule again now rather than
 * wait up to 64 s for the next send (RFC 6886 §3.1 notes an announcement is
 * a reason to discard "no answer" knowledge).
 */
void pmp_engine_kick(pmp_engine_t *e, uint64_t now_ms);

/* Requests queued or on the wire. */
unsigned pmp_engine_pending(const pmp_engine_t *e);

#endif
