/*
 * fuzz_pcp_engine.c - the engine and keeper driven over PCP by a script:
 * requests, kept mappings, answers near the right one (nonce, protocol or
 * port off), raw bytes, announcements, time.  Properties: an answer with
 * another nonce never completes a request; a kept mapping's nonce never
 * changes once drawn (RFC 6887 §11.2); a retransmission never comes
 * before 0.9 x its wait (§8.1.1); one answer completes at most one
 * request; at most 8 requests on the wire; a mapping update (§14.2) is
 * taken only with the kept mapping's own nonce, and always by an idle
 * granted one.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/keeper.h"
#include "pcp/pcp.h"
#include "pcp/wire.h"
#include "../test/test_rng.h"
#include "script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t GW[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
    192, 168, 77, 1 };


#define MAX_KEPT 4

struct state {
	pmp_kept_t *k[MAX_KEPT];
	uint8_t nonce[MAX_KEPT][12];
	int drawn[MAX_KEPT];
};

static void
check(const pmp_engine_t *e, struct state *st)
{
	const pmp_req_t *r;
	unsigned on_wire = 0, i = 0;
	int j;

	for (r = e->queue; r != NULL; r = r->next, i++) {
		if (r->attempts > 0 && i >= 8)
			abort();	/* beyond the window */
		on_wire += r->attempts > 0;
	}
	if (on_wire > 8)
		abort();
	for (j = 0; j < MAX_KEPT; j++) {
		pmp_kept_t *k = st->k[j];

		if (k == NULL || !k->nonce_set)
			continue;
		if (!st->drawn[j]) {
			memcpy(st->nonce[j], k->nonce, 12);
			st->drawn[j] = 1;
		} else if (memcmp(st->nonce[j], k->nonce, 12) != 0) {
			abort();	/* a mapping's nonce changed */
		}
	}
}

/* Run everything due at now; check the send times. */
static void
pump(pmp_engine_t *e, pmp_keeper_t *kp, struct state *st, uint64_t now)
{
	int guard;

	for (guard = 0; guard < 64; guard++) {
		uint8_t b[PMP_MAX_DATAGRAM];
		pmp_req_t *r;
		pmp_kept_t *gone;
		size_t n;

		pmp_keeper_run(kp, now);
		while ((n = pmp_engine_output(e, now, b, sizeof(b), &r)) > 0) {
			/* §8.1.1: RT >= 0.9 x the base; the first is 2.7 s */
			if (r->attempts == 1 && r->rto_ms < 2700)
				abort();
			if (n % 4 != 0)
				abort();
		}
		if (e->done == NULL)
			break;
		while ((r = pmp_engine_take_done(e)) != NULL) {
			if (!r->embedded) {
				free(r);
				continue;
			}
			gone = pmp_keeper_done(kp, r, now);
			if (gone != NULL) {
				int j;

				for (j = 0; j < MAX_KEPT; j++)
					if (st->k[j] == gone)
						st->k[j] = NULL;
				free(gone);
			}
		}
	}
	check(e, st);
}

/* An answer to the i-th request on the wire, off per sel. */
static size_t
near_answer(const pmp_engine_t *e, unsigned i, unsigned sel, unsigned v,
    uint8_t *b, int *wrong_nonce)
{
	const pmp_req_t *r = e->queue;
	pmp_pcp_msg_t m;

	while (r != NULL && i-- > 0)
		r = r->next;
	*wrong_nonce = 0;
	if (r == NULL)
		return 0;
	memset(&m, 0, sizeof(m));
	m.response = 1;
	m.opcode = r->op == PMP_OP_PUBLIC_ADDRESS ? PMP_PCP_OP_ANNOUNCE :
	    PMP_PCP_OP_MAP;
	m.result = (sel & 4) ? (uint8_t)(v % 14) : 0;
	m.lifetime = (sel & 8) ? 0 : 30 + v;
	m.epoch = v * 7;
	memcpy(m.nonce, r->nonce, 12);
	m.protocol = (uint8_t)r->protocol;
	m.internal_port = r->private_port;
	m.external_port = (uint16_t)(1000 + v);
	m.external_addr[10] = m.external_addr[11] = 0xff;
	m.external_addr[12] = 203;
	m.external_addr[15] = (uint8_t)v;
	if ((sel & 1) && m.opcode == PMP_PCP_OP_MAP) {
		m.nonce[v % 12] ^= (uint8_t)(1 + (v & 0x7f));
		*wrong_nonce = 1;
	}
	if (sel & 2)
		m.internal_port ^= 1;
	return pmp_pcp_encode(&m, b, 128);
}

/* Does the MAP answer in b carry the nonce of a kept mapping? */
static int
owned_nonce(const struct state *st, const uint8_t *b, size_t n)
{
	int j;

	for (j = 0; j < MAX_KEPT; j++)
		if (n >= 36 && st->k[j] != NULL && st->k[j]->nonce_set &&
		    memcmp(st->k[j]->nonce, b + 24, 12) == 0)
			return 1;
	return 0;
}

/* The gateway's unasked answer for kept mapping k (RFC 6887 §14.2): a new
 * port and address, its nonce (or, with wrong, one bit off). */
static size_t
update_of(const pmp_kept_t *k, unsigned wrong, unsigned v, uint8_t *b)
{
	pmp_pcp_msg_t m;

	memset(&m, 0, sizeof(m));
	m.response = 1;
	m.opcode = PMP_PCP_OP_MAP;
	m.lifetime = 60 + v;
	m.epoch = v * 3;
	memcpy(m.nonce, k->nonce, 12);
	if (wrong)
		m.nonce[v % 12] ^= 0x10;
	m.protocol = (uint8_t)k->protocol;
	m.internal_port = k->private_port;
	m.external_port = (uint16_t)(3000 + v);
	m.external_addr[10] = m.external_addr[11] = 0xff;
	m.external_addr[12] = 198;
	m.external_addr[15] = (uint8_t)v;
	return pmp_pcp_encode(&m, b, 128);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = { data, size };
	struct state st;
	pmp_engine_t e;
	pmp_keeper_t kp;
	uint64_t now = 1000;
	unsigned next_id = 1, keep_id = 1;
	pmp_req_t *r;
	pmp_kept_t *k;
	int j;

	memset(&st, 0, sizeof(st));
	test_rng_state = 7;
	pmp_engine_init(&e, pmp_pcp_proto(), &test_rng, GW, 5351);
	pmp_keeper_init(&kp, &e, on_event, NULL);
	while (c.n > 0) {
		unsigned op = take(&c) % 8, a, v;
		uint8_t b[PMP_MAX_DATAGRAM];
		size_t len;
		int wrong;

		switch (op) {
		case 0:		/* a one-shot request */
			r = calloc(1, sizeof(*r));
			if (r == NULL)
				goto out;
			a = take(&c);
			r->id = next_id++;
			r->op = (pmp_op_t)(a % 3);
			r->protocol = (a & 4) ? PMP_PROTO_UDP : PMP_PROTO_TCP;
			r->private_port = (uint16_t)(1 + take(&c));
			r->public_port = r->private_port;
			r->lifetime = r->op == PMP_OP_MAP ? 1 + take(&c) : 0;
			r->deadline_ms = (a & 8) ? now + 1000u * take(&c) : 0;
			if (pmp_engine_submit(&e, r, now) != PMP_OK)
				free(r);
			break;
		case 1:		/* an answer near a request on the wire */
			a = take(&c);
			v = take(&c);
			len = near_answer(&e, a % 8, a >> 3, v, b, &wrong);
			if (len > 0 && pmp_engine_input(&e, b, len, GW, 5351,
			    now) && wrong)
				abort();	/* another nonce completed one */
			/* what nothing waited for, as the session does */
			else if (len > 0 && pmp_keeper_update(&kp, b, len, GW,
			    5351, now) && wrong)
				abort();
			break;
		case 2:		/* raw bytes */
			len = take(&c) * 4u;
			for (v = 0; v < len && v < sizeof(b); v++)
				b[v] = (uint8_t)take(&c);
			len = len < sizeof(b) ? len : sizeof(b);
			if (!pmp_engine_input(&e, b, len, GW, 5351, now) &&
			    pmp_keeper_update(&kp, b, len, GW, 5351, now) &&
			    !owned_nonce(&st, b, len))
				abort();	/* an update with no one's nonce */
			break;
		case 3:		/* time */
			now += (uint64_t)(take(&c) << 8 | take(&c)) * 50u;
			break;
		case 4:		/* keep a mapping */
			for (j = 0; j < MAX_KEPT && st.k[j] != NULL; j++)
				;
			if (j == MAX_KEPT)
				break;
			k = calloc(1, sizeof(*k));
			if (k == NULL)
				goto out;
			k->id = keep_id++;
			k->protocol = PMP_PROTO_UDP;
			k->private_port = (uint16_t)(2000 + take(&c));
			k->lifetime = 4 + take(&c);
			st.k[j] = k;
			st.drawn[j] = 0;
			pmp_keeper_add(&kp, k, now);
			break;
		case 5:		/* stop one */
			j = (int)(take(&c) % MAX_KEPT);
			if (st.k[j] != NULL && pmp_keeper_stop(&kp, st.k[j]->id,
			    now, &k) == PMP_OK && k != NULL) {
				st.k[j] = NULL;
				free(k);
			}
			break;
		case 6:		/* an ANNOUNCE, or a mapping update */
			a = take(&c);
			if (a & 1) {
				j = (int)((a >> 2) % MAX_KEPT);
				if (st.k[j] == NULL)
					break;
				len = update_of(st.k[j], a & 2, take(&c), b);
				v = st.k[j]->state == PMP_KEPT_MAPPED &&
				    !st.k[j]->in_flight && st.k[j]->nonce_set;
				wrong = pmp_keeper_update(&kp, b, len, GW, 5351,
				    now);
				if ((wrong && (a & 2)) || (v && !(a & 2) &&
				    !wrong))
					abort();
				break;
			}
			memset(b, 0, 24);
			b[0] = 2;
			b[1] = 0x80;
			b[11] = (uint8_t)take(&c);
			pmp_keeper_announcement(&kp, b, 24, GW, 5351, now);
			break;
		default:	/* the next deadline */
			{
				uint64_t d = pmp_engine_deadline(&e);

				if (pmp_keeper_deadline(&kp) < d)
					d = pmp_keeper_deadline(&kp);
				if (d != PMP_NO_DEADLINE && d > now)
					now = d;
			}
			break;
		}
		pump(&e, &kp, &st, now);
	}
out:
	while ((r = pmp_engine_take_queued(&e)) != NULL)
		if (!r->embedded)
			free(r);
	while ((r = pmp_engine_take_done(&e)) != NULL)
		if (!r->embedded)
			free(r);
	while ((k = kp.list) != NULL) {
		kp.list = k->next;
		free(k);
	}
	return 0;
}
