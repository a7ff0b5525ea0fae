/*
 * table.h - pmp-gateway's mapping table (RFC 6886 §3.3, §3.4).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure: times are passed in (monotonic milliseconds); nothing in the
 * kernel changes.  Keyed by (client address, protocol, private port).
 */
#ifndef PMP_GW_TABLE_H
#define PMP_GW_TABLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct gw_mapping {
	uint8_t client[4];
	uint8_t proto;		/* wire opcode: 1 UDP, 2 TCP */
	uint16_t private_port;
	uint16_t public_port;
	uint64_t expires_ms;
} gw_mapping_t;

typedef struct gw_table {
	gw_mapping_t *m;
	size_t n, cap;
	uint32_t max_lifetime;	/* granted lifetimes are capped here */
	uint16_t first_auto_port; /* where "any port" searches start */
	int port_shift;		/* fault: assign suggested + shift */
} gw_table_t;

/* Returns 0, or -1 if the table cannot be allocated. */
int gw_table_init(gw_table_t *t, size_t cap, uint32_t max_lifetime);
void gw_table_free(gw_table_t *t);

/* Forget every mapping (a simulated reboot). */
void gw_table_clear(gw_table_t *t);

/* Drop mappings whose lifetime ran out by now. */
void gw_table_expire(gw_table_t *t, uint64_t now_ms);

/*
 * Create or renew (client, proto, private_port).  Returns a NAT-PMP result
 * code: 0 with *public_port and *granted set, 4 (out of resources) when no
 * port or table slot is free, 2 for private port 0 (S-11, as miniupnpd).
 * An existing mapping keeps its public port and gets the new lifetime, so a
 * retransmitted request gets the same answer (S-07).
 */
unsigned gw_table_map(gw_table_t *t, const uint8_t client[4], uint8_t proto,
    uint16_t private_port, uint16_t suggested, uint32_t lifetime,
    uint64_t now_ms, uint16_t *public_port, uint32_t *granted);

/*
 * VPN-provider mode (ProtonVPN's port forwarding): a request with private
 * port 0 gets a public port chosen by the gateway, the same for UDP and
 * TCP of one client; the mapping is recorded under private port 0.
 */
unsigned gw_table_map_any(gw_table_t *t, const uint8_t client[4],
    uint8_t proto, uint32_t lifetime, uint64_t now_ms, uint16_t *public_port,
    uint32_t *granted);

/* Delete one mapping (absent is success, §3.4), or all of a client's
 * mappings of proto when private_port is 0.  Returns the result code 0. */
unsigned gw_table_unmap(gw_table_t *t, const uint8_t client[4], uint8_t proto,
    uint16_t private_port);

/* Look a mapping up; NULL if none. */
const gw_mapping_t *gw_table_find(const gw_table_t *t,
    const uint8_t client[4], uint8_t proto, uint16_t private_port);

#endif
