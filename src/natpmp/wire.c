/*
 * wire.c - NAT-PMP message encoding and decoding (RFC 6886 §3).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Every length is checked before any offset is read; fields are read and
 * written a byte at a time in network order, never through a cast.
 */
#include <string.h>

#include "wire.h"

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

/*
 * Public address request (§3.2):     Mapping request (§3.3):
 *  0                   1              0        1        2        3
 * +---------------+---------------+  +--------+--------+--------+--------+
 * | Vers = 0      | OP = 0        |  | Vers 0 | OP x   | Reserved        |
 * +---------------+---------------+  +--------+--------+--------+--------+
 *                                    | Internal Port   | Suggested Ext.  |
 *                                    +--------+--------+--------+--------+
 *                                    | Requested Lifetime in Seconds     |
 *                                    +--------+--------+--------+--------+
 */
size_t
pmp_wire_encode_request(const pmp_wire_req_t *r, uint8_t *b, size_t cap)
{
	if (r->opcode == PMP_WIRE_OP_ADDR) {
		if (cap < PMP_WIRE_ADDR_REQ_LEN)
			return 0;
		b[0] = PMP_WIRE_VERSION;
		b[1] = PMP_WIRE_OP_ADDR;
		return PMP_WIRE_ADDR_REQ_LEN;
	}
	if (r->opcode != PMP_WIRE_OP_UDP && r->opcode != PMP_WIRE_OP_TCP)
		return 0;
	if (cap < PMP_WIRE_MAP_REQ_LEN)
		return 0;
	b[0] = PMP_WIRE_VERSION;
	b[1] = r->opcode;
	put16(b + 2, 0);	/* Reserved: MUST be 0 (§3.3) */
	put16(b + 4, r->private_port);
	put16(b + 6, r->public_port);
	put32(b + 8, r->lifetime);
	return PMP_WIRE_MAP_REQ_LEN;
}

/*
 * Public address response (§3.2), also the announcement (§3.2.1):
 * | Vers = 0 | OP = 128 | Result Code (16) |
 * | Seconds Since Start of Epoch (32)      |
 * | External IPv4 Address (32)             |
 *
 * Mapping response (§3.3):
 * | Vers = 0 | OP = 128 + x | Result Code (16)      |
 * | Seconds Since Start of Epoch (32)               |
 * | Internal Port (16)  | Mapped External Port (16) |
 * | Port Mapping Lifetime in Seconds (32)           |
 */
int
pmp_wire_decode_response(const uint8_t *b, size_t n, pmp_wire_resp_t *m)
{
	memset(m, 0, sizeof(*m));
	/* Below 8 bytes there is no SSSoE, which every gateway packet carries
	 * (§3.6): ignore (A-01..A-03). */
	if (n < PMP_WIRE_SHORT_ERR_LEN || n > PMP_WIRE_MAX)
		return -1;
	if (b[0] != PMP_WIRE_VERSION)	/* PCP (2), v1, anything else: A-10/11 */
		return -1;
	m->opcode = b[1];
	m->result = get16(b + 2);

	if (n == PMP_WIRE_SHORT_ERR_LEN) {
		/* D-1: "unsupported version" is seen with opcode 0, 128 and
		 * 128 + op, so any opcode is accepted for result 1.  D-2/D-4:
		 * miniupnpd answers an unsupported opcode in 8 bytes.  No other
		 * short form exists. */
		if (m->result == 1 ||
		    (m->result == 5 && m->opcode >= PMP_WIRE_RESPONSE)) {
			m->form = PMP_FORM_SHORT;
			m->has_epoch = 1;
			m->epoch = get32(b + 4);
			return 0;
		}
		return -1;
	}
	if (m->opcode < PMP_WIRE_RESPONSE)	/* a request: A-15 */
		return -1;

	if (m->opcode == PMP_WIRE_RESPONSE + PMP_WIRE_OP_ADDR) {
		if (n != PMP_WIRE_ADDR_RESP_LEN)	/* */
			return -1;
		m->form = PMP_FORM_FULL;
		m->has_epoch = 1;
		m->epoch = get32(b + 4);
		/* "if the result code is non-zero, the value of External IPv4
		 * Address is undefined (MUST be ignored)" (§3.2): C-14. */
		if (m->result == 0)
			memcpy(m->public_addr, b + 8, 4);
		return 0;
	}
	if (m->opcode == PMP_WIRE_RESPONSE + PMP_WIRE_OP_UDP ||
	    m->opcode == PMP_WIRE_RESPONSE + PMP_WIRE_OP_TCP) {
		if (n == PMP_WIRE_MAP_RESP_LEN) {
			m->form = PMP_FORM_FULL;
			m->has_epoch = 1;
			m->epoch = get32(b + 4);
			m->private_port = get16(b + 8);
			/* Mapped port and lifetime mean nothing on error
			 * (§3.4, §3.5): C-14. */
			if (m->result == 0) {
				m->public_port = get16(b + 10);
				m->lifetime = get32(b + 12);
			}
			return 0;
		}
		if (n == PMP_WIRE_MAP_REQ_LEN && m->result == 5) {
			/* The whole request echoed with the top bit set and
			 * result 5 (§3.5): bytes 4-7 are the request's ports,
			 * not SSSoE (D-2). */
			m->form = PMP_FORM_ECHO;
			m->private_port = get16(b + 4);
			return 0;
		}
		return -1;	/* */
	}
	return -1;
}

pmp_wire_req_status_t
pmp_wire_decode_request(const uint8_t *b, size_t n, pmp_wire_req_t *r)
{
	memset(r, 0, sizeof(*r));
	if (n < PMP_WIRE_ADDR_REQ_LEN || n > PMP_WIRE_MAX)
		return PMP_REQ_DROP;
	r->opcode = b[1];
	/* "a packet with an opcode in the response range MUST be silently
	 * ignored" (§3.5), whatever its version. */
	if (b[1] >= PMP_WIRE_RESPONSE)
		return PMP_REQ_DROP;
	if (b[0] != PMP_WIRE_VERSION)
		return PMP_REQ_BAD_VERSION;
	if (b[1] == PMP_WIRE_OP_ADDR)
		return PMP_REQ_OK;
	if (b[1] != PMP_WIRE_OP_UDP && b[1] != PMP_WIRE_OP_TCP)
		return PMP_REQ_BAD_OPCODE;
	if (n < PMP_WIRE_MAP_REQ_LEN)
		return PMP_REQ_DROP;
	/* Reserved bytes 2-3 MUST be ignored on reception (§3.3). */
	r->private_port = get16(b + 4);
	r->public_port = get16(b + 6);
	r->lifetime = get32(b + 8);
	return PMP_REQ_OK;
}

size_t
pmp_wire_encode_response(const pmp_wire_resp_t *m, uint8_t *b, size_t cap)
{
	size_t len;

	if (m->form == PMP_FORM_SHORT)
		len = PMP_WIRE_SHORT_ERR_LEN;
	else if (m->form != PMP_FORM_FULL)
		return 0;
	else if (m->opcode == PMP_WIRE_RESPONSE + PMP_WIRE_OP_ADDR)
		len = PMP_WIRE_ADDR_RESP_LEN;
	else if (m->opcode == PMP_WIRE_RESPONSE + PMP_WIRE_OP_UDP ||
	    m->opcode == PMP_WIRE_RESPONSE + PMP_WIRE_OP_TCP)
		len = PMP_WIRE_MAP_RESP_LEN;
	else
		return 0;
	if (cap < len)
		return 0;
	b[0] = PMP_WIRE_VERSION;
	b[1] = m->opcode;
	put16(b + 2, m->result);
	put32(b + 4, m->epoch);
	if (len == PMP_WIRE_ADDR_RESP_LEN) {
		/* On error the address MUST be 0 on transmission (§3.2). */
		if (m->result == 0)
			memcpy(b + 8, m->public_addr, 4);
		else
			memset(b + 8, 0, 4);
	} else if (len == PMP_WIRE_MAP_RESP_LEN) {
		put16(b + 8, m->private_port);
		put16(b + 10, m->public_port);
		put32(b + 12, m->lifetime);
	}
	return len;
}
