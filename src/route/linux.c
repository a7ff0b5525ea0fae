/*
 * gw_linux.c - default-gateway discovery on Linux.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Ask the kernel over rtnetlink which route it would use toward a public
 * destination (RTM_GETROUTE with RTA_DST): the kernel applies metrics,
 * policy rules and VPN split routes, so its answer is the route traffic
 * really takes.  No packet is sent.  If netlink is refused (some sandboxes,
 * Android), read /proc/net/route instead.  Never run a program.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/route.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "route.h"
#include "core/addr.h"
#include "io/io.h"

static uint32_t
rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);	/* netlink is host order */
	return v;
}

static int
parse_route(const uint8_t *p, size_t len, pmp_gateway_info_t *info,
    unsigned *oif)
{
	struct rtmsg rtm;
	size_t off, alen;
	int have_gw = 0;

	if (len < sizeof(rtm))
		return PMP_EINVAL;
	memcpy(&rtm, p, sizeof(rtm));
	if (rtm.rtm_family != AF_INET && rtm.rtm_family != AF_INET6)
		return PMP_EINVAL;
	alen = rtm.rtm_family == AF_INET ? 4 : 16;
	if (rtm.rtm_type == RTN_UNREACHABLE || rtm.rtm_type == RTN_BLACKHOLE ||
	    rtm.rtm_type == RTN_PROHIBIT || rtm.rtm_type == RTN_THROW)
		return PMP_ENOROUTE;
	off = NLMSG_ALIGN(sizeof(rtm));
	while (off + sizeof(struct rtattr) <= len) {
		struct rtattr rta;
		const uint8_t *data;
		size_t dlen;

		memcpy(&rta, p + off, sizeof(rta));
		if (rta.rta_len < sizeof(rta) || rta.rta_len > len - off)
			return PMP_EINVAL;
		data = p + off + RTA_LENGTH(0);
		dlen = rta.rta_len - RTA_LENGTH(0);
		switch (rta.rta_type) {
		case RTA_GATEWAY:
			if (dlen != alen)
				return PMP_EINVAL;
			if (alen == 4)
				pmp_addr_from_v4(info->gateway, data);
			else
				memcpy(info->gateway, data, 16);
			have_gw = 1;
			break;
		case RTA_PREFSRC:
			if (dlen != alen)
				return PMP_EINVAL;
			if (alen == 4)
				pmp_addr_from_v4(info->source, data);
			else
				memcpy(info->source, data, 16);
			break;
		case RTA_OIF:
			if (dlen != 4)
				return PMP_EINVAL;
			*oif = rd32(data);
			break;
		default:
			break;
		}
		off += RTA_ALIGN(rta.rta_len);
	}
	/* IPv6's default router is link-local: it needs its interface,
	 * carried in the address (core/addr.h) */
	if (have_gw && pmp_addr_is_linklocal(info->gateway)) {
		if (*oif == 0 || *oif > 0xffff || info->gateway[2] != 0 ||
		    info->gateway[3] != 0)
			return PMP_EINVAL;
		pmp_addr_set_scope(info->gateway, *oif);
	}
	return have_gw ? PMP_OK : PMP_ENOGWADDR;
}

int
pmp_route_parse_netlink(const uint8_t *b, size_t n, uint32_t seq,
    pmp_gateway_info_t *info, unsigned *oif)
{
	size_t off = 0;

	*oif = 0;
	while (off + sizeof(struct nlmsghdr) <= n) {
		struct nlmsghdr nh;
		const uint8_t *payload;
		size_t plen;

		memcpy(&nh, b + off, sizeof(nh));
		if (nh.nlmsg_len < sizeof(nh) || nh.nlmsg_len > n - off)
			return PMP_EINVAL;
		payload = b + off + NLMSG_HDRLEN;
		plen = nh.nlmsg_len - NLMSG_HDRLEN;
		if (nh.nlmsg_seq == seq) {
			if (nh.nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr err;

				if (plen < sizeof(err))
					return PMP_EINVAL;
				memcpy(&err, payload, sizeof(err));
				if (err.error != 0)	/* ENETUNREACH etc. */
					return PMP_ENOROUTE;
			} else if (nh.nlmsg_type == RTM_NEWROUTE) {
				memset(info, 0, sizeof(*info));
				info->method = PMP_GW_NETLINK;
				return parse_route(payload, plen, info, oif);
			}
		}
		off += NLMSG_ALIGN(nh.nlmsg_len);
	}
	return PMP_EAGAIN;
}

static int
discover_netlink(pmp_gateway_info_t *info, int family)
{
	static const uint8_t dst4[4] = PMP_ROUTE_PROBE_DST;
	static const uint8_t dst6[16] = PMP_ROUTE_PROBE_DST6;
	size_t alen = family == AF_INET ? 4 : 16;
	struct {
		struct nlmsghdr nh;
		struct rtmsg rtm;
		uint8_t attr[RTA_SPACE(16)];
	} req;
	struct sockaddr_nl kernel;
	struct rtattr rta;
	uint8_t buf[8192];
	unsigned oif = 0;
	uint32_t seq = 1;
	int fd, rc = PMP_EAGAIN;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = (uint32_t)(NLMSG_LENGTH(sizeof(req.rtm)) +
	    RTA_SPACE(alen));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = seq;
	req.rtm.rtm_family = (unsigned char)family;
	req.rtm.rtm_dst_len = (unsigned char)(alen * 8);
	rta.rta_type = RTA_DST;
	rta.rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(req.attr, &rta, sizeof(rta));
	memcpy(req.attr + RTA_LENGTH(0), family == AF_INET ? dst4 : dst6,
	    alen);
	memset(&kernel, 0, sizeof(kernel));
	kernel.nl_family = AF_NETLINK;
	if (sendto(fd, &req, req.nh.nlmsg_len, 0,
	    (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	while (rc == PMP_EAGAIN) {
		ssize_t n;

		/* The kernel answers RTM_GETROUTE within sendto(), so the
		 * reply is normally queued already: try without waiting, and
		 * wait (bounded, for a sandbox that swallows the request)
		 * only if it is not. */
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pfd = { fd, POLLIN, 0 };

			if (poll(&pfd, 1, 1000) <= 0) {
				rc = -1;
				errno = ETIMEDOUT;
				break;
			}
			continue;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		rc = pmp_route_parse_netlink(buf, (size_t)n, seq, info, &oif);
	}
	if (rc == PMP_EINVAL)
		rc = PMP_ENOROUTE;
	if ((rc >= 0 || rc == PMP_ENOGWADDR) && oif != 0) {
		struct ifreq ifr;

		/* The interface's name, asked on the socket we have rather
		 * than through if_indextoname()'s own socket. */
		memset(&ifr, 0, sizeof(ifr));
		ifr.ifr_ifindex = (int)oif;
		if (ioctl(fd, SIOCGIFNAME, &ifr) == 0 ||
		    if_indextoname(oif, ifr.ifr_name) != NULL) {
			memcpy(info->ifname, ifr.ifr_name, IFNAMSIZ);
			info->ifname[IFNAMSIZ - 1] = '\0';
		}
	}
	close(fd);
	return rc;
}

static int
field(const char **p, const char *end, int base, uint32_t *v)
{
	char tmp[16];
	size_t i = 0;
	char *e;

	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
	while (*p < end && **p != ' ' && **p != '\t' && **p != '\n' &&
	    i < sizeof(tmp) - 1)
		tmp[i++] = *(*p)++;
	tmp[i] = '\0';
	if (i == 0 || i > (base == 16 ? 8u : 10u) || tmp[0] == '-')
		return -1;
	*v = (uint32_t)strtoul(tmp, &e, base);
	return *e == '\0' ? 0 : -1;
}

static int
prefix_len(uint32_t mask_net)
{
	uint8_t m[4];
	int i, bits = 0;

	memcpy(m, &mask_net, 4);
	for (i = 0; i < 4; i++) {
		uint8_t x = m[i];

		while (x & 0x80) {
			bits++;
			x = (uint8_t)(x << 1);
		}
		if (m[i] != 0xff)
			break;
	}
	return bits;
}

/*
 * /proc/net/route: a header line, then per route
 * Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT
 * with addresses, flags and mask as 8 (4) hex digits of the 32-bit value
 * in host order, and RefCnt, Use and Metric in decimal.
 */
int
pmp_route_parse_proc_route(const char *text, size_t n, const uint8_t dst[4],
    pmp_gateway_info_t *info)
{
	const char *p = text, *end = text + n;
	int best_len = -1, rc = PMP_ENOROUTE;
	uint32_t best_metric = 0, probe;
	int header = 1;

	memcpy(&probe, dst, 4);
	memset(info, 0, sizeof(*info));
	info->method = PMP_GW_PROC_ROUTE;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *line = p;
		char ifname[sizeof(info->ifname)];
		uint32_t f[8];
		size_t il = 0;
		int i, plen;

		if (eol == NULL)
			eol = end;
		p = eol < end ? eol + 1 : end;
		if (header) {
			header = 0;
			if (eol - line < 5 || memcmp(line, "Iface", 5) != 0)
				return PMP_EINVAL;
			continue;
		}
		while (line < eol && line[0] != '\t' && line[0] != ' ' &&
		    il < sizeof(ifname) - 1)
			ifname[il++] = *line++;
		ifname[il] = '\0';
		if (il == 0)
			continue;
		/* Destination Gateway Flags RefCnt Use Metric Mask */
		for (i = 0; i < 7; i++)
			if (field(&line, eol, i >= 3 && i <= 5 ? 10 : 16,
			    &f[i]) != 0)
				break;
		if (i < 7)
			continue;	/* skip a line we do not understand */
		if (!(f[2] & RTF_UP) || (probe & f[6]) != f[0])
			continue;
		plen = prefix_len(f[6]);
		if (plen < best_len || (plen == best_len && f[5] >= best_metric))
			continue;
		best_len = plen;
		best_metric = f[5];
		memset(info->gateway, 0, 16);
		memcpy(info->ifname, ifname, il + 1);
		if (f[2] & RTF_REJECT) {
			rc = PMP_ENOROUTE;
		} else if (f[2] & RTF_GATEWAY) {
			pmp_addr_from_v4(info->gateway, (const uint8_t *)&f[1]);
			rc = PMP_OK;
		} else {
			rc = PMP_ENOGWADDR;
		}
	}
	if (header)
		return PMP_EINVAL;	/* empty */
	if (best_len < 0)
		info->ifname[0] = '\0';
	return rc;
}

static int
discover_proc(pmp_gateway_info_t *info)
{
	static const uint8_t dst[4] = PMP_ROUTE_PROBE_DST;
	char buf[65536];
	size_t n = 0;
	ssize_t r;
	int fd;

	fd = open("/proc/net/route", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (n < sizeof(buf) &&
	    (r = read(fd, buf + n, sizeof(buf) - n)) > 0)
		n += (size_t)r;
	close(fd);
	return pmp_route_parse_proc_route(buf, n, dst, info);
}

int
pmp_discover_gateway(pmp_gateway_info_t *info)
{
	int rc;

	if (info == NULL)
		return PMP_EINVAL;
	memset(info, 0, sizeof(*info));
	rc = discover_netlink(info, AF_INET);
	if (rc != -1)
		return rc;
	/* Netlink refused or silent: the older text interface. */
	rc = discover_proc(info);
	if (rc == -1 || rc == PMP_EINVAL)
		return PMP_ESYS;
	return rc;
}

int
pmp_discover_gateway6(pmp_gateway_info_t *info)
{
	int rc;

	if (info == NULL)
		return PMP_EINVAL;
	memset(info, 0, sizeof(*info));
	/* (no text fallback: /proc/net/ipv6_route is for another day) */
	rc = discover_netlink(info, AF_INET6);
	return rc == -1 ? PMP_ESYS : rc;
}
