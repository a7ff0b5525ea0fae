/*
 * win_listen.c - the announcement and SSDP NOTIFY listeners (io.h,
 * Windows).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Windows binds a group's listener to the wildcard address, not to the
 * group (which it refuses), so the socket also takes unicast datagrams to
 * the port: the layers above already take only the gateway's.
 * SO_REUSEADDR lets several processes share the port, as SO_REUSEPORT
 * does on POSIX.
 */
#include <winsock2.h>
#include <ws2tcpip.h>

#include <errno.h>
#include <string.h>

#include "pmp.h"
#include "core/addr.h"
#include "io.h"
#include "win.h"

int
pmp_any6_open(uint16_t port)
{
	struct sockaddr_in6 sin6;
	int fd = pmp_win_quiet_udp(AF_INET6);
	DWORD one = 1;
	SOCKET s;

	if (fd < 0)
		return PMP_ESYS;
	s = PMP_SOCKET(fd);
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(port);
	if (setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (const char *)&one,
	    sizeof(one)) != 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR,
	    (const char *)&one, sizeof(one)) != 0 ||
	    bind(s, (struct sockaddr *)&sin6, sizeof(sin6)) != 0)
		return pmp_win_fail_closing(fd);
	return fd;
}

int
pmp_group4_open(uint16_t port, uint32_t group, const uint8_t local[16])
{
	struct sockaddr_in sin;
	struct ip_mreq mreq;
	int fd = pmp_win_quiet_udp(AF_INET);
	DWORD one = 1;
	SOCKET s;

	if (fd < 0)
		return PMP_ESYS;
	s = PMP_SOCKET(fd);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	memset(&mreq, 0, sizeof(mreq));
	mreq.imr_multiaddr.s_addr = htonl(group);
	memcpy(&mreq.imr_interface, local + 12, 4);
	if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, (const char *)&one,
	    sizeof(one)) != 0 ||
	    bind(s, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, (const char *)&mreq,
	    sizeof(mreq)) != 0)
		return pmp_win_fail_closing(fd);
	return fd;
}
