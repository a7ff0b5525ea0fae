/*
 * listen.c - the announcement listeners (see io.h).
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
pmp_udp_local(int fd, uint8_t addr[16])
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
		return PMP_ESYS;
	if (sin.sin_family != AF_INET) {
		errno = EAFNOSUPPORT;
		return PMP_ESYS;
	}
	pmp_addr_from_v4(addr, (const uint8_t *)&sin.sin_addr);
	return PMP_OK;
}

/*
 * RFC 6886 §3.2.1: "bind specifically to 224.0.0.1:5350, not to
 * 0.0.0.0:5350", so that only announcements arrive; SO_REUSEADDR and
 * SO_REUSEPORT let every NAT-PMP client on the host listen at once.
 */
int
pmp_listener_open(uint16_t port, const uint8_t local[16])
{
	struct sockaddr_in sin;
	struct ip_mreq mreq;
	int fd, one = 1;

	if (!pmp_addr_is_v4(local)) {
		errno = EAFNOSUPPORT;
		return PMP_ESYS;
	}
	fd = pmp_socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return PMP_ESYS;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(0xe0000001u);	/* 224.0.0.1 */
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
