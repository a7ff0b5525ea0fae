/*
 * natpmp.c - NAT-PMP behind the core's protocol interface: its timing
 * tables, its request encoding, how an answer is matched to a request
 * (RFC 6886 has no transaction id), what an answer means, and what an
 * announcement means.  Pure.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "core/addr.h"
#include "epoch.h"
#include "natpmp.h"
#include "wire.h"

/* The parsed answer lives in pmp_reply_t.body. */
typedef char body_fits_reply[sizeof(pmp_wire_resp_t) <= PMP_REPLY_BODY ? 1 : -1];

static const pmp_wire_resp_t *
body(const pmp_reply_t *m)
{
	return (const pmp_wire_resp_t *)(const void *)m->body.bytes;
}

static uint8_t
wire_opcode(const pmp_req_t *r)
{
	if (r->op == PMP_OP_PUBLIC_ADDRESS)
		return PMP_WIRE_OP_ADDR;
	return r->protocol == PMP_PROTO_UDP ? PMP_WIRE_OP_UDP :
	    PMP_WIRE_OP_TCP;
}

static size_t
encode(const pmp_req_t *r, const uint8_t local[16], uint8_t *b, size_t cap)
{
	pmp_wire_req_t w;

	(void)local;	/* NAT-PMP requests do not name their source */
	memset(&w, 0, sizeof(w));
	w.opcode = wire_opcode(r);
	if (r->op == PMP_OP_MAP || r->op == PMP_OP_UNMAP)
		w.private_port = r->private_port;
	if (r->op == PMP_OP_MAP) {
		w.public_port = r->public_port;
		w.lifetime = r->lifetime;
	}
	/* Deletes: suggested port and lifetime 0 (§3.4); delete-all also
	 * has internal port 0. */
	return pmp_wire_encode_request(&w, b, cap);
}

static int
parse(const uint8_t *b, size_t n, pmp_reply_t *m)
{
	pmp_wire_resp_t *w = (pmp_wire_resp_t *)(void *)m->body.bytes;

	if (pmp_wire_decode_response(b, n, w) != 0)
		return -1;
	m->has_epoch = w->has_epoch;
	m->epoch = w->epoch;
	return 0;
}

/*
 * Does m answer r?  RFC 6886 has no transaction id: a response is matched
 * by opcode (§3.3 "the 'x' in the OP field MUST match") and, for mappings,
 * by the internal port the gateway MUST echo (§3.5).
 */
static int
answers(const pmp_req_t *r, const pmp_reply_t *reply)
{
	const pmp_wire_resp_t *m = body(reply);
	uint8_t op = wire_opcode(r);
	uint16_t port = r->op == PMP_OP_UNMAP_ALL ? 0 : r->private_port;

	/* D-1: "unsupported version" arrives with opcode 0 (RFC text), 128
	 * (EID 3618) or 128 + op (miniupnpd); any of them ends the request,
	 * any other opcode answers something else. */
	if (m->form == PMP_FORM_SHORT && m->result == 1)
		return m->opcode == 0 || m->opcode == PMP_WIRE_RESPONSE ||
		    m->opcode == PMP_WIRE_RESPONSE + op;
	if (m->opcode != PMP_WIRE_RESPONSE + op)	/* */
		return 0;
	if (m->form == PMP_FORM_SHORT)		/* result 5, miniupnpd form */
		return 1;
	if (op != PMP_WIRE_OP_ADDR && m->private_port != port)	/* */
		return 0;
	/* A-20 / D-11: while a delete is pending, a success that still
	 * carries a port or a lifetime is a late answer to an earlier
	 * create of the same port, not the delete's answer. */
	if ((r->op == PMP_OP_UNMAP || r->op == PMP_OP_UNMAP_ALL) &&
	    m->result == 0 && (m->lifetime != 0 || m->public_port != 0))
		return 0;
	return 1;
}

static int
complete(pmp_req_t *r, const pmp_reply_t *reply, int *named,
    uint8_t address[16])
{
	const pmp_wire_resp_t *m = body(reply);
	pmp_result_t *res = &r->result;

	res->result_code = m->result;
	if (m->result != 0)
		return PMP_EGATEWAY;
	switch (r->op) {
	case PMP_OP_PUBLIC_ADDRESS:
		pmp_addr_from_v4(res->public_address, m->public_addr);
		/* 0.0.0.0 is no address (libnatpmp PR #16). */
		if (memcmp(m->public_addr, "\0\0\0\0", 4) == 0)
			return PMP_ENOADDR;
		memcpy(address, res->public_address, 16);
		*named = 1;
		return PMP_OK;
	case PMP_OP_MAP:
		res->private_port = m->private_port;
		res->public_port = m->public_port;
		res->lifetime = m->lifetime;
		/* D-12 / A-24 / A-26: a success with lifetime 0 or port 0
		 * means no mapping was created (§3.5). */
		if (m->lifetime == 0 || m->public_port == 0)
			return PMP_ENOTGRANTED;
		return PMP_OK;
	case PMP_OP_UNMAP:
	case PMP_OP_UNMAP_ALL:
		res->private_port = m->private_port;
		return PMP_OK;
	case PMP_OP_PEER:
		break;	/* never sent: refused at submission (map_flags) */
	}
	return PMP_OK;
}

static void
announcement(const uint8_t *b, size_t n, uint16_t sport, pmp_announce_t *a)
{
	pmp_wire_resp_t m;

	memset(a, 0, sizeof(*a));
	if (n >= 24 && n <= PMP_WIRE_MAX && b[0] == 2 && b[1] == 0x80 &&
	    b[3] == 0 && sport == PMP_WIRE_SERVER_PORT) {
		/* A PCP ANNOUNCE (RFC 6887 §14.1.3), which is how miniupnpd
		 * tells of its restart even to NAT-PMP clients: the same
		 * signal.  Its epoch is PCP's own and is not mixed into
		 * NAT-PMP's (D-8).  With PCP spoken, PCP's module reads it. */
		a->kind = PMP_ANNOUNCE_RESTART;
		return;
	}
	/* Exactly the 12-byte public address answer with result 0. */
	if (pmp_wire_decode_response(b, n, &m) != 0 ||
	    m.form != PMP_FORM_FULL || m.opcode != PMP_WIRE_RESPONSE ||
	    m.result != 0)
		return;
	a->kind = PMP_ANNOUNCE_ADDRESS;
	a->has_epoch = 1;
	a->epoch = m.epoch;
	pmp_addr_from_v4(a->address, m.public_addr);
	a->has_address = memcmp(m.public_addr, "\0\0\0\0", 4) != 0;
}

static const pmp_proto_t natpmp = {
	.method = PMP_METHOD_NATPMP,
	.name = "NAT-PMP",
	/* §3.1: "clients ... MUST NOT send a new request while one is
	 * outstanding" (one at a time, queued). */
	.max_in_flight = 1,
	.nonce_len = 0,
	/* §3.1: first wait 250 ms, doubling; give up after the 9th send
	 * and its 64 s wait (127.75 s in all). */
	.schedule = { .irt_ms = 250, .mrt_ms = 0, .mrc = 9, .jitter_pct = 0,
	    .give_up_all = 1 },
	.keep = {
		/* §3.3: "begin trying to renew the mapping halfway to
		 * expiry time"; at least every 12 h (C-27). */
		.renew_num = 1, .renew_den = 2, .renew_spread = 0,
		.renew_max_ms = 12ull * 3600u * 1000u,
		/* §3.7: a random 0-5 s before re-creating. */
		.restart_jitter_ms = 5000,
		/* §3.4: internal port 0 with lifetime 0 deletes all. */
		.port0_deletes_all = 1,
		/* The VPN providers' recipe for "gateway picks". */
		.port0_suggestion = 1,
		/* NAT-PMP errors carry no lifetime: the back-off rules. */
		.error_holddown_ms = 0,
	},
	.announce_port = PMP_WIRE_CLIENT_PORT,
	/* The copy miniupnpd also sends to 5351 (the 2006 draft's port). */
	.announce_port2 = PMP_WIRE_SERVER_PORT,
	/* no nonce: one given is ignored; nothing else of PCP's */
	.map_flags = PMP_MAP_NONCE,
	.unmap_all = 1,
	.encode = encode,
	.parse = parse,
	.answers = answers,
	.complete = complete,
	.epoch_update = pmp_epoch_update,
	.announcement = announcement,
};

const pmp_proto_t *
pmp_natpmp_proto(void)
{
	return &natpmp;
}
