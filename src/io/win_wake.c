/*
 * win_wake.c - the waker's descriptors (io.h, Windows): WSAPoll waits on
 * sockets only, so a UDP socket bound to 127.0.0.1 and connected to
 * itself stands for the pipe, both ends at once; a poke is one empty
 * datagram to itself.  Nothing leaves loopback.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <winsock2.h>
#include <ws2tcpip.h>

#include <errno.h>
#include <string.h>

#include "pmp.h"
#include "io.h"
#include "win.h"

int
pmp_wake_pair(int fds[2])
{
	struct sockaddr_in sin;
	int len = sizeof(sin), fd = pmp_win_quiet_udp(AF_INET);
	SOCKET s;

	if (fd < 0)
		return PMP_ESYS;
	s = PMP_SOCKET(fd);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    getsockname(s, (struct sockaddr *)&sin, &len) != 0 ||
	    connect(s, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		return pmp_win_fail_closing(fd);
	}
	fds[0] = fds[1] = fd;
	return PMP_OK;
}

void
pmp_wake_pair_close(int fds[2])
{
	pmp_close(fds[0]);	/* (fds[1] is the same socket) */
}

void
pmp_wake_poke(int fd)
{
	(void)send(PMP_SOCKET(fd), "", 0, 0);
}

void
pmp_wake_flush(int fd)
{
	char buf[64];

	while (recv(PMP_SOCKET(fd), buf, sizeof(buf), 0) >= 0)
		;
}
