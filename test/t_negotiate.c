/*
 * t_negotiate.c - the session choosing between PCP and NAT-PMP, on
 * virtual time: a NAT-PMP-only server's 8-byte answer switches at once; a
 * server silent to PCP but answering NAT-PMP gets a NAT-PMP probe beside
 * PCP's first retransmission (3 s) and is used from its answer on; a dual
 * server answering PCP late keeps PCP; a PCP-only server's version-2
 * refusal of the probe keeps PCP.  And PCP's address request (RFC 6887
 * §11.6): a short mapping of the client's own port, deleted at once.
 * A kept mapping moved by the gateway unasked (§14.2), and the choice made
 * again after a restart of a NAT-PMP gateway (App. A).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/session.h"
#include "natpmp/natpmp.h"
#include "pcp/pcp.h"
#include "pcp/wire.h"
#include "test_rng.h"

static const uint8_t GW[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
    192, 168, 77, 1 };
static const uint8_t ME[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
    192, 168, 77, 2 };

struct fx {
	pmp_session_t s;
	pmp_kept_t k;
	int events[16];		/* count per pmp_event_type_t */
	pmp_req_t req;
	uint8_t sent[8][PMP_MAX_DATAGRAM];
	size_t len[8];
	int n;
};

static void
no_event(void *ctx, const pmp_event_t *ev)
{
	(void)ctx;
	(void)ev;
}

static void
count_event(void *ctx, const pmp_event_t *ev)
{
	struct fx *f = ctx;

	if (ev->type >= 0 && ev->type < 16)
		f->events[ev->type]++;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	pmp_session_init(&f->s, pmp_pcp_proto(), &test_rng, GW, 5351,
	    count_event, f);
	pmp_session_set_fallback(&f->s, pmp_natpmp_proto());
	pmp_session_set_local(&f->s, ME, 40000);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	free(*state);
	return 0;
}

/* Everything due at now, into f->sent (the count sent). */
static int
run(struct fx *f, uint64_t now)
{
	pmp_req_t *r;
	int k = 0;

	f->n = 0;
	while (f->n < 8 && (f->len[f->n] = pmp_session_output(&f->s, now,
	    f->sent[f->n], PMP_MAX_DATAGRAM, &r)) > 0) {
		f->n++;
		k++;
	}
	return k;
}

static void
submit_map(struct fx *f, uint64_t now)
{
	memset(&f->req, 0, sizeof(f->req));
	f->req.id = 1;
	f->req.op = PMP_OP_MAP;
	f->req.protocol = PMP_PROTO_UDP;
	f->req.private_port = 6000;
	f->req.public_port = 6000;
	f->req.lifetime = 3600;
	assert_int_equal(pmp_session_submit(&f->s, &f->req, now), PMP_OK);
}

static int
is_natpmp_addr_request(const uint8_t *b, size_t n)
{
	return n == 2 && b[0] == 0 && b[1] == 0;
}

/* NAT-PMP's address answer: version 0, opcode 128, result 0, epoch, a. */
static const uint8_t natpmp_addr_answer[12] = { 0, 128, 0, 0, 0, 0, 0, 50,
    203, 0, 113, 9 };

static void
test_silent_pcp_probe_and_fall_back(void **state)
{
	struct fx *f = *state;
	pmp_req_t *done;

	submit_map(f, 0);
	assert_int_equal(run(f, 0), 1);
	assert_int_equal(f->sent[0][0], 2);		/* PCP first */
	/* no probe before the first retransmission is due */
	assert_int_equal(run(f, 2600), 0);
	assert_true(pmp_session_deadline(&f->s) <= 3000);
	/* at 3 s: the probe (and PCP's retransmission, jittered +-10%) */
	(void)run(f, 3300);
	assert_true(f->n == 2);
	assert_true(is_natpmp_addr_request(f->sent[0], f->len[0]) ||
	    is_natpmp_addr_request(f->sent[1], f->len[1]));
	/* the NAT-PMP answer switches the session, and the map goes out
	 * again in NAT-PMP at once */
	pmp_session_input(&f->s, natpmp_addr_answer, 12, GW, 5351, 3310);
	assert_int_equal(pmp_session_proto(&f->s)->method, PMP_METHOD_NATPMP);
	assert_int_equal(run(f, 3310), 1);
	assert_int_equal(f->len[0], 12);
	assert_int_equal(f->sent[0][0], 0);
	assert_int_equal(f->sent[0][1], 1);		/* NAT-PMP map UDP */
	/* the address the probe's answer named is known */
	{
		uint8_t a[16];

		assert_int_equal(pmp_session_public_address(&f->s, a), 1);
		assert_memory_equal(a + 12, "\xcb\x00\x71\x09", 4);
	}
	assert_null(pmp_session_take_done(&f->s));
	(void)done;
}

static void
test_probe_from_elsewhere_ignored(void **state)
{
	struct fx *f = *state;
	uint8_t other[16];

	memcpy(other, GW, 16);
	other[15] = 99;
	submit_map(f, 0);
	(void)run(f, 0);
	(void)run(f, 3300);
	/* another host, or another port: not the gateway speaking */
	pmp_session_input(&f->s, natpmp_addr_answer, 12, other, 5351, 3310);
	pmp_session_input(&f->s, natpmp_addr_answer, 12, GW, 5350, 3310);
	assert_int_equal(pmp_session_proto(&f->s)->method, PMP_METHOD_PCP);
}

static void
test_late_pcp_answer_keeps_pcp(void **state)
{
	struct fx *f = *state;
	pmp_pcp_msg_t m;
	uint8_t b[PMP_MAX_DATAGRAM];
	size_t n;
	int i, seen_probe = 0;
	pmp_req_t *done;

	submit_map(f, 0);
	(void)run(f, 0);
	(void)run(f, 3300);
	for (i = 0; i < f->n; i++)
		seen_probe |= is_natpmp_addr_request(f->sent[i], f->len[i]);
	assert_true(seen_probe);
	/* the PCP answer (to the retransmission) comes first */
	memset(&m, 0, sizeof(m));
	m.version = 2;
	m.response = 1;
	m.opcode = PMP_PCP_OP_MAP;
	m.lifetime = 3600;
	m.epoch = 10;
	memcpy(m.nonce, f->req.nonce, 12);
	m.protocol = PMP_PROTO_UDP;
	m.internal_port = 6000;
	m.external_port = 6000;
	memcpy(m.external_addr, natpmp_addr_answer, 0);
	m.external_addr[10] = m.external_addr[11] = 0xff;
	memcpy(m.external_addr + 12, "\xcb\x00\x71\x09", 4);
	n = pmp_pcp_encode(&m, b, sizeof(b));
	assert_true(n > 0);
	pmp_session_input(&f->s, b, n, GW, 5351, 3320);
	/* then the probe's answer: too late to matter */
	pmp_session_input(&f->s, natpmp_addr_answer, 12, GW, 5351, 3330);
	assert_int_equal(pmp_session_proto(&f->s)->method, PMP_METHOD_PCP);
	assert_int_equal(run(f, 3330), 0);
	done = pmp_session_take_done(&f->s);
	assert_ptr_equal(done, &f->req);
	assert_int_equal(done->result.status, PMP_OK);
	assert_int_equal(done->result.method, PMP_METHOD_PCP);
	assert_memory_equal(done->result.nonce, f->req.nonce, 12);
	/* and no more probes */
	assert_int_equal(pmp_session_deadline(&f->s), PMP_NO_DEADLINE);
}

static void
test_pcp_only_refusal_keeps_pcp(void **state)
{
	struct fx *f = *state;
	pmp_pcp_msg_t m;
	uint8_t b[64];
	size_t n;

	submit_map(f, 0);
	(void)run(f, 0);
	(void)run(f, 3300);
	/* a PCP-only server answers the NAT-PMP probe in version 2 */
	memset(&m, 0, sizeof(m));
	m.version = 2;
	m.response = 1;
	m.opcode = 0;
	m.result = PMP_PCP_UNSUPP_VERSION;
	n = pmp_pcp_encode(&m, b, sizeof(b));
	assert_true(n == 24);
	pmp_session_input(&f->s, b, n, GW, 5351, 3310);
	assert_int_equal(pmp_session_proto(&f->s)->method, PMP_METHOD_PCP);
	/* probes go on at doubling intervals, at most four */
	{
		int probes = 0;
		uint64_t t;

		for (t = 3300; t < 200000; t += 500) {
			int i;

			(void)run(f, t);
			for (i = 0; i < f->n; i++)
				probes += is_natpmp_addr_request(f->sent[i],
				    f->len[i]);
		}
		assert_int_equal(probes, PMP_PROBES_MAX - 1);
	}
}

static void
test_natpmp_only_answer_switches_at_once(void **state)
{
	struct fx *f = *state;
	static const uint8_t v0[8] = { 0, 0x80, 0, 1, 0, 0, 0, 9 };

	submit_map(f, 0);
	(void)run(f, 0);
	pmp_session_input(&f->s, v0, 8, GW, 5351, 5);
	/* routed (and switched) at the next output, which resends */
	assert_int_equal(run(f, 5), 1);
	assert_int_equal(pmp_session_proto(&f->s)->method, PMP_METHOD_NATPMP);
	assert_int_equal(f->sent[0][0], 0);
	assert_int_equal(f->sent[0][1], 1);
}

/* RFC 6887 §11.6: the address comes from a 30 s mapping of our own UDP
 * port, deleted with the same nonce as soon as the answer is in. */
static void
test_pcp_address_by_short_mapping(void **state)
{
	struct fx *f = *state;
	pmp_pcp_msg_t m, q;
	uint8_t b[PMP_MAX_DATAGRAM];
	pmp_req_t *done;
	size_t n;

	memset(&f->req, 0, sizeof(f->req));
	f->req.id = 1;
	f->req.op = PMP_OP_PUBLIC_ADDRESS;
	assert_int_equal(pmp_session_submit(&f->s, &f->req, 0), PMP_OK);
	assert_int_equal(run(f, 0), 1);
	assert_int_equal(pmp_pcp_decode(f->sent[0], f->len[0], &q),
	    PMP_PCP_OK);
	assert_int_equal(q.opcode, PMP_PCP_OP_MAP);
	assert_int_equal(q.protocol, PMP_PROTO_UDP);
	assert_int_equal(q.internal_port, 40000);
	assert_int_equal(q.lifetime, 30);
	m = q;
	m.response = 1;
	m.lifetime = 120;		/* raised to the server's minimum */
	m.external_port = 50000;
	m.external_addr[10] = m.external_addr[11] = 0xff;
	memcpy(m.external_addr + 12, "\xcb\x00\x71\x09", 4);
	n = pmp_pcp_encode(&m, b, sizeof(b));
	pmp_session_input(&f->s, b, n, GW, 5351, 10);
	/* the delete leaves before the caller hears of the address */
	assert_int_equal(run(f, 10), 1);
	assert_int_equal(pmp_pcp_decode(f->sent[0], f->len[0], &m),
	    PMP_PCP_OK);
	assert_int_equal(m.lifetime, 0);
	assert_int_equal(m.internal_port, 40000);
	assert_memory_equal(m.nonce, q.nonce, 12);
	done = pmp_session_take_done(&f->s);
	assert_ptr_equal(done, &f->req);
	assert_int_equal(done->result.status, PMP_OK);
	assert_memory_equal(done->result.public_address + 12,
	    "\xcb\x00\x71\x09", 4);
	assert_int_equal(done->result.protocol, 0);
	assert_int_equal(done->result.public_port, 0);
	assert_int_equal(done->result.lifetime, 0);
	/* the delete is given up briefly if unanswered: not retried for
	 * ever, and no caller sees it */
	(void)run(f, 3500);
	(void)run(f, 7000);
	assert_int_equal(pmp_session_pending(&f->s), 0);
	assert_null(pmp_session_take_done(&f->s));
}

/* Before settling, a NAT-PMP address announcement still tells a PCP
 * session the address (pmp watch, keep on a dual gateway), never its
 * epoch (D-8); without a fallback (PCP forced) it is not read. */
static void
test_natpmp_announcement_address_only(void **state)
{
	struct fx *f = *state;
	uint8_t a[16];

	pmp_session_announcement(&f->s, natpmp_addr_answer, 12, GW, 5351,
	    100);
	assert_int_equal(pmp_session_public_address(&f->s, a), 1);
	assert_memory_equal(a + 12, "\xcb\x00\x71\x09", 4);
	assert_false(f->s.engine.epoch.valid);
	pmp_session_init(&f->s, pmp_pcp_proto(), &test_rng, GW, 5351,
	    no_event, f);
	pmp_session_announcement(&f->s, natpmp_addr_answer, 12, GW, 5351,
	    100);
	assert_int_equal(pmp_session_public_address(&f->s, a), 0);
}

static void
keep_udp_6000(struct fx *f, uint64_t now)
{
	memset(&f->k, 0, sizeof(f->k));
	f->k.id = 1;
	f->k.protocol = PMP_PROTO_UDP;
	f->k.private_port = 6000;
	f->k.lifetime = 3600;
	pmp_session_keep(&f->s, &f->k, now);
}

/* The PCP answer to request q (decoded), granting port on address a. */
static size_t
pcp_grant(const pmp_pcp_msg_t *q, uint16_t port, const char *a,
    uint32_t epoch, uint8_t *b)
{
	pmp_pcp_msg_t m = *q;

	m.response = 1;
	m.result = 0;
	m.epoch = epoch;
	m.external_port = port;
	memset(m.external_addr, 0, 16);
	m.external_addr[10] = m.external_addr[11] = 0xff;
	memcpy(m.external_addr + 12, a, 4);
	return pmp_pcp_encode(&m, b, PMP_MAX_DATAGRAM);
}

/* RFC 6887 §14.2: the gateway's address changed and it says so with the
 * mapping's own answer, unasked; the nonce makes it ours.  One with
 * another nonce, or from another port, is ignored. */
static void
test_mapping_update(void **state)
{
	struct fx *f = *state;
	pmp_pcp_msg_t q, forged;
	uint8_t b[PMP_MAX_DATAGRAM];
	size_t n;

	keep_udp_6000(f, 0);
	assert_int_equal(run(f, 0), 1);
	assert_int_equal(pmp_pcp_decode(f->sent[0], f->len[0], &q),
	    PMP_PCP_OK);
	n = pcp_grant(&q, 6000, "\xcb\x00\x71\x09", 100, b);
	pmp_session_input(&f->s, b, n, GW, 5351, 20);
	(void)run(f, 20);
	assert_int_equal(f->events[PMP_EV_MAPPED], 1);
	/* unasked, another nonce: nothing */
	forged = q;
	forged.nonce[0] ^= 1;
	n = pcp_grant(&forged, 7000, "\xcb\x00\x71\x0a", 160, b);
	pmp_session_input(&f->s, b, n, GW, 5351, 60000);
	/* the right nonce from another port: nothing */
	n = pcp_grant(&q, 7000, "\xcb\x00\x71\x0a", 160, b);
	pmp_session_input(&f->s, b, n, GW, 5350, 60000);
	assert_int_equal(run(f, 60000), 0);
	assert_int_equal(f->events[PMP_EV_PORT_CHANGED], 0);
	assert_int_equal(f->events[PMP_EV_ADDRESS_CHANGED], 0);
	/* the update: new address and port, taken at once */
	pmp_session_input(&f->s, b, n, GW, 5351, 60000);
	(void)run(f, 60000);
	assert_int_equal(f->events[PMP_EV_ADDRESS_CHANGED], 1);
	assert_int_equal(f->k.public_port, 7000);
	assert_int_equal(f->k.state, PMP_KEPT_MAPPED);
	{
		uint8_t a[16];

		assert_int_equal(pmp_session_public_address(&f->s, a), 1);
		assert_memory_equal(a + 12, "\xcb\x00\x71\x0a", 4);
	}
	/* and confirmed with the same nonce (the server stops repeating) */
	assert_int_equal(f->n, 1);
	assert_int_equal(pmp_pcp_decode(f->sent[0], f->len[0], &forged),
	    PMP_PCP_OK);
	assert_memory_equal(forged.nonce, q.nonce, 12);
	assert_int_equal(forged.external_port, 7000);
}

/* Fallen back to NAT-PMP, the gateway restarts (its epoch goes back):
 * after the random 0-5 s the kept mapping is made again, PCP first. */
static void
test_restart_negotiates_again(void **state)
{
	struct fx *f = *state;
	static const uint8_t unsupported[8] = { 0, 0x80, 0, 1, 0, 0, 0, 9 };
	static const uint8_t map_answer[16] = { 0, 129, 0, 0, 0, 0, 0, 50,
	    0x17, 0x70, 0x17, 0x70, 0, 0, 0x0e, 0x10 };
	uint64_t d;
	pmp_pcp_msg_t q;

	keep_udp_6000(f, 0);
	assert_int_equal(run(f, 0), 1);
	pmp_session_input(&f->s, unsupported, 8, GW, 5351, 5);
	(void)run(f, 5);
	assert_int_equal(pmp_session_proto(&f->s)->method,
	    PMP_METHOD_NATPMP);
	pmp_session_input(&f->s, natpmp_addr_answer, 12, GW, 5351, 10);
	(void)run(f, 10);
	pmp_session_input(&f->s, map_answer, 16, GW, 5351, 12);
	(void)run(f, 12);
	assert_int_equal(f->events[PMP_EV_MAPPED], 1);
	assert_int_equal(f->k.public_port, 6000);
	/* 100 s later the gateway's announcement says 3 s: it restarted */
	{
		uint8_t restarted[12];

		memcpy(restarted, natpmp_addr_answer, 12);
		restarted[7] = 3;
		pmp_session_announcement(&f->s, restarted, 12, GW, 5351,
		    100000);
	}
	(void)run(f, 100000);
	assert_int_equal(f->events[PMP_EV_GATEWAY_RESTARTED], 1);
	assert_int_equal(pmp_session_proto(&f->s)->method, PMP_METHOD_PCP);
	d = pmp_session_deadline(&f->s);
	assert_true(d >= 100000 && d <= 105000);
	assert_true(f->n == 0 || d == 100000);
	/* at the cycle: PCP's MAP, suggesting the port it had */
	assert_int_equal(run(f, d), 1);
	assert_int_equal(pmp_pcp_decode(f->sent[0], f->len[0], &q),
	    PMP_PCP_OK);
	assert_int_equal(q.opcode, PMP_PCP_OP_MAP);
	assert_int_equal(q.internal_port, 6000);
	assert_int_equal(q.external_port, 6000);
	{
		uint8_t b[PMP_MAX_DATAGRAM];
		size_t n = pcp_grant(&q, 6000, "\xcb\x00\x71\x09", 4, b);

		pmp_session_input(&f->s, b, n, GW, 5351, d + 5);
	}
	(void)run(f, d + 5);
	assert_int_equal(f->events[PMP_EV_RESTORED], 1);
	assert_int_equal(f->events[PMP_EV_MAPPED], 1);
	assert_int_equal(f->k.state, PMP_KEPT_MAPPED);
	assert_int_equal(pmp_session_proto(&f->s)->method, PMP_METHOD_PCP);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_silent_pcp_probe_and_fall_back, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_probe_from_elsewhere_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_late_pcp_answer_keeps_pcp, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_pcp_only_refusal_keeps_pcp, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_natpmp_only_answer_switches_at_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_pcp_address_by_short_mapping, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_natpmp_announcement_address_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mapping_update, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_restart_negotiates_again, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
