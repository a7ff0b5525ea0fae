/*
 * respond.h - how pmp-gateway answers one request (RFC 6886 §3, server
 * side).  Pure: the table, the configuration, the epoch and the time come
 * in; the answer's bytes and a description of what happened go out.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_GW_RESPOND_H
#define PMP_GW_RESPOND_H

#include <stddef.h>
#include <stdint.h>

#include "table.h"

typedef struct gw_config {
	uint8_t public_addr[4];
	uint32_t net, mask;	/* served subnet, network order */
	int force_result;	/* -1, or the result code for every answer */
	long grant_lifetime;	/* -1, or the lifetime in mapping answers */
	int zero_address;	/* report 0.0.0.0 */
	int version_form;	/* unsupported-version opcode: 128, 0, or -1
				 * for 128 + the request's opcode (D-1) */
	int echo_opcode_reply;	/* result 5 as the echoed request (D-2) */
	int vpn;		/* VPN-provider mode (ProtonVPN-like) */
	struct gw_peers *peers;	/* PCP PEER flows (peer.h); NULL: PEER is
				 * refused as UNSUPP_OPCODE */
} gw_config_t;

typedef enum gw_kind {
	GW_DROPPED,		/* not a request: no answer */
	GW_OUTSIDE,		/* from outside the served subnet: none */
	GW_BAD_VERSION,
	GW_BAD_OPCODE,
	GW_ADDRESS,
	GW_MAP,
	GW_UNMAP,
	GW_UNMAP_ALL,
	GW_PEER			/* PCP PEER (lifetime 0: ended) */
} gw_kind_t;

/* What a request was and how it was answered, for the log. */
typedef struct gw_event {
	gw_kind_t kind;
	uint8_t version, opcode;
	uint16_t private_port, suggested_port;
	uint32_t lifetime;
	uint16_t result;
	uint16_t public_port;
	uint32_t granted;
} gw_event_t;

/* Is client (4 bytes, network order) in the served subnet?  Requests
 * from elsewhere get no answer (S-01). */
int gw_served(const gw_config_t *cfg, const uint8_t client[4]);

/* Describe a request without answering it (for the log of a fault that
 * drops it). */
void gw_describe(const uint8_t *req, size_t n, gw_event_t *ev);

/*
 * Answer the n-byte request from client (4 bytes, network order) at
 * now_ms, with the gateway's epoch (SSSoE) in seconds.  Returns the length
 * of the answer written to out (0: no answer).
 */
size_t gw_respond(gw_table_t *t, const gw_config_t *cfg, uint32_t epoch,
    const uint8_t client[4], const uint8_t *req, size_t n, uint64_t now_ms,
    uint8_t *out, size_t cap, gw_event_t *ev);

/* The announcement (§3.2.1): the 12-byte public-address answer. */
size_t gw_announcement(const gw_config_t *cfg, uint32_t epoch, uint8_t *out,
    size_t cap);

/*
 * The announcement schedule (§3.2.1): count copies, the first at once,
 * then after 250 ms, doubling each time.
 */
typedef struct gw_announce {
	unsigned remaining;
	uint32_t interval_ms;
	uint64_t next_ms;
} gw_announce_t;

void gw_announce_start(gw_announce_t *a, unsigned count, uint64_t now_ms);
/* 1 if a copy is due at now_ms (and advance the schedule), else 0. */
int gw_announce_due(gw_announce_t *a, uint64_t now_ms);
/* The next send time, or UINT64_MAX when done. */
uint64_t gw_announce_deadline(const gw_announce_t *a);

#endif
