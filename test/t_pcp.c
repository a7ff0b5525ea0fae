/*
 * t_pcp.c - PCP as the core's protocol, on virtual time: what a MAP puts
 * on the wire (RFC 6887 §8.1, §11.1), how answers are matched (§11.4: nonce,
 * protocol, internal port) and read (external address and port, error
 * lifetimes), the NAT-PMP server's 8-byte answer (§9), deletes, the
 * schedule's first wait (§8.1.1) and ANNOUNCE (§14.1.3).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/args.h"
#include "core/engine.h"
#include "natpmp/natpmp.h"
#include "pcp/pcp.h"
#include "pcp/wire.h"
#include "test_rng.h"

static const uint8_t GW[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
    192, 168, 77, 1 };
static const uint8_t ME[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
    192, 168, 77, 2 };
static const uint8_t EXT[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
    203, 0, 113, 7 };

struct fx {
	pmp_engine_t e;
	pmp_req_t req[4];
	uint8_t sent[128];
	size_t sent_len;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	test_rng_state = 99;
	pmp_engine_init(&f->e, pmp_pcp_proto(), &test_rng, GW, 5351);
	pmp_engine_set_local(&f->e, ME, 40000);
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
req(struct fx *f, int i, pmp_op_t op, int proto, uint16_t port)
{
	pmp_req_t *r = &f->req[i];

	memset(r, 0, sizeof(*r));
	r->id = (unsigned)i + 1;
	r->op = op;
	r->protocol = proto;
	r->private_port = port;
	r->public_port = op == PMP_OP_MAP ? port : 0;
	r->lifetime = op == PMP_OP_MAP ? 7200 : 0;
	return r;
}

static int
send_all(struct fx *f, uint64_t now)
{
	pmp_req_t *r;
	size_t n;
	int k = 0;

	while ((n = pmp_engine_output(&f->e, now, f->sent, sizeof(f->sent),
	    &r)) > 0) {
		f->sent_len = n;
		k++;
	}
	return k;
}

/* A MAP answer for r as a server would send it. */
static size_t
map_answer(const pmp_req_t *r, uint8_t result, uint32_t life,
    uint32_t epoch, uint8_t *b)
{
	pmp_pcp_msg_t m;

	memset(&m, 0, sizeof(m));
	m.response = 1;
	m.opcode = PMP_PCP_OP_MAP;
	m.result = result;
	m.lifetime = life;
	m.epoch = epoch;
	memcpy(m.nonce, r->nonce, 12);
	m.protocol = (uint8_t)r->protocol;
	m.internal_port = r->private_port;
	m.external_port = result == 0 ? 50000 : r->public_port;
	memcpy(m.external_addr, EXT, 16);
	return pmp_pcp_encode(&m, b, 128);
}

static void
test_map_on_the_wire(void **state)
{
	struct fx *f = *state;
	pmp_pcp_msg_t m;
	pmp_req_t *r = req(f, 0, PMP_OP_MAP, PMP_PROTO_UDP, 5000);

	assert_int_equal(pmp_engine_submit(&f->e, r, 0), PMP_OK);
	assert_int_equal(send_all(f, 0), 1);
	assert_int_equal(f->sent_len, 60);
	assert_int_equal(pmp_pcp_decode(f->sent, 60, &m), PMP_PCP_OK);
	assert_false(m.response);
	assert_int_equal(m.opcode, PMP_PCP_OP_MAP);
	assert_memory_equal(m.client_addr, ME, 16);	/* §8.1 */
	assert_memory_equal(m.nonce, r->nonce, 12);
	assert_int_equal(m.protocol, 17);
	assert_int_equal(m.internal_port, 5000);
	assert_int_equal(m.external_port, 5000);
	assert_int_equal(m.lifetime, 7200);
	/* §11.1: no address preference: ::ffff:0:0 for IPv4 */
	assert_memory_equal(m.external_addr,
	    "\0\0\0\0\0\0\0\0\0\0\xff\xff\0\0\0\0", 16);
	/* §8.1.1: the first wait is 3 s +- 10 % */
	assert_true(r->next_ms >= 2700 && r->next_ms <= 3300);
	/* the retransmission carries the same nonce (§8.1.1) */
	assert_int_equal(send_all(f, r->next_ms), 1);
	assert_memory_equal(f->sent + 24, m.nonce, 12);
}

static void
test_matching_and_result(void **state)
{
	struct fx *f = *state;
	pmp_req_t *r = req(f, 0, PMP_OP_MAP, PMP_PROTO_TCP, 8080), *done;
	uint8_t b[128];
	size_t n;

	assert_int_equal(pmp_engine_submit(&f->e, r, 0), PMP_OK);
	assert_int_equal(send_all(f, 0), 1);
	n = map_answer(r, 0, 3600, 1000, b);
	/* another nonce, protocol or port answers nothing (§11.4) */
	b[24] ^= 1;
	assert_int_equal(pmp_engine_input(&f->e, b, n, GW, 5351, 10), 0);
	b[24] ^= 1;
	b[36] = 17;
	assert_int_equal(pmp_engine_input(&f->e, b, n, GW, 5351, 10), 0);
	b[36] = 6;
	b[41] ^= 1;
	assert_int_equal(pmp_engine_input(&f->e, b, n, GW, 5351, 10), 0);
	b[41] ^= 1;
	/* a request (R clear) is no answer; nor is another source */
	b[1] &= 0x7f;
	assert_int_equal(pmp_engine_input(&f->e, b, n, GW, 5351, 10), 0);
	b[1] |= 0x80;
	assert_int_equal(pmp_engine_input(&f->e, b, n, ME, 5351, 10), 0);
	assert_int_equal(pmp_engine_input(&f->e, b, n, GW, 5351, 10), 1);
	done = pmp_engine_take_done(&f->e);
	assert_int_equal(done->result.status, PMP_OK);
	assert_int_equal(done->result.method, PMP_METHOD_PCP);
	assert_int_equal(done->result.public_port, 50000);
	assert_int_equal(done->result.lifetime, 3600);
	assert_int_equal(done->result.epoch, 1000);
	/* one round trip: the answer names the external address */
	assert_memory_equal(done->result.public_address, EXT, 16);
	assert_true(f->e.have_public);
	assert_memory_equal(f->e.public_addr, EXT, 16);
}

static void
test_errors_and_natpmp_server(void **state)
{
	static const uint8_t v0[8] = { 0, 0x80, 0, 1, 0, 0, 0, 9 };
	struct fx *f = *state;
	pmp_req_t *r = req(f, 0, PMP_OP_MAP, PMP_PROTO_UDP, 5000), *done;
	uint8_t b[128];
	size_t n;

	assert_int_equal(pmp_engine_submit(&f->e, r, 0), PMP_OK);
	assert_int_equal(send_all(f, 0), 1);
	n = map_answer(r, PMP_PCP_NO_RESOURCES, 30, 1000, b);
	assert_int_equal(pmp_engine_input(&f->e, b, n, GW, 5351, 10), 1);
	done = pmp_engine_take_done(&f->e);
	assert_int_equal(done->result.status, PMP_EGATEWAY);
	assert_int_equal(done->result.result_code, PMP_PCP_NO_RESOURCES);
	assert_int_equal(done->result.lifetime, 30);	/* the error's */
	assert_string_equal(pmp_result_code_text(done->result.method,
	    done->result.result_code), "no resources (no free port or mapping)");
	/* a NAT-PMP-only server's 8-byte answer (§9): unsupported version;
	 * its bytes 4-7 are not PCP's epoch */
	r = req(f, 1, PMP_OP_MAP, PMP_PROTO_UDP, 5001);
	assert_int_equal(pmp_engine_submit(&f->e, r, 20), PMP_OK);
	assert_int_equal(send_all(f, 20), 1);
	assert_int_equal(pmp_engine_input(&f->e, v0, 8, GW, 5351, 30), 1);
	done = pmp_engine_take_done(&f->e);
	/* the session falls back on it, or turns it into PMP_EGATEWAY */
	assert_int_equal(done->result.status, PMP_STATUS_FALLBACK);
	assert_int_equal(done->result.result_code, PMP_PCP_UNSUPP_VERSION);
	assert_int_equal(f->e.epoch.sssoe, 1000);	/* not 9 */
}

static void
test_delete_and_unsupported(void **state)
{
	struct fx *f = *state;
	pmp_pcp_msg_t m;
	pmp_req_t *r = req(f, 0, PMP_OP_UNMAP, PMP_PROTO_UDP, 5000), *done;

	/* a delete reuses the mapping's nonce, lifetime 0, no suggestion */
	memset(r->nonce, 0x5a, 12);
	r->nonce_set = 1;
	assert_int_equal(pmp_engine_submit(&f->e, r, 0), PMP_OK);
	assert_int_equal(send_all(f, 0), 1);
	assert_int_equal(pmp_pcp_decode(f->sent, f->sent_len, &m),
	    PMP_PCP_OK);
	assert_int_equal(m.lifetime, 0);
	assert_int_equal(m.external_port, 0);
	assert_memory_equal(m.nonce, "\x5a\x5a\x5a\x5a\x5a\x5a\x5a\x5a\x5a"
	    "\x5a\x5a\x5a", 12);
	/* PCP has no "delete all of this host's mappings": refused before
	 * anything is queued */
	r = req(f, 1, PMP_OP_UNMAP_ALL, PMP_PROTO_UDP, 0);
	assert_int_equal(pmp_engine_submit(&f->e, r, 0), PMP_EUNSUPPORTED);
	assert_int_equal(send_all(f, 0), 0);
	assert_null(pmp_engine_take_done(&f->e));
	/* nor what only PCP's options say, on NAT-PMP */
	r = req(f, 2, PMP_OP_MAP, PMP_PROTO_UDP, 5002);
	r->flags = PMP_MAP_PREFER_FAILURE;
	assert_true(pmp_natpmp_proto()->map_flags == PMP_MAP_NONCE);
	assert_true(pmp_pcp_proto()->map_flags & PMP_MAP_PREFER_FAILURE);
	(void)done;
}

static void
test_announce(void **state)
{
	const pmp_proto_t *p = pmp_pcp_proto();
	pmp_pcp_msg_t m;
	pmp_announce_t a;
	uint8_t b[64];
	size_t n;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.response = 1;
	m.opcode = PMP_PCP_OP_ANNOUNCE;
	m.epoch = 12;
	n = pmp_pcp_encode(&m, b, sizeof(b));
	p->announcement(b, n, 5351, &a);
	assert_int_equal(a.kind, PMP_ANNOUNCE_ADDRESS);
	assert_true(a.has_epoch);
	assert_int_equal(a.epoch, 12);
	assert_false(a.has_address);
	p->announcement(b, n, 5350, &a);	/* not from the server port */
	assert_int_equal(a.kind, PMP_ANNOUNCE_NONE);
	b[1] = 0;				/* a request */
	p->announcement(b, n, 5351, &a);
	assert_int_equal(a.kind, PMP_ANNOUNCE_NONE);
}

/* RFC 6887 §11.2.1 on virtual time: a renewal unanswered is tried again
 * halfway to the mapping's expiry each time, never less than 4 s apart;
 * past the expiry the creation schedule (IRT 3 s); a caller's deadline,
 * not the 127.75 s bound, ends it. */
static void
test_renewal_tries(void **state)
{
	struct fx *f = *state;
	pmp_req_t *r = req(f, 0, PMP_OP_MAP, PMP_PROTO_UDP, 5000), *sent;
	uint64_t t = 3600000, sends[40];
	uint8_t b[PMP_MAX_DATAGRAM];
	int n = 0, i;

	r->valid_until_ms = 7200000;		/* a 7200 s lease */
	r->deadline_ms = 7200000 + 20000;
	assert_int_equal(pmp_engine_submit(&f->e, r, t), PMP_OK);
	while (n < 40 && pmp_engine_pending(&f->e) > 0) {
		uint64_t d;

		while (n < 40 && pmp_engine_output(&f->e, t, b, sizeof(b),
		    &sent) > 0)
			sends[n++] = t;
		d = pmp_engine_deadline(&f->e);
		if (d == PMP_NO_DEADLINE || d <= t)
			break;
		t = d;
	}
	assert_true(n >= 10);
	assert_int_equal(sends[0], 3600000);
	assert_int_equal(sends[1], 5400000);	/* 3/4 */
	assert_int_equal(sends[2], 6300000);	/* 7/8 */
	assert_int_equal(sends[3], 6750000);	/* 15/16 */
	for (i = 1; i < n; i++) {
		assert_true(sends[i] - sends[i - 1] >= 2700);
		if (sends[i - 1] < 7200000)
			assert_true(sends[i] - sends[i - 1] >= 4000);
	}
	/* past the expiry: 3 s (+-10%), then doubling */
	for (i = 1; i < n && sends[i - 1] < 7200000; i++)
		;
	assert_true(i + 1 < n);
	assert_true(sends[i] - sends[i - 1] >= 2700 &&
	    sends[i] - sends[i - 1] <= 3300);
	assert_true(sends[i + 1] - sends[i] >= 5400 &&
	    sends[i + 1] - sends[i] <= 6600);
	/* ended by its deadline, not by 127.75 s after submission */
	assert_true(sends[n - 1] > 3600000 + 127750);
	assert_non_null(pmp_engine_take_done(&f->e));
}

/* pmp_map_params_t into a request, checked (core/args.c), and what PCP
 * puts on the wire for it: PEER with its peer, the options, the nonce
 * given back; what the checks refuse. */
static void
test_params_and_options(void **state)
{
	struct fx *f = *state;
	pmp_map_params_t p;
	pmp_pcp_msg_t m;
	pmp_req_t *r = &f->req[0];
	struct {
		pmp_map_params_t p;
		unsigned char newer[8];	/* fields a later header adds */
	} big;

	pmp_map_params_init(&p);
	assert_int_equal(p.size, sizeof(p));
	p.protocol = PMP_PROTO_TCP;
	p.private_port = 5000;
	p.lifetime = 600;
	p.flags = PMP_MAP_PEER | PMP_MAP_NONCE | PMP_MAP_THIRD_PARTY;
	p.peer_address[10] = p.peer_address[11] = 0xff;
	memcpy(p.peer_address + 12, "\xc6\x33\x64\x14", 4);
	p.peer_port = 6881;
	memset(p.nonce, 0x42, 12);
	p.third_party[10] = p.third_party[11] = 0xff;
	memcpy(p.third_party + 12, "\xc0\xa8\x4d\x09", 4);
	assert_int_equal(pmp_args_from_params(&p, r), PMP_OK);
	assert_int_equal(r->op, PMP_OP_PEER);
	r->id = 1;
	assert_int_equal(pmp_engine_submit(&f->e, r, 0), PMP_OK);
	assert_int_equal(send_all(f, 0), 1);
	assert_int_equal(pmp_pcp_decode(f->sent, f->sent_len, &m), PMP_PCP_OK);
	assert_int_equal(m.opcode, PMP_PCP_OP_PEER);
	assert_int_equal(m.peer_port, 6881);
	assert_memory_equal(m.peer_addr + 12, "\xc6\x33\x64\x14", 4);
	assert_int_equal(m.external_port, 0);	/* no suggestion (P-18) */
	assert_memory_equal(m.nonce, p.nonce, 12);	/* given, not drawn */
	assert_true(m.has_third_party);
	assert_memory_equal(m.third_party + 12, "\xc0\xa8\x4d\x09", 4);
	/* MAP with PREFER_FAILURE and two filters */
	pmp_map_params_init(&p);
	p.protocol = PMP_PROTO_UDP;
	p.private_port = 5001;
	p.public_port = 7001;
	p.lifetime = 600;
	p.flags = PMP_MAP_PREFER_FAILURE;
	p.nfilters = 2;
	p.filters[0].address[10] = p.filters[0].address[11] = 0xff;
	p.filters[0].prefix_len = 96 + 24;
	p.filters[1].address[0] = 0x20;
	p.filters[1].prefix_len = 32;
	p.filters[1].port = 443;
	r = &f->req[1];
	assert_int_equal(pmp_args_from_params(&p, r), PMP_OK);
	r->id = 2;
	assert_int_equal(pmp_engine_submit(&f->e, r, 0), PMP_OK);
	assert_int_equal(send_all(f, 0), 1);
	assert_int_equal(pmp_pcp_decode(f->sent, f->sent_len, &m), PMP_PCP_OK);
	assert_true(m.prefer_failure);
	assert_int_equal(m.nfilters, 2);
	assert_int_equal(m.filters[1].remote_port, 443);
	assert_int_equal(m.filters[0].prefix_len, 120);
	/* lifetime 0 is a delete (and may neither prefer failure nor carry
	 * filters) */
	p.lifetime = 0;
	assert_int_equal(pmp_args_from_params(&p, r), PMP_EINVAL);
	p.flags = 0;
	assert_int_equal(pmp_args_from_params(&p, r), PMP_EINVAL);
	p.nfilters = 0;
	assert_int_equal(pmp_args_from_params(&p, r), PMP_OK);
	assert_int_equal(r->op, PMP_OP_UNMAP);
	/* refused: unknown flag, PEER without port or with filters, an IPv4
	 * filter shorter than /96, too many filters, a smaller size */
	p.lifetime = 60;
	p.flags = 0x100;
	assert_int_equal(pmp_args_from_params(&p, r), PMP_EINVAL);
	p.flags = PMP_MAP_PEER;
	assert_int_equal(pmp_args_from_params(&p, r), PMP_EINVAL);
	p.peer_port = 1;
	p.peer_address[15] = 1;
	p.nfilters = 1;
	assert_int_equal(pmp_args_from_params(&p, r), PMP_EINVAL);
	p.flags = 0;
	p.filters[0].prefix_len = 24;
	assert_int_equal(pmp_args_from_params(&p, r), PMP_EINVAL);
	p.filters[0].prefix_len = 120;
	p.nfilters = PMP_MAX_FILTERS + 1;
	assert_int_equal(pmp_args_from_params(&p, r), PMP_EINVAL);
	p.nfilters = 0;
	p.size = sizeof(p) - 4;
	assert_int_equal(pmp_args_from_params(&p, r), PMP_EINVAL);
	/* a larger size from a newer header: fine while its tail is zero */
	memset(&big, 0, sizeof(big));
	p.size = sizeof(big);
	big.p = p;
	assert_int_equal(pmp_args_from_params(&big.p, r), PMP_OK);
	big.newer[3] = 1;
	assert_int_equal(pmp_args_from_params(&big.p, r), PMP_EINVAL);
	/* NAT-PMP cannot say what only PCP can */
	assert_false(pmp_natpmp_proto()->map_flags & PMP_MAP_PEER);
	assert_int_equal(pmp_natpmp_proto()->max_filters, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_map_on_the_wire, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_matching_and_result,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_and_natpmp_server,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_and_unsupported,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_params_and_options, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_renewal_tries, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_announce, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("pcp", tests, NULL, NULL);
}
