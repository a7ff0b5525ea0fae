/*
 * fuzz_engine.c - the request engine and the keeper driven by a fuzzed
 * script of requests, packets (from the gateway, from elsewhere, made to
 * nearly match), clock steps, ICMP errors, cancels, kept mappings and
 * announcements.  Properties checked after every step:
 *   - at most one request in flight (RFC 6886 §3.1);
 *   - no request sent more than 9 times, nor before its schedule;
 *   - nothing from another address or port is ever taken as an answer;
 *   - an answer taken for a mapping carries its internal port, and a
 *     success has a port and a lifetime.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "../test/test_rng.h"
#include "script.h"
#include "core/keeper.h"
#include "natpmp/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t GW[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
    10, 0, 0, 1 };
static const uint8_t ROGUE[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
    10, 0, 0, 3 };


static void
check_inflight(const pmp_engine_t *e)
{
	const pmp_req_t *r;
	pmp_req_t *const *tail = &e->queue;
	unsigned deadlines = 0;
	int n = 0;

	/* the O(1) bookkeeping matches the queue */
	for (r = e->queue; r != NULL; r = r->next) {
		deadlines += r->deadline_ms != 0;
		tail = &r->next;
	}
	if (tail != e->queue_tail || deadlines != e->with_deadline)
		abort();
	for (r = e->queue; r != NULL; r = r->next) {
		if (r->attempts > e->proto->schedule.mrc)
			abort();
		if (r->attempts > 0 && r != e->queue)
			abort();	/* NAT-PMP: only the head may be on the wire */
		n += r->attempts > 0;
	}
	if (n > 1)
		abort();
}

/* Send and collect until nothing is due at now. */
static void
pump(pmp_engine_t *e, pmp_keeper_t *kp, uint64_t now)
{
	int guard;

	for (guard = 0; guard < 64; guard++) {
		uint8_t b[16];
		pmp_req_t *r;
		size_t n;

		pmp_keeper_run(kp, now);
		while ((n = pmp_engine_output(e, now, b, sizeof(b), &r)) > 0) {
			/* the k-th send is never before 250 * (2^(k-1) - 1) ms
			 * after the first (no early retransmission) */
			if (r->attempts > 1 && now < r->next_ms -
			    ((uint64_t)e->proto->schedule.irt_ms << (r->attempts - 1)))
				abort();
			check_inflight(e);
		}
		if (e->done == NULL)
			break;
		while ((r = pmp_engine_take_done(e)) != NULL) {
			const pmp_result_t *res = &r->result;

			if (res->status == PMP_OK && r->op == PMP_OP_MAP &&
			    (res->private_port != r->private_port ||
			    res->public_port == 0 || res->lifetime == 0))
				abort();
			if (r->embedded)
				free(pmp_keeper_done(kp, r, now));
			else
				free(r);
		}
	}
}

/* A response for the head request, slightly wrong per sel. */
static size_t
near_answer(const pmp_engine_t *e, unsigned sel, unsigned v, uint8_t *b)
{
	const pmp_req_t *r = e->queue;
	pmp_wire_resp_t m;

	memset(&m, 0, sizeof(m));
	m.epoch = v * 13;
	m.lifetime = (sel & 8) ? 0 : 60 + v;
	if (r == NULL || r->op == PMP_OP_PUBLIC_ADDRESS) {
		m.opcode = 128;
		memcpy(m.public_addr, (sel & 8) ? "\0\0\0\0" : "\x01\x02\x03\x04",
		    4);
	} else {
		m.opcode = (uint8_t)(128 + (r->protocol == PMP_PROTO_UDP ? 1 : 2));
		m.private_port = r->op == PMP_OP_UNMAP_ALL ? 0 : r->private_port;
		m.public_port = (sel & 16) ? 0 : (uint16_t)(1000 + v);
		if (r->op != PMP_OP_MAP && !(sel & 32))
			m.public_port = 0, m.lifetime = 0;
	}
	if (sel & 1)
		m.opcode ^= 3;			/* wrong opcode */
	if (sel & 2)
		m.private_port ^= 1;		/* wrong internal port */
	if (sel & 4)
		m.result = (uint16_t)(v % 7);
	if (sel & 64) {
		m.form = PMP_FORM_SHORT;
		m.result = (sel & 128) ? 1 : 5;
	}
	return pmp_wire_encode_response(&m, b, 16);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = { data, size };
	pmp_engine_t e;
	pmp_keeper_t kp;
	uint64_t now = 1000;
	unsigned next_id = 1, keep_id = 1;
	pmp_req_t *r;
	pmp_kept_t *k;

	test_rng_state = 42;	/* each input replays the same */
	pmp_engine_init(&e, NATPMP, GW, 5351);
	pmp_keeper_init(&kp, &e, on_event, NULL);
	while (c.n > 0) {
		unsigned op = take(&c) % 10;
		uint8_t b[PMP_WIRE_MAX + 1];
		size_t len;
		unsigned a, v;

		switch (op) {
		case 0:		/* a one-shot request */
			r = calloc(1, sizeof(*r));
			if (r == NULL)
				goto out;
			a = take(&c);
			r->id = next_id++;
			r->op = (pmp_op_t)(a % 4);
			r->protocol = (a & 4) ? PMP_PROTO_UDP : PMP_PROTO_TCP;
			r->private_port = (uint16_t)(take(&c) << 8 | take(&c));
			if (r->private_port == 0 && r->op != PMP_OP_UNMAP_ALL)
				r->private_port = 1;
			r->public_port = r->op == PMP_OP_MAP ? r->private_port : 0;
			r->lifetime = r->op == PMP_OP_MAP ? 1 + take(&c) : 0;
			r->deadline_ms = (a & 8) ? now + 100u * take(&c) : 0;
			pmp_engine_submit(&e, r, now);
			break;
		case 1:		/* raw bytes from the gateway or elsewhere */
			a = take(&c);
			len = take(&c);
			if (a & 0x80)
				len = len * 8;	/* reach the oversize cases */
			if (len > sizeof(b))
				len = sizeof(b);
			memset(b, 0, sizeof(b));
			for (v = 0; v < len && c.n > 0; v++)
				b[v] = (uint8_t)take(&c);
			if ((a & 3) == 1) {
				if (pmp_engine_input(&e, b, len, ROGUE, 5351,
				    now))
					abort();
			} else if ((a & 3) == 2) {
				if (pmp_engine_input(&e, b, len, GW, 5352, now))
					abort();
			} else {
				(void)pmp_engine_input(&e, b, len, GW, 5351,
				    now);
			}
			break;
		case 2:		/* a near-answer to the head request */
			a = take(&c);
			v = take(&c);
			len = near_answer(&e, a, v, b);
			if (take(&c) & 1) {
				if (pmp_engine_input(&e, b, len, ROGUE, 5351,
				    now))
					abort();
			} else {
				(void)pmp_engine_input(&e, b, len, GW, 5351,
				    now);
			}
			break;
		case 3:		/* the clock moves on */
			now += (uint64_t)(take(&c) << 8 | take(&c)) * 10;
			break;
		case 4:		/* ICMP port unreachable */
			pmp_engine_fail_inflight(&e, PMP_EREFUSED, now);
			break;
		case 5:		/* cancel (not kept mappings' own requests) */
			r = pmp_engine_cancel(&e, 1 + take(&c) % next_id);
			if (r != NULL && r->embedded)
				abort();
			free(r);
			break;
		case 6:		/* keep a mapping */
			k = calloc(1, sizeof(*k));
			if (k == NULL)
				goto out;
			a = take(&c);
			k->id = keep_id++;
			k->protocol = (a & 1) ? PMP_PROTO_UDP : PMP_PROTO_TCP;
			k->private_port = (uint16_t)(take(&c) << 8 | take(&c));
			k->wish_port = (a & 2) ? 0 : k->private_port;
			k->lifetime = 1 + take(&c);
			pmp_keeper_add(&kp, k, now);
			break;
		case 7:		/* stop keeping one */
			if (pmp_keeper_stop(&kp, 1 + take(&c) % keep_id, now,
			    &k) == 0)
				free(k);
			break;
		case 8:		/* an announcement (or anything) on 5350 */
			a = take(&c);
			len = take(&c) % 40;
			memset(b, 0, sizeof(b));
			if (a & 4) {
				b[1] = 128;		/* plausible form */
				b[7] = (uint8_t)take(&c);
				len = (a & 8) ? 24 : 12;
				if (a & 8) {
					b[0] = 2;	/* PCP ANNOUNCE */
					b[1] = 0x80;
				}
			} else {
				for (v = 0; v < len && c.n > 0; v++)
					b[v] = (uint8_t)take(&c);
			}
			pmp_keeper_announcement(&kp, b, len,
			    (a & 1) ? ROGUE : GW, (a & 2) ? 5350 : 5351, now);
			break;
		default:	/* jump to the next deadline */
			v = 0;
			{
				uint64_t d = pmp_engine_deadline(&e);

				if (pmp_keeper_deadline(&kp) < d)
					d = pmp_keeper_deadline(&kp);
				if (d != PMP_NO_DEADLINE && d > now)
					now = d;
			}
			break;
		}
		pump(&e, &kp, now);
		check_inflight(&e);
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
