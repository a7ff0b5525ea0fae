/*
 * listen.c - the announcement listeners' sockets (see io.h; POSIX:
 * win_listen.c is Windows').
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "pmp.h"
#include "core/addr.h"
#include "io.h"

int
pmp_udp_local(int fd, uint8_t addr[16], uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return PMP_ESYS;
	if (pmp_sockaddr_to(&ss, addr, port) != 0) {
		errno = EAFNOSUPPORT;
		return PMP_ESYS;
	}
	return PMP_OK;
}

/*
 * IPv6 (RFC 6887 §14.1.3: ff02::1 port 5350): every node is a member of
 * the all-nodes group on every interface already, so no join; bound to
 * the wildcard on the port (a link-local group cannot be bound without a
 * scope), IPv6 only, shared with other clients.  The session checks
 * that what arrives comes from the gateway.
 */
int
pmp_any6_open(uint16_t port)
{
	struct sockaddr_in6 sin6;
	int fd, one = 1;

	fd = pmp_socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0)
		return PMP_ESYS;
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(port);
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
#ifdef SO_REUSEPORT
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0 ||
#endif
	    bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return PMP_ESYS;
	}
	return fd;
}

/*
 * RFC 6886 §3.2.1: "bind specifically to 224.0.0.1:5350, not to
 * 0.0.0.0:5350", so that only announcements arrive; SO_REUSEADDR and
 * SO_REUSEPORT let every NAT-PMP client on the host listen at once.
 */
int
pmp_group4_open(uint16_t port, uint32_t group, const uint8_t local[16])
{
	struct sockaddr_in sin;
	struct ip_mreq mreq;
	int fd, one = 1;

	fd = pmp_socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return PMP_ESYS;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(group);
	memset(&mreq, 0, sizeof(mreq));
	mreq.imr_multiaddr = sin.sin_addr;
	memcpy(&mreq.imr_interface, local + 12, 4);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
#ifdef SO_REUSEPORT
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0 ||
#endif
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq,
	    sizeof(mreq)) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return PMP_ESYS;
	}
	return fd;
}
