/*
 * keep_check.h - whether kept mappings are still there, between renewals,
 * over a queue that can ask (pmp_keep_queue_t.check_mappings: UPnP-IGD,
 * whose routers may drop a mapping without a word, DD-WRT; UPNP.md §1).
 * For keeper.c.  Pure.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * A check (PMP_OP_CHECK, core/proto.h) goes PMP_KEEP_CHECK_AFTER_MS after
 * each grant (a router that drops finite leases does so within seconds)
 * and with each address check (PMP_KEEP_VERIFY_MS), never while another
 * request of the mapping is out nor while a restart's re-creation waits;
 * a renewal due first goes instead (it re-creates what was dropped).  Found gone: PMP_EV_LOST with the
 * gateway's word, and re-created at once (then PMP_EV_RESTORED).
 */
#ifndef PMP_KEEP_CHECK_H
#define PMP_KEEP_CHECK_H

#include "keeper.h"

#define PMP_KEEP_CHECK_AFTER_MS 5000u

/* When k's next check is due, or PMP_NO_DEADLINE. */
uint64_t pmp_keep_check_at(const pmp_keeper_t *kp, const pmp_kept_t *k);

/* Every mapping checked now (the address check's time). */
void pmp_keep_check_all(pmp_keeper_t *kp, uint64_t now_ms);

/* k was granted at now_ms: its first check. */
void pmp_keep_check_granted(pmp_keeper_t *kp, pmp_kept_t *k,
    uint64_t now_ms);

/* Fill k->req as k's check, with request id id; the renewal waits. */
void pmp_keep_check_request(pmp_kept_t *k, unsigned id);

/* k's check is over (res; NULL: it could not be sent). */
void pmp_keep_checked(pmp_keeper_t *kp, pmp_kept_t *k,
    const pmp_result_t *res, uint64_t now_ms);

#endif
