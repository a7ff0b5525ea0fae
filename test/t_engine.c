/*
 * t_engine.c - the request engine on virtual time: exact retransmission
 * instants (RFC 6886 §3.1), giving up, the caller's deadline, the queue,
 * and every kind of wrong answer (PROTOCOL.md §5, A-xx).
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
#include "test_rng.h"
#include "natpmp/wire.h"

static const uint8_t GW[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
    192, 168, 77, 1 };
static const uint8_t ROGUE[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
    192, 168, 77, 3 };

struct fx {
	pmp_engine_t e;
	pmp_req_t req[8];
	uint8_t sent[16];
	size_t sent_len;
	unsigned sends;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	pmp_engine_init(&f->e, NATPMP, GW, 5351);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	free(*state);
	return 0;
}

static pmp_req_t *
req_map(struct fx *f, int i, int proto, uint16_t port, uint32_t life)
{
	pmp_req_t *r = &f->req[i];

	memset(r, 0, sizeof(*r));
	r->id = (unsigned)i + 1;
	r->op = life ? PMP_OP_MAP : PMP_OP_UNMAP;
	r->protocol = proto;
	r->private_port = port;
	r->public_port = life ? port : 0;
	r->lifetime = life;
	return r;
}

static pmp_req_t *
req_addr(struct fx *f, int i)
{
	pmp_req_t *r = &f->req[i];

	memset(r, 0, sizeof(*r));
	r->id = (unsigned)i + 1;
	r->op = PMP_OP_PUBLIC_ADDRESS;
	return r;
}

/* Run the engine at now; count and keep what it sends. */
static size_t
step(struct fx *f, uint64_t now)
{
	pmp_req_t *r;
	uint8_t b[16];
	size_t n, total = 0;

	while ((n = pmp_engine_output(&f->e, now, b, sizeof(b), &r)) > 0) {
		memcpy(f->sent, b, n);
		f->sent_len = n;
		f->sends++;
		total++;
	}
	return total;
}

static int
feed(struct fx *f, const uint8_t *b, size_t n, uint64_t now)
{
	return pmp_engine_input(&f->e, b, n, GW, 5351, now);
}

static void
map_reply(uint8_t b[16], uint8_t op, uint16_t rc, uint32_t epoch,
    uint16_t priv, uint16_t pub, uint32_t life)
{
	pmp_wire_resp_t m;

	memset(&m, 0, sizeof(m));
	m.opcode = op;
	m.result = rc;
	m.epoch = epoch;
	m.private_port = priv;
	m.public_port = pub;
	m.lifetime = life;
	assert_int_equal(pmp_wire_encode_response(&m, b, 16), 16);
}

static void
addr_reply(uint8_t b[12], uint16_t rc, uint32_t epoch, const char *a)
{
	pmp_wire_resp_t m;

	memset(&m, 0, sizeof(m));
	m.opcode = 128;
	m.result = rc;
	m.epoch = epoch;
	memcpy(m.public_addr, a, 4);
	assert_int_equal(pmp_wire_encode_response(&m, b, 12), 12);
}

/* C-05: sends at 0, .25, .75, 1.75, 3.75, 7.75, 15.75, 31.75, 63.75 s,
 * give up at 127.75 s; never early, all copies identical. */
static void
test_rfc_schedule(void **state)
{
	static const uint64_t at[] = { 0, 250, 750, 1750, 3750, 7750, 15750,
	    31750, 63750 };
	struct fx *f = *state;
	const uint64_t t0 = 1000000;
	uint8_t first[16];
	pmp_req_t *done;
	size_t i;

	pmp_engine_submit(&f->e, req_map(f, 0, PMP_PROTO_UDP, 5000, 7200),
	    t0);
	assert_int_equal(pmp_engine_deadline(&f->e), 0);	/* due now */
	assert_int_equal(step(f, t0), 1);
	memcpy(first, f->sent, 12);
	assert_memory_equal(first, "\x00\x01\x00\x00\x13\x88\x13\x88"
	    "\x00\x00\x1c\x20", 12);
	for (i = 1; i < sizeof(at) / sizeof(at[0]); i++) {
		assert_int_equal(pmp_engine_deadline(&f->e), t0 + at[i]);
		assert_int_equal(step(f, t0 + at[i] - 1), 0);
		assert_int_equal(step(f, t0 + at[i]), 1);
		assert_memory_equal(f->sent, first, 12);
	}
	assert_int_equal(f->sends, 9);
	assert_int_equal(pmp_engine_deadline(&f->e), t0 + 127750);
	assert_int_equal(step(f, t0 + 127749), 0);
	assert_null(pmp_engine_take_done(&f->e));
	assert_int_equal(step(f, t0 + 127750), 0);
	done = pmp_engine_take_done(&f->e);
	assert_non_null(done);
	assert_int_equal(done->result.status, PMP_ENOSUPPORT);
	assert_int_equal(done->result.attempts, 9);
	assert_int_equal(done->result.elapsed_ms, 127750);
	assert_int_equal(pmp_engine_deadline(&f->e), PMP_NO_DEADLINE);
	assert_int_equal(f->sends, 9);	/* no 10th datagram */
}

/* A late wake-up does not shift the later sends. */
static void
test_late_wakeup_keeps_schedule(void **state)
{
	struct fx *f = *state;

	pmp_engine_submit(&f->e, req_addr(f, 0), 0);
	step(f, 0);
	assert_int_equal(step(f, 400), 1);	/* 150 ms late */
	assert_int_equal(pmp_engine_deadline(&f->e), 750);
}

/* C-05 late answer / C-06: answered after the 4th send, nothing more. */
static void
test_answer_stops_retransmission(void **state)
{
	struct fx *f = *state;
	uint8_t b[16];
	pmp_req_t *r;

	pmp_engine_submit(&f->e, req_map(f, 0, PMP_PROTO_TCP, 8080, 3600), 0);
	step(f, 0);
	step(f, 250);
	step(f, 750);
	step(f, 1750);
	assert_int_equal(f->sends, 4);
	map_reply(b, 130, 0, 77, 8080, 50000, 1800);
	assert_int_equal(feed(f, b, 16, 1800), 1);
	assert_int_equal(step(f, 100000), 0);
	assert_int_equal(f->sends, 4);
	r = pmp_engine_take_done(&f->e);
	assert_int_equal(r->result.status, PMP_OK);
	assert_memory_equal(r->result.public_address, "\0\0\0\0\0\0\0\0"
	    "\0\0\0\0\0\0\0\0", 16);	/* never learned */
	assert_int_equal(r->result.public_port, 50000);	/* C-16 */
	assert_int_equal(r->result.lifetime, 1800);	/* granted, not asked */
	assert_int_equal(r->result.private_port, 8080);
	assert_int_equal(r->result.epoch, 77);
	assert_int_equal(r->result.protocol, PMP_PROTO_TCP);
	assert_int_equal(r->result.attempts, 4);
	assert_int_equal(r->result.elapsed_ms, 1800);
	assert_memory_equal(r->result.gateway, GW, 16);
}

static void
test_caller_deadline(void **state)
{
	struct fx *f = *state;
	pmp_req_t *r = req_addr(f, 0);

	r->deadline_ms = 2000;
	pmp_engine_submit(&f->e, r, 0);
	step(f, 0);
	step(f, 250);
	step(f, 750);
	step(f, 1750);
	assert_int_equal(pmp_engine_deadline(&f->e), 2000);
	assert_int_equal(step(f, 1999), 0);
	assert_null(pmp_engine_take_done(&f->e));
	step(f, 2000);
	r = pmp_engine_take_done(&f->e);
	assert_non_null(r);
	assert_int_equal(r->result.status, PMP_ETIMEDOUT);
	assert_int_equal(f->sends, 4);
}

/* C-22: one request at a time; the next goes out when the previous is
 * answered, and a queued request's deadline still counts. */
static void
test_queue_is_serial(void **state)
{
	struct fx *f = *state;
	uint8_t b[16];
	pmp_req_t *r;

	pmp_engine_submit(&f->e, req_addr(f, 0), 0);
	pmp_engine_submit(&f->e, req_map(f, 1, PMP_PROTO_UDP, 5000, 60), 0);
	pmp_engine_submit(&f->e, req_map(f, 2, PMP_PROTO_TCP, 5000, 60), 0);
	assert_int_equal(pmp_engine_pending(&f->e), 3);
	assert_int_equal(step(f, 0), 1);
	assert_int_equal(f->sent_len, 2);
	assert_int_equal(step(f, 100), 0);
	/* the answer for the UDP request arrives early: not ours yet */
	map_reply(b, 129, 0, 1, 5000, 5000, 60);
	assert_int_equal(feed(f, b, 16, 120), 0);
	addr_reply(b, 0, 1, "\xcb\x00\x71\x07");
	assert_int_equal(feed(f, b, 12, 150), 1);
	assert_int_equal(step(f, 150), 1);
	assert_int_equal(f->sent[1], 1);
	map_reply(b, 129, 0, 1, 5000, 5000, 60);
	assert_int_equal(feed(f, b, 16, 200), 1);
	assert_int_equal(step(f, 200), 1);
	assert_int_equal(f->sent[1], 2);
	r = pmp_engine_take_done(&f->e);
	assert_int_equal(r->id, 1);
	assert_int_equal(r->result.status, PMP_OK);
	assert_memory_equal(r->result.public_address + 12, "\xcb\x00\x71\x07",
	    4);
	r = pmp_engine_take_done(&f->e);
	assert_int_equal(r->id, 2);
	/* the address learned from request 1 fills the mapping's record */
	assert_memory_equal(r->result.public_address + 10,
	    "\xff\xff\xcb\x00\x71\x07", 6);
	assert_null(pmp_engine_take_done(&f->e));
	assert_int_equal(pmp_engine_pending(&f->e), 1);
}

/* right bytes from the wrong address or port. */
static void
test_wrong_source(void **state)
{
	struct fx *f = *state;
	uint8_t b[12];

	pmp_engine_submit(&f->e, req_addr(f, 0), 0);
	step(f, 0);
	addr_reply(b, 0, 5, "\x06\x06\x06\x06");
	assert_int_equal(pmp_engine_input(&f->e, b, 12, ROGUE, 5351, 10), 0);
	assert_int_equal(pmp_engine_input(&f->e, b, 12, GW, 5352, 10), 0);
	assert_int_equal(f->e.ignored, 2);
	assert_int_equal(f->e.epoch.valid, 0);	/* not fed to the epoch */
	assert_int_equal(pmp_engine_deadline(&f->e), 250);
	addr_reply(b, 0, 5, "\xcb\x00\x71\x07");
	assert_int_equal(feed(f, b, 12, 20), 1);
}

/* Every malformed or mismatched answer is ignored and the timers run on. */
static void
test_wrong_answers_ignored(void **state)
{
	struct fx *f = *state;
	uint8_t b[1200];
	size_t i;
	pmp_req_t *r;

	pmp_engine_submit(&f->e, req_map(f, 0, PMP_PROTO_UDP, 5000, 7200), 0);
	step(f, 0);
	memset(b, 0, sizeof(b));
	assert_int_equal(feed(f, b, 0, 1), 0);			/* */
	assert_int_equal(feed(f, (const uint8_t *)"\x02\x80", 2, 1), 0);
	map_reply(b, 130, 0, 1, 5000, 5000, 7200);		/* A-16 TCP */
	assert_int_equal(feed(f, b, 16, 2), 0);
	addr_reply(b, 0, 1, "\x01\x02\x03\x04");		/* A-16 op 128 */
	assert_int_equal(feed(f, b, 12, 2), 0);
	map_reply(b, 129, 0, 1, 5001, 5001, 7200);		/* */
	assert_int_equal(feed(f, b, 16, 3), 0);
	map_reply(b, 129, 0, 1, 5000, 5000, 7200);
	b[0] = 2;						/* */
	assert_int_equal(feed(f, b, 16, 3), 0);
	b[0] = 1;						/* */
	assert_int_equal(feed(f, b, 16, 3), 0);
	b[0] = 0;
	b[1] = 1;						/* */
	assert_int_equal(feed(f, b, 16, 3), 0);
	b[1] = 129;
	for (i = 1; i < 16; i++)				/* */
		assert_int_equal(feed(f, b, i, 4), 0);
	assert_int_equal(feed(f, b, 17, 4), 0);			/* */
	assert_int_equal(feed(f, b, 1101, 4), 0);		/* */
	map_reply(b, 129, 2, 1, 5000, 0, 0);
	assert_int_equal(feed(f, b, 8, 4), 0);	/* D-4: short rc 2 */
	assert_int_equal(pmp_engine_deadline(&f->e), 250);
	assert_null(pmp_engine_take_done(&f->e));
	assert_int_equal(step(f, 250), 1);
	map_reply(b, 129, 0, 1, 5000, 5002, 7200);
	assert_int_equal(feed(f, b, 16, 300), 1);
	r = pmp_engine_take_done(&f->e);
	assert_int_equal(r->result.status, PMP_OK);
	assert_int_equal(r->result.public_port, 5002);
}

/* C-15: result codes 1-5 and undefined ones end the request with one
 * status and the raw code kept. */
static void
test_result_codes(void **state)
{
	static const uint16_t codes[] = { 1, 2, 3, 4, 5, 6, 255, 65535 };
	struct fx *f = *state;
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		uint8_t b[16];
		pmp_req_t *r;

		pmp_engine_init(&f->e, NATPMP, GW, 5351);
		pmp_engine_submit(&f->e, req_map(f, 0, PMP_PROTO_UDP, 5000,
		    7200), 0);
		step(f, 0);
		map_reply(b, 129, codes[i], 1, 5000, 0x1234, 99);
		assert_int_equal(feed(f, b, 16, 10), 1);
		r = pmp_engine_take_done(&f->e);
		assert_int_equal(r->result.status, PMP_EGATEWAY);
		assert_int_equal(r->result.result_code, codes[i]);
		assert_int_equal(r->result.public_port, 0);	/* C-14 */
		assert_int_equal(r->result.lifetime, 0);
	}
}

/* D-1, D-2: the short and echoed error forms end the request. */
static void
test_short_error_forms(void **state)
{
	static const uint8_t forms[][12] = {
		{ 0x00, 0x80, 0x00, 0x01, 0, 0, 0, 9 },	/* EID 3618 */
		{ 0x00, 0x00, 0x00, 0x01, 0, 0, 0, 9 },	/* RFC text */
		{ 0x00, 0x81, 0x00, 0x01, 0, 0, 0, 9 },	/* miniupnpd */
		{ 0x00, 0x81, 0x00, 0x05, 0, 0, 0, 9 },	/* rc 5, 8 bytes */
		{ 0x00, 0x81, 0x00, 0x05, 0x13, 0x88, 0x13, 0x88, 0, 0, 0x1c,
		  0x20 },				/* rc 5 echo */
	};
	static const size_t len[] = { 8, 8, 8, 8, 12 };
	struct fx *f = *state;
	size_t i;

	for (i = 0; i < 5; i++) {
		pmp_req_t *r;

		pmp_engine_init(&f->e, NATPMP, GW, 5351);
		pmp_engine_submit(&f->e, req_map(f, 0, PMP_PROTO_UDP, 5000,
		    7200), 0);
		step(f, 0);
		assert_int_equal(feed(f, forms[i], len[i], 10), 1);
		r = pmp_engine_take_done(&f->e);
		assert_int_equal(r->result.status, PMP_EGATEWAY);
		assert_int_equal(r->result.result_code, forms[i][3]);
		/* the echo carries no SSSoE (D-2) */
		assert_int_equal(f->e.epoch.valid, i < 4);
	}
	/* An 8-byte rc 5 for the other protocol is not ours. */
	pmp_engine_init(&f->e, NATPMP, GW, 5351);
	pmp_engine_submit(&f->e, req_map(f, 0, PMP_PROTO_TCP, 5000, 7200), 0);
	step(f, 0);
	assert_int_equal(feed(f, forms[3], 8, 10), 0);
	/* Issue 10.13: nor is an 8-byte "unsupported version" with any
	 * opcode but 0, 128 and 128 + ours (D-1): 0x81 answers UDP, this is
	 * TCP; 0x83, 0x01 and 0xff answer nothing we sent. */
	{
		static const uint8_t others[] = { 0x81, 0x83, 0x01, 0xff };
		uint8_t b[8] = { 0x00, 0x00, 0x00, 0x01, 0, 0, 0, 9 };

		for (i = 0; i < 4; i++) {
			b[1] = others[i];
			assert_int_equal(feed(f, b, 8, 10), 0);
		}
		b[1] = 0x82;
		assert_int_equal(feed(f, b, 8, 10), 1);
	}
	/* For the address request: 0 and 128 only. */
	pmp_engine_init(&f->e, NATPMP, GW, 5351);
	pmp_engine_submit(&f->e, req_addr(f, 0), 0);
	step(f, 0);
	{
		uint8_t b[8] = { 0x00, 0x81, 0x00, 0x01, 0, 0, 0, 9 };

		assert_int_equal(feed(f, b, 8, 10), 0);
		b[1] = 0x00;
		assert_int_equal(feed(f, b, 8, 10), 1);
	}
}

/* A-27, A-24/D-12, A-26. */
static void
test_no_address_not_granted(void **state)
{
	struct fx *f = *state;
	uint8_t b[16];
	pmp_req_t *r;

	pmp_engine_submit(&f->e, req_addr(f, 0), 0);
	step(f, 0);
	addr_reply(b, 0, 1, "\0\0\0\0");
	assert_int_equal(feed(f, b, 12, 1), 1);
	r = pmp_engine_take_done(&f->e);
	assert_int_equal(r->result.status, PMP_ENOADDR);

	pmp_engine_submit(&f->e, req_map(f, 1, PMP_PROTO_UDP, 5000, 60), 2);
	step(f, 2);
	map_reply(b, 129, 0, 1, 5000, 5000, 0);
	assert_int_equal(feed(f, b, 16, 3), 1);
	r = pmp_engine_take_done(&f->e);
	assert_int_equal(r->result.status, PMP_ENOTGRANTED);

	pmp_engine_submit(&f->e, req_map(f, 2, PMP_PROTO_UDP, 5000, 60), 4);
	step(f, 4);
	map_reply(b, 129, 0, 1, 5000, 0, 60);
	assert_int_equal(feed(f, b, 16, 5), 1);
	r = pmp_engine_take_done(&f->e);
	assert_int_equal(r->result.status, PMP_ENOTGRANTED);
}

/* A-20/D-11: while a delete is pending, the late answer to the create of
 * the same port is not taken for the delete's. */
static void
test_stale_create_during_delete(void **state)
{
	struct fx *f = *state;
	uint8_t b[16];
	pmp_req_t *r;

	pmp_engine_submit(&f->e, req_map(f, 0, PMP_PROTO_UDP, 5000, 0), 0);
	step(f, 0);
	assert_memory_equal(f->sent, "\x00\x01\x00\x00\x13\x88\x00\x00"
	    "\x00\x00\x00\x00", 12);			/* C-19 */
	map_reply(b, 129, 0, 1, 5000, 5000, 7200);
	assert_int_equal(feed(f, b, 16, 10), 0);
	map_reply(b, 129, 0, 1, 5000, 0, 0);
	assert_int_equal(feed(f, b, 16, 11), 1);
	r = pmp_engine_take_done(&f->e);
	assert_int_equal(r->result.status, PMP_OK);
	assert_int_equal(r->result.op, PMP_OP_UNMAP);
}

/* C-20: delete-all is internal port 0, and so is its answer. */
static void
test_unmap_all(void **state)
{
	struct fx *f = *state;
	pmp_req_t *r = &f->req[0];
	uint8_t b[16];

	memset(r, 0, sizeof(*r));
	r->id = 1;
	r->op = PMP_OP_UNMAP_ALL;
	r->protocol = PMP_PROTO_TCP;
	pmp_engine_submit(&f->e, r, 0);
	step(f, 0);
	assert_memory_equal(f->sent, "\x00\x02\x00\x00\x00\x00\x00\x00"
	    "\x00\x00\x00\x00", 12);
	map_reply(b, 130, 0, 1, 8080, 0, 0);	/* not internal port 0 */
	assert_int_equal(feed(f, b, 16, 1), 0);
	map_reply(b, 130, 0, 1, 0, 0, 0);
	assert_int_equal(feed(f, b, 16, 2), 1);
	assert_int_equal(pmp_engine_take_done(&f->e)->result.status, PMP_OK);
}

/* duplicates and answers after giving up change nothing. */
static void
test_duplicates_and_late(void **state)
{
	struct fx *f = *state;
	uint8_t b[16];

	pmp_engine_submit(&f->e, req_map(f, 0, PMP_PROTO_UDP, 5000, 60), 0);
	step(f, 0);
	map_reply(b, 129, 0, 1, 5000, 5000, 60);
	assert_int_equal(feed(f, b, 16, 1), 1);
	assert_int_equal(feed(f, b, 16, 2), 0);
	assert_int_equal(feed(f, b, 16, 3000), 0);
	assert_non_null(pmp_engine_take_done(&f->e));
	assert_null(pmp_engine_take_done(&f->e));

	pmp_engine_submit(&f->e, req_map(f, 1, PMP_PROTO_UDP, 6000, 60),
	    4000);
	step(f, 4000);
	assert_int_equal(feed(f, b, 16, 4001), 0);	/* the old port */
	assert_null(pmp_engine_take_done(&f->e));
}

/* C-08: ICMP port unreachable ends the request in flight at once; the
 * next one then goes out. */
static void
test_refused(void **state)
{
	struct fx *f = *state;
	pmp_req_t *r;

	pmp_engine_submit(&f->e, req_addr(f, 0), 0);
	pmp_engine_submit(&f->e, req_addr(f, 1), 0);
	step(f, 0);
	pmp_engine_fail_inflight(&f->e, PMP_EREFUSED, 3);
	r = pmp_engine_take_done(&f->e);
	assert_int_equal(r->result.status, PMP_EREFUSED);
	assert_int_equal(r->result.elapsed_ms, 3);
	assert_int_equal(step(f, 3), 1);
	assert_int_equal(f->sends, 2);
}

/* After 9 unanswered sends, what is queued behind fails too. */
static void
test_nosupport_ends_queue(void **state)
{
	struct fx *f = *state;
	uint64_t t;

	pmp_engine_submit(&f->e, req_addr(f, 0), 0);
	pmp_engine_submit(&f->e, req_map(f, 1, PMP_PROTO_UDP, 1, 1), 0);
	for (t = 0; t <= 127750; t += 50)
		step(f, t);
	assert_int_equal(f->sends, 9);
	assert_int_equal(pmp_engine_take_done(&f->e)->result.status,
	    PMP_ENOSUPPORT);
	assert_int_equal(pmp_engine_take_done(&f->e)->result.status,
	    PMP_ENOSUPPORT);
	assert_int_equal(pmp_engine_pending(&f->e), 0);
}

static void
test_cancel(void **state)
{
	struct fx *f = *state;

	pmp_engine_submit(&f->e, req_addr(f, 0), 0);
	pmp_engine_submit(&f->e, req_map(f, 1, PMP_PROTO_UDP, 9, 9), 0);
	step(f, 0);
	assert_ptr_equal(pmp_engine_cancel(&f->e, 1), &f->req[0]);
	assert_null(pmp_engine_cancel(&f->e, 1));
	assert_int_equal(pmp_engine_deadline(&f->e), 0);
	assert_int_equal(step(f, 1), 1);
	assert_int_equal(f->sent[1], 1);
	assert_null(pmp_engine_take_done(&f->e));
}

/* §3.6 applied to every packet from the gateway, answers or not. */
static void
test_epoch_fed_by_every_packet(void **state)
{
	struct fx *f = *state;
	uint8_t b[16];

	pmp_engine_submit(&f->e, req_addr(f, 0), 0);
	step(f, 0);
	addr_reply(b, 0, 1000, "\x01\x02\x03\x04");
	assert_int_equal(feed(f, b, 12, 100), 1);
	/* an unsolicited copy 10 s later with SSSoE 1001: state lost */
	addr_reply(b, 0, 1001, "\x01\x02\x03\x04");
	assert_int_equal(feed(f, b, 12, 10100), 0);
	assert_int_equal(f->e.state_losses, 1);
	addr_reply(b, 0, 1011, "\x01\x02\x03\x04");
	assert_int_equal(feed(f, b, 12, 20100), 0);
	assert_int_equal(f->e.state_losses, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rfc_schedule, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_late_wakeup_keeps_schedule,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_answer_stops_retransmission, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caller_deadline, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_queue_is_serial, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_source, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_answers_ignored,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_result_codes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_short_error_forms, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_address_not_granted,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_stale_create_during_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap_all, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_duplicates_and_late,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nosupport_ends_queue,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_epoch_fed_by_every_packet,
		    setup, teardown),
	};

	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
