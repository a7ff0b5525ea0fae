/*
 * fault.h - pmp-gateway's fault injection, pure: which requests go
 * unanswered, and the malformed and forged datagrams sent before an
 * answer so that clients can be tested against them (PROTOCOL.md §5).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Every variant is built into a buffer the caller sizes; nothing is ever
 * written past it, whatever the answer's length (an echoed request can be
 * PMP_WIRE_MAX bytes).
 */
#ifndef PMP_GW_FAULT_H
#define PMP_GW_FAULT_H

#include <stddef.h>
#include <stdint.h>

/* The largest forged datagram: A-08's oversize answer, an Ethernet MTU. */
#define GW_FORGE_MAX 1500

typedef struct gw_fault {
	unsigned long drop_first;	/* ignore the first N requests */
	double drop_rate;		/* ignore this fraction, seeded */
	uint64_t rng;			/* xorshift64 state (the seed) */
	unsigned long silent_after;	/* answer only the first N (0: all) */
	unsigned long answer_every;	/* answer only every Nth request */
	int silent;			/* never answer */
} gw_fault_t;

/* Whether the request_no-th request (from 1) goes unanswered. */
int gw_fault_drops(gw_fault_t *f, unsigned long request_no);

/* Where a forged datagram is sent from. */
typedef enum gw_forge_source {
	GW_FROM_GATEWAY,	/* the gateway's own address and port */
	GW_FROM_OTHER_ADDRESS,	/* a neighbour address, the same port */
	GW_FROM_OTHER_PORT	/* the gateway's address, another port */
} gw_forge_source_t;

/* What a gw_forge_*() call gives. */
typedef enum gw_forge_step {
	GW_FORGE_END = -1,	/* no variant i: stop */
	GW_FORGE_SKIP = 0,	/* variant i does not apply to this answer */
	GW_FORGE_SEND = 1	/* send out[0..*len) */
} gw_forge_step_t;

/*
 * Variant i (0, 1, ...) of the malformed answers, each of which a client
 * must ignore, from the gateway's own address and port: empty, too
 * short, another version, another opcode, a request
 * opcode, one byte short (A-04/05), one byte long, oversize
 * another internal port.  answer is n bytes; out has room
 * for cap.
 */
gw_forge_step_t gw_forge_garbage(unsigned i, const uint8_t *answer, size_t n,
    uint8_t *out, size_t cap, size_t *len);

/*
 * Variant i of the forged answers: the answer with another public port or
 * address, from another address and from the gateway's address but
 * another port (C-11); *from says which.
 */
gw_forge_step_t gw_forge_spoof(unsigned i, const uint8_t *answer, size_t n,
    uint8_t *out, size_t cap, size_t *len, gw_forge_source_t *from);

#endif
