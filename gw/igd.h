/*
 * igd.h - pmp-gateway's UPnP-IGD (--upnp): the SSDP answers, the device
 * description and the WANIPConnection actions over the same mapping table
 * NAT-PMP and PCP use, as miniupnpd serves all three; with the faults real
 * routers show (UPNP.md §1): 725 or 402 on any finite lease, 718 on every
 * AddPortMapping, no AddAnyPortMapping (401, an IGDv1), chunked answers,
 * 0.0.0.0 or an empty external address, malformed XML.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure: requests in (a datagram, or one HTTP request's bytes), answers
 * out; the table, the configuration and the time are passed in.
 */
#ifndef PMP_GW_IGD_H
#define PMP_GW_IGD_H

#include <stddef.h>
#include <stdint.h>

#include "respond.h"
#include "igd_pinhole.h"
#include "table.h"

#define GW_IGD_MAX_REQUEST 16384	/* one HTTP request, headers and body */
#define GW_IGD_MAX_ANSWER 8192
#define GW_IGD_UUID "uuid:8f7a2c10-5e1d-4b8e-9d2a-706d70676174"
#define GW_IGD_SERVER "Linux/6 UPnP/1.1 pmp-gateway/0.2"

typedef struct gw_igd_cfg {
	unsigned version;	/* 1 or 2: InternetGatewayDevice:N */
	char location[96];	/* http://addr:port/rootDesc.xml */
	uint32_t bootid;	/* BOOTID.UPNP.ORG; a reboot adds one */
	/* faults */
	int only_permanent;	/* 725 to a non-zero lease */
	int args_on_lease;	/* 402 to a non-zero lease (ARRIS) */
	int conflict;		/* 718 to every AddPortMapping */
	int conflict_729;	/* ... as 729 ConflictWithOtherMechanisms */
	int no_add_any;		/* 401 to AddAnyPortMapping, even on v2 */
	int drop_finite;	/* a finite lease granted, and gone 1 s
				 * later (DD-WRT, UPNP.md §1) */
	int chunked;		/* every answer in chunks */
	int empty_address;	/* GetExternalIPAddress answers "" */
	int bad_xml;		/* SOAP answers cut in the middle */
	/* IGDv2's WANIPv6FirewallControl over this table (igd_pinhole.h);
	 * NULL: not offered */
	gw_pinholes_t *pinholes;
} gw_igd_cfg_t;

/* What one request did, for the log. */
typedef struct gw_igd_event {
	char action[40];	/* "GET /rootDesc.xml", "AddPortMapping" */
	int error;		/* the UPnPError code, 0 */
	uint16_t external_port;	/* granted / deleted */
	uint16_t internal_port;
	uint8_t proto;		/* 1 UDP, 2 TCP (the table's) */
	uint32_t lease;
} gw_igd_event_t;

/*
 * The answers to an M-SEARCH (n bytes): one for each search target it
 * matches (ssdp:all and upnp:rootdevice included), the i-th into out.
 * Returns its length, 0 past the last (or for anything but an M-SEARCH).
 */
/* The i-th NOTIFY of an announcement (UDA 1.1 §1.2.2: one per root
 * device, device type and service type), alive or byebye, into out; 0
 * past the last. */
size_t gw_igd_notify(const gw_igd_cfg_t *c, int alive, unsigned i,
    char *out, size_t cap);
size_t gw_igd_ssdp(const gw_igd_cfg_t *c, const uint8_t *req, size_t n,
    unsigned i, char *out, size_t cap);

/* The value of header name (lowercase) in the n-byte head, trimmed, into
 * out: 0, or -1 if absent or too long (igd.c, for igd_ssdp.c too). */
int gw_igd_header(const char *head, size_t n, const char *name, char *out,
    size_t cap);

/*
 * Is the n bytes read so far on a connection a whole request?  Returns
 * its length, 0 if more is needed, -1 if it is malformed or too large.
 */
long gw_igd_request_length(const char *buf, size_t n);

/*
 * Answer one HTTP request from client (4 bytes; req[n] must be NUL, as
 * it is in a connection's buffer): GET of the description,
 * POST of an action.  Returns the answer's length in out (always an
 * answer: 404, 400 and 500 included).
 */
size_t gw_igd_http(gw_table_t *t, const gw_config_t *g,
    const gw_igd_cfg_t *c, const uint8_t client[4], const char *req,
    size_t n, uint64_t now_ms, char *out, size_t cap, gw_igd_event_t *ev);

#endif
