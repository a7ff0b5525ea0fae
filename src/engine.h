/*
 * engine.h - the NAT-PMP request engine: queue, retransmission, matching.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure (the BearSSL engine/sslio split): it holds no socket and reads no
 * clock.  The caller passes its monotonic time in milliseconds to every
 * call, feeds received datagrams to pmp_engine_input(), sends what
 * pmp_engine_output() returns, sleeps until pmp_engine_deadline() and
 * collects finished requests with pmp_engine_take_done().  Request nodes are
 * allocated by the caller, linked here, and handed back when finished.
 */
#ifndef PMP_ENGINE_H
#define PMP_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "pmp.h"
#include "epoch.h"

/* RFC 6886 §3.1: first wait 250 ms, doubling; give up after the 9th send
 * and a further 64 s. */
#define PMP_FIRST_RTO_MS 250u
#define PMP_MAX_ATTEMPTS 9u
#define PMP_NO_DEADLINE UINT64_MAX

typedef struct pmp_req {
	struct pmp_req *next;
	unsigned id;
	pmp_op_t op;
	int protocol;		/* PMP_PROTO_* or 0 */
	uint16_t private_port;
	uint16_t public_port;	/* suggested, as sent */
	uint32_t lifetime;	/* as sent */
	uint64_t deadline_ms;	/* caller's absolute deadline; 0 = none */
	uint64_t submitted_ms;
	uint64_t next_ms;	/* in flight: next send, or give-up time */
	unsigned attempts;	/* 0 = still queued */
	int embedded;		/* owned by a kept mapping (keep.c), not
				 * allocated on its own */
	pmp_callback cb;
	void *arg;
	pmp_result_t result;
} pmp_req_t;

typedef struct pmp_engine {
	uint8_t gateway[16];	/* IPv4-mapped */
	uint16_t port;
	pmp_req_t *queue;	/* FIFO; the head is in flight once sent */
	pmp_req_t **queue_tail;	/* O(1) append, for large batches */
	unsigned with_deadline;	/* queued requests with a caller deadline */
	pmp_req_t *done;	/* finished, oldest first */
	pmp_req_t **done_tail;
	pmp_epoch_t epoch;	/* SSSoE of the last gateway packet */
	int have_public;	/* public_addr holds the last reported one */
	uint8_t public_addr[16];
	unsigned state_losses;	/* epoch rule failures seen (§3.6) */
	unsigned ignored;	/* datagrams dropped by validation */
} pmp_engine_t;

void pmp_engine_init(pmp_engine_t *e, const uint8_t gateway[16],
    uint16_t port);

/* Append r (fields id..arg filled by the caller) to the queue. */
void pmp_engine_submit(pmp_engine_t *e, pmp_req_t *r, uint64_t now_ms);

/*
 * A datagram of n bytes from src (IPv4-mapped) port sport.  Returns 1 if it
 * finished the request in flight, 0 if it was ignored.
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

/* End the request in flight with status (ICMP port unreachable). */
void pmp_engine_fail_inflight(pmp_engine_t *e, int status, uint64_t now_ms);

/* Remove a pending or finished request by id; returns it or NULL. */
pmp_req_t *pmp_engine_cancel(pmp_engine_t *e, unsigned id);

/* Pop the oldest finished request, or NULL. */
pmp_req_t *pmp_engine_take_done(pmp_engine_t *e);

/*
 * Feed the SSSoE of a packet from the gateway that did not go through
 * pmp_engine_input() (an announcement).  Returns 1 if consistent, 0 if
 * the gateway lost its state (and counts it in state_losses).
 */
int pmp_engine_note_epoch(pmp_engine_t *e, uint32_t sssoe, uint64_t now_ms);

/*
 * The gateway showed signs of life (an announcement): if the request in
 * flight has been retransmitting, start its schedule again now rather
 * than wait up to 64 s for the next send (RFC 6886 §3.1 notes an
 * announcement is a reason to discard "no answer" knowledge).
 */
void pmp_engine_kick(pmp_engine_t *e, uint64_t now_ms);

/* Requests queued or in flight. */
unsigned pmp_engine_pending(const pmp_engine_t *e);

#endif
