/*
 * udp.c - the client's UDP socket (POSIX).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "core/addr.h"
#include "pmp.h"
#include "io.h"

int
pmp_udp_open(const uint8_t addr[16], uint16_t port)
{
	struct sockaddr_in sin;
	int fd, saved;

	if (!pmp_addr_is_v4(addr)) {
		errno = EAFNOSUPPORT;
		return PMP_ESYS;
	}
	fd = pmp_socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return PMP_ESYS;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	memcpy(&sin.sin_addr, addr + 12, 4);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		goto fail;
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return PMP_ESYS;
}

long
pmp_udp_recv(int fd, uint8_t *b, size_t cap, uint8_t src[16], uint16_t *sport)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	ssize_t n;

	memset(&sin, 0, sizeof(sin));
	n = recvfrom(fd, b, cap, MSG_DONTWAIT | MSG_TRUNC,
	    (struct sockaddr *)&sin, &slen);
	if (n < 0)
		return PMP_ESYS;
	memset(src, 0, 16);
	*sport = 0;
	if (sin.sin_family == AF_INET) {
		pmp_addr_from_v4(src, (const uint8_t *)&sin.sin_addr);
		*sport = ntohs(sin.sin_port);
	}
	return (long)n;
}

int
pmp_udp_send(int fd, const uint8_t *b, size_t n)
{
	ssize_t r;

	do {
		r = send(fd, b, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? PMP_ESYS : PMP_OK;
}
