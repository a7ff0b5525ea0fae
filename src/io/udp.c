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

#include "pmp.h"
#include "io.h"

int
pmp_udp_open(const uint8_t addr[16], uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = pmp_sockaddr_from(&ss, addr, port);
	int fd, saved;

	fd = pmp_socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		return PMP_ESYS;
	if (connect(fd, (struct sockaddr *)&ss, len) != 0)
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
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);
	ssize_t n;

	memset(&ss, 0, sizeof(ss));
	n = recvfrom(fd, b, cap, MSG_DONTWAIT | MSG_TRUNC,
	    (struct sockaddr *)&ss, &slen);
	if (n < 0)
		return PMP_ESYS;
	/* an unknown family leaves src zero: no gateway's */
	(void)pmp_sockaddr_to(&ss, src, sport);
	return (long)n;
}

int
pmp_udp_send(int fd, const uint8_t *b, size_t n)
{
	return pmp_send(fd, b, n) < 0 ? PMP_ESYS : PMP_OK;
}
