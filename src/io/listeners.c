/*
 * listeners.c - the announcement and SSDP NOTIFY listeners (io.h), over
 * each system's group sockets (listen.c, win_listen.c).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>

#include "pmp.h"
#include "core/addr.h"
#include "io.h"

/* RFC 6886 §3.2.1: announcements to 224.0.0.1:5350 (IPv6: PCP's to
 * ff02::1:5350, RFC 6887 §14.1.3, on the wildcard). */
int
pmp_listener_open(uint16_t port, const uint8_t local[16])
{
	if (!pmp_addr_is_v4(local))
		return pmp_any6_open(port);
	return pmp_group4_open(port, 0xe0000001u, local);	/* 224.0.0.1 */
}

/* UDA 1.1 §1.2: NOTIFY goes to 239.255.255.250:1900, beside every other
 * SSDP listener of the host (miniupnpc's, avahi's...). */
int
pmp_ssdp_listener_open(const uint8_t local[16])
{
	if (!pmp_addr_is_v4(local)) {
		errno = EAFNOSUPPORT;	/* FF02::C: not yet */
		return PMP_ESYS;
	}
	return pmp_group4_open(1900, 0xeffffffau, local);
}
