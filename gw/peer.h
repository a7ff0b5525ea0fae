/*
 * peer.h - pmp-gateway's PCP PEER flows (RFC 6887 §12.3): explicit
 * dynamic outbound mappings, keyed by the five-tuple { protocol, internal
 * address, internal port, remote peer address, remote peer port }, each
 * remembering the nonce of the first PEER that managed it.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure: times come in; nothing in the kernel changes.  A fixed number of
 * flows (a test gateway's), found by a scan.  Not thread-safe.
 */
#ifndef PMP_GW_PEER_H
#define PMP_GW_PEER_H

#include <stddef.h>
#include <stdint.h>

#define GW_MAX_PEERS 256

typedef struct gw_peer {
	uint8_t client[16];	/* IPv4-mapped for IPv4 */
	uint8_t protocol;	/* IANA: 6 or 17 */
	uint16_t internal_port;
	uint8_t peer_addr[16];
	uint16_t peer_port;
	uint16_t external_port;
	uint8_t nonce[12];
	uint64_t expires_ms;
} gw_peer_t;

typedef struct gw_peers {
	size_t n;
	gw_peer_t p[GW_MAX_PEERS];
} gw_peers_t;

/* Forget every flow (a simulated reboot). */
void gw_peers_clear(gw_peers_t *ps);

/*
 * A PEER request for the flow of q's fields from client at now_ms:
 * create, extend or (lifetime 0) end it.  external_port is the port the
 * flow leaves from: the client's MAP mapping's if it has one for the
 * internal port (endpoint-independent), else the internal port itself.
 * Returns a PCP result code; on success *port and *granted (capped at
 * max_lifetime).
 */
uint8_t gw_peer_request(gw_peers_t *ps, const uint8_t client[16],
    uint8_t protocol, uint16_t internal_port, const uint8_t peer_addr[16],
    uint16_t peer_port, uint16_t suggested_port, const uint8_t nonce[12],
    uint32_t lifetime, uint16_t external_port, uint32_t max_lifetime,
    uint64_t now_ms, uint16_t *port, uint32_t *granted);

/* Flows held (those not yet expired at now_ms). */
size_t gw_peers_count(gw_peers_t *ps, uint64_t now_ms);

#endif
