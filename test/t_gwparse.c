/*
 * t_gwparse.c - gateway discovery parsers on captured kernel data:
 * rtnetlink RTM_GETROUTE replies (IPv4 captured; IPv6, with its
 * link-local router, laid out as the kernel does) and /proc/net/route.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "route/route.h"

/*
 * Captured on Debian 12 (x86_64) with RTM_GETROUTE for 8.8.8.8, seq 7:
 * - default via 192.0.2.1 dev eth0 (ifindex 4), source 192.0.2.2;
 * - a namespace with only "default dev wg0" (no gateway), ifindex 3;
 * - a namespace with no route at all: NLMSG_ERROR -ENETUNREACH.
 */
static const char cap_gateway[] =
    "700000001800000007000000080b000002200000fe0000010002000008000f00fe"
    "0000000800010008080808080004000400000008000700c000020208000500c000"
    "0201080019000000000024000c000200000032b100000000000000000000000000"
    "00000000000000000000000000";
static const char cap_ptp[] =
    "680000001800000007000000a10b000002200000fe0000010002000008000f00fe"
    "00000008000100080808080800040003000000080007000a020002080019000000"
    "000024000c00020000000000000000000000000000000000000000000000000000"
    "0000000000";
static const char cap_unreach[] =
    "380000000200000007000000370b00009bffffff240000001a0001000700000000"
    "0000000220000000000000000000000800010008080808";

static size_t
unhex(const char *h, uint8_t *b, size_t cap)
{
	size_t n = 0;

	while (h[0] != '\0' && h[1] != '\0' && n < cap) {
		unsigned v;

		sscanf(h, "%2x", &v);
		b[n++] = (uint8_t)v;
		h += 2;
	}
	return n;
}

static void
test_netlink_gateway(void **state)
{
	uint8_t b[512];
	size_t n = unhex(cap_gateway, b, sizeof(b));
	pmp_gateway_info_t gi;
	unsigned oif;

	(void)state;
	assert_int_equal(pmp_route_parse_netlink(b, n, 7, &gi, &oif), PMP_OK);
	assert_memory_equal(gi.gateway + 10, "\xff\xff\xc0\x00\x02\x01", 6);
	assert_memory_equal(gi.source + 12, "\xc0\x00\x02\x02", 4);
	assert_int_equal(oif, 4);
	assert_int_equal(gi.method, PMP_GW_NETLINK);
	/* another request's answer is not ours */
	assert_int_equal(pmp_route_parse_netlink(b, n, 8, &gi, &oif), PMP_EAGAIN);
	/* every truncation is rejected or incomplete, never read past */
	while (--n > 0) {
		int rc = pmp_route_parse_netlink(b, n, 7, &gi, &oif);

		assert_true(rc == PMP_EINVAL || rc == PMP_EAGAIN);
	}
}

/* An IPv6 RTM_NEWROUTE as the kernel lays it out (seq 9): a gateway
 * (16 bytes) and the output interface. */
static size_t
v6_route(uint8_t *b, const uint8_t gw[16], int with_oif)
{
	struct nlmsghdr nh;
	struct rtmsg rtm;
	struct rtattr rta;
	uint32_t oif = 5;
	size_t off = NLMSG_HDRLEN;

	memset(b, 0, 256);
	memset(&rtm, 0, sizeof(rtm));
	rtm.rtm_family = AF_INET6;
	rtm.rtm_dst_len = 128;
	rtm.rtm_type = RTN_UNICAST;
	memcpy(b + off, &rtm, sizeof(rtm));
	off += NLMSG_ALIGN(sizeof(rtm));
	rta.rta_type = RTA_GATEWAY;
	rta.rta_len = RTA_LENGTH(16);
	memcpy(b + off, &rta, sizeof(rta));
	memcpy(b + off + RTA_LENGTH(0), gw, 16);
	off += RTA_SPACE(16);
	if (with_oif) {
		rta.rta_type = RTA_OIF;
		rta.rta_len = RTA_LENGTH(4);
		memcpy(b + off, &rta, sizeof(rta));
		memcpy(b + off + RTA_LENGTH(0), &oif, 4);
		off += RTA_SPACE(4);
	}
	memset(&nh, 0, sizeof(nh));
	nh.nlmsg_len = (uint32_t)off;
	nh.nlmsg_type = RTM_NEWROUTE;
	nh.nlmsg_seq = 9;
	memcpy(b, &nh, sizeof(nh));
	return off;
}

/* IPv6's default router: a global one as it is; a link-local one gets
 * its interface in bytes 2-3 (the library's form, core/addr.h), and
 * without the interface it is refused. */
static void
test_netlink_ipv6(void **state)
{
	static const uint8_t global[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t ll[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 1 };
	uint8_t b[256];
	pmp_gateway_info_t gi;
	unsigned oif;
	size_t n;

	(void)state;
	n = v6_route(b, global, 1);
	assert_int_equal(pmp_route_parse_netlink(b, n, 9, &gi, &oif), PMP_OK);
	assert_memory_equal(gi.gateway, global, 16);
	assert_int_equal(oif, 5);
	n = v6_route(b, ll, 1);
	assert_int_equal(pmp_route_parse_netlink(b, n, 9, &gi, &oif), PMP_OK);
	assert_memory_equal(gi.gateway, "\xfe\x80\x00\x05", 4);
	assert_memory_equal(gi.gateway + 4, ll + 4, 12);
	n = v6_route(b, ll, 0);
	assert_int_equal(pmp_route_parse_netlink(b, n, 9, &gi, &oif),
	    PMP_EINVAL);
	while (--n > 0) {
		int rc = pmp_route_parse_netlink(b, n, 9, &gi, &oif);

		assert_true(rc == PMP_EINVAL || rc == PMP_EAGAIN);
	}
}

static void
test_netlink_point_to_point(void **state)
{
	uint8_t b[512];
	size_t n = unhex(cap_ptp, b, sizeof(b));
	pmp_gateway_info_t gi;
	unsigned oif;

	(void)state;
	assert_int_equal(pmp_route_parse_netlink(b, n, 7, &gi, &oif),
	    PMP_ENOGWADDR);
	assert_int_equal(oif, 3);
	assert_memory_equal(gi.source + 12, "\x0a\x02\x00\x02", 4);
}

static void
test_netlink_unreachable(void **state)
{
	uint8_t b[512];
	size_t n = unhex(cap_unreach, b, sizeof(b));
	pmp_gateway_info_t gi;
	unsigned oif;

	(void)state;
	assert_int_equal(pmp_route_parse_netlink(b, n, 7, &gi, &oif),
	    PMP_ENOROUTE);
}

static void
test_netlink_malformed(void **state)
{
	uint8_t b[512];
	size_t n = unhex(cap_gateway, b, sizeof(b));
	pmp_gateway_info_t gi;
	unsigned oif;
	uint8_t c[512];

	(void)state;
	/* nlmsg_len larger than the buffer */
	memcpy(c, b, n);
	c[0] = 0xff;
	assert_int_equal(pmp_route_parse_netlink(c, n, 7, &gi, &oif),
	    PMP_EINVAL);
	/* nlmsg_len smaller than a header */
	c[0] = 4;
	assert_int_equal(pmp_route_parse_netlink(c, n, 7, &gi, &oif),
	    PMP_EINVAL);
	/* an attribute that claims to run past the message */
	memcpy(c, b, n);
	c[28] = 0xf0;	/* first rta_len */
	assert_int_equal(pmp_route_parse_netlink(c, n, 7, &gi, &oif),
	    PMP_EINVAL);
	/* RTA_GATEWAY of the wrong size */
	memcpy(c, b, n);
	c[60] = 6;	/* the RTA_GATEWAY attribute's length */
	assert_int_equal(c[62], 5);
	assert_int_equal(pmp_route_parse_netlink(c, n, 7, &gi, &oif),
	    PMP_EINVAL);
	/* an unreachable route type */
	memcpy(c, b, n);
	c[23] = 7;	/* rtm_type = RTN_UNREACHABLE */
	assert_int_equal(pmp_route_parse_netlink(c, n, 7, &gi, &oif),
	    PMP_ENOROUTE);
	assert_int_equal(pmp_route_parse_netlink(c, 0, 7, &gi, &oif),
	    PMP_EAGAIN);
}

static const uint8_t probe[4] = { 8, 8, 8, 8 };
#define HDR "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\t" \
    "Mask\t\tMTU\tWindow\tIRTT\n"

static int
proc(const char *text, pmp_gateway_info_t *gi)
{
	return pmp_route_parse_proc_route(text, strlen(text), probe, gi);
}

static void
test_proc_route(void **state)
{
	pmp_gateway_info_t gi;

	(void)state;
	/* this machine's table */
	assert_int_equal(proc(HDR
	    "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
	    "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n",
	    &gi), PMP_OK);
	assert_memory_equal(gi.gateway + 12, "\xc0\x00\x02\x01", 4);
	assert_string_equal(gi.ifname, "eth0");
	assert_int_equal(gi.method, PMP_GW_PROC_ROUTE);

	/* two defaults: the lower metric wins (metrics are decimal) */
	assert_int_equal(proc(HDR
	    "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
	    "eth0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
	    "eth1\t00000000\t0200000A\t0003\t0\t0\t99\t00000000\t0\t0\t0\n",
	    &gi), PMP_OK);
	assert_string_equal(gi.ifname, "eth1");
	assert_memory_equal(gi.gateway + 12, "\x0a\x00\x00\x02", 4);

	/* a VPN's split routes win over the default: no gateway on tun0 */
	assert_int_equal(proc(HDR
	    "eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
	    "tun0\t00000000\t00000000\t0001\t0\t0\t0\t00000080\t0\t0\t0\n"
	    "tun0\t00000080\t00000000\t0001\t0\t0\t0\t00000080\t0\t0\t0\n",
	    &gi), PMP_ENOGWADDR);
	assert_string_equal(gi.ifname, "tun0");

	/* routes that are down, or do not cover the probe, do not count */
	assert_int_equal(proc(HDR
	    "eth0\t00000000\t0101A8C0\t0002\t0\t0\t0\t00000000\t0\t0\t0\n"
	    "eth1\t0000A8C0\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n",
	    &gi), PMP_ENOROUTE);

	/* a reject route */
	assert_int_equal(proc(HDR
	    "lo\t00000000\t00000000\t0201\t0\t0\t0\t00000000\t0\t0\t0\n",
	    &gi), PMP_ENOROUTE);

	/* not a route table; a garbled line is skipped */
	assert_int_equal(proc("hello\n", &gi), PMP_EINVAL);
	assert_int_equal(proc("", &gi), PMP_EINVAL);
	assert_int_equal(proc(HDR "eth0\tzz\n"
	    "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000", &gi),
	    PMP_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_netlink_ipv6),
		cmocka_unit_test(test_netlink_gateway),
		cmocka_unit_test(test_netlink_point_to_point),
		cmocka_unit_test(test_netlink_unreachable),
		cmocka_unit_test(test_netlink_malformed),
		cmocka_unit_test(test_proc_route),
	};

	return cmocka_run_group_tests_name("gwparse", tests, NULL, NULL);
}
