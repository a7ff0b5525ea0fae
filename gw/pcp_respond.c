/*
 * pcp_respond.c - pmp-gateway's PCP answers (see pcp_respond.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "pcp_respond.h"
#include "peer.h"
#include "pinhole.h"

/* IPv6 pinholes' longest lifetime (the IPv4 table has its own cap). */
#define PINHOLE_MAX_LIFETIME 86400u
#include "core/addr.h"
#include "pcp/wire.h"

/* §7.4: short-lifetime errors 30 s, long-lifetime 30 min (RECOMMENDED). */
static uint32_t
error_lifetime(uint8_t result)
{
	switch (result) {
	case PMP_PCP_NETWORK_FAILURE:
	case PMP_PCP_NO_RESOURCES:
	case PMP_PCP_USER_EX_QUOTA:
		return 30;
	default:
		return 1800;
	}
}

/* The answer to q: its opcode data copied back (on an error the suggested
 * port and address too, §11.4), the result, the lifetime, the epoch. */
static size_t
answer(const pmp_pcp_msg_t *q, uint8_t result, uint32_t lifetime,
    uint32_t epoch, gw_event_t *ev, uint8_t *out, size_t cap)
{
	pmp_pcp_msg_t a = *q;
	uint8_t opcode = q->opcode;
	size_t n;

	/* an opcode the codec does not know goes back in a bare header */
	if (opcode > PMP_PCP_OP_PEER)
		a.opcode = PMP_PCP_OP_ANNOUNCE;
	a.version = PMP_PCP_VERSION;
	a.response = 1;
	a.result = result;
	a.lifetime = result == PMP_PCP_SUCCESS ? lifetime :
	    error_lifetime(result);
	a.epoch = epoch;
	/* options: those processed are returned on success, all on an
	 * error (§7.3); this gateway processes the ones it decodes */
	ev->result = result;
	n = pmp_pcp_encode(&a, out, cap);
	if (n > 0)
		out[1] = (uint8_t)(PMP_PCP_RESPONSE | opcode);
	return n;
}

/* NAT-PMP's result codes from the table, in PCP's terms (§7.4). */
static uint8_t
from_table(unsigned rc)
{
	switch (rc) {
	case 0:
		return PMP_PCP_SUCCESS;
	case 2:
		return PMP_PCP_NOT_AUTHORIZED;
	case 3:
		return PMP_PCP_NETWORK_FAILURE;
	default:
		return PMP_PCP_NO_RESOURCES;
	}
}

/* The external address in an answer: the configured one (or 0.0.0.0). */
static void
set_external(const gw_config_t *cfg, pmp_pcp_msg_t *q)
{
	memset(q->external_addr, 0, 10);
	q->external_addr[10] = q->external_addr[11] = 0xff;
	if (cfg->zero_address)
		memset(q->external_addr + 12, 0, 4);
	else
		memcpy(q->external_addr + 12, cfg->public_addr, 4);
}

static size_t
map(gw_table_t *t, const gw_config_t *cfg, uint32_t epoch,
    const uint8_t client[4], pmp_pcp_msg_t *q, uint64_t now_ms,
    gw_event_t *ev, uint8_t *out, size_t cap)
{
	uint8_t op = q->protocol == 17 ? 1 : 2;	/* the table's keys */
	gw_mapping_t *m;
	uint16_t port = 0;
	uint32_t granted = 0;
	unsigned rc;

	ev->kind = q->lifetime == 0 ? GW_UNMAP : GW_MAP;
	ev->opcode = op;
	if (q->has_third_party)	/* §13.1: not allowed here */
		return answer(q, PMP_PCP_UNSUPP_OPTION, 0, epoch, ev, out, cap);
	if (q->protocol != 6 && q->protocol != 17)
		return answer(q, PMP_PCP_UNSUPP_PROTOCOL, 0, epoch, ev, out,
		    cap);
	/* §11.3, §13.2, §13.3 */
	if ((q->prefer_failure && (q->external_port == 0 ||
	    q->lifetime == 0)) || (q->nfilters > 0 && q->lifetime == 0))
		return answer(q, PMP_PCP_MALFORMED_OPTION, 0, epoch, ev, out,
		    cap);
	m = gw_table_lookup(t, client, op, q->internal_port);
	/* §11.3: only the nonce that made a mapping renews or deletes it */
	if (m != NULL && m->has_nonce &&
	    memcmp(m->nonce, q->nonce, sizeof(m->nonce)) != 0)
		return answer(q, PMP_PCP_NOT_AUTHORIZED, 0, epoch, ev, out,
		    cap);
	if (q->lifetime == 0) {
		if (q->internal_port != 0)
			(void)gw_table_unmap(t, client, op, q->internal_port);
		q->external_port = 0;
		return answer(q, PMP_PCP_SUCCESS, 0, epoch, ev, out, cap);
	}
	if (m == NULL && t->max_per_client != 0 &&
	    gw_table_client_count(t, client) >= t->max_per_client)
		return answer(q, PMP_PCP_USER_EX_QUOTA, 0, epoch, ev, out,
		    cap);
	if (q->internal_port == 0 && cfg->vpn)
		rc = gw_table_map_any(t, client, op, q->lifetime, now_ms,
		    &port, &granted);
	else
		rc = gw_table_map(t, client, op, q->internal_port,
		    q->external_port, q->lifetime, now_ms, &port, &granted);
	if (rc != 0)
		return answer(q, from_table(rc), 0, epoch, ev, out, cap);
	if (q->prefer_failure && port != q->external_port) {
		/* §13.2: the suggestion or nothing */
		if (m == NULL)
			(void)gw_table_unmap(t, client, op, q->internal_port);
		return answer(q, PMP_PCP_CANNOT_PROVIDE_EXTERNAL, 0, epoch, ev,
		    out, cap);
	}
	m = gw_table_lookup(t, client, op, q->internal_port);
	if (m != NULL) {
		m->has_nonce = 1;
		memcpy(m->nonce, q->nonce, sizeof(m->nonce));
	}
	if (cfg->grant_lifetime >= 0)
		granted = (uint32_t)cfg->grant_lifetime;
	q->external_port = port;
	set_external(cfg, q);
	ev->public_port = port;
	ev->granted = granted;
	return answer(q, PMP_PCP_SUCCESS, granted, epoch, ev, out, cap);
}

size_t
gw_pcp_mapping_update(const gw_config_t *cfg, uint32_t epoch,
    const gw_mapping_t *m, uint64_t now_ms, uint8_t *out, size_t cap)
{
	pmp_pcp_msg_t a;
	gw_event_t ev;

	if (!m->has_nonce || m->expires_ms <= now_ms)
		return 0;
	memset(&a, 0, sizeof(a));
	a.opcode = PMP_PCP_OP_MAP;
	memcpy(a.nonce, m->nonce, sizeof(a.nonce));
	a.protocol = m->proto == 1 ? 17 : 6;
	a.internal_port = m->private_port;
	a.external_port = m->public_port;
	set_external(cfg, &a);
	return answer(&a, PMP_PCP_SUCCESS,
	    (uint32_t)((m->expires_ms - now_ms) / 1000u), epoch, &ev, out,
	    cap);
}

/* §12.3: a flow's explicit outbound mapping, leaving from the client's
 * MAP mapping's port (map_port, 0 if none: endpoint-independent). */
static size_t
peer(const gw_config_t *cfg, uint32_t epoch, const uint8_t client[16],
    uint16_t map_port, uint32_t max_lifetime, pmp_pcp_msg_t *q,
    uint64_t now_ms, gw_event_t *ev, uint8_t *out, size_t cap)
{
	uint16_t port;
	uint32_t granted;
	uint8_t rc;

	ev->kind = GW_PEER;
	ev->opcode = q->protocol == 17 ? 1 : 2;
	if (cfg->peers == NULL)
		return answer(q, PMP_PCP_UNSUPP_OPCODE, 0, epoch, ev, out, cap);
	if (q->has_third_party)
		return answer(q, PMP_PCP_UNSUPP_OPTION, 0, epoch, ev, out, cap);
	rc = gw_peer_request(cfg->peers, client, q->protocol,
	    q->internal_port, q->peer_addr, q->peer_port, q->external_port,
	    q->nonce, q->lifetime, map_port, max_lifetime, now_ms, &port,
	    &granted);
	if (rc != PMP_PCP_SUCCESS)
		return answer(q, rc, 0, epoch, ev, out, cap);
	if (cfg->grant_lifetime >= 0 && q->lifetime != 0)
		granted = (uint32_t)cfg->grant_lifetime;
	q->external_port = port;
	if (pmp_addr_is_v4(client))
		set_external(cfg, q);
	else
		memcpy(q->external_addr, client, 16);	/* no NAT in IPv6 */
	ev->public_port = port;
	ev->granted = granted;
	return answer(q, PMP_PCP_SUCCESS, granted, epoch, ev, out, cap);
}

/*
 * What every request goes through (§8.3 server side): framing, version,
 * opcode, options, the source address.  Returns 1 with *len the answer
 * (or 0 for none) when it ends here, 0 to go on with q.
 */
static int
screen(const gw_config_t *cfg, uint32_t epoch, const uint8_t src[16],
    int served, const uint8_t *req, size_t n, pmp_pcp_msg_t *q,
    uint8_t *out, size_t cap, gw_event_t *ev, size_t *len)
{
	pmp_pcp_status_t st;

	*len = 0;
	memset(ev, 0, sizeof(*ev));
	ev->kind = GW_DROPPED;
	ev->version = n > 0 ? req[0] : 0;
	/* §8.3 (server): responses and runts are dropped */
	if (n < 4 || (req[1] & PMP_PCP_RESPONSE))
		return 1;
	st = pmp_pcp_decode(req, n, q);
	if (st == PMP_PCP_BAD_LENGTH)
		return 1;
	/* S-01: nothing for senders outside the served subnet */
	if (!served) {
		ev->kind = GW_OUTSIDE;
		return 1;
	}
	ev->opcode = q->opcode;
	ev->private_port = q->internal_port;
	ev->suggested_port = q->external_port;
	ev->lifetime = q->lifetime;
	switch (st) {
	case PMP_PCP_BAD_VERSION:
		/* §9: the version this server speaks, in its header */
		ev->kind = GW_BAD_VERSION;
		*len = answer(q, PMP_PCP_UNSUPP_VERSION, 0, epoch, ev, out,
		    cap);
		return 1;
	case PMP_PCP_BAD_OPCODE:
		ev->kind = GW_BAD_OPCODE;
		*len = answer(q, PMP_PCP_UNSUPP_OPCODE, 0, epoch, ev, out, cap);
		return 1;
	case PMP_PCP_MALFORMED:
		*len = answer(q, PMP_PCP_MALFORMED_REQUEST, 0, epoch, ev, out,
		    cap);
		return 1;
	case PMP_PCP_BAD_OPTION:
		*len = answer(q, PMP_PCP_MALFORMED_OPTION, 0, epoch, ev, out,
		    cap);
		return 1;
	case PMP_PCP_UNKNOWN_OPTION:
		*len = answer(q, PMP_PCP_UNSUPP_OPTION, 0, epoch, ev, out, cap);
		return 1;
	default:
		break;
	}
	/* §8.3: a NAT between client and server rewrote the source */
	if (memcmp(q->client_addr, src, 16) != 0) {
		*len = answer(q, PMP_PCP_ADDRESS_MISMATCH, 0, epoch, ev, out,
		    cap);
		return 1;
	}
	if (cfg->force_result > 0) {
		*len = answer(q, (uint8_t)cfg->force_result, 0, epoch, ev, out,
		    cap);
		return 1;
	}
	if (q->opcode == PMP_PCP_OP_ANNOUNCE) {
		ev->kind = GW_ADDRESS;
		*len = answer(q, PMP_PCP_SUCCESS, 0, epoch, ev, out, cap);
		return 1;
	}
	return 0;
}

size_t
gw_pcp_respond(gw_table_t *t, const gw_config_t *cfg, uint32_t epoch,
    const uint8_t client[4], const uint8_t *req, size_t n, uint64_t now_ms,
    uint8_t *out, size_t cap, gw_event_t *ev)
{
	pmp_pcp_msg_t q;
	uint8_t src[16];
	size_t len;

	pmp_addr_from_v4(src, client);
	if (screen(cfg, epoch, src, gw_served(cfg, client), req, n, &q, out,
	    cap, ev, &len))
		return len;
	if (q.opcode == PMP_PCP_OP_MAP)
		return map(t, cfg, epoch, client, &q, now_ms, ev, out, cap);
	{
		const gw_mapping_t *m = gw_table_lookup(t, client,
		    q.protocol == 17 ? 1 : 2, q.internal_port);

		return peer(cfg, epoch, src, m != NULL ? m->public_port : 0,
		    t->max_lifetime, &q, now_ms, ev, out, cap);
	}
}

size_t
gw_pcp_respond6(gw_pinholes_t *ph, const gw_config_t *cfg, uint32_t epoch,
    const uint8_t client[16], const uint8_t *req, size_t n, uint64_t now_ms,
    uint8_t *out, size_t cap, gw_event_t *ev)
{
	pmp_pcp_msg_t q;
	uint32_t granted;
	size_t len;
	uint8_t rc;

	/* (every IPv6 sender reaching the listening address is served:
	 * the address is the LAN's, or loopback) */
	if (screen(cfg, epoch, client, 1, req, n, &q, out, cap, ev, &len))
		return len;
	if (q.opcode == PMP_PCP_OP_PEER)
		return peer(cfg, epoch, client, 0, PINHOLE_MAX_LIFETIME, &q,
		    now_ms, ev, out, cap);
	ev->kind = q.lifetime == 0 ? GW_UNMAP : GW_MAP;
	ev->opcode = q.protocol == 17 ? 1 : 2;
	if (q.has_third_party)	/* §13.1: not allowed here */
		return answer(&q, PMP_PCP_UNSUPP_OPTION, 0, epoch, ev, out,
		    cap);
	if ((q.prefer_failure && (q.external_port == 0 || q.lifetime == 0)) ||
	    (q.nfilters > 0 && q.lifetime == 0))
		return answer(&q, PMP_PCP_MALFORMED_OPTION, 0, epoch, ev, out,
		    cap);
	rc = gw_pinhole_map(ph, client, q.protocol, q.internal_port,
	    q.external_port, q.prefer_failure, q.nonce, q.lifetime,
	    PINHOLE_MAX_LIFETIME, now_ms, &granted);
	if (rc != PMP_PCP_SUCCESS)
		return answer(&q, rc, 0, epoch, ev, out, cap);
	if (cfg->grant_lifetime >= 0 && q.lifetime != 0)
		granted = (uint32_t)cfg->grant_lifetime;
	/* a pinhole: the client's own address and port, no translation */
	q.external_port = q.lifetime != 0 ? q.internal_port : 0;
	memcpy(q.external_addr, client, 16);
	ev->public_port = q.external_port;
	ev->granted = granted;
	return answer(&q, PMP_PCP_SUCCESS, granted, epoch, ev, out, cap);
}

size_t
gw_pcp_announcement(uint32_t epoch, uint8_t *out, size_t cap)
{
	pmp_pcp_msg_t a;

	memset(&a, 0, sizeof(a));
	a.response = 1;
	a.opcode = PMP_PCP_OP_ANNOUNCE;
	a.epoch = epoch;
	return pmp_pcp_encode(&a, out, cap);
}

size_t
gw_pcp_refuse_version(const gw_config_t *cfg, uint32_t epoch,
    const uint8_t client[4], const uint8_t *req, size_t n, uint8_t *out,
    size_t cap, gw_event_t *ev)
{
	pmp_pcp_msg_t q;

	memset(ev, 0, sizeof(*ev));
	ev->kind = GW_DROPPED;
	if (n < 2 || (req[1] & PMP_PCP_RESPONSE))
		return 0;
	ev->version = req[0];
	ev->opcode = req[1];
	if (!gw_served(cfg, client)) {
		ev->kind = GW_OUTSIDE;
		return 0;
	}
	ev->kind = GW_BAD_VERSION;
	memset(&q, 0, sizeof(q));
	q.opcode = req[1];
	return answer(&q, PMP_PCP_UNSUPP_VERSION, 0, epoch, ev, out, cap);
}
