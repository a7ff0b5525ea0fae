/*
 * t_wire.c - the NAT-PMP codec against the RFC 6886 layouts and the
 * examples of PROTOCOL.md §1.2-1.5, byte for byte.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "natpmp/wire.h"

struct enc_vec {
	const char *title;
	pmp_wire_req_t req;
	size_t len;
	uint8_t bytes[12];
};

static const struct enc_vec enc_vecs[] = {
	{ "public address request", { 0, 0, 0, 0 }, 2, { 0x00, 0x00 } },
	{ "UDP map 5000->5000, 7200 s", { 1, 5000, 5000, 7200 }, 12,
	    { 0x00, 0x01, 0x00, 0x00,	/* version, op, reserved */
	      0x13, 0x88, 0x13, 0x88,	/* internal, suggested */
	      0x00, 0x00, 0x1c, 0x20 } },	/* lifetime */
	{ "TCP 8080, any port", { 2, 8080, 0, 7200 }, 12,
	    { 0x00, 0x02, 0x00, 0x00, 0x1f, 0x90, 0x00, 0x00,
	      0x00, 0x00, 0x1c, 0x20 } },
	{ "delete UDP 5000", { 1, 5000, 0, 0 }, 12,
	    { 0x00, 0x01, 0x00, 0x00, 0x13, 0x88, 0x00, 0x00,
	      0x00, 0x00, 0x00, 0x00 } },
	{ "delete all TCP", { 2, 0, 0, 0 }, 12,
	    { 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	      0x00, 0x00, 0x00, 0x00 } },
};

static void
test_encode_request_vectors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(enc_vecs) / sizeof(enc_vecs[0]); i++) {
		uint8_t b[16];
		pmp_wire_req_t back;

		memset(b, 0xaa, sizeof(b));
		assert_int_equal(pmp_wire_encode_request(&enc_vecs[i].req, b,
		    sizeof(b)), enc_vecs[i].len);
		assert_memory_equal(b, enc_vecs[i].bytes, enc_vecs[i].len);
		/* round trip through the gateway's decoder */
		assert_int_equal(pmp_wire_decode_request(b, enc_vecs[i].len,
		    &back), PMP_REQ_OK);
		assert_int_equal(back.opcode, enc_vecs[i].req.opcode);
		assert_int_equal(back.private_port,
		    enc_vecs[i].req.private_port);
		assert_int_equal(back.public_port,
		    enc_vecs[i].req.public_port);
		assert_int_equal(back.lifetime, enc_vecs[i].req.lifetime);
	}
}

static void
test_encode_request_rejects(void **state)
{
	pmp_wire_req_t r = { 3, 1, 1, 1 };
	pmp_wire_req_t ok = { 1, 1, 1, 1 };
	uint8_t b[12];

	(void)state;
	assert_int_equal(pmp_wire_encode_request(&r, b, sizeof(b)), 0);
	assert_int_equal(pmp_wire_encode_request(&ok, b, 11), 0);
	r.opcode = 0;
	assert_int_equal(pmp_wire_encode_request(&r, b, 1), 0);
}

struct dec_vec {
	const char *title;
	int ok;
	size_t len;
	uint8_t bytes[20];
	pmp_wire_form_t form;
	uint16_t result;
	int has_epoch;
	uint32_t epoch;
	uint16_t private_port, public_port;
	uint32_t lifetime;
	uint8_t addr[4];
};

static const struct dec_vec dec_vecs[] = {
	{ "address 203.0.113.7, SSSoE 42", 1, 12,
	    { 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a,
	      0xcb, 0x00, 0x71, 0x07 },
	    PMP_FORM_FULL, 0, 1, 42, 0, 0, 0, { 203, 0, 113, 7 } },
	{ "UDP map success ext 50000", 1, 16,
	    { 0x00, 0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a,
	      0x13, 0x88, 0xc3, 0x50, 0x00, 0x00, 0x1c, 0x20 },
	    PMP_FORM_FULL, 0, 1, 42, 5000, 50000, 7200, { 0 } },
	{ "delete success", 1, 16,
	    { 0x00, 0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2b,
	      0x13, 0x88, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
	    PMP_FORM_FULL, 0, 1, 43, 5000, 0, 0, { 0 } },
	{ "error rc 4, port and lifetime ignored (C-14)", 1, 16,
	    { 0x00, 0x81, 0x00, 0x04, 0x00, 0x00, 0x00, 0x2c,
	      0x13, 0x88, 0x12, 0x34, 0x00, 0x00, 0x00, 0x09 },
	    PMP_FORM_FULL, 4, 1, 44, 5000, 0, 0, { 0 } },
	{ "address error rc 3, address ignored (C-14)", 1, 12,
	    { 0x00, 0x80, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,
	      0x01, 0x02, 0x03, 0x04 },
	    PMP_FORM_FULL, 3, 1, 1, 0, 0, 0, { 0 } },
	{ "delete-all TCP reply, internal port 0", 1, 16,
	    { 0x00, 0x82, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
	      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
	    PMP_FORM_FULL, 0, 1, 5, 0, 0, 0, { 0 } },
	{ "unsupported version, op 128 (EID 3618)", 1, 8,
	    { 0x00, 0x80, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07 },
	    PMP_FORM_SHORT, 1, 1, 7, 0, 0, 0, { 0 } },
	{ "unsupported version, op 0 (RFC text, D-1)", 1, 8,
	    { 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07 },
	    PMP_FORM_SHORT, 1, 1, 7, 0, 0, 0, { 0 } },
	{ "unsupported version, op 129 (miniupnpd, D-1)", 1, 8,
	    { 0x00, 0x81, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07 },
	    PMP_FORM_SHORT, 1, 1, 7, 0, 0, 0, { 0 } },
	{ "unsupported opcode, 8 bytes (miniupnpd, D-2)", 1, 8,
	    { 0x00, 0x81, 0x00, 0x05, 0x00, 0x00, 0x00, 0x07 },
	    PMP_FORM_SHORT, 5, 1, 7, 0, 0, 0, { 0 } },
	{ "unsupported opcode, echoed request (§3.5, D-2)", 1, 12,
	    { 0x00, 0x81, 0x00, 0x05, 0x13, 0x88, 0x13, 0x88,
	      0x00, 0x00, 0x1c, 0x20 },
	    PMP_FORM_ECHO, 5, 0, 0, 5000, 0, 0, { 0 } },
	{ "huge lifetime (A-29)", 1, 16,
	    { 0x00, 0x82, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	      0x1f, 0x90, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	    PMP_FORM_FULL, 0, 1, 0xffffffffu, 8080, 65535, 0xffffffffu,
	    { 0 } },
	/* Everything below must be ignored. */
	{ "empty (A-01)", 0, 0, { 0 }, 0, 0, 0, 0, 0, 0, 0, { 0 } },
	{ "1 byte (A-02)", 0, 1, { 0x00 }, 0, 0, 0, 0, 0, 0, 0, { 0 } },
	{ "02 80 from a PCP server (A-02)", 0, 2, { 0x02, 0x80 }, 0, 0, 0,
	    0, 0, 0, 0, { 0 } },
	{ "4 bytes, no SSSoE (A-03)", 0, 4, { 0x00, 0x81, 0x00, 0x00 }, 0,
	    0, 0, 0, 0, 0, 0, { 0 } },
	{ "7 bytes (A-03)", 0, 7, { 0x00, 0x80, 0x00, 0x01, 0, 0, 0 }, 0, 0,
	    0, 0, 0, 0, 0, { 0 } },
	{ "8-byte success is no known form (D-4)", 0, 8,
	    { 0x00, 0x81, 0x00, 0x00, 0, 0, 0, 1 }, 0, 0, 0, 0, 0, 0, 0,
	    { 0 } },
	{ "8-byte rc 2 (D-4)", 0, 8, { 0x00, 0x81, 0x00, 0x02, 0, 0, 0, 1 },
	    0, 0, 0, 0, 0, 0, 0, { 0 } },
	{ "8-byte rc 5 with request opcode", 0, 8,
	    { 0x00, 0x01, 0x00, 0x05, 0, 0, 0, 1 }, 0, 0, 0, 0, 0, 0, 0,
	    { 0 } },
	{ "address response of 11 bytes (A-04)", 0, 11,
	    { 0x00, 0x80, 0x00, 0x00, 0, 0, 0, 1, 1, 2, 3 }, 0, 0, 0, 0, 0,
	    0, 0, { 0 } },
	{ "address response of 13 bytes (A-07)", 0, 13,
	    { 0x00, 0x80, 0x00, 0x00, 0, 0, 0, 1, 1, 2, 3, 4, 0 }, 0, 0, 0,
	    0, 0, 0, 0, { 0 } },
	{ "mapping response of 15 bytes (A-05)", 0, 15,
	    { 0x00, 0x81, 0x00, 0x00, 0, 0, 0, 1, 0x13, 0x88, 0x13, 0x88,
	      0, 0, 0x1c }, 0, 0, 0, 0, 0, 0, 0, { 0 } },
	{ "mapping response of 17 bytes (A-07)", 0, 17,
	    { 0x00, 0x81, 0x00, 0x00, 0, 0, 0, 1, 0x13, 0x88, 0x13, 0x88,
	      0, 0, 0x1c, 0x20, 0 }, 0, 0, 0, 0, 0, 0, 0, { 0 } },
	{ "12-byte mapping success (only rc 5 may echo)", 0, 12,
	    { 0x00, 0x81, 0x00, 0x00, 0x13, 0x88, 0x13, 0x88, 0, 0, 0x1c,
	      0x20 }, 0, 0, 0, 0, 0, 0, 0, { 0 } },
	{ "PCP v2 reply (A-11)", 0, 12,
	    { 0x02, 0x81, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0 }, 0, 0, 0, 0,
	    0, 0, 0, { 0 } },
	{ "version 1 (A-10)", 0, 12,
	    { 0x01, 0x80, 0x00, 0x00, 0, 0, 0, 1, 1, 2, 3, 4 }, 0, 0, 0, 0,
	    0, 0, 0, { 0 } },
	{ "a request echoed back (A-15)", 0, 12,
	    { 0x00, 0x01, 0x00, 0x00, 0x13, 0x88, 0x13, 0x88, 0, 0, 0x1c,
	      0x20 }, 0, 0, 0, 0, 0, 0, 0, { 0 } },
	{ "opcode 131 (A-16)", 0, 16,
	    { 0x00, 0x83, 0x00, 0x00, 0, 0, 0, 1, 0x13, 0x88, 0x13, 0x88,
	      0, 0, 0x1c, 0x20 }, 0, 0, 0, 0, 0, 0, 0, { 0 } },
};

static void
test_decode_response_vectors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(dec_vecs) / sizeof(dec_vecs[0]); i++) {
		const struct dec_vec *v = &dec_vecs[i];
		pmp_wire_resp_t m;
		int rc = pmp_wire_decode_response(v->bytes, v->len, &m);

		print_message("  %s\n", v->title);
		assert_int_equal(rc, v->ok ? 0 : -1);
		if (!v->ok)
			continue;
		assert_int_equal(m.form, v->form);
		assert_int_equal(m.result, v->result);
		assert_int_equal(m.has_epoch, v->has_epoch);
		assert_int_equal(m.epoch, v->epoch);
		assert_int_equal(m.private_port, v->private_port);
		assert_int_equal(m.public_port, v->public_port);
		assert_int_equal(m.lifetime, v->lifetime);
		assert_memory_equal(m.public_addr, v->addr, 4);
	}
}

static void
test_decode_oversize(void **state)
{
	uint8_t big[PMP_WIRE_MAX + 1];
	pmp_wire_resp_t m;

	(void)state;
	memset(big, 0, sizeof(big));
	big[1] = 0x80;
	/* a valid 12-byte prefix in a 1101-byte datagram. */
	assert_int_equal(pmp_wire_decode_response(big, sizeof(big), &m), -1);
	assert_int_equal(pmp_wire_decode_response(big, 1100, &m), -1);
}

static void
test_encode_response_roundtrip(void **state)
{
	pmp_wire_resp_t in, out;
	uint8_t b[16];
	size_t n;

	(void)state;
	memset(&in, 0, sizeof(in));
	in.opcode = 130;
	in.epoch = 123456;
	in.private_port = 8080;
	in.public_port = 40000;
	in.lifetime = 3600;
	in.has_epoch = 1;
	n = pmp_wire_encode_response(&in, b, sizeof(b));
	assert_int_equal(n, 16);
	assert_int_equal(pmp_wire_decode_response(b, n, &out), 0);
	assert_memory_equal(&in, &out, sizeof(in));

	memset(&in, 0, sizeof(in));
	in.opcode = 128;
	in.epoch = 9;
	in.has_epoch = 1;
	memcpy(in.public_addr, "\xc6\x33\x64\x09", 4);
	n = pmp_wire_encode_response(&in, b, sizeof(b));
	assert_int_equal(n, 12);
	assert_int_equal(pmp_wire_decode_response(b, n, &out), 0);
	assert_memory_equal(&in, &out, sizeof(in));

	/* On error the address MUST be sent as 0 (§3.2). */
	in.result = 3;
	n = pmp_wire_encode_response(&in, b, sizeof(b));
	assert_memory_equal(b + 8, "\0\0\0\0", 4);

	in.form = PMP_FORM_SHORT;
	in.result = 1;
	n = pmp_wire_encode_response(&in, b, sizeof(b));
	assert_int_equal(n, 8);
	assert_memory_equal(b, "\x00\x80\x00\x01\x00\x00\x00\x09", 8);
	assert_int_equal(pmp_wire_encode_response(&in, b, 7), 0);
	in.form = PMP_FORM_FULL;
	in.opcode = 131;
	assert_int_equal(pmp_wire_encode_response(&in, b, sizeof(b)), 0);
}

struct req_vec {
	const char *title;
	size_t len;
	uint8_t bytes[13];
	pmp_wire_req_status_t st;
};

static const struct req_vec req_vecs[] = {
	{ "address request", 2, { 0x00, 0x00 }, PMP_REQ_OK },
	{ "1 byte", 1, { 0x00 }, PMP_REQ_DROP },
	{ "response opcode", 2, { 0x00, 0x80 }, PMP_REQ_DROP },
	{ "response opcode, version 1", 2, { 0x01, 0x81 }, PMP_REQ_DROP },
	{ "version 1", 2, { 0x01, 0x00 }, PMP_REQ_BAD_VERSION },
	{ "PCP MAP header", 12, { 0x02, 0x01, 0, 0, 0, 0, 0x1c, 0x20 },
	    PMP_REQ_BAD_VERSION },
	{ "opcode 3", 2, { 0x00, 0x03 }, PMP_REQ_BAD_OPCODE },
	{ "opcode 127", 2, { 0x00, 0x7f }, PMP_REQ_BAD_OPCODE },
	{ "short mapping request", 11,
	    { 0x00, 0x01, 0, 0, 0x13, 0x88, 0x13, 0x88, 0, 0, 0x1c },
	    PMP_REQ_DROP },
	{ "reserved bytes ignored", 12,
	    { 0x00, 0x01, 0xff, 0xff, 0x13, 0x88, 0x13, 0x88, 0, 0, 0x1c,
	      0x20 }, PMP_REQ_OK },
	{ "trailing byte ignored", 13,
	    { 0x00, 0x02, 0, 0, 0x13, 0x88, 0x13, 0x88, 0, 0, 0x1c, 0x20,
	      0x99 }, PMP_REQ_OK },
};

static void
test_decode_request_vectors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(req_vecs) / sizeof(req_vecs[0]); i++) {
		pmp_wire_req_t r;

		print_message("  %s\n", req_vecs[i].title);
		assert_int_equal(pmp_wire_decode_request(req_vecs[i].bytes,
		    req_vecs[i].len, &r), req_vecs[i].st);
		if (req_vecs[i].st == PMP_REQ_OK && req_vecs[i].len >= 12) {
			assert_int_equal(r.private_port, 5000);
			assert_int_equal(r.public_port, 5000);
			assert_int_equal(r.lifetime, 7200);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_request_vectors),
		cmocka_unit_test(test_encode_request_rejects),
		cmocka_unit_test(test_decode_response_vectors),
		cmocka_unit_test(test_decode_oversize),
		cmocka_unit_test(test_encode_response_roundtrip),
		cmocka_unit_test(test_decode_request_vectors),
	};

	return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
