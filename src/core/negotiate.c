/*
 * negotiate.c - the older protocol's probe beside a silent newer one (see
 * negotiate.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "negotiate.h"

void
pmp_negotiate_init(pmp_negotiate_t *n, const pmp_proto_t *older)
{
	memset(n, 0, sizeof(*n));
	n->older = older;
	n->settled = older == NULL;
	n->probe_ms = PMP_NO_DEADLINE;
	n->probe.id = PMP_ID_PROBE;
	n->probe.op = PMP_OP_PUBLIC_ADDRESS;
	n->probe.embedded = 1;
}

void
pmp_negotiate_sent(pmp_negotiate_t *n, uint32_t irt_ms, uint64_t now_ms)
{
	if (n->settled || n->probe.attempts > 0 ||
	    n->probe_ms != PMP_NO_DEADLINE)
		return;
	/* Beside the first retransmission, not before: a gateway that
	 * speaks the newer protocol has had its round trip, and a lost
	 * first request costs no probe (RFC 6887 §9 prefers PCP). */
	n->interval_ms = irt_ms;
	n->probe_ms = now_ms + irt_ms;
}

void
pmp_negotiate_settle(pmp_negotiate_t *n)
{
	n->settled = 1;
	n->probe_ms = PMP_NO_DEADLINE;
}

uint64_t
pmp_negotiate_deadline(const pmp_negotiate_t *n)
{
	return n->settled ? PMP_NO_DEADLINE : n->probe_ms;
}

size_t
pmp_negotiate_output(pmp_negotiate_t *n, uint64_t now_ms,
    const uint8_t local[16], uint8_t *b, size_t cap, pmp_req_t **sent)
{
	size_t len;

	if (n->settled || n->probe_ms == PMP_NO_DEADLINE ||
	    now_ms < n->probe_ms)
		return 0;
	n->probe.attempts++;
	n->interval_ms *= 2;
	n->probe_ms = n->probe.attempts >= PMP_PROBES_MAX ? PMP_NO_DEADLINE :
	    now_ms + n->interval_ms;
	len = n->older->encode(&n->probe, local, b, cap);
	if (len > 0)
		*sent = &n->probe;
	return len;
}

int
pmp_negotiate_input(const pmp_negotiate_t *n, const uint8_t *b,
    size_t len, uint16_t sport, pmp_announce_t *a)
{
	pmp_reply_t m;

	memset(a, 0, sizeof(*a));
	/* Only once a probe went out: before, an older answer is not
	 * ours (and the newer protocol's own rule covers its 8-byte
	 * "unsupported version"). */
	if (n->settled || n->probe.attempts == 0 ||
	    n->older->parse(b, len, &m) != 0)
		return 0;
	/* Any well-formed answer of the older protocol, even an error,
	 * says the gateway speaks it; its epoch and address, if it names
	 * them, as an announcement would. */
	n->older->announcement(b, len, sport, a);
	if (a->kind == PMP_ANNOUNCE_NONE) {
		a->has_epoch = m.has_epoch;
		a->epoch = m.epoch;
	}
	return 1;
}
