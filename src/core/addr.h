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

#endif
