/*
 * gw_bsd.c - default-gateway discovery on the BSDs and macOS.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Ask the kernel over a PF_ROUTE socket which route it would use toward a
 * public destination (RTM_GET with RTA_DST), as route(8) "get" does.  No
 * packet is sent, no program is run.  Built instead of gw_linux.c where
 * uname -s is not Linux.  Not compiled or run by this project's CI, which
 * runs on Linux only.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <net/if.h>
#include <net/if_dl.h>
#include <net/route.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "route.h"
#include "core/addr.h"
#include "io/io.h"

/* Socket addresses in routing messages are padded (route(4)); macOS pads
 * to 4 bytes, the BSDs to the size of a long. */
#ifdef __APPLE__
#define SA_ALIGN 4u
#else
#define SA_ALIGN sizeof(long)
#endif
#define SA_SIZE(len) ((len) == 0 ? SA_ALIGN : \
	(((size_t)(len) + SA_ALIGN - 1) & ~(SA_ALIGN - 1)))

int pmp_route_parse_rtmsg(const uint8_t *b, size_t n, int seq, pid_t pid,
    pmp_gateway_info_t *info);

/*
 * Parse an RTM_GET reply.  Returns PMP_OK, PMP_ENOGWADDR (the route's
 * gateway is a link, as on a point-to-point tunnel), PMP_ENOROUTE,
 * PMP_EAGAIN (not our message) or PMP_EINVAL.
 */
int
pmp_route_parse_rtmsg(const uint8_t *b, size_t n, int seq, pid_t pid,
    pmp_gateway_info_t *info)
{
	struct rt_msghdr rtm;
	size_t off;
	int i, have_gw = 0;

	if (n < sizeof(rtm))
		return PMP_EINVAL;
	memcpy(&rtm, b, sizeof(rtm));
	if (rtm.rtm_msglen > n || rtm.rtm_msglen < sizeof(rtm))
		return PMP_EINVAL;
	if (rtm.rtm_type != RTM_GET || rtm.rtm_seq != seq ||
	    rtm.rtm_pid != pid)
		return PMP_EAGAIN;
	if (rtm.rtm_errno != 0)
		return PMP_ENOROUTE;
	if (rtm.rtm_flags & (RTF_REJECT | RTF_BLACKHOLE))
		return PMP_ENOROUTE;
	memset(info, 0, sizeof(*info));
	info->method = PMP_GW_ROUTE_SOCKET;
	off = sizeof(rtm);
	for (i = 0; i < RTAX_MAX; i++) {
		struct sockaddr sa;

		if (!(rtm.rtm_addrs & (1 << i)))
			continue;
		if (off + 2 > rtm.rtm_msglen)
			return PMP_EINVAL;
		memcpy(&sa, b + off, 2);	/* sa_len, sa_family */
		if (sa.sa_len > rtm.rtm_msglen - off)
			return PMP_EINVAL;
		if (i == RTAX_GATEWAY && sa.sa_family == AF_INET &&
		    sa.sa_len >= sizeof(struct sockaddr_in)) {
			struct sockaddr_in sin;

			memcpy(&sin, b + off, sizeof(sin));
			pmp_addr_from_v4(info->gateway,
			    (const uint8_t *)&sin.sin_addr);
			have_gw = 1;
		} else if (i == RTAX_GATEWAY && sa.sa_family == AF_INET6 &&
		    sa.sa_len >= sizeof(struct sockaddr_in6)) {
			struct sockaddr_in6 sin6;

			/* a link-local router comes in the KAME form, its
			 * interface in bytes 2-3: the library's own form
			 * (core/addr.h); else from sin6_scope_id */
			memcpy(&sin6, b + off, sizeof(sin6));
			memcpy(info->gateway, &sin6.sin6_addr, 16);
			if (pmp_addr_scope(info->gateway) == 0)
				pmp_addr_set_scope(info->gateway,
				    sin6.sin6_scope_id);
			have_gw = 1;
		} else if (i == RTAX_IFA && sa.sa_family == AF_INET6 &&
		    sa.sa_len >= sizeof(struct sockaddr_in6)) {
			struct sockaddr_in6 sin6;

			memcpy(&sin6, b + off, sizeof(sin6));
			memcpy(info->source, &sin6.sin6_addr, 16);
		} else if (i == RTAX_IFA && sa.sa_family == AF_INET &&
		    sa.sa_len >= sizeof(struct sockaddr_in)) {
			struct sockaddr_in sin;

			memcpy(&sin, b + off, sizeof(sin));
			pmp_addr_from_v4(info->source,
			    (const uint8_t *)&sin.sin_addr);
		} else if (i == RTAX_IFP && sa.sa_family == AF_LINK &&
		    sa.sa_len >= offsetof(struct sockaddr_dl, sdl_data)) {
			struct sockaddr_dl sdl;
			size_t nl;

			memset(&sdl, 0, sizeof(sdl));
			memcpy(&sdl, b + off, sa.sa_len < sizeof(sdl) ?
			    sa.sa_len : sizeof(sdl));
			nl = sdl.sdl_nlen;
			if (nl >= sizeof(info->ifname))
				nl = sizeof(info->ifname) - 1;
			if (offsetof(struct sockaddr_dl, sdl_data) + nl <=
			    sa.sa_len) {
				memcpy(info->ifname, b + off +
				    offsetof(struct sockaddr_dl, sdl_data), nl);
				info->ifname[nl] = '\0';
			}
		}
		off += SA_SIZE(sa.sa_len);
	}
	if (!have_gw || !(rtm.rtm_flags & RTF_GATEWAY))
		return PMP_ENOGWADDR;
	return PMP_OK;
}

static int
discover(pmp_gateway_info_t *info, int family)
{
	static const uint8_t dst[4] = PMP_ROUTE_PROBE_DST;
	static const uint8_t dst6[16] = PMP_ROUTE_PROBE_DST6;
	struct {
		struct rt_msghdr h;
		uint8_t addrs[512];
	} m;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr_dl sdl;
	uint8_t buf[2048];
	size_t off;
	pid_t pid = getpid();
	int fd, seq = 1, rc = PMP_EAGAIN;

	if (info == NULL)
		return PMP_EINVAL;
	memset(info, 0, sizeof(*info));
#ifdef SOCK_CLOEXEC
	fd = socket(PF_ROUTE, SOCK_RAW | SOCK_CLOEXEC, family);
#else
	fd = socket(PF_ROUTE, SOCK_RAW, family);	/* macOS: none */
#endif
	if (fd < 0)
		return PMP_ESYS;
	memset(&m, 0, sizeof(m));
	m.h.rtm_version = RTM_VERSION;
	m.h.rtm_type = RTM_GET;
	m.h.rtm_seq = seq;
	m.h.rtm_addrs = RTA_DST | RTA_IFP;
	m.h.rtm_flags = RTF_UP | RTF_HOST;
	off = 0;
	if (family == AF_INET) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_len = sizeof(sin);
		sin.sin_family = AF_INET;
		memcpy(&sin.sin_addr, dst, 4);
		memcpy(m.addrs + off, &sin, sizeof(sin));
		off += SA_SIZE(sizeof(sin));
	} else {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_len = sizeof(sin6);
		sin6.sin6_family = AF_INET6;
		memcpy(&sin6.sin6_addr, dst6, 16);
		memcpy(m.addrs + off, &sin6, sizeof(sin6));
		off += SA_SIZE(sizeof(sin6));
	}
	/* An empty link address asks the kernel to name the interface. */
	memset(&sdl, 0, sizeof(sdl));
	sdl.sdl_len = sizeof(sdl);
	sdl.sdl_family = AF_LINK;
	memcpy(m.addrs + off, &sdl, sizeof(sdl));
	off += SA_SIZE(sizeof(sdl));
	m.h.rtm_msglen = (u_short)(sizeof(m.h) + off);
	if (write(fd, &m, m.h.rtm_msglen) < 0) {
		int e = errno;

		close(fd);
		/* ESRCH: the kernel has no route toward dst. */
		return e == ESRCH ? PMP_ENOROUTE : PMP_ESYS;
	}
	while (rc == PMP_EAGAIN) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&pfd, 1, 1000) <= 0) {
			rc = PMP_ESYS;
			break;
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			rc = PMP_ESYS;
			break;
		}
		rc = pmp_route_parse_rtmsg(buf, (size_t)n, seq, pid, info);
	}
	close(fd);
	return rc == PMP_EINVAL ? PMP_ENOROUTE : rc;
}

int
pmp_discover_gateway(pmp_gateway_info_t *info)
{
	return discover(info, AF_INET);
}

int
pmp_discover_gateway6(pmp_gateway_info_t *info)
{
	return discover(info, AF_INET6);
}
