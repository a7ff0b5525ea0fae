/*
 * win_udp.c - UDP sockets (io.h, Windows): the client's connected one,
 * and datagrams to any address.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * A connected UDP socket reports the gateway's ICMP port unreachable as
 * WSAECONNRESET on its next receive (SIO_UDP_CONNRESET, on by default),
 * once: ECONNREFUSED, as on POSIX, and later receives are unharmed.
 * (Wine's WSAPoll() takes the error from the receive: it says POLLERR,
 * and the error waits in SO_ERROR, which api/drive.c then reads.)
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
pmp_udp_open(const uint8_t addr[16], uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = pmp_sockaddr_from(&ss, addr, port);
	int fd = pmp_socket(ss.ss_family, SOCK_DGRAM, 0);

	if (fd < 0)
		return PMP_ESYS;
	if (connect(PMP_SOCKET(fd), (struct sockaddr *)&ss, len) != 0) {
		return pmp_win_fail_closing(fd);
	}
	return fd;
}

int
pmp_udp_local(int fd, uint8_t addr[16], uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(PMP_SOCKET(fd), (struct sockaddr *)&ss, &len) != 0)
		return pmp_win_fail();
	if (pmp_sockaddr_to(&ss, addr, port) != 0) {
		errno = EAFNOSUPPORT;
		return PMP_ESYS;
	}
	return PMP_OK;
}

long
pmp_udp_recv(int fd, uint8_t *b, size_t cap, uint8_t src[16], uint16_t *sport)
{
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);
	int n;

	memset(&ss, 0, sizeof(ss));
	n = recvfrom(PMP_SOCKET(fd), (char *)b, cap > INT_MAX ? INT_MAX :
	    (int)cap, 0, (struct sockaddr *)&ss, &slen);
	if (n < 0) {
		/* Longer than cap: Winsock drops the rest and cannot say
		 * how long it was; one byte more than cap says "too long"
		 * (the POSIX side's MSG_TRUNC length, A-08). */
		if (WSAGetLastError() == WSAEMSGSIZE) {
			(void)pmp_sockaddr_to(&ss, src, sport);
			return (long)cap + 1;
		}
		return pmp_win_fail();
	}
	(void)pmp_sockaddr_to(&ss, src, sport);
	return (long)n;
}

int
pmp_udp_send(int fd, const uint8_t *b, size_t n)
{
	return pmp_send(fd, b, n) < 0 ? PMP_ESYS : PMP_OK;
}

int
pmp_udp_sendto(int fd, const uint8_t *b, size_t n, const uint8_t addr[16],
    uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = pmp_sockaddr_from(&ss, addr, port);

	if (sendto(PMP_SOCKET(fd), (const char *)b, (int)n, 0,
	    (struct sockaddr *)&ss, len) < 0)
		return pmp_win_fail();
	return PMP_OK;
}
