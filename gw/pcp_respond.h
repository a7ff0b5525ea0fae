/*
 * pcp_respond.h - how pmp-gateway answers one PCP request (RFC 6887,
 * server side), beside respond.c's NAT-PMP.  Pure: the table, the
 * configuration, the epoch and the time come in; the answer's bytes and a
 * description of what happened go out.  IPv4 clients.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_GW_PCP_RESPOND_H
#define PMP_GW_PCP_RESPOND_H

#include <stddef.h>
#include <stdint.h>

#include "respond.h"

/*
 * Answer the n-byte PCP request (byte 0 is not 0) from client (4 bytes,
 * network order) at now_ms with the gateway's epoch in seconds.  Returns
 * the answer's length in out (0: no answer).  ev->kind is GW_MAP,
 * GW_UNMAP, GW_ADDRESS (ANNOUNCE), GW_BAD_VERSION, GW_BAD_OPCODE,
 * GW_OUTSIDE or GW_DROPPED; ev->version is the request's.
 */
size_t gw_pcp_respond(gw_table_t *t, const gw_config_t *cfg, uint32_t epoch,
    const uint8_t client[4], const uint8_t *req, size_t n, uint64_t now_ms,
    uint8_t *out, size_t cap, gw_event_t *ev);

/*
 * The same for an IPv6 client (16 bytes): MAP opens a pinhole in ph (no
 * translation: the answer's external address and port are the client's
 * own), PEER as for IPv4, no NAT-PMP.  Every sender is served.
 */
struct gw_pinholes;
size_t gw_pcp_respond6(struct gw_pinholes *ph, const gw_config_t *cfg,
    uint32_t epoch, const uint8_t client[16], const uint8_t *req, size_t n,
    uint64_t now_ms, uint8_t *out, size_t cap, gw_event_t *ev);

/*
 * A PCP-only server's answer to a NAT-PMP request (version 0): PCP's
 * UNSUPP_VERSION with version 2 in a 24-byte header (RFC 6887 §9; seen in
 * the wild, PROTOCOL.md §1.13).  0 for no answer (outside, not a request).
 */
size_t gw_pcp_refuse_version(const gw_config_t *cfg, uint32_t epoch,
    const uint8_t client[4], const uint8_t *req, size_t n, uint8_t *out,
    size_t cap, gw_event_t *ev);

/*
 * The mapping update of PCP mapping m (RFC 6887 §14.2): the MAP answer it
 * would get now, unasked, naming the public address cfg has now and the
 * lifetime left.  0 if m is not PCP's (no nonce) or has run out.
 */
size_t gw_pcp_mapping_update(const gw_config_t *cfg, uint32_t epoch,
    const gw_mapping_t *m, uint64_t now_ms, uint8_t *out, size_t cap);

/* The unsolicited ANNOUNCE (§14.1.3): 24 bytes with the epoch. */
size_t gw_pcp_announcement(uint32_t epoch, uint8_t *out, size_t cap);

#endif
