/*
 * pcp.c - PCP behind the core's protocol interface: its timing tables
 * (RFC 6887 §8.1.1, §11.2.1), its requests (MAP, and MAP with lifetime 0
 * to delete; ANNOUNCE where NAT-PMP would ask for the address), matching
 * by nonce, opcode, protocol and internal port (§11.4), what an answer and
 * an ANNOUNCE mean.  Pure.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "core/addr.h"
#include "epoch.h"
#include "pcp.h"
#include "wire.h"

/* What parse() leaves in pmp_reply_t.body. */
typedef struct pcp_reply {
	/* An 8-byte NAT-PMP "unsupported version" (version 0, result 1):
	 * the server speaks NAT-PMP only (RFC 6887 §9, App. A). */
	int natpmp_only;
	pmp_pcp_msg_t m;
} pcp_reply_t;

typedef char body_fits_reply[sizeof(pcp_reply_t) <= PMP_REPLY_BODY ? 1 :
    -1];

static const pcp_reply_t *
body(const pmp_reply_t *m)
{
	return (const pcp_reply_t *)(const void *)m->body.bytes;
}

/* The family's "no preference" address: ::ffff:0:0 or :: (§11.1). */
static void
any_address(const uint8_t local[16], uint8_t out[16])
{
	static const uint8_t zero4[4];

	memset(out, 0, 16);
	if (pmp_addr_is_v4(local))
		pmp_addr_from_v4(out, zero4);
}

static int
is_zero(const uint8_t *a, size_t n)
{
	while (n-- > 0)
		if (*a++ != 0)
			return 0;
	return 1;
}

/* The options a MAP or PEER request carries (§13). */
static void
encode_options(const pmp_req_t *r, pmp_pcp_msg_t *m)
{
	unsigned i;

	if (r->flags & PMP_MAP_THIRD_PARTY) {
		m->has_third_party = 1;
		memcpy(m->third_party, r->third_party, 16);
	}
	/* §13.2: MAP only; never with a delete */
	if ((r->flags & PMP_MAP_PREFER_FAILURE) && r->op == PMP_OP_MAP)
		m->prefer_failure = 1;
	if (r->op == PMP_OP_MAP) {
		for (i = 0; i < r->nfilters && i < PMP_PCP_MAX_FILTERS; i++) {
			m->filters[i].prefix_len = r->filters[i].prefix_len;
			m->filters[i].remote_port = r->filters[i].port;
			memcpy(m->filters[i].remote_addr,
			    r->filters[i].address, 16);
		}
		m->nfilters = i;
	}
}

static size_t
encode(const pmp_req_t *r, const uint8_t local[16], uint8_t *b, size_t cap)
{
	pmp_pcp_msg_t m;

	memset(&m, 0, sizeof(m));
	/* §8.1, §16.4: the source address the request leaves from */
	memcpy(m.client_addr, local, 16);
	switch (r->op) {
	case PMP_OP_PUBLIC_ADDRESS:
		/* §11.6: PCP has no address request; the engine turned this
		 * into a short MAP of our own port, whose answer names the
		 * external address. */
	case PMP_OP_MAP:
	case PMP_OP_UNMAP:
	case PMP_OP_PEER:
		m.opcode = r->op == PMP_OP_PEER ? PMP_PCP_OP_PEER :
		    PMP_PCP_OP_MAP;
		memcpy(m.nonce, r->nonce, sizeof(m.nonce));
		m.protocol = (uint8_t)r->protocol;
		m.internal_port = r->private_port;
		/* the suggestion, or the family's "none" (§11.1) */
		if (is_zero(r->suggest_addr, 16))
			any_address(local, m.external_addr);
		else
			memcpy(m.external_addr, r->suggest_addr, 16);
		if (r->op != PMP_OP_UNMAP) {
			m.lifetime = r->lifetime;
			m.external_port = r->public_port;
		}
		/* a delete: lifetime 0, no suggestion (EID 3621) */
		if (r->op == PMP_OP_PEER) {
			m.peer_port = r->peer_port;
			memcpy(m.peer_addr, r->peer_addr, 16);
		}
		encode_options(r, &m);
		break;
	case PMP_OP_UNMAP_ALL:
		/* PCP deletes what one nonce created, never "all of this
		 * host's mappings" as NAT-PMP's port 0 does. */
		return 0;
	}
	return pmp_pcp_encode(&m, b, cap);
}

static int
parse(const uint8_t *b, size_t n, pmp_reply_t *reply)
{
	pcp_reply_t *p = (pcp_reply_t *)(void *)reply->body.bytes;

	memset(p, 0, sizeof(*p));
	reply->has_epoch = 0;
	/* A NAT-PMP server's answer to a PCP request: version 0, result 1,
	 * opcode 0 or 128 (both seen, PROTOCOL.md §1.13); its bytes 4-7
	 * are NAT-PMP's SSSoE, never fed to PCP's epoch rule. */
	if (n == 8 && b[0] == 0 && (b[1] == 0 || b[1] == 0x80) &&
	    b[2] == 0 && b[3] == 1) {
		p->natpmp_only = 1;
		return 0;
	}
	/* §8.3: a response (R set), of a known opcode and valid framing;
	 * unknown options in it are skipped */
	if (pmp_pcp_decode(b, n, &p->m) != PMP_PCP_OK || !p->m.response)
		return -1;
	reply->has_epoch = 1;
	reply->epoch = p->m.epoch;
	return 0;
}

/* §11.4: "the PCP client ... compares the nonce, protocol and internal
 * port"; the opcode first (§8.3 step 6). */
static int
answers(const pmp_req_t *r, const pmp_reply_t *reply)
{
	const pcp_reply_t *p = body(reply);
	const pmp_pcp_msg_t *m = &p->m;

	if (p->natpmp_only)
		return 1;	/* not tied to a request: the first on the wire */
	if (m->opcode != (r->op == PMP_OP_PEER ? PMP_PCP_OP_PEER :
	    PMP_PCP_OP_MAP) ||
	    memcmp(m->nonce, r->nonce, sizeof(m->nonce)) != 0 ||
	    m->protocol != (uint8_t)r->protocol ||
	    m->internal_port != r->private_port)
		return 0;
	/* §12.3: a PEER answer also names the same remote peer */
	return r->op != PMP_OP_PEER || (m->peer_port == r->peer_port &&
	    memcmp(m->peer_addr, r->peer_addr, 16) == 0);
}

static int
named_address(const uint8_t a[16])
{
	static const uint8_t zero[16];
	uint8_t any4[16];

	memset(any4, 0, sizeof(any4));
	any4[10] = any4[11] = 0xff;
	return memcmp(a, zero, 16) != 0 && memcmp(a, any4, 16) != 0;
}

static int
complete(pmp_req_t *r, const pmp_reply_t *reply, int *named,
    uint8_t address[16])
{
	const pcp_reply_t *p = body(reply);
	const pmp_pcp_msg_t *m = &p->m;
	pmp_result_t *res = &r->result;

	if (p->natpmp_only) {
		/* RFC 6887 §9 step 4, RFC 6886 §1.1: a NAT-PMP server;
		 * "immediately retry the same request using NAT-PMP" */
		res->result_code = PMP_PCP_UNSUPP_VERSION;
		return PMP_STATUS_FALLBACK;
	}
	res->result_code = m->result;
	/* on an error: how long it will last (§7.4, §8.3) */
	res->lifetime = m->lifetime;
	if (r->op == PMP_OP_PUBLIC_ADDRESS) {
		/* §11.6: the probe mapping's answer, read for its address
		 * only; a granted one is deleted by the session at once */
		r->leaves_mapping = m->result == PMP_PCP_SUCCESS &&
		    m->lifetime != 0;
		res->lifetime = 0;
		if (m->result != PMP_PCP_SUCCESS)
			return PMP_EGATEWAY;
		memcpy(res->public_address, m->external_addr, 16);
		if (!named_address(m->external_addr))
			return PMP_ENOADDR;
		memcpy(address, m->external_addr, 16);
		*named = 1;
		return PMP_OK;
	}
	memcpy(res->nonce, r->nonce, sizeof(res->nonce));
	if (m->result != PMP_PCP_SUCCESS)
		return PMP_EGATEWAY;
	res->private_port = m->internal_port;
	res->public_port = m->external_port;
	memcpy(res->public_address, m->external_addr, 16);
	if (named_address(m->external_addr)) {
		memcpy(address, m->external_addr, 16);
		*named = 1;
	}
	if ((r->op == PMP_OP_MAP || r->op == PMP_OP_PEER) &&
	    (m->lifetime == 0 || m->external_port == 0))
		return PMP_ENOTGRANTED;
	return PMP_OK;
}

/* §14.1.3: an unsolicited ANNOUNCE carries the server's epoch; the epoch
 * rule decides whether it restarted (no address in it). */
static void
announcement(const uint8_t *b, size_t n, uint16_t sport, pmp_announce_t *a)
{
	pmp_pcp_msg_t m;

	memset(a, 0, sizeof(*a));
	if (sport != PMP_SERVER_PORT || pmp_pcp_decode(b, n, &m) !=
	    PMP_PCP_OK || !m.response || m.opcode != PMP_PCP_OP_ANNOUNCE ||
	    m.result != PMP_PCP_SUCCESS)
		return;
	a->kind = PMP_ANNOUNCE_ADDRESS;	/* an epoch, without an address */
	a->has_epoch = 1;
	a->epoch = m.epoch;
}

static const pmp_proto_t pcp = {
	.method = PMP_METHOD_PCP,
	.name = "PCP",
	/* several requests at once: each is matched by its nonce */
	.max_in_flight = 8,
	.nonce_len = 12,
	/* §8.1.1: IRT 3 s, MRT 1024 s, MRC 0, RAND +-0.1; MRD, the
	 * client's choice, NAT-PMP's 127.75 s (sends at 0, 3, 9, 21, 45,
	 * 93 s), so that a one-shot request ends by itself; a kept
	 * mapping's keeper retries after it for as long as it is kept */
	.schedule = { .irt_ms = 3000, .mrt_ms = 1024000, .mrc = 0,
	    .mrd_ms = 127750, .jitter_pct = 10, .give_up_all = 0 },
	.keep = {
		/* §11.2.1: a random point of [1/2, 5/8] of the lifetime */
		.renew_num = 4, .renew_den = 8, .renew_spread = 1,
		.renew_max_ms = 12ull * 3600u * 1000u,
		/* §14.1.3: a random 0-5 s before re-creating */
		.restart_jitter_ms = 5000,
		.port0_deletes_all = 0,
		/* §11.1: no preference is 0 */
		.port0_suggestion = 0,
		/* errors answered with lifetime 0 (miniupnpd) are not
		 * asked again for 30 s, §7.4's short-error lifetime */
		.error_holddown_ms = 30000,
		/* §11.2.1: later tries at 3/4, 7/8 ..., >= 4 s apart */
		.renew_halfway = 1,
	},
	.announce_port = 5350,	/* §14.1.3: 224.0.0.1:5350, ff02::1:5350 */
	.announce_port2 = 0,
	.map_flags = PMP_MAP_NONCE | PMP_MAP_PREFER_FAILURE |
	    PMP_MAP_THIRD_PARTY | PMP_MAP_PEER,
	.max_filters = PMP_PCP_MAX_FILTERS,
	/* §11.6: long enough for the answer, short if the delete is lost
	 * (servers may raise it to their minimum, miniupnpd's is 120 s) */
	.address_probe_lifetime = 30,
	.map_names_address = 1,
	.mapping_updates = 1,	/* §14.2 */
	.encode = encode,
	.parse = parse,
	.answers = answers,
	.complete = complete,
	.epoch_update = pmp_pcp_epoch_update,
	.announcement = announcement,
};

const pmp_proto_t *
pmp_pcp_proto(void)
{
	return &pcp;
}
