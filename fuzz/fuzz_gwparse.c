/*
 * fuzz_gwparse.c - the gateway-discovery parsers: rtnetlink RTM_GETROUTE
 * replies and /proc/net/route text.  The first byte picks the parser.
 * Property: no crash, no read out of bounds, and a gateway is reported
 * only with PMP_OK and as an IPv4-mapped address.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "route/route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t dst[4] = { 8, 8, 8, 8 };
	pmp_gateway_info_t gi;
	unsigned oif;
	int rc;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		/* netlink: an aligned copy, as recv() would give */
		uint8_t *b = malloc(size - 1 + 1);

		if (b == NULL)
			return 0;
		memcpy(b, data + 1, size - 1);
		rc = pmp_route_parse_netlink(b, size - 1, 7, &gi, &oif);
		free(b);
	} else {
		char *t = malloc(size);

		if (t == NULL)
			return 0;
		memcpy(t, data + 1, size - 1);
		rc = pmp_route_parse_proc_route(t, size - 1, dst, &gi);
		free(t);
	}
	if (rc == PMP_OK && (gi.gateway[10] != 0xff || gi.gateway[11] != 0xff))
		abort();
	if (memchr(gi.ifname, '\0', sizeof(gi.ifname)) == NULL)
		abort();
	return 0;
}
