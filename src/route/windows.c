/*
 * windows.c - default-gateway discovery on Windows: GetBestRoute2(), the
 * route the system would really use toward a public destination (metrics,
 * VPN routes and interface priorities included; GetBestRoute() for IPv4
 * where it is missing, as in Wine), and the interface's name from
 * GetAdaptersAddresses().  Sends no packet.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <netioapi.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pmp.h"
#include "core/addr.h"
#include "route.h"

static void
from_sockaddr(const SOCKADDR_INET *sa, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (sa->si_family == AF_INET) {
		pmp_addr_from_v4(addr, (const uint8_t *)&sa->Ipv4.sin_addr);
	} else if (sa->si_family == AF_INET6) {
		memcpy(addr, &sa->Ipv6.sin6_addr, 16);
		/* a link-local address carries its interface (core/addr.h) */
		if (pmp_addr_is_linklocal(addr))
			pmp_addr_set_scope(addr, sa->Ipv6.sin6_scope_id);
	}
}

static int
unspecified(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0 || (pmp_addr_is_v4(a) &&
	    memcmp(a + 12, zero, 4) == 0);
}

/* The friendly name ("Ethernet", "Wi-Fi") of the adapter with that index,
 * as UTF-8 cut to the field; "" if not found. */
static void
adapter_name(unsigned long index, int family, char *out, size_t cap)
{
	ULONG size = 16384;
	IP_ADAPTER_ADDRESSES *list = NULL, *a;
	ULONG rc = ERROR_BUFFER_OVERFLOW;
	int tries;

	out[0] = '\0';
	for (tries = 0; tries < 3 && rc == ERROR_BUFFER_OVERFLOW; tries++) {
		free(list);
		list = malloc(size);
		if (list == NULL)
			return;
		rc = GetAdaptersAddresses((ULONG)family,
		    GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST |
		    GAA_FLAG_SKIP_DNS_SERVER, NULL, list, &size);
	}
	for (a = rc == NO_ERROR ? list : NULL; a != NULL; a = a->Next) {
		if ((family == AF_INET ? a->IfIndex : a->Ipv6IfIndex) != index)
			continue;
		if (WideCharToMultiByte(CP_UTF8, 0, a->FriendlyName, -1, out,
		    (int)cap, NULL, NULL) == 0)
			out[0] = '\0';	/* too long for the field: none */
		break;
	}
	free(list);
}

/*
 * What a route lookup's answer rc says, with the route's gateway (next
 * hop), interface and family filled in on success: PMP_OK, PMP_ENOGWADDR
 * (on-link: a point-to-point link, a VPN's, has no gateway),
 * PMP_ENOROUTE, PMP_ESYS.
 */
static int
route_found(DWORD rc, pmp_gateway_info_t *info, unsigned long ifindex,
    int family)
{
	if (rc == ERROR_NETWORK_UNREACHABLE || rc == ERROR_NOT_FOUND ||
	    rc == ERROR_HOST_UNREACHABLE)
		return PMP_ENOROUTE;
	if (rc != NO_ERROR) {
		errno = EIO;
		return PMP_ESYS;
	}
	info->method = PMP_GW_BEST_ROUTE;
	adapter_name(ifindex, family, info->ifname, sizeof(info->ifname));
	if (unspecified(info->gateway)) {
		memset(info->gateway, 0, 16);
		return PMP_ENOGWADDR;
	}
	return PMP_OK;
}

static int
best_route(pmp_gateway_info_t *info, int family)
{
	static const uint8_t dst4[4] = PMP_ROUTE_PROBE_DST;
	static const uint8_t dst6[16] = PMP_ROUTE_PROBE_DST6;
	SOCKADDR_INET dst, src;
	MIB_IPFORWARD_ROW2 row;
	MIB_IPFORWARDROW row4;
	IPAddr dst_v4;
	DWORD rc;

	memset(info, 0, sizeof(*info));
	memset(&dst, 0, sizeof(dst));
	memset(&src, 0, sizeof(src));
	memset(&row, 0, sizeof(row));
	memset(&row4, 0, sizeof(row4));
	dst.si_family = (ADDRESS_FAMILY)family;
	if (family == AF_INET)
		memcpy(&dst.Ipv4.sin_addr, dst4, 4);
	else
		memcpy(&dst.Ipv6.sin6_addr, dst6, 16);
	rc = GetBestRoute2(NULL, 0, NULL, &dst, 0, &row, &src);
	if (rc == ERROR_NOT_SUPPORTED && family == AF_INET) {
		/* where it is missing (Wine): IPv4's older GetBestRoute(),
		 * which says no source address */
		memcpy(&dst_v4, dst4, 4);
		rc = GetBestRoute(dst_v4, 0, &row4);
		if (rc == NO_ERROR)
			pmp_addr_from_v4(info->gateway,
			    (const uint8_t *)&row4.dwForwardNextHop);
		return route_found(rc, info, row4.dwForwardIfIndex, family);
	}
	if (rc == ERROR_NOT_SUPPORTED)
		return PMP_EUNSUPPORTED;
	if (rc == NO_ERROR) {
		from_sockaddr(&src, info->source);
		from_sockaddr(&row.NextHop, info->gateway);
	}
	return route_found(rc, info, row.InterfaceIndex, family);
}

int
pmp_discover_gateway(pmp_gateway_info_t *info)
{
	if (info == NULL)
		return PMP_EINVAL;
	return best_route(info, AF_INET);
}

int
pmp_discover_gateway6(pmp_gateway_info_t *info)
{
	if (info == NULL)
		return PMP_EINVAL;
	return best_route(info, AF_INET6);
}
