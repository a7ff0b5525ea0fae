/*
 * upnp_keep.c - kept mappings over UPnP-IGD: the protocol-neutral keeper
 * (core/keeper.h) over the UPnP driver's queue (upnp_drive.h), its
 * requests beside the caller's, and the SSDP NOTIFY listener through
 * which the IGD's restarts show.  Lock held throughout.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "upnp_drive.h"

/* The keeper's requests join the caller's in the one queue. */
static int
keeper_submit(void *ctx, pmp_req_t *r, uint64_t now_ms)
{
	return pmp_upnp_submit(ctx, r, now_ms);
}

static void
keeper_cancel(void *ctx, unsigned id)
{
	(void)pmp_upnp_cancel(ctx, id);
}

void
pmp_upnp_keep_init(pmp_client_t *c)
{
	struct pmp_upnp_drive *d = c->upnp;
	pmp_keep_queue_t q;

	memset(&q, 0, sizeof(q));
	q.ctx = c;
	q.submit = keeper_submit;
	q.cancel = keeper_cancel;
	q.policy = pmp_upnp_keep_policy();
	q.rng = &c->rng;
	q.method = PMP_METHOD_UPNP;
	/* an IGD has no epoch: restarts are its new BOOTIDs */
	q.restarts = &d->restarts;
	/* an IGD may drop a mapping without a word (DD-WRT): asked */
	q.check_mappings = 1;
	pmp_keeper_init_queue(&d->keeper, &q, pmp_client_emit, c);
}

int
pmp_upnp_listen(pmp_client_t *c)
{
	struct pmp_upnp_drive *d = c->upnp;

	if (d->notify_fd >= 0)
		return PMP_OK;
	d->notify_fd = pmp_ssdp_listener_open(d->local);
	if (d->notify_fd < 0)
		return pmp_client_sys_error(c);
	pmp_client_fd_changed(c, d->notify_fd, PMP_FD_READ);
	return PMP_OK;
}

void
pmp_upnp_keep(pmp_client_t *c, pmp_kept_t *k, uint64_t now_ms)
{
	pmp_keeper_add(&c->upnp->keeper, k, now_ms);
	pmp_upnp_flush(c, now_ms);
}

int
pmp_upnp_keep_stop(pmp_client_t *c, unsigned keep_id, uint64_t now_ms)
{
	struct pmp_upnp_drive *d = c->upnp;
	pmp_kept_t *freed;
	int rc = pmp_keeper_stop(&d->keeper, keep_id, now_ms, &freed);

	if (freed != NULL) {
		freed->next = d->gone;
		d->gone = freed;
	}
	pmp_upnp_flush(c, now_ms);
	return rc;
}

unsigned
pmp_upnp_keep_count(pmp_client_t *c)
{
	return pmp_keeper_count(&c->upnp->keeper);
}

pmp_kept_t *
pmp_upnp_take_gone(pmp_client_t *c)
{
	struct pmp_upnp_drive *d = c->upnp;
	pmp_kept_t *k = d->gone;

	if (k != NULL) {
		d->gone = k->next;
		k->next = NULL;
	}
	return k;
}
