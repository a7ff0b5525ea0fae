/*
 * route.h - default-gateway discovery: the per-OS parsers, kept apart from
 * the system calls (linux.c, bsd.c) so they can be unit-tested and fuzzed on captured data.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_ROUTE_H
#define PMP_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "pmp.h"

/*
 * The destination whose route we ask for: any public address does, since
 * only the kernel's route choice matters and nothing is sent there.  A
 * specific address (not 0.0.0.0) is what makes VPN split routes
 * (0.0.0.0/1 + 128.0.0.0/1) and policy routing give the right answer.
 */
#define PMP_ROUTE_PROBE_DST { 8, 8, 8, 8 }
/* The same for IPv6: 2001:4860:4860::8888 (never contacted). */
#define PMP_ROUTE_PROBE_DST6 { 0x20, 0x01, 0x48, 0x60, 0x48, 0x60, 0, 0, \
    0, 0, 0, 0, 0, 0, 0x88, 0x88 }

/*
 * Parse a reply to RTM_GETROUTE (Linux rtnetlink) with sequence number seq.
 * Returns PMP_OK (gateway found), PMP_ENOGWADDR (route without gateway),
 * PMP_ENOROUTE (kernel error or unreachable route), PMP_EAGAIN (no message
 * of ours in this buffer) or PMP_EINVAL (malformed).  *oif gets the output
 * interface index (0 if none).
 */
int pmp_route_parse_netlink(const uint8_t *b, size_t n, uint32_t seq,
    pmp_gateway_info_t *info, unsigned *oif);

/*
 * Pick the route /proc/net/route would use toward dst (4 bytes, network
 * order): the longest matching prefix among routes that are up, then the
 * lowest metric.  Same returns as above (PMP_EINVAL for text that is not a
 * route table).
 */
int pmp_route_parse_proc_route(const char *text, size_t n, const uint8_t dst[4],
    pmp_gateway_info_t *info);

#endif
