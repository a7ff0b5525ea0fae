/*
 * win_fd.c - Winsock sockets as this layer's descriptors (io.h, Windows):
 * Winsock started for each client, sockets born non-blocking and not
 * inherited by child processes, closed, polled (WSAPoll); Winsock's
 * errors as the POSIX errno the layers above read.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <windows.h>

#include <errno.h>
#include <limits.h>

#include "pmp.h"
#include "io.h"
#include "win.h"

int
pmp_win_errno(int wsa)
{
	switch (wsa) {
	case WSAEWOULDBLOCK:
		return EWOULDBLOCK;
	case WSAEINPROGRESS:
	case WSAEALREADY:
		return EINPROGRESS;
	case WSAEINTR:
		return EINTR;
	case WSAECONNRESET:	/* UDP: the ICMP port unreachable */
	case WSAECONNREFUSED:
		return ECONNREFUSED;
	case WSAENETUNREACH:
	case WSAENETDOWN:
		return ENETUNREACH;
	case WSAEHOSTUNREACH:
		return EHOSTUNREACH;
	case WSAEMSGSIZE:
		return EMSGSIZE;
	case WSAENOBUFS:
		return ENOBUFS;
	case WSAEADDRINUSE:
		return EADDRINUSE;
	case WSAEADDRNOTAVAIL:
		return EADDRNOTAVAIL;
	case WSAEAFNOSUPPORT:
	case WSAEPFNOSUPPORT:
		return EAFNOSUPPORT;
	case WSAENOTCONN:
		return ENOTCONN;
	case WSAETIMEDOUT:
		return ETIMEDOUT;
	case WSAEACCES:
		return EACCES;
	case WSAEMFILE:
		return EMFILE;
	case WSAEINVAL:
		return EINVAL;
	case WSAENOTSOCK:
		return ENOTSOCK;
	default:
		return EIO;
	}
}

int
pmp_win_fail(void)
{
	errno = pmp_win_errno(WSAGetLastError());
	return PMP_ESYS;
}

int
pmp_win_fail_closing(int fd)
{
	int e = pmp_win_errno(WSAGetLastError());

	(void)closesocket(PMP_SOCKET(fd));
	errno = e;
	return PMP_ESYS;
}

int
pmp_win_fd(SOCKET s)
{
	if (s == INVALID_SOCKET)
		return pmp_win_fail();
	if (s > (SOCKET)INT_MAX) {
		closesocket(s);
		errno = EMFILE;
		return PMP_ESYS;
	}
	return (int)s;
}

int
pmp_win_quiet_udp(int family)
{
	int fd = pmp_socket(family, SOCK_DGRAM, 0);
	BOOL off = FALSE;
	DWORD got = 0;

	if (fd >= 0)
		(void)WSAIoctl(PMP_SOCKET(fd), SIO_UDP_CONNRESET, &off,
		    sizeof(off), NULL, 0, &got, NULL, NULL);
	return fd;
}

int
pmp_net_start(void)
{
	WSADATA wd;
	int rc = WSAStartup(MAKEWORD(2, 2), &wd);

	if (rc != 0) {
		errno = pmp_win_errno(rc);
		return PMP_ESYS;
	}
	return PMP_OK;
}

void
pmp_net_stop(void)
{
	(void)WSACleanup();
}

int
pmp_socket(int domain, int type, int protocol)
{
	/* not inherited by the processes the program starts (the POSIX
	 * side's close-on-exec), non-blocking */
	SOCKET s = WSASocketW(domain, type, protocol, NULL, 0,
	    WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
	u_long on = 1;
	int fd = pmp_win_fd(s);

	if (fd < 0)
		return fd;
	if (ioctlsocket(s, FIONBIO, &on) != 0)
		return pmp_win_fail_closing(fd);
	return fd;
}

void
pmp_close(int fd)
{
	(void)closesocket(PMP_SOCKET(fd));
}

int
pmp_socket_error(int fd)
{
	int err = 0, len = sizeof(err);

	if (getsockopt(PMP_SOCKET(fd), SOL_SOCKET, SO_ERROR, (char *)&err,
	    &len) != 0)
		return pmp_win_errno(WSAGetLastError());
	return err != 0 ? pmp_win_errno(err) : 0;
}

int
pmp_poll(struct pollfd *pfd, unsigned n, int timeout_ms)
{
	int rc;

	if (n == 0) {		/* WSAPoll refuses an empty set */
		Sleep(timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms);
		return 0;
	}
	rc = WSAPoll(pfd, n, timeout_ms);
	return rc == SOCKET_ERROR ? pmp_win_fail() : rc;
}
