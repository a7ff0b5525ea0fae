/*
 * wire.c - PCP message encoding and decoding (see wire.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "wire.h"

static void
put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void
put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static uint16_t
get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t
get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

/* The opcode-specific data's length (§11.1, §12.1, §14.1); 0 for an
 * unknown opcode as for ANNOUNCE: the caller tells them apart. */
static size_t
data_len(uint8_t opcode)
{
	switch (opcode) {
	case PMP_PCP_OP_MAP:
		return PMP_PCP_MAP_LEN - PMP_PCP_HEADER_LEN;
	case PMP_PCP_OP_PEER:
		return PMP_PCP_PEER_LEN - PMP_PCP_HEADER_LEN;
	default:
		return 0;
	}
}

/* One option: code, reserved, length, data, zero padding (§7.3). */
static size_t
put_option(uint8_t *b, uint8_t code, const uint8_t *data, uint16_t len)
{
	size_t padded = ((size_t)len + 3) & ~(size_t)3;

	b[0] = code;
	b[1] = 0;
	put16(b + 2, len);
	memset(b + 4, 0, padded);
	if (len > 0)
		memcpy(b + 4, data, len);
	return 4 + padded;
}

size_t
pmp_pcp_encode(const pmp_pcp_msg_t *m, uint8_t *b, size_t cap)
{
	size_t n = PMP_PCP_HEADER_LEN + data_len(m->opcode), i;
	uint8_t f[20];

	if (m->opcode > PMP_PCP_OP_PEER || m->nfilters > PMP_PCP_MAX_FILTERS)
		return 0;
	n += (m->has_third_party ? 20 : 0) + (m->prefer_failure ? 4 : 0) +
	    24 * (size_t)m->nfilters;
	if (n > cap || n > PMP_PCP_MAX_LEN)
		return 0;
	memset(b, 0, n);
	b[0] = m->version != 0 ? m->version : PMP_PCP_VERSION;
	b[1] = (uint8_t)(m->opcode | (m->response ? PMP_PCP_RESPONSE : 0));
	if (m->response)
		b[3] = m->result;
	put32(b + 4, m->lifetime);
	if (m->response)
		put32(b + 8, m->epoch);	/* 12-23 reserved, zero */
	else
		memcpy(b + 8, m->client_addr, 16);
	if (m->opcode == PMP_PCP_OP_MAP || m->opcode == PMP_PCP_OP_PEER) {
		memcpy(b + 24, m->nonce, 12);
		b[36] = m->protocol;
		put16(b + 40, m->internal_port);
		put16(b + 42, m->external_port);
		memcpy(b + 44, m->external_addr, 16);
	}
	if (m->opcode == PMP_PCP_OP_PEER) {
		put16(b + 60, m->peer_port);
		memcpy(b + 64, m->peer_addr, 16);
	}
	i = PMP_PCP_HEADER_LEN + data_len(m->opcode);
	if (m->has_third_party)
		i += put_option(b + i, PMP_PCP_OPT_THIRD_PARTY, m->third_party,
		    16);
	if (m->prefer_failure)
		i += put_option(b + i, PMP_PCP_OPT_PREFER_FAILURE, NULL, 0);
	for (size_t k = 0; k < m->nfilters; k++) {
		const pmp_pcp_filter_t *fl = &m->filters[k];

		f[0] = 0;
		f[1] = fl->prefix_len;
		put16(f + 2, fl->remote_port);
		memcpy(f + 4, fl->remote_addr, 16);
		i += put_option(b + i, PMP_PCP_OPT_FILTER, f, 20);
	}
	return n;
}

/* One option at b (len bytes of data) into m; a status. */
static pmp_pcp_status_t
take_option(pmp_pcp_msg_t *m, uint8_t code, const uint8_t *d, uint16_t len)
{
	pmp_pcp_filter_t *fl;

	switch (code) {
	case PMP_PCP_OPT_THIRD_PARTY:
		/* §13.1: MAP and PEER, once, 16 bytes */
		if (len != 16 || m->has_third_party ||
		    m->opcode == PMP_PCP_OP_ANNOUNCE)
			return PMP_PCP_BAD_OPTION;
		m->has_third_party = 1;
		memcpy(m->third_party, d, 16);
		return PMP_PCP_OK;
	case PMP_PCP_OPT_PREFER_FAILURE:
		/* §13.2: MAP only, once, no data */
		if (len != 0 || m->prefer_failure ||
		    m->opcode != PMP_PCP_OP_MAP)
			return PMP_PCP_BAD_OPTION;
		m->prefer_failure = 1;
		return PMP_PCP_OK;
	case PMP_PCP_OPT_FILTER:
		/* §13.3: MAP only, 20 bytes, as many as fit */
		if (len != 20 || m->opcode != PMP_PCP_OP_MAP)
			return PMP_PCP_BAD_OPTION;
		if (m->nfilters == PMP_PCP_MAX_FILTERS)
			return PMP_PCP_BAD_OPTION;
		fl = &m->filters[m->nfilters++];
		fl->prefix_len = d[1];
		fl->remote_port = get16(d + 2);
		memcpy(fl->remote_addr, d + 4, 16);
		return PMP_PCP_OK;
	default:
		/* §7.3: a client ignores what it does not understand; a
		 * server must refuse a mandatory one it does not. */
		if (!m->response && !(code & PMP_PCP_OPT_OPTIONAL)) {
			m->unknown_option = code;
			return PMP_PCP_UNKNOWN_OPTION;
		}
		m->skipped++;
		return PMP_PCP_OK;
	}
}

pmp_pcp_status_t
pmp_pcp_decode(const uint8_t *b, size_t n, pmp_pcp_msg_t *m)
{
	size_t off;

	memset(m, 0, sizeof(*m));
	if (n < PMP_PCP_HEADER_LEN || n > PMP_PCP_MAX_LEN || n % 4 != 0)
		return PMP_PCP_BAD_LENGTH;	/* §7, §8.3 */
	m->version = b[0];
	m->opcode = b[1] & 0x7f;
	m->response = (b[1] & PMP_PCP_RESPONSE) != 0;
	m->lifetime = get32(b + 4);
	if (m->response) {
		m->result = b[3];
		m->epoch = get32(b + 8);
	} else {
		memcpy(m->client_addr, b + 8, 16);
	}
	if (m->version != PMP_PCP_VERSION)
		return PMP_PCP_BAD_VERSION;
	if (m->opcode > PMP_PCP_OP_PEER)
		return PMP_PCP_BAD_OPCODE;
	off = PMP_PCP_HEADER_LEN + data_len(m->opcode);
	if (n < off)
		return PMP_PCP_MALFORMED;
	if (m->opcode != PMP_PCP_OP_ANNOUNCE) {
		memcpy(m->nonce, b + 24, 12);
		m->protocol = b[36];
		m->internal_port = get16(b + 40);
		m->external_port = get16(b + 42);
		memcpy(m->external_addr, b + 44, 16);
	}
	if (m->opcode == PMP_PCP_OP_PEER) {
		m->peer_port = get16(b + 60);
		memcpy(m->peer_addr, b + 64, 16);
	}
	while (off < n) {
		uint16_t len;
		pmp_pcp_status_t st;

		if (n - off < 4)
			return PMP_PCP_BAD_OPTION;
		len = get16(b + off + 2);
		if ((size_t)len > n - off - 4)
			return PMP_PCP_BAD_OPTION;	/* overruns (A-xx) */
		st = take_option(m, b[off], b + off + 4, len);
		if (st != PMP_PCP_OK)
			return st;
		/* n and off are multiples of 4, so the padding fits */
		off += 4 + (((size_t)len + 3) & ~(size_t)3);
	}
	if (!m->response) {
		/* §11.1: protocol 0 means all ports; §12.1: a PEER names a
		 * protocol, an internal port and a remote port. */
		if (m->opcode == PMP_PCP_OP_MAP && m->protocol == 0 &&
		    m->internal_port != 0)
			return PMP_PCP_MALFORMED;
		if (m->opcode == PMP_PCP_OP_PEER && (m->protocol == 0 ||
		    m->internal_port == 0 || m->peer_port == 0))
			return PMP_PCP_MALFORMED;
	}
	return PMP_PCP_OK;
}
