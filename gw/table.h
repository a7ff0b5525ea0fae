/*
 * table.h - pmp-gateway's mapping table (RFC 6886 §3.3, §3.4).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure: times are passed in (monotonic milliseconds); nothing in the
 * kernel changes.  Keyed by (client address, protocol, private port).
 *
 * Every operation costs O(1) or O(log n) whatever the table holds, so a
 * client cannot slow the gateway down for the others by filling it:
 *   - a keyed hash of (client, protocol, private port) finds a mapping;
 *   - a chain per public port and a bitmap of used ports find a free one;
 *   - a min-heap on expiry drops what ran out (§3.3) without a scan;
 *   - a record per client counts its mappings (the quota) and links them,
 *     so delete-all (§3.4) visits only that client's.
 * Not thread-safe: one table per thread (pmp-gateway has one thread).
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
	/* PCP: the nonce that created it (RFC 6887 §11.3: another one may
	 * not renew or delete it); NAT-PMP mappings have none. */
	uint8_t has_nonce;
	uint8_t nonce[12];
	/* PCP: the client's port its last answer went to, where a mapping
	 * update goes (RFC 6887 §14.2); 0: none. */
	uint16_t client_port;
	/* Index links, table.c's own. */
	uint32_t next_key;	/* key hash chain; the free list when unused */
	uint32_t next_port;	/* others on the same public port */
	uint32_t heap_pos;
	uint32_t owner;		/* the client record */
	uint32_t client_prev, client_next;	/* that client's mappings */
} gw_mapping_t;

typedef struct gw_client_rec {
	uint8_t addr[4];
	uint32_t count;		/* mappings held */
	uint32_t first;		/* one of them */
	uint32_t next;		/* hash chain; the free list when unused */
} gw_client_rec_t;

typedef struct gw_table {
	size_t n;		/* mappings held */
	size_t cap;
	uint32_t max_lifetime;	/* granted lifetimes are capped here */
	uint32_t max_per_client; /* new mappings per client beyond: result 4 */
	uint16_t first_auto_port; /* where "any port" searches start */
	int port_shift;		/* fault: assign suggested + shift */
	/* Set at init: the hash key, so that no client can choose keys that
	 * collide (the gateway passes a random one). */
	uint64_t seed;
	/* table.c's own */
	gw_mapping_t *m;	/* cap slots */
	uint32_t free_slot;
	uint32_t *key_head;	/* nbuckets chains */
	uint32_t nbuckets;	/* a power of two */
	uint32_t *port_head;	/* 65536 chains */
	uint64_t *used;		/* 65536 bits: port held or reserved */
	uint32_t *heap;		/* n slots, earliest expiry first */
	gw_client_rec_t *clients;	/* cap records */
	uint32_t *client_head;	/* nbuckets chains */
	uint32_t free_client;
} gw_table_t;

/*
 * Room for cap mappings, lifetimes capped at max_lifetime, no quota per
 * client (set max_per_client), hashes keyed with seed.  Returns 0, or -1
 * if the table cannot be allocated (or cap is 0 or above 2^24).
 */
int gw_table_init(gw_table_t *t, size_t cap, uint32_t max_lifetime,
    uint64_t seed);
void gw_table_free(gw_table_t *t);

/* Forget every mapping (a simulated reboot). */
void gw_table_clear(gw_table_t *t);

/* Drop mappings whose lifetime ran out by now. */
void gw_table_expire(gw_table_t *t, uint64_t now_ms);

/*
 * Create or renew (client, proto, private_port).  Returns a NAT-PMP result
 * code: 0 with *public_port and *granted set; 4 (out of resources) when no
 * port or table slot is free or the client already holds max_per_client
 * mappings; 2 for private port 0 (S-11, as miniupnpd).  An existing
 * mapping keeps its public port and gets the new lifetime, so a
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
/* The same, to change fields outside the indexes (the PCP nonce). */
gw_mapping_t *gw_table_lookup(gw_table_t *t, const uint8_t client[4],
    uint8_t proto, uint16_t private_port);

const gw_mapping_t *gw_table_find(const gw_table_t *t,
    const uint8_t client[4], uint8_t proto, uint16_t private_port);

/* The i-th mapping held, 0 <= i < t->n, in no particular order; any
 * change to the table changes the order. */
const gw_mapping_t *gw_table_at(const gw_table_t *t, size_t i);

/* Mappings client holds. */
uint32_t gw_table_client_count(const gw_table_t *t, const uint8_t client[4]);

#endif
