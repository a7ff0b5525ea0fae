/*
 * sockaddr.c - between the library's one address form (16 bytes,
 * IPv4-mapped for IPv4, core/addr.h) and the socket API's: an
 * IPv4-mapped address is an AF_INET socket address, any other an
 * AF_INET6 one, so that IPv4 gateways keep plain IPv4 sockets.  POSIX
 * and Windows alike (Winsock has the same structures).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>	/* if_nametoindex(), ConvertInterface*() */
#else
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <net/if.h>
#endif

#include <string.h>

#include "core/addr.h"
#include "io.h"

socklen_t
pmp_sockaddr_from(struct sockaddr_storage *ss, const uint8_t addr[16],
    uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	if (pmp_addr_is_v4(addr)) {
		struct sockaddr_in *sin = (struct sockaddr_in *)(void *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, addr + 12, 4);
		return sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)(void *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, addr, 16);
		/* a link-local address's interface rides in bytes 2-3
		 * (core/addr.h): the socket API wants it apart */
		if (pmp_addr_is_linklocal(addr)) {
			sin6->sin6_scope_id = pmp_addr_scope(addr);
			sin6->sin6_addr.s6_addr[2] = 0;
			sin6->sin6_addr.s6_addr[3] = 0;
		}
		return sizeof(*sin6);
	}
}

int
pmp_sockaddr_to(const struct sockaddr_storage *ss, uint8_t addr[16],
    uint16_t *port)
{
	memset(addr, 0, 16);
	*port = 0;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin =
		    (const struct sockaddr_in *)(const void *)ss;

		pmp_addr_from_v4(addr, (const uint8_t *)&sin->sin_addr);
		*port = ntohs(sin->sin_port);
		return 0;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 =
		    (const struct sockaddr_in6 *)(const void *)ss;

		memcpy(addr, &sin6->sin6_addr, 16);
		if (pmp_addr_is_linklocal(addr))
			pmp_addr_set_scope(addr, sin6->sin6_scope_id);
		*port = ntohs(sin6->sin6_port);
		return 0;
	}
	return -1;
}

#ifdef _WIN32
/* Windows names an interface two ways: "ethernet_32769" (if_nametoindex)
 * and its alias, "Ethernet", the one people see (and pmp prints): either
 * is taken. */
unsigned
pmp_if_index(const char *name)
{
	WCHAR w[IF_MAX_STRING_SIZE + 1];
	NET_LUID luid;
	NET_IFINDEX index = if_nametoindex(name);

	if (index != 0)
		return index;
	if (MultiByteToWideChar(CP_UTF8, 0, name, -1, w,
	    (int)(sizeof(w) / sizeof(w[0]))) == 0 ||
	    ConvertInterfaceAliasToLuid(w, &luid) != NO_ERROR ||
	    ConvertInterfaceLuidToIndex(&luid, &index) != NO_ERROR)
		return 0;
	return index;
}
#else
unsigned
pmp_if_index(const char *name)
{
	return if_nametoindex(name);
}
#endif
