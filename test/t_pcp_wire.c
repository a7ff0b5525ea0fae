/*
 * t_pcp_wire.c - the PCP codec against the vectors of PROTOCOL.md §1.9 and
 * §1.10 (RFC 6887 §7, §11-§14), and every length, version, opcode and
 * option rule of the decoder.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pcp/wire.h"

static const uint8_t CLIENT[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
    0xff, 192, 168, 77, 2 };
static const uint8_t V4ANY[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
    0xff, 0, 0, 0, 0 };
static const uint8_t NONCE[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

/* PROTOCOL.md §1.9: MAP UDP 5000, 7200 s, no suggestion. */
static const uint8_t MAP_REQ[60] = {
	0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x1c, 0x20,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xff, 0xff, 0xc0, 0xa8, 0x4d, 0x02,
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x09, 0x0a, 0x0b, 0x0c, 0x11, 0x00, 0x00, 0x00,
	0x13, 0x88, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
};

/* ... and its success: 203.0.113.7:50000, 7200 s, epoch 42. */
static const uint8_t MAP_RESP[60] = {
	0x02, 0x81, 0x00, 0x00, 0x00, 0x00, 0x1c, 0x20,
	0x00, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x09, 0x0a, 0x0b, 0x0c, 0x11, 0x00, 0x00, 0x00,
	0x13, 0x88, 0xc3, 0x50,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xff, 0xff, 0xcb, 0x00, 0x71, 0x07,
};

static void
map_request(pmp_pcp_msg_t *m)
{
	memset(m, 0, sizeof(*m));
	m->opcode = PMP_PCP_OP_MAP;
	m->lifetime = 7200;
	memcpy(m->client_addr, CLIENT, 16);
	memcpy(m->nonce, NONCE, 12);
	m->protocol = 17;
	m->internal_port = 5000;
	memcpy(m->external_addr, V4ANY, 16);
}

static void
test_map_vectors(void **state)
{
	pmp_pcp_msg_t m;
	uint8_t b[128];

	(void)state;
	map_request(&m);
	assert_int_equal(pmp_pcp_encode(&m, b, sizeof(b)), 60);
	assert_memory_equal(b, MAP_REQ, 60);
	assert_int_equal(pmp_pcp_encode(&m, b, 59), 0);	/* no room */

	assert_int_equal(pmp_pcp_decode(MAP_RESP, 60, &m), PMP_PCP_OK);
	assert_true(m.response);
	assert_int_equal(m.opcode, PMP_PCP_OP_MAP);
	assert_int_equal(m.result, PMP_PCP_SUCCESS);
	assert_int_equal(m.lifetime, 7200);
	assert_int_equal(m.epoch, 42);
	assert_memory_equal(m.nonce, NONCE, 12);
	assert_int_equal(m.protocol, 17);
	assert_int_equal(m.internal_port, 5000);
	assert_int_equal(m.external_port, 50000);
	assert_memory_equal(m.external_addr + 12, "\xcb\x00\x71\x07", 4);

	/* the gateway side: the request decodes back to what was sent */
	assert_int_equal(pmp_pcp_decode(MAP_REQ, 60, &m), PMP_PCP_OK);
	assert_false(m.response);
	assert_memory_equal(m.client_addr, CLIENT, 16);
	/* and the success encodes to the vector */
	memset(&m, 0, sizeof(m));
	m.response = 1;
	m.opcode = PMP_PCP_OP_MAP;
	m.lifetime = 7200;
	m.epoch = 42;
	memcpy(m.nonce, NONCE, 12);
	m.protocol = 17;
	m.internal_port = 5000;
	m.external_port = 50000;
	memcpy(m.external_addr, V4ANY, 12);
	memcpy(m.external_addr + 12, "\xcb\x00\x71\x07", 4);
	assert_int_equal(pmp_pcp_encode(&m, b, sizeof(b)), 60);
	assert_memory_equal(b, MAP_RESP, 60);
}

/* §1.9: ANNOUNCE request and unsolicited ANNOUNCE; PEER layout. */
static void
test_announce_and_peer(void **state)
{
	static const uint8_t peer_tail[20] = { 0x01, 0xbb, 0x00, 0x00, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 51, 100, 10 };
	pmp_pcp_msg_t m;
	uint8_t b[128], ann[24];

	(void)state;
	memset(&m, 0, sizeof(m));
	m.opcode = PMP_PCP_OP_ANNOUNCE;
	memcpy(m.client_addr, CLIENT, 16);
	assert_int_equal(pmp_pcp_encode(&m, b, sizeof(b)), 24);
	assert_memory_equal(b, "\x02\x00\x00\x00\x00\x00\x00\x00", 8);
	assert_memory_equal(b + 8, CLIENT, 16);

	memset(ann, 0, sizeof(ann));
	ann[0] = 2;
	ann[1] = 0x80;
	ann[11] = 7;
	assert_int_equal(pmp_pcp_decode(ann, 24, &m), PMP_PCP_OK);
	assert_true(m.response);
	assert_int_equal(m.opcode, PMP_PCP_OP_ANNOUNCE);
	assert_int_equal(m.epoch, 7);

	map_request(&m);
	m.opcode = PMP_PCP_OP_PEER;
	m.protocol = 6;
	m.internal_port = 40000;
	m.lifetime = 600;
	m.peer_port = 443;
	memcpy(m.peer_addr, V4ANY, 12);
	memcpy(m.peer_addr + 12, "\xc6\x33\x64\x0a", 4);
	assert_int_equal(pmp_pcp_encode(&m, b, sizeof(b)), 80);
	assert_memory_equal(b, "\x02\x02\x00\x00\x00\x00\x02\x58", 8);
	assert_memory_equal(b + 36, "\x06\x00\x00\x00\x9c\x40\x00\x00", 8);
	assert_memory_equal(b + 60, peer_tail, 20);
	assert_int_equal(pmp_pcp_decode(b, 80, &m), PMP_PCP_OK);
	assert_int_equal(m.peer_port, 443);
	/* §12.1: a PEER without a remote port is malformed */
	b[60] = b[61] = 0;
	assert_int_equal(pmp_pcp_decode(b, 80, &m), PMP_PCP_MALFORMED);
}

/* §1.10: option bytes, padding, and their rules. */
static void
test_options(void **state)
{
	static const uint8_t filter[24] = { 0x03, 0x00, 0x00, 0x14, 0x00, 0x78,
	    0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 51,
	    100, 0 };
	pmp_pcp_msg_t m;
	uint8_t b[256];
	size_t n;

	(void)state;
	map_request(&m);
	m.has_third_party = 1;
	memcpy(m.third_party, CLIENT, 16);
	m.third_party[15] = 9;
	m.prefer_failure = 1;
	m.nfilters = 1;
	m.filters[0].prefix_len = 120;
	memcpy(m.filters[0].remote_addr, V4ANY, 12);
	memcpy(m.filters[0].remote_addr + 12, "\xc6\x33\x64\x00", 4);
	n = pmp_pcp_encode(&m, b, sizeof(b));
	assert_int_equal(n, 60 + 20 + 4 + 24);
	assert_memory_equal(b + 60, "\x01\x00\x00\x10", 4);
	assert_memory_equal(b + 80, "\x02\x00\x00\x00", 4);
	assert_memory_equal(b + 84, filter, 24);
	assert_int_equal(pmp_pcp_decode(b, n, &m), PMP_PCP_OK);
	assert_true(m.has_third_party && m.prefer_failure);
	assert_int_equal(m.nfilters, 1);
	assert_int_equal(m.filters[0].prefix_len, 120);

	/* repeated single-use option */
	memcpy(b + n, "\x02\x00\x00\x00", 4);
	assert_int_equal(pmp_pcp_decode(b, n + 4, &m), PMP_PCP_BAD_OPTION);
	/* an option running past the end */
	memcpy(b + n, "\x80\x00\x00\x05", 4);
	assert_int_equal(pmp_pcp_decode(b, n + 4, &m), PMP_PCP_BAD_OPTION);
	/* an unknown optional one (with padding) is skipped */
	memcpy(b + n, "\x80\x00\x00\x01\xaa\x00\x00\x00", 8);
	assert_int_equal(pmp_pcp_decode(b, n + 8, &m), PMP_PCP_OK);
	assert_int_equal(m.skipped, 1);
	/* an unknown mandatory one: refused in a request ... */
	b[n] = 0x44;
	assert_int_equal(pmp_pcp_decode(b, n + 8, &m),
	    PMP_PCP_UNKNOWN_OPTION);
	assert_int_equal(m.unknown_option, 0x44);
	/* ... skipped in a response (§7.3: clients ignore them) */
	b[1] |= PMP_PCP_RESPONSE;
	assert_int_equal(pmp_pcp_decode(b, n + 8, &m), PMP_PCP_OK);
	assert_int_equal(m.skipped, 1);
	/* PREFER_FAILURE and FILTER are for MAP only */
	memset(&m, 0, sizeof(m));
	m.opcode = PMP_PCP_OP_PEER;
	m.protocol = 6;
	m.internal_port = 1;
	m.peer_port = 1;
	n = pmp_pcp_encode(&m, b, sizeof(b));
	memcpy(b + n, "\x02\x00\x00\x00", 4);
	assert_int_equal(pmp_pcp_decode(b, n + 4, &m), PMP_PCP_BAD_OPTION);
	/* more filters than encode or decode take */
	map_request(&m);
	m.nfilters = PMP_PCP_MAX_FILTERS + 1;
	assert_int_equal(pmp_pcp_encode(&m, b, sizeof(b)), 0);
}

/* §7, §8.3: lengths, version, opcode. */
static void
test_framing(void **state)
{
	pmp_pcp_msg_t m;
	uint8_t b[1104];

	(void)state;
	memcpy(b, MAP_RESP, 60);
	assert_int_equal(pmp_pcp_decode(b, 20, &m), PMP_PCP_BAD_LENGTH);
	assert_int_equal(pmp_pcp_decode(b, 58, &m), PMP_PCP_BAD_LENGTH);
	assert_int_equal(pmp_pcp_decode(b, 56, &m), PMP_PCP_MALFORMED);
	memset(b + 60, 0, sizeof(b) - 60);
	assert_int_equal(pmp_pcp_decode(b, 1104, &m), PMP_PCP_BAD_LENGTH);
	b[0] = 1;	/* never version 1 (RFC 6886 §1.1) */
	assert_int_equal(pmp_pcp_decode(b, 60, &m), PMP_PCP_BAD_VERSION);
	assert_int_equal(m.version, 1);
	b[0] = 2;
	b[1] = 0x80 | 3;	/* AUTHENTICATION: not ours */
	assert_int_equal(pmp_pcp_decode(b, 60, &m), PMP_PCP_BAD_OPCODE);
	/* a response filled to 1100 bytes with empty options of code 0:
	 * mandatory-range, not understood, skipped by a client */
	b[1] = 0x81;
	assert_int_equal(pmp_pcp_decode(b, 1100, &m), PMP_PCP_OK);
	assert_int_equal(m.skipped, (1100 - 60) / 4);
	/* the same as a request: refused */
	b[1] = 0x01;
	assert_int_equal(pmp_pcp_decode(b, 1100, &m),
	    PMP_PCP_UNKNOWN_OPTION);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_vectors),
		cmocka_unit_test(test_announce_and_peer),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_framing),
	};

	return cmocka_run_group_tests_name("pcp_wire", tests, NULL, NULL);
}
