/*
 * keep_check.c - whether kept mappings are still there (keep_check.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "keep_check.h"
#include "keep_event.h"

uint64_t
pmp_keep_check_at(const pmp_keeper_t *kp, const pmp_kept_t *k)
{
	/* none while a re-creation cycle waits its 0-5 s after a restart
	 * (RFC 6886 §3.7): a check would find the mapping gone and make
	 * it again at once, ahead of the jitter and twice */
	if (!kp->q.check_mappings || k->in_flight ||
	    k->state != PMP_KEPT_MAPPED || k->restoring ||
	    kp->remap_ms != PMP_NO_DEADLINE)
		return PMP_NO_DEADLINE;
	return k->check_ms;
}

void
pmp_keep_check_all(pmp_keeper_t *kp, uint64_t now_ms)
{
	pmp_kept_t *k;

	if (!kp->q.check_mappings)
		return;
	for (k = kp->list; k != NULL; k = k->next)
		k->check_ms = now_ms;
}

void
pmp_keep_check_granted(pmp_keeper_t *kp, pmp_kept_t *k, uint64_t now_ms)
{
	k->check_ms = kp->q.check_mappings ? now_ms +
	    PMP_KEEP_CHECK_AFTER_MS : PMP_NO_DEADLINE;
}

void
pmp_keep_check_request(pmp_kept_t *k, unsigned id)
{
	pmp_req_t *r = &k->req;

	memset(r, 0, sizeof(*r));
	r->embedded = 1;
	r->id = id;
	r->op = PMP_OP_CHECK;
	r->protocol = k->protocol;
	r->private_port = k->private_port;
	r->public_port = k->public_port;
	k->resume_ms = k->next_ms;	/* the renewal, after */
	k->next_ms = PMP_NO_DEADLINE;
	k->check_ms = PMP_NO_DEADLINE;
	k->in_flight = 1;
}

void
pmp_keep_checked(pmp_keeper_t *kp, pmp_kept_t *k, const pmp_result_t *res,
    uint64_t now_ms)
{
	k->in_flight = 0;
	k->next_ms = k->resume_ms;
	/* unknown (no answer, an IGD that cannot say): the renewal stands;
	 * a mapping that ran out meanwhile is run()'s */
	if (res == NULL || res->status != PMP_EGATEWAY ||
	    k->state != PMP_KEPT_MAPPED)
		return;
	/* gone, or another's: lost, and asked for again now */
	k->state = PMP_KEPT_LOST;
	pmp_keep_emit(kp, PMP_EV_LOST, k, res->status, res->result_code, 0, 0);
	k->next_ms = now_ms;
	k->backoff_ms = PMP_KEEP_BACKOFF_MIN_MS;
}
