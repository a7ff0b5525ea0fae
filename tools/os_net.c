/*
 * os_net.c - os.h's os_source_toward() and os_if_name(): the socket and
 * interface calls are the same on POSIX and Windows but for the headers,
 * the socket's type and the closing call.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>	/* if_indextoname() */
#define IFNAME_CAP (IF_MAX_STRING_SIZE + 1)
typedef SOCKET sock_t;
#define NO_SOCKET INVALID_SOCKET
#define SOCK_FLAGS 0		/* (Windows sockets are not inherited here) */
#define close_socket(s) closesocket(s)
#else
#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <unistd.h>
#define IFNAME_CAP IF_NAMESIZE
typedef int sock_t;
#define NO_SOCKET (-1)
#define SOCK_FLAGS SOCK_CLOEXEC
#define close_socket(s) close(s)
#endif

#include <stdio.h>
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

int
os_if_name(unsigned index, char *name, size_t cap)
{
	char buf[IFNAME_CAP];

	if (if_indextoname(index, buf) == NULL)
		return -1;
	snprintf(name, cap, "%s", buf);
	return 0;
}
