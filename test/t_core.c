/*
 * t_core.c - the protocol-neutral engine with a protocol unlike NAT-PMP,
 * on virtual time: several requests on the wire at once and answered out
 * of order, matching by nonce, a schedule with a cap and jitter and no
 * send limit (RFC 6887 §8.1.1 parameters), a per-request give-up, nonces
 * from the injected random source and its failure.  What PCP will need,
 * proved before PCP exists.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/engine.h"
#include "core/keeper.h"
#include "test_rng.h"

static const uint8_t GW[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
    192, 168, 77, 1 };

/* The toy wire: a request is its 12-byte nonce; an answer is the nonce,
 * a result byte, a zero byte and a 16-bit lifetime.  Parsed answers keep
 * the 16 bytes. */
static size_t
toy_encode(const pmp_req_t *r, const uint8_t local[16], uint8_t *b,
    size_t cap)
{
	(void)local;
	if (cap < 12)
		return 0;
	memcpy(b, r->nonce, 12);
	return 12;
}

static int
toy_parse(const uint8_t *b, size_t n, pmp_reply_t *m)
{
	if (n != 16)
		return -1;
	memcpy(m->body.bytes, b, 16);
	m->has_epoch = 0;
	return 0;
}

static int
toy_answers(const pmp_req_t *r, const pmp_reply_t *m)
{
	return memcmp(r->nonce, m->body.bytes, 12) == 0;
}

static int
toy_complete(pmp_req_t *r, const pmp_reply_t *m, int *named,
    uint8_t address[16])
{
	(void)named;
	(void)address;
	r->result.result_code = m->body.bytes[12];
	r->result.lifetime = (uint32_t)(m->body.bytes[14] << 8 |
	    m->body.bytes[15]);
	if (m->body.bytes[12] != 0)
		return PMP_EGATEWAY;
	r->result.public_port = r->private_port;
	return PMP_OK;
}

static int
toy_epoch(pmp_epoch_t *st, uint32_t epoch, uint64_t now_ms)
{
	st->valid = 1;
	st->sssoe = epoch;
	st->at_ms = now_ms;
	return 1;
}

static void
toy_announcement(const uint8_t *b, size_t n, uint16_t sport,
    pmp_announce_t *a)
{
	(void)b;
	(void)n;
	(void)sport;
	memset(a, 0, sizeof(*a));
}

static const pmp_proto_t toy = {
	.method = PMP_METHOD_PCP,
	.name = "toy",
	.max_in_flight = 3,
	.nonce_len = 12,
	.schedule = { .irt_ms = 3000, .mrt_ms = 10000, .mrc = 0,
	    .jitter_pct = 10, .give_up_all = 0 },
	/* RFC 6887 §11.2.1: renew at a random point of [1/2, 5/8] */
	.keep = { .renew_num = 4, .renew_den = 8, .renew_spread = 1,
	    .renew_max_ms = 12ull * 3600u * 1000u, .restart_jitter_ms = 5000,
	    .error_holddown_ms = 4000 },
	.encode = toy_encode,
	.parse = toy_parse,
	.answers = toy_answers,
	.complete = toy_complete,
	.epoch_update = toy_epoch,
	.announcement = toy_announcement,
};

static int
failing_fill(void *ctx, void *buf, size_t n)
{
	(void)ctx;
	(void)buf;
	(void)n;
	return PMP_ESYS;
}

struct fx {
	pmp_engine_t e;
	pmp_req_t req[8];
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	int i;

	test_rng_state = 7;
	pmp_engine_init(&f->e, &toy, &test_rng, GW, 5351);
	for (i = 0; i < 8; i++) {
		f->req[i].id = (unsigned)i + 1;
		f->req[i].op = PMP_OP_MAP;
		f->req[i].protocol = PMP_PROTO_UDP;
		f->req[i].private_port = (uint16_t)(5000 + i);
		f->req[i].lifetime = 60;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	free(*state);
	return 0;
}

/* Everything the engine sends at now; returns how many. */
static int
sends(struct fx *f, uint64_t now, pmp_req_t **who)
{
	uint8_t b[64];
	pmp_req_t *r;
	int n = 0;

	while (pmp_engine_output(&f->e, now, b, sizeof(b), &r) > 0) {
		if (who != NULL)
			who[n] = r;
		n++;
	}
	return n;
}

static int
answer_life(struct fx *f, const pmp_req_t *r, uint8_t result,
    uint16_t life, uint64_t now)
{
	uint8_t b[16];

	memcpy(b, r->nonce, 12);
	b[12] = result;
	b[13] = 0;
	b[14] = (uint8_t)(life >> 8);
	b[15] = (uint8_t)life;
	return pmp_engine_input(&f->e, b, sizeof(b), GW, 5351, now);
}

static int
answer(struct fx *f, const pmp_req_t *r, uint8_t result, uint64_t now)
{
	uint8_t b[16];

	memcpy(b, r->nonce, 12);
	b[12] = result;
	b[13] = b[14] = b[15] = 0;
	return pmp_engine_input(&f->e, b, sizeof(b), GW, 5351, now);
}

/* A window of 3: three requests on the wire, the rest queued; an answer
 * to the second frees a place for the fourth; answers match by nonce. */
static void
test_window_and_out_of_order(void **state)
{
	struct fx *f = *state;
	pmp_req_t *who[8], *r;
	int i;

	for (i = 0; i < 5; i++)
		assert_int_equal(pmp_engine_submit(&f->e, &f->req[i], 0),
		    PMP_OK);
	assert_int_equal(sends(f, 0, who), 3);
	assert_ptr_equal(who[0], &f->req[0]);
	assert_ptr_equal(who[2], &f->req[2]);
	/* nonces differ: drawn per request from the injected source */
	assert_memory_not_equal(f->req[0].nonce, f->req[1].nonce, 12);
	assert_memory_not_equal(f->req[1].nonce, f->req[2].nonce, 12);
	/* a stranger's nonce answers nothing */
	f->req[7].nonce[0] = 0x5a;
	assert_int_equal(answer(f, &f->req[7], 0, 10), 0);
	assert_int_equal(answer(f, &f->req[1], 0, 10), 1);
	r = pmp_engine_take_done(&f->e);
	assert_ptr_equal(r, &f->req[1]);
	assert_int_equal(r->result.status, PMP_OK);
	assert_int_equal(r->result.method, PMP_METHOD_PCP);
	assert_int_equal(sends(f, 10, who), 1);
	assert_ptr_equal(who[0], &f->req[3]);
	assert_int_equal(answer(f, &f->req[2], 8, 20), 1);
	r = pmp_engine_take_done(&f->e);
	assert_int_equal(r->result.status, PMP_EGATEWAY);
	assert_int_equal(r->result.result_code, 8);
	assert_int_equal(sends(f, 20, who), 1);
	assert_ptr_equal(who[0], &f->req[4]);
	assert_int_equal(pmp_engine_pending(&f->e), 3);
}

/* IRT 3 s, doubling, capped at MRT 10 s, each wait within +-10 %; with
 * MRC 0 it never gives up by itself. */
static void
test_schedule_cap_and_jitter(void **state)
{
	struct fx *f = *state;
	uint64_t now = 0, base = 3000;
	int k;

	assert_int_equal(pmp_engine_submit(&f->e, &f->req[0], 0), PMP_OK);
	assert_int_equal(sends(f, 0, NULL), 1);
	for (k = 1; k < 12; k++) {
		uint64_t d = pmp_engine_deadline(&f->e), wait = d - now;

		assert_true(wait >= base * 9 / 10 && wait <= base * 11 / 10);
		assert_int_equal(sends(f, d - 1, NULL), 0);
		assert_int_equal(sends(f, d, NULL), 1);
		assert_int_equal(f->req[0].attempts, (unsigned)k + 1);
		now = d;
		/* the next base doubles the jittered wait, up to MRT */
		base = wait * 2 > 10000 ? 10000 : wait * 2;
	}
	assert_null(pmp_engine_take_done(&f->e));
	assert_int_equal(pmp_engine_pending(&f->e), 1);
}

/* Without give_up_all, a request that reaches its send limit fails alone:
 * the others keep their place. */
static void
test_give_up_one(void **state)
{
	static pmp_proto_t limited;
	struct fx *f = *state;
	pmp_req_t *r;

	limited = toy;
	limited.schedule.mrc = 2;
	limited.schedule.jitter_pct = 0;
	pmp_engine_init(&f->e, &limited, &test_rng, GW, 5351);
	assert_int_equal(pmp_engine_submit(&f->e, &f->req[0], 0), PMP_OK);
	assert_int_equal(sends(f, 0, NULL), 1);
	assert_int_equal(pmp_engine_submit(&f->e, &f->req[1], 1000),
	    PMP_OK);
	assert_int_equal(sends(f, 1000, NULL), 1);
	assert_int_equal(sends(f, 3000, NULL), 1);	/* req 0, 2nd */
	assert_int_equal(sends(f, 4000, NULL), 1);	/* req 1, 2nd */
	assert_int_equal(sends(f, 9000, NULL), 0);	/* req 0 gives up */
	r = pmp_engine_take_done(&f->e);
	assert_ptr_equal(r, &f->req[0]);
	assert_int_equal(r->result.status, PMP_ENOSUPPORT);
	assert_int_equal(r->result.attempts, 2);
	assert_null(pmp_engine_take_done(&f->e));
	assert_int_equal(pmp_engine_pending(&f->e), 1);
}

/* No random source, no nonce: the request is refused, not sent with a
 * guessable one. */
static void
test_no_random_no_request(void **state)
{
	static const pmp_rng_t broken = { failing_fill, NULL };
	struct fx *f = *state;

	pmp_engine_init(&f->e, &toy, &broken, GW, 5351);
	assert_int_equal(pmp_engine_submit(&f->e, &f->req[0], 0), PMP_ESYS);
	assert_int_equal(pmp_engine_pending(&f->e), 0);
	assert_int_equal(sends(f, 0, NULL), 0);
}

/* An ICMP error ends every request on the wire, not the queued ones. */
static void
test_fail_inflight_window(void **state)
{
	struct fx *f = *state;
	int i, n = 0;

	for (i = 0; i < 5; i++)
		assert_int_equal(pmp_engine_submit(&f->e, &f->req[i], 0),
		    PMP_OK);
	assert_int_equal(sends(f, 0, NULL), 3);
	pmp_engine_fail_inflight(&f->e, PMP_EREFUSED, 5);
	while (pmp_engine_take_done(&f->e) != NULL)
		n++;
	assert_int_equal(n, 3);
	assert_int_equal(pmp_engine_pending(&f->e), 2);
	assert_int_equal(sends(f, 5, NULL), 2);
}

static void
no_events(void *ctx, const pmp_event_t *ev)
{
	(void)ctx;
	(void)ev;
}

/* The keeper over the toy protocol: one nonce for the mapping's create,
 * renewals and delete; renewals at a random point of [1/2, 5/8] of the
 * lifetime; an error's lifetime (or the hold-down) honoured. */
static void
test_keeper_policy(void **state)
{
	struct fx *f = *state;
	pmp_keeper_t kp;
	pmp_kept_t k;
	uint8_t first[12];
	uint64_t now = 1000, lo = 0, hi = 0;
	pmp_req_t *r;
	int i;

	pmp_keeper_init(&kp, &f->e, no_events, NULL);
	memset(&k, 0, sizeof(k));
	k.id = 1;
	k.protocol = PMP_PROTO_UDP;
	k.private_port = 6000;
	k.lifetime = 800;
	pmp_keeper_add(&kp, &k, now);
	for (i = 0; i < 20; i++) {
		pmp_keeper_run(&kp, now);
		assert_int_equal(sends(f, now, NULL) >= 1, 1);
		if (i == 0)
			memcpy(first, k.req.nonce, 12);
		assert_memory_equal(k.req.nonce, first, 12);
		/* the keeper's own public address checks: answered too */
		if (kp.verify_in_flight && kp.verify_req.attempts > 0)
			assert_int_equal(answer_life(f, &kp.verify_req, 0, 0,
			    now), 1);
		assert_int_equal(answer_life(f, &k.req, 0, 800, now), 1);
		while ((r = pmp_engine_take_done(&f->e)) != NULL)
			assert_null(pmp_keeper_done(&kp, r, now));
		/* the next renewal: in [400, 500] s */
		assert_true(k.next_ms >= now + 400000 &&
		    k.next_ms <= now + 500000);
		if (lo == 0 || k.next_ms - now < lo)
			lo = k.next_ms - now;
		if (k.next_ms - now > hi)
			hi = k.next_ms - now;
		now = k.next_ms;
	}
	assert_true(hi - lo > 20000);	/* drawn, not fixed */
	/* an error that says it lasts 20 s: not asked again before */
	pmp_keeper_run(&kp, now);
	assert_true(sends(f, now, NULL) >= 1);
	assert_int_equal(answer_life(f, &k.req, 8, 20, now), 1);
	r = pmp_engine_take_done(&f->e);
	assert_null(pmp_keeper_done(&kp, r, now));
	assert_int_equal(k.next_ms, now + 20000);
	/* an error with lifetime 0: the 4 s hold-down, not 1 s */
	now = k.next_ms;
	pmp_keeper_run(&kp, now);
	assert_true(sends(f, now, NULL) >= 1);
	assert_int_equal(answer_life(f, &k.req, 8, 0, now), 1);
	r = pmp_engine_take_done(&f->e);
	assert_null(pmp_keeper_done(&kp, r, now));
	assert_int_equal(k.next_ms, now + 4000);
	/* the delete carries the mapping's nonce too */
	{
		pmp_kept_t *freed;

		assert_int_equal(pmp_keeper_stop(&kp, 1, now, &freed),
		    PMP_OK);
		assert_null(freed);	/* a delete is owed */
	}
	assert_true(sends(f, now, NULL) >= 1);
	assert_int_equal(k.req.op, PMP_OP_UNMAP);
	assert_memory_equal(k.req.nonce, first, 12);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_window_and_out_of_order,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_schedule_cap_and_jitter,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_give_up_one, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_random_no_request,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_inflight_window,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_keeper_policy, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
