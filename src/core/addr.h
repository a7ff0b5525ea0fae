/*
 * addr.h - IPv4-mapped IPv6 addresses (::ffff:a.b.c.d), the one form of
 * address inside libpmp, as PCP (RFC 6887 §5) puts them on the wire.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_ADDR_H
#define PMP_ADDR_H

#include <stdint.h>

/* 1 if addr is IPv4-mapped (::ffff:a.b.c.d). */
int pmp_addr_is_v4(const uint8_t addr[16]);
/* addr = ::ffff:v4 (v4 in network order). */
void pmp_addr_from_v4(uint8_t addr[16], const uint8_t v4[4]);

/*
 * Link-local IPv6 addresses (fe80::/10) need their interface: inside
 * libpmp it rides in bytes 2-3 (zero in any valid link-local address), as
 * BSD kernels keep it (the KAME form), so the 16 bytes still say all.
 */
int pmp_addr_is_linklocal(const uint8_t a[16]);
/* A unicast address a socket can reach: IPv4 not 0.0.0.0/8, IPv6 not ::
 * nor multicast, link-local with its interface. */
int pmp_addr_usable(const uint8_t a[16]);
unsigned pmp_addr_scope(const uint8_t a[16]);
void pmp_addr_set_scope(uint8_t a[16], unsigned scope);

/*
 * "a.b.c.d", "a.b.c.d:port", an IPv6 literal (with "%zone" for a
 * link-local one), or "[IPv6]:port" / "[IPv6%zone]:port": the address,
 * the port (5351 when none is given) and the zone's text (empty if none)
 * for the caller to resolve.  PMP_OK or PMP_EINVAL.
 */
int pmp_addr_parse_endpoint(const char *text, uint8_t addr[16],
    uint16_t *port, char *scope, size_t scope_cap);

#endif
