/*
 * respond.c - how pmp-gateway answers one request (RFC 6886 §3).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "respond.h"
#include "natpmp/wire.h"

int
gw_served(const gw_config_t *cfg, const uint8_t client[4])
{
	uint32_t a;

	memcpy(&a, client, 4);
	return (a & cfg->mask) == cfg->net;
}

/* Decode req into *q and describe it in *ev, as gw_describe(). */
static pmp_wire_req_status_t
classify(const uint8_t *req, size_t n, gw_event_t *ev, pmp_wire_req_t *q)
{
	pmp_wire_req_status_t st = pmp_wire_decode_request(req, n, q);

	memset(ev, 0, sizeof(*ev));
	if (n >= 2) {
		ev->version = req[0];
		ev->opcode = req[1];
	}
	switch (st) {
	case PMP_REQ_DROP:
		ev->kind = GW_DROPPED;
		break;
	case PMP_REQ_BAD_VERSION:
		ev->kind = GW_BAD_VERSION;
		break;
	case PMP_REQ_BAD_OPCODE:
		ev->kind = GW_BAD_OPCODE;
		break;
	case PMP_REQ_OK:
		if (q->opcode == PMP_WIRE_OP_ADDR) {
			ev->kind = GW_ADDRESS;
			break;
		}
		ev->private_port = q->private_port;
		ev->suggested_port = q->public_port;
		ev->lifetime = q->lifetime;
		ev->kind = q->lifetime != 0 ? GW_MAP : q->private_port == 0 ?
		    GW_UNMAP_ALL : GW_UNMAP;
		break;
	}
	return st;
}

void
gw_describe(const uint8_t *req, size_t n, gw_event_t *ev)
{
	pmp_wire_req_t q;

	(void)classify(req, n, ev, &q);
}

size_t
gw_respond(gw_table_t *t, const gw_config_t *cfg, uint32_t epoch,
    const uint8_t client[4], const uint8_t *req, size_t n, uint64_t now_ms,
    uint8_t *out, size_t cap, gw_event_t *ev)
{
	pmp_wire_req_t q;
	pmp_wire_resp_t m;
	pmp_wire_req_status_t st;

	st = classify(req, n, ev, &q);
	/* S-01 (RFC 6886 §3.3: only the internal side may map): a sender
	 * outside the served subnet gets nothing at all.  Even a refusal
	 * would be 8-16 bytes for a 2-byte datagram whose source anyone can
	 * forge: a reflector (PROTOCOL.md S-01; miniupnpd drops them too). */
	if (st != PMP_REQ_DROP && !gw_served(cfg, client)) {
		ev->kind = GW_OUTSIDE;
		return 0;
	}
	memset(&m, 0, sizeof(m));
	m.epoch = epoch;	/* "every packet ... includes SSSoE" (§3.6) */
	switch (st) {
	case PMP_REQ_DROP:
		return 0;
	case PMP_REQ_BAD_VERSION:
		/* §3 + EID 3618: result 1, carrying the version we speak (0),
		 * in 8 bytes; the opcode per D-1. */
		ev->result = m.result = 1;
		m.form = PMP_FORM_SHORT;
		m.opcode = cfg->version_form == -1 ?
		    (uint8_t)(PMP_WIRE_RESPONSE | req[1]) :
		    (uint8_t)cfg->version_form;
		return pmp_wire_encode_response(&m, out, cap);
	case PMP_REQ_BAD_OPCODE:
		ev->result = 5;
		if (cfg->echo_opcode_reply) {
			/* §3.5: "the entire request MUST be returned to the
			 * sender, with the top bit of the opcode set ... and
			 * the result code set to 5" (D-2). */
			size_t len = n < cap ? n : cap;

			if (len < 4)
				return 0;
			memcpy(out, req, len);
			out[1] = (uint8_t)(out[1] | PMP_WIRE_RESPONSE);
			out[2] = 0;
			out[3] = 5;
			return len;
		}
		m.form = PMP_FORM_SHORT;	/* miniupnpd's 8 bytes */
		m.result = 5;
		m.opcode = (uint8_t)(PMP_WIRE_RESPONSE | req[1]);
		return pmp_wire_encode_response(&m, out, cap);
	case PMP_REQ_OK:
		break;
	}

	m.form = PMP_FORM_FULL;
	m.opcode = (uint8_t)(PMP_WIRE_RESPONSE | q.opcode);
	if (cfg->force_result >= 0)
		m.result = (uint16_t)cfg->force_result;

	if (q.opcode == PMP_WIRE_OP_ADDR) {
		if (m.result == 0 && !cfg->zero_address)
			memcpy(m.public_addr, cfg->public_addr, 4);
		ev->result = m.result;
		return pmp_wire_encode_response(&m, out, cap);
	}

	/* "Internal Port: MUST be the requested internal port", also in
	 * errors (§3.5). */
	m.private_port = q.private_port;
	if (q.lifetime == 0) {
		/* §3.4: delete; the suggested port MUST be ignored.  Internal
		 * port 0 deletes all of the client's mappings of the
		 * protocol. */
		if (m.result == 0)
			m.result = (uint16_t)gw_table_unmap(t, client,
			    q.opcode, q.private_port);
	} else {
		if (m.result == 0 && q.private_port == 0 && cfg->vpn)
			m.result = (uint16_t)gw_table_map_any(t, client,
			    q.opcode, q.lifetime, now_ms, &m.public_port,
			    &m.lifetime);
		else if (m.result == 0)
			m.result = (uint16_t)gw_table_map(t, client, q.opcode,
			    q.private_port, q.public_port, q.lifetime, now_ms,
			    &m.public_port, &m.lifetime);
		if (m.result == 0 && cfg->grant_lifetime >= 0)
			m.lifetime = (uint32_t)cfg->grant_lifetime;
	}
	ev->result = m.result;
	ev->public_port = m.public_port;
	ev->granted = m.lifetime;
	return pmp_wire_encode_response(&m, out, cap);
}

size_t
gw_announcement(const gw_config_t *cfg, uint32_t epoch, uint8_t *out,
    size_t cap)
{
	pmp_wire_resp_t m;

	memset(&m, 0, sizeof(m));
	m.opcode = PMP_WIRE_RESPONSE | PMP_WIRE_OP_ADDR;
	m.epoch = epoch;
	if (!cfg->zero_address)
		memcpy(m.public_addr, cfg->public_addr, 4);
	return pmp_wire_encode_response(&m, out, cap);
}

void
gw_announce_start(gw_announce_t *a, unsigned count, uint64_t now_ms)
{
	a->remaining = count;
	a->interval_ms = 250;	/* §3.2.1: first interval 250 ms */
	a->next_ms = now_ms;
}

int
gw_announce_due(gw_announce_t *a, uint64_t now_ms)
{
	if (a->remaining == 0 || now_ms < a->next_ms)
		return 0;
	a->remaining--;
	/* From the planned time, so a late wake-up shifts nothing. */
	a->next_ms += a->interval_ms;
	a->interval_ms *= 2;	/* "each successive interval doubling" */
	return 1;
}

uint64_t
gw_announce_deadline(const gw_announce_t *a)
{
	return a->remaining == 0 ? UINT64_MAX : a->next_ms;
}
