/*
 * os_net.c - os.h's os_source_toward(): the socket calls are the same on
 * POSIX and Windows but for the headers, the socket's type and the
 * closing call.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
typedef SOCKET sock_t;
#define NO_SOCKET INVALID_SOCKET
#define SOCK_FLAGS 0		/* (closed before any child starts) */
#define close_socket(s) closesocket(s)
#else
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>
typedef int sock_t;
#define NO_SOCKET (-1)
#define SOCK_FLAGS SOCK_CLOEXEC
#define close_socket(s) close(s)
#endif

#include <string.h>

#include "pmp.h"
#include "os.h"

int
os_source_toward(const uint8_t gw[16], uint8_t src[16])
{
	struct sockaddr_in sin, me;
	socklen_t len = sizeof(me);
	sock_t s = socket(AF_INET, SOCK_DGRAM | SOCK_FLAGS, 0);
	int rc = -1;

	if (s == NO_SOCKET)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(PMP_SERVER_PORT);
	memcpy(&sin.sin_addr, gw + 12, 4);
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(s, (struct sockaddr *)&me, &len) == 0) {
		memset(src, 0, 16);
		src[10] = src[11] = 0xff;
		memcpy(src + 12, &me.sin_addr, 4);
		rc = 0;
	}
	close_socket(s);
	return rc;
}
