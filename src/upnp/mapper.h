/*
 * mapper.h - the UPnP-IGD mapping policy (UPNP.md §2 "Lease rules", issue
 * 14), over a control point (control.h): the calls one mapping request
 * takes, and what they end in.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure.  A mapping (or an address request):
 *   0. with want_status, GetStatusInfo (its NewConnectionStatus kept,
 *      for pmp probe; an error there is no reason to stop);
 *   1. GetExternalIPAddress first: "" or 0.0.0.0 (or not IPv4) is
 *      PMP_ENOADDR; a private or CGN (100.64/10) address is kept and
 *      flagged double NAT, not refused;
 *   2. AddPortMapping for the asked lease;
 *   3. on 725 (OnlyPermanentLeasesSupported) or 402 (Invalid Args, ARRIS's
 *      answer to a lease), the same with lease 0 — the address having been
 *      checked in 1 — and the result says permanent: the caller renews
 *      it as if finite and deletes it itself;
 *   4. on 718 or 729 (conflicts): AddAnyPortMapping on an IGDv2 (its
 *      NewReservedPort is the port; 401 or 602 to it, an IGDv2 without
 *      it: as on IGDv1), else another random port >= 1024,
 *      at most PMP_MAPPER_TRIES AddPortMappings in all: never a flood.
 *   5. with permanent set (an IGD known to drop finite leases, DD-WRT:
 *      request.h), lease 0 from the start.
 * A delete is DeletePortMapping; 714 (no such entry) counts as done.  A
 * delete of a mapping this client did not make (find set) first looks
 * for ours: GetSpecificPortMappingEntry of the internal port, then the
 * list (GetGenericPortMappingEntry, at most PMP_MAPPER_WALK entries);
 * another host's mapping is never deleted, none of ours is done.
 * A check (a kept mapping, core/keeper.h) is GetSpecificPortMappingEntry
 * of its external port: PMP_OK if it is ours, PMP_EGATEWAY 714 if gone,
 * 718 if another's; PMP_EUNSUPPORTED if the IGD cannot say.
 *
 * Toward an IPv6 gateway (pinhole set: IPv6 is routed, not translated)
 * the service is WANIPv6FirewallControl:1: the address request is
 * GetFirewallStatus (inbound pinholes must be allowed; the address is
 * our own), a mapping AddPinhole for any remote host and port (its lease
 * within 1..86400 s, the public port the internal one) or, with its
 * UniqueID known, UpdatePinhole (704: gone, added again), a delete
 * DeletePinhole of that UniqueID (unknown: PMP_EUNSUPPORTED, the pinhole
 * runs out at its lease); no check (PMP_EUNSUPPORTED): each renewal's
 * UpdatePinhole finds a pinhole gone.
 */
#ifndef PMP_UPNP_MAPPER_H
#define PMP_UPNP_MAPPER_H

#include <stdint.h>

#include "control.h"
#include "core/rng.h"

#define PMP_MAPPER_TRIES 4
#define PMP_MAPPER_WALK 64	/* entries of the IGD's list looked at */

typedef enum pmp_mapper_op {
	PMP_MAPPER_ADDRESS = 1,
	PMP_MAPPER_MAP,
	PMP_MAPPER_UNMAP,
	PMP_MAPPER_CHECK
} pmp_mapper_op_t;

typedef struct pmp_mapper {
	/* the request */
	pmp_mapper_op_t op;
	int udp;
	uint16_t internal_port;
	uint16_t external_port;		/* asked (0: the internal port) */
	uint32_t lease;			/* asked, seconds */
	char client[46];		/* NewInternalClient: our address */
	char description[64];
	int want_status;		/* GetStatusInfo first */
	int find;			/* unmap: not made here, look */
	int pinhole;			/* IPv6: WANIPv6FirewallControl */
	int has_id;			/* unique_id is the pinhole's */
	uint32_t unique_id;		/* in and, after an add, out */
	/* the outcome, once done */
	int done;
	int status;			/* PMP_OK or PMP_E* */
	int upnp_error;			/* with PMP_EGATEWAY */
	char address[46];		/* the external address */
	char connection[24];		/* NewConnectionStatus, if asked */
	int double_nat;			/* it is private or CGN */
	uint16_t granted_port;
	uint32_t granted_lease;		/* 0: permanent (see 3 above) */
	int permanent;			/* in: lease 0 from the start */
	/* mapper.c's own */
	int step;
	unsigned adds;
	unsigned walked;		/* the list's entries looked at */
	uint16_t trying_port;
	int no_add_any;			/* the IGD refused AddAnyPortMapping */
	const pmp_rng_t *rng;
} pmp_mapper_t;

/*
 * Start op with the control point c (idle); the first call is started.
 * PMP_OK or the control point's error.
 */
int pmp_mapper_start(pmp_mapper_t *m, pmp_control_t *c,
    const pmp_rng_t *rng, uint64_t now_ms);

/*
 * c's call ended (pmp_control_step() said DONE): read it, and start the
 * next call or set m->done.
 */
void pmp_mapper_advance(pmp_mapper_t *m, pmp_control_t *c, uint64_t now_ms);

#endif
