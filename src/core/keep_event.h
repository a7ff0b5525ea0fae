/*
 * keep_event.h - the events of kept mappings (pmp_event_t), built in one
 * place for keeper.c.  Pure.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_KEEP_EVENT_H
#define PMP_KEEP_EVENT_H

#include "keeper.h"

/* The event of type for k (NULL for the gateway's own events): identity,
 * port and lifetime while mapped, public address and epoch as known. */
void pmp_keep_event(const pmp_keeper_t *kp, pmp_event_t *ev,
    pmp_event_type_t type, const pmp_kept_t *k);

/* Build and send one to the keeper's emit callback, if any. */
void pmp_keep_emit(pmp_keeper_t *kp, pmp_event_type_t type,
    const pmp_kept_t *k, int status, unsigned rc, uint16_t prev_port,
    uint32_t retry_ms);

/* PMP_EV_DELETED for a mapping left to expire (PMP_ENODELETE), with its
 * public port and the seconds its lease still runs. */
void pmp_keep_emit_left(pmp_keeper_t *kp, const pmp_kept_t *k,
    uint64_t now_ms);

#endif
