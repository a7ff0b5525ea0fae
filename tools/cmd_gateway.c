/*
 * cmd_gateway.c - `pmp gateway`: which gateway the routing table names.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmp.h"
#include "cli.h"

static const char *
method_name(pmp_gw_method_t m)
{
	switch (m) {
	case PMP_GW_NETLINK:
		return "rtnetlink route lookup";
	case PMP_GW_PROC_ROUTE:
		return "/proc/net/route";
	case PMP_GW_ROUTE_SOCKET:
		return "routing socket";
	case PMP_GW_BEST_ROUTE:
		return "Windows best-route lookup";
	}
	return "?";
}

int
cmd_gateway(const struct opts *o)
{
	pmp_gateway_info_t gi;
	char gw[ADDR_TEXT_LEN], src[ADDR_TEXT_LEN] = "";
	int rc = o->family == 6 ? pmp_discover_gateway6(&gi) :
	    pmp_discover_gateway(&gi);

	if (rc == PMP_ENOGWADDR) {
		fprintf(stderr, "%s: the route to the outside leaves through "
		    "%s, a point-to-point link with no gateway address: pass "
		    "the gateway with -g (a VPN provider documents it, e.g. "
		    "ProtonVPN: -g 10.2.0.1)\n", PROGNAME,
		    gi.ifname[0] ? gi.ifname : "an interface");
	} else if (rc != PMP_OK) {
		fprintf(stderr, "%s: %s%s%s\n", PROGNAME, pmp_strerror(rc),
		    rc == PMP_ESYS ? ": " : "",
		    rc == PMP_ESYS ? strerror(errno) : "");
	}
	if (rc != PMP_OK) {
		if (o->json) {
			int first = 1;

			putchar('{');
			json_string("op", "gateway", &first);
			printf(",\"ok\":false");
			json_string("error", pmp_strerror(rc), &first);
			if (gi.ifname[0])
				json_string("interface", gi.ifname, &first);
			printf("}\n");
		}
		return EXIT_LOCAL;
	}
	v4_text(gi.gateway, gw, sizeof(gw));
	if (address_known(gi.source))
		v4_text(gi.source, src, sizeof(src));
	if (o->json) {
		int first = 1;

		putchar('{');
		json_string("op", "gateway", &first);
		printf(",\"ok\":true");
		json_string("gateway", gw, &first);
		json_string("interface", gi.ifname, &first);
		if (src[0])
			json_string("source", src, &first);
		json_string("method", method_name(gi.method), &first);
		printf("}\n");
	} else {
		printf("gateway %s via %s%s%s (%s)\n", gw,
		    gi.ifname[0] ? gi.ifname : "?", src[0] ? " from " : "",
		    src, method_name(gi.method));
	}
	return EXIT_OK;
}
