/*
 * stream.c - the sockets UPnP-IGD needs beside the datagram one: the SSDP
 * search socket (unconnected: answers come from any port, UPNP.md §1.3)
 * and non-blocking TCP connections for HTTP (POSIX).
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
pmp_search_socket(const uint8_t local[16])
{
	struct sockaddr_storage ss;
	socklen_t len = pmp_sockaddr_from(&ss, local, 0);
	int fd = pmp_socket(ss.ss_family, SOCK_DGRAM, 0), saved;
	unsigned char ttl = 2, loop = 0;

	if (fd < 0)
		return PMP_ESYS;
	/* from the address toward the gateway: the interface it is on */
	if (bind(fd, (struct sockaddr *)&ss, len) != 0)
		goto fail;
	if (ss.ss_family == AF_INET) {
		struct in_addr ifa = ((struct sockaddr_in *)&ss)->sin_addr;

		/* UDA 1.1 §1.1.2: TTL 2; on the gateway's interface */
		if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &ifa,
		    sizeof(ifa)) != 0 ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl,
		    sizeof(ttl)) != 0)
			goto fail;
		(void)setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop,
		    sizeof(loop));
	} else {
		int hops = 2;
		unsigned idx = ((struct sockaddr_in6 *)&ss)->sin6_scope_id;

		if (idx != 0)
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF,
			    &idx, sizeof(idx));
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
		    sizeof(hops));
	}
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return PMP_ESYS;
}

int
pmp_udp_sendto(int fd, const uint8_t *b, size_t n, const uint8_t addr[16],
    uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = pmp_sockaddr_from(&ss, addr, port);
	ssize_t r;

	do {
		r = sendto(fd, b, n, MSG_DONTWAIT | MSG_NOSIGNAL,
		    (struct sockaddr *)&ss, len);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? PMP_ESYS : PMP_OK;
}

int
pmp_tcp_connect(const uint8_t addr[16], uint16_t port, int *in_progress)
{
	struct sockaddr_storage ss;
	socklen_t len = pmp_sockaddr_from(&ss, addr, port);
	int fd = pmp_socket(ss.ss_family, SOCK_STREAM, 0), saved;

	if (fd < 0)
		return PMP_ESYS;
	*in_progress = 0;
	if (connect(fd, (struct sockaddr *)&ss, len) == 0)
		return fd;
	if (errno == EINPROGRESS) {
		*in_progress = 1;
		return fd;
	}
	saved = errno;
	close(fd);
	errno = saved;
	return PMP_ESYS;
}

int
pmp_tcp_connected(int fd)
{
	struct sockaddr_storage ss;
	int err = 0;
	socklen_t len = sizeof(err), sl = sizeof(ss);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		return errno;
	if (err != 0)
		return err;
	/* no error yet, but is it made?  (a spurious "writable") */
	if (getpeername(fd, (struct sockaddr *)&ss, &sl) != 0)
		return errno == ENOTCONN ? EINPROGRESS : errno;
	return 0;
}
