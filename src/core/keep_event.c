/*
 * keep_event.c - the events of kept mappings (see keep_event.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "keep_event.h"

/*
 * The one place a pmp_event_t is made: the type, the kept mapping's
 * identity (k may be NULL for gateway events), its port and lifetime while
 * mapped, the public address and epoch as known now.
 */
void
pmp_keep_event(const pmp_keeper_t *kp, pmp_event_t *ev, pmp_event_type_t type,
    const pmp_kept_t *k)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->method = kp->q.method;
	if (k != NULL) {
		ev->keep_id = k->id;
		ev->protocol = k->protocol;
		ev->private_port = k->private_port;
		if (k->state == PMP_KEPT_MAPPED) {
			ev->public_port = k->public_port;
			ev->lifetime = k->granted;
		}
	}
	if (kp->have_address)
		memcpy(ev->public_address, kp->address, 16);
	if (kp->q.epoch != NULL && kp->q.epoch->valid)
		ev->epoch = kp->q.epoch->sssoe;
}

void
pmp_keep_emit(pmp_keeper_t *kp, pmp_event_type_t type, const pmp_kept_t *k,
    int status, unsigned rc, uint16_t prev_port, uint32_t retry_ms)
{
	pmp_event_t ev;

	if (kp->emit == NULL)
		return;
	pmp_keep_event(kp, &ev, type, k);
	ev.status = status;
	ev.result_code = rc;
	ev.previous_public_port = prev_port;
	ev.retry_ms = retry_ms;
	kp->emit(kp->ctx, &ev);
}

/* PMP_EV_DELETED for a mapping left to expire: PMP_ENODELETE, with its
 * public port and the seconds its lease still runs. */
void
pmp_keep_emit_left(pmp_keeper_t *kp, const pmp_kept_t *k, uint64_t now_ms)
{
	pmp_event_t ev;

	if (kp->emit == NULL)
		return;
	pmp_keep_event(kp, &ev, PMP_EV_DELETED, k);
	ev.status = PMP_ENODELETE;
	ev.public_port = k->public_port;
	ev.lifetime = k->expires_ms > now_ms ?
	    (uint32_t)((k->expires_ms - now_ms + 999) / 1000) : 0;
	kp->emit(kp->ctx, &ev);
}

