/*
 * stream.c - the sockets UPnP-IGD needs beside the datagram one: the SSDP
 * search socket (unconnected: answers come from any port, UPNP.md §1.3)
 * and non-blocking TCP connections for HTTP (POSIX).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#ifdef __linux__
#include <linux/errqueue.h>
#endif

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
	int one = 1;

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
#ifdef IP_RECVERR
		/* ICMP errors on an unconnected socket: a gateway whose
		 * port 1900 is closed says so (pmp_search_refused) */
		(void)setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one,
		    sizeof(one));
#endif
	} else {
		int hops = 2;
		unsigned idx = ((struct sockaddr_in6 *)&ss)->sin6_scope_id;

		if (idx != 0)
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF,
			    &idx, sizeof(idx));
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
		    sizeof(hops));
#ifdef IPV6_RECVERR
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one,
		    sizeof(one));
#endif
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

int
pmp_search_socket_refused(int fd, uint8_t to[16], uint16_t *port)
{
#ifdef __linux__
	struct sockaddr_storage ss;
	union {
		struct cmsghdr align;
		char b[CMSG_SPACE(sizeof(struct sock_extended_err) +
		    sizeof(struct sockaddr_in6))];
	} ctl;
	char data[1];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg;
	struct cmsghdr *cm;

	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &ss;
	msg.msg_namelen = sizeof(ss);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.b;
	msg.msg_controllen = sizeof(ctl.b);
	if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
		return -1;
	/* msg_name: where the datagram that drew the error went */
	if (pmp_sockaddr_to(&ss, to, port) != 0)
		return 0;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
		const struct sock_extended_err *ee;

		if (!((cm->cmsg_level == IPPROTO_IP &&
		    cm->cmsg_type == IP_RECVERR) ||
		    (cm->cmsg_level == IPPROTO_IPV6 &&
		    cm->cmsg_type == IPV6_RECVERR)))
			continue;
		ee = (const struct sock_extended_err *)(const void *)
		    CMSG_DATA(cm);
		return ee->ee_errno == ECONNREFUSED;
	}
	return 0;
#else
	(void)fd;
	(void)to;
	(void)port;
	return -1;
#endif
}

long
pmp_send(int fd, const uint8_t *b, size_t n)
{
	ssize_t r;

	do {
		r = send(fd, b, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? PMP_ESYS : (long)r;
}

long
pmp_recv(int fd, uint8_t *b, size_t cap)
{
	ssize_t r;

	do {
		r = recv(fd, b, cap, MSG_DONTWAIT);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? PMP_ESYS : (long)r;
}
