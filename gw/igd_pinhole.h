/*
 * igd_pinhole.h - pmp-gateway's IGD as an IPv6 firewall: the actions of
 * WANIPv6FirewallControl:1 (IGDv2) over the pinhole table PCP uses
 * (pinhole.h), each pinhole owned by the UniqueID its AddPinhole gave.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure.  Not thread-safe.
 */
#ifndef PMP_GW_IGD_PINHOLE_H
#define PMP_GW_IGD_PINHOLE_H

#include <stddef.h>
#include <stdint.h>

#include "pinhole.h"

#define GW_IGD_FIREWALL_PATH "/ctl/IP6FCtl"
#define GW_IGD_PINHOLE_MAX_LEASE 86400u	/* WANIPv6FirewallControl:1 */

/* An action's name and arguments, as igd.c read them. */
typedef struct gw_igd_action {
	char name[40];
	unsigned nargs;
	char arg[12][32];
	char val[12][128];
} gw_igd_action_t;

/* The value of a's argument name, or NULL (igd.c's actions too). */
const char *gw_igd_arg(const gw_igd_action_t *a, const char *name);

/*
 * Do action a on ph at now_ms.  Returns 0 with the out arguments (XML
 * elements) in out, or the UPnPError code with its text in *error_text.
 * Errors: 401 (no such action), 402 (bad arguments, a lease out of
 * 1..86400), 701 (table full), 704 (no such UniqueID), 705 (a protocol
 * but TCP and UDP), 706 (a wildcard port), 707 (a wildcard protocol).
 */
int gw_igd_pinhole(gw_pinholes_t *ph, const gw_igd_action_t *a,
    uint64_t now_ms, char *out, size_t cap, const char **error_text);

#endif
