/*
 * race.c - AUTO over every method (issue 14): the datagram session (PCP,
 * NAT-PMP behind it) and a UPnP-IGD probe start together, as tailscale's
 * portmapper probes all three at once, so that a router speaking only
 * UPnP-IGD costs no wait for PCP's and NAT-PMP's silence.  The verdict:
 *   - the gateway answers PCP or NAT-PMP (any answer, a refusal too):
 *     they are kept, the probe dropped — RFC 6887's order, and a router
 *     with both gets one table;
 *   - else an IGD answers the probe (found, described, its external
 *     address read): UPnP-IGD takes the requests waiting, the kept
 *     mappings and the ones the datagram methods gave up on;
 *   - else the probe failed: the datagram session alone.
 * While it runs, a request that the datagram methods could not serve
 * (ICMP port unreachable, no answer to the whole schedule) is held for
 * the verdict rather than failed.  Lock held throughout.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "client.h"
#include "core/addr.h"
#include "upnp_drive.h"

int
pmp_race_wanted(const pmp_client_t *c)
{
	unsigned upnp = PMP_METHOD_BIT(PMP_METHOD_UPNP);

	/* UPnP-IGD beside another method; this IGD client is IPv4's */
	return (c->methods == PMP_METHODS_AUTO ||
	    ((c->methods & upnp) != 0 && (c->methods & ~upnp) != 0)) &&
	    pmp_addr_is_v4(c->gateway);
}

/* Find the IGD and read its external address, as a probe whose outcome
 * is d->probe_state (upnp_drive.c's finish()); no caller sees it. */
static void
probe(pmp_client_t *c, uint64_t now_ms)
{
	struct pmp_upnp_drive *d = c->upnp;
	pmp_req_t *r = &d->probe;

	memset(r, 0, sizeof(*r));
	r->embedded = 1;
	r->id = PMP_ID_UPNP_PROBE;
	r->op = PMP_OP_PUBLIC_ADDRESS;
	d->probe_state = PMP_UPNP_PROBE_RUNNING;
	(void)pmp_upnp_submit(c, r, now_ms);
	pmp_upnp_flush(c, now_ms);
}

void
pmp_race_start(pmp_client_t *c, uint64_t now_ms)
{
	/* Without the search socket, no race: the datagram methods alone. */
	if (pmp_upnp_open(c, 1) != PMP_OK) {
		pmp_upnp_free(c);
		return;
	}
	pmp_upnp_keep_init(c);
	c->racing = 1;
	pmp_client_fd_changed(c, c->upnp->ssdp_fd, PMP_FD_READ);
	probe(c, now_ms);
}

int
pmp_race_hold(pmp_client_t *c, pmp_req_t *r)
{
	pmp_req_t **pp;

	if (!c->racing || r->embedded || (r->result.status != PMP_EREFUSED &&
	    r->result.status != PMP_ENOSUPPORT))
		return 0;
	for (pp = &c->parked; *pp != NULL; pp = &(*pp)->next)
		;
	r->next = NULL;
	*pp = r;
	return 1;
}

pmp_req_t *
pmp_race_take_held(pmp_client_t *c)
{
	pmp_req_t *r = c->parked;

	if (r != NULL) {
		c->parked = r->next;
		r->next = NULL;
	}
	return r;
}

pmp_req_t *
pmp_race_take_expired(pmp_client_t *c, uint64_t now_ms)
{
	pmp_req_t **pp, *r;

	for (pp = &c->parked; (r = *pp) != NULL; pp = &r->next)
		if (r->deadline_ms != 0 && now_ms >= r->deadline_ms) {
			*pp = r->next;
			r->next = NULL;
			r->result.status = PMP_ETIMEDOUT;
			return r;
		}
	return NULL;
}

uint64_t
pmp_race_deadline(const pmp_client_t *c)
{
	const pmp_req_t *r;
	uint64_t d = PMP_NO_DEADLINE;

	for (r = c->parked; r != NULL; r = r->next)
		if (r->deadline_ms != 0 && r->deadline_ms < d)
			d = r->deadline_ms;
	return d;
}

pmp_race_verdict_t
pmp_race_verdict(pmp_client_t *c)
{
	if (!c->racing)
		return PMP_RACE_OVER;
	if (pmp_session_heard(&c->session))
		return PMP_RACE_DATAGRAM;
	switch (c->upnp->probe_state) {
	case PMP_UPNP_PROBE_OK:
		return PMP_RACE_UPNP;
	case PMP_UPNP_PROBE_FAILED:
		return PMP_RACE_DATAGRAM;
	default:
		return PMP_RACE_RUNNING;
	}
}

void
pmp_race_to_upnp(pmp_client_t *c, uint64_t now_ms)
{
	pmp_req_t *queued = NULL, **tail = &queued, *r;

	/* The caller's requests in their order: those still waiting (their
	 * taking moves the finished ones to the done list)... */
	while ((r = pmp_session_take_queued(&c->session)) != NULL) {
		*tail = r;
		tail = &r->next;
	}
	/* ...the finished ones: given up on, asked again; answered, their
	 * result stands... */
	while ((r = pmp_session_take_done(&c->session)) != NULL)
		if (!pmp_race_hold(c, r))
			pmp_upnp_deliver_later(c, r);
	/* ...and all asked of the IGD, those given up on first (they came
	 * first). */
	*tail = NULL;
	while ((r = pmp_race_take_held(c)) != NULL ||
	    ((r = queued) != NULL && (queued = r->next, 1))) {
		r->next = NULL;
		memset(&r->result, 0, sizeof(r->result));
		r->attempts = 0;
		if (pmp_upnp_submit(c, r, now_ms) != PMP_OK) {
			r->result.status = PMP_EUNSUPPORTED;
			r->result.request_id = r->id;
			r->result.op = r->op;
			r->result.method = PMP_METHOD_UPNP;
			pmp_upnp_deliver_later(c, r);
		}
	}
	pmp_keeper_take_over(&c->upnp->keeper, &c->session.keeper, now_ms);
	c->racing = 0;
}
