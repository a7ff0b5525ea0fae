/*
 * negotiate.h - which protocol a gateway speaks, when the first one asked
 * (PCP) gets no answer at all: a probe in the older protocol (NAT-PMP's
 * address request) beside the first retransmission, so that a gateway
 * silent to PCP but answering NAT-PMP is used within ~3 s instead of
 * never (RFC 6887 §9 falls back only on an answer; PROTOCOL.md D-6).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure: the session owns the state, passes its time and the datagrams,
 * and sends what pmp_negotiate_output() gives.  Not thread-safe.
 */
#ifndef PMP_NEGOTIATE_H
#define PMP_NEGOTIATE_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

/* Probes sent at most: at the first retransmission of the newer
 * protocol and then at doubling intervals (3, 9, 21, 45 s). */
#define PMP_PROBES_MAX 4

typedef struct pmp_negotiate {
	const pmp_proto_t *older;	/* NULL: nothing to negotiate */
	int settled;		/* the newer protocol answered: no probe */
	uint64_t probe_ms;	/* next probe; PMP_NO_DEADLINE: none armed */
	uint32_t interval_ms;
	pmp_req_t probe;	/* what goes out, as a request of older's */
} pmp_negotiate_t;

/* Probe for older (NULL: none) beside a protocol whose first
 * retransmission comes irt_ms after its first send. */
void pmp_negotiate_init(pmp_negotiate_t *n, const pmp_proto_t *older);

/* The newer protocol's first request went out at now_ms (arms the probe
 * once), or the newer protocol answered (no more probes). */
void pmp_negotiate_sent(pmp_negotiate_t *n, uint32_t irt_ms,
    uint64_t now_ms);
void pmp_negotiate_settle(pmp_negotiate_t *n);

/* When the next probe is due (PMP_NO_DEADLINE: never). */
uint64_t pmp_negotiate_deadline(const pmp_negotiate_t *n);

/* A probe due at now_ms into b (from local): its length, or 0. */
size_t pmp_negotiate_output(pmp_negotiate_t *n, uint64_t now_ms,
    const uint8_t local[16], uint8_t *b, size_t cap, pmp_req_t **sent);

/*
 * A datagram from the gateway's address and port that the newer protocol
 * did not take: 1 if it is an answer of the older protocol (the gateway
 * speaks it, and not the newer: fall back), with what it said of the
 * gateway's epoch and address in *a; else 0.
 */
int pmp_negotiate_input(const pmp_negotiate_t *n, const uint8_t *b,
    size_t len, uint16_t sport, pmp_announce_t *a);

#endif
