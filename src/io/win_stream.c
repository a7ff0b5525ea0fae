/*
 * win_stream.c - UPnP-IGD's sockets (io.h, Windows): the SSDP search
 * socket and the non-blocking TCP connections.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Windows has no error queue: an unconnected UDP socket cannot say whose
 * datagram drew an ICMP error, so the search socket takes none
 * (SIO_UDP_CONNRESET off, lest one fail a later receive) and a gateway
 * whose port 1900 is closed is known only when the search window ends.
 */
#include <winsock2.h>
#include <ws2tcpip.h>

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "pmp.h"
#include "io.h"
#include "win.h"

int
pmp_search_socket(const uint8_t local[16])
{
	struct sockaddr_storage ss;
	socklen_t len = pmp_sockaddr_from(&ss, local, 0);
	int fd = pmp_win_quiet_udp(ss.ss_family);
	SOCKET s;

	if (fd < 0)
		return PMP_ESYS;
	s = PMP_SOCKET(fd);
	/* from the address toward the gateway: the interface it is on */
	if (bind(s, (struct sockaddr *)&ss, len) != 0)
		return pmp_win_fail_closing(fd);
	if (ss.ss_family == AF_INET) {
		struct in_addr ifa = ((struct sockaddr_in *)&ss)->sin_addr;
		DWORD ttl = 2, loop = 0;

		/* UDA 1.1 §1.1.2: TTL 2; on the gateway's interface */
		if (setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF,
		    (const char *)&ifa, sizeof(ifa)) != 0 ||
		    setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL,
		    (const char *)&ttl, sizeof(ttl)) != 0)
			return pmp_win_fail_closing(fd);
		(void)setsockopt(s, IPPROTO_IP, IP_MULTICAST_LOOP,
		    (const char *)&loop, sizeof(loop));
	} else {
		DWORD hops = 2;
		DWORD idx = ((struct sockaddr_in6 *)&ss)->sin6_scope_id;

		if (idx != 0)
			(void)setsockopt(s, IPPROTO_IPV6, IPV6_MULTICAST_IF,
			    (const char *)&idx, sizeof(idx));
		(void)setsockopt(s, IPPROTO_IPV6, IPV6_MULTICAST_HOPS,
		    (const char *)&hops, sizeof(hops));
	}
	return fd;
}

int
pmp_search_socket_refused(int fd, uint8_t to[16], uint16_t *port)
{
	(void)fd;
	(void)to;
	(void)port;
	return -1;	/* no error queue (see the top) */
}

int
pmp_tcp_connect(const uint8_t addr[16], uint16_t port, int *in_progress)
{
	struct sockaddr_storage ss;
	socklen_t len = pmp_sockaddr_from(&ss, addr, port);
	int fd = pmp_socket(ss.ss_family, SOCK_STREAM, 0);

	if (fd < 0)
		return PMP_ESYS;
	*in_progress = 0;
	if (connect(PMP_SOCKET(fd), (struct sockaddr *)&ss, len) == 0)
		return fd;
	if (WSAGetLastError() == WSAEWOULDBLOCK) {
		*in_progress = 1;
		return fd;
	}
	return pmp_win_fail_closing(fd);
}

int
pmp_tcp_connected(int fd)
{
	struct sockaddr_storage ss;
	int err = 0, len = sizeof(err), sl = sizeof(ss);

	if (getsockopt(PMP_SOCKET(fd), SOL_SOCKET, SO_ERROR, (char *)&err,
	    &len) != 0)
		return pmp_win_errno(WSAGetLastError());
	if (err != 0)
		return pmp_win_errno(err);
	if (getpeername(PMP_SOCKET(fd), (struct sockaddr *)&ss, &sl) != 0) {
		err = WSAGetLastError();
		return err == WSAENOTCONN ? EINPROGRESS : pmp_win_errno(err);
	}
	return 0;
}

long
pmp_send(int fd, const uint8_t *b, size_t n)
{
	int r = send(PMP_SOCKET(fd), (const char *)b, n > INT_MAX ? INT_MAX :
	    (int)n, 0);

	return r < 0 ? pmp_win_fail() : (long)r;
}

long
pmp_recv(int fd, uint8_t *b, size_t cap)
{
	int r = recv(PMP_SOCKET(fd), (char *)b, cap > INT_MAX ? INT_MAX :
	    (int)cap, 0);

	return r < 0 ? pmp_win_fail() : (long)r;
}
