/*
 * keep_move.c - kept mappings moved from outside the keeper's own timers:
 * to a new engine when the session changes protocol (RFC 6887 §9, App. A),
 * to a new public address or port when the gateway updates one unasked
 * (RFC 6887 §14.2), to now when the host wakes up.  Declared in keeper.h.
 * Pure.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "keeper.h"

void
pmp_keeper_take_over(pmp_keeper_t *kp, pmp_keeper_t *from, uint64_t now_ms)
{
	pmp_kept_t **pp = &from->list, **tail = &kp->list, *k;

	while (*tail != NULL)
		tail = &(*tail)->next;
	while ((k = *pp) != NULL) {
		if (k->state == PMP_KEPT_STOPPING) {
			pp = &k->next;
			continue;
		}
		*pp = k->next;
		k->next = NULL;
		*tail = k;
		tail = &k->next;
		/* its request left with the old engine: ask again now */
		if (k->in_flight) {
			k->in_flight = 0;
			k->next_ms = now_ms;
		}
		k->nonce_set = 0;	/* the other protocol's, if any */
	}
	if (from->have_address && !kp->have_address) {
		memcpy(kp->address, from->address, 16);
		kp->have_address = 1;
	}
	/* a re-creation cycle waiting for its random delay still waits */
	if (from->remap_ms < kp->remap_ms)
		kp->remap_ms = from->remap_ms;
	if (kp->list != NULL && !kp->verify_in_flight)
		kp->verify_ms = kp->have_address ? now_ms + PMP_KEEP_VERIFY_MS :
		    now_ms;
}

int
pmp_keeper_update(pmp_keeper_t *kp, const uint8_t *b, size_t n,
    const uint8_t src[16], uint16_t sport, uint64_t now_ms)
{
	pmp_kept_t *k;

	if (kp->engine == NULL || !kp->engine->proto->mapping_updates)
		return 0;
	/* A mapping with a request out is matched by the engine itself; one
	 * granted and idle still holds its last request, nonce and all. */
	for (k = kp->list; k != NULL; k = k->next)
		if (k->state == PMP_KEPT_MAPPED && !k->in_flight &&
		    pmp_engine_update(kp->engine, &k->req, b, n, src, sport,
		    now_ms))
			return 1;
	return 0;
}

void
pmp_keeper_resumed(pmp_keeper_t *kp, uint64_t now_ms)
{
	pmp_kept_t *k;

	/* Renewals, not a re-creation cycle: a mapping that is still there
	 * comes back renewed; one whose lease ran out in the sleep is
	 * reported lost by run() and restored; a gateway that restarted
	 * meanwhile shows in the epoch of the first answer (§3.6), measured
	 * on the boot clock, which counted the sleep. */
	for (k = kp->list; k != NULL; k = k->next) {
		if (k->state == PMP_KEPT_STOPPING || k->in_flight)
			continue;
		k->next_ms = now_ms;
		k->backoff_ms = PMP_KEEP_BACKOFF_MIN_MS;
	}
	if (!kp->verify_in_flight)
		kp->verify_ms = now_ms;
}
