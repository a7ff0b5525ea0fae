/*
 * fuzz_gateway.c - pmp-gateway's request parser, answer logic and fault
 * paths: a fuzzed sequence of requests from a few clients at fuzzed times
 * against one mapping table, every answer then put through each forged and
 * malformed variant (fault.c) into a buffer of fuzzed size.  Properties:
 * an answer is always a well-formed NAT-PMP response (it decodes), never
 * longer than the request allows; nothing answers a client outside the
 * served subnet; no variant is longer than its buffer (ASan checks the
 * writes); the table never gives one public port to two clients, and its
 * per-client counts add up; PCP answers (IPv4 and IPv6 side) decode; the
 * IPv6 pinholes never hold one (client, protocol, port) twice.
 *
 * Input: a first byte of options, then records of [client 1 byte][time
 * step 1 byte][length 2 bytes][bytes]; the client byte's high bits size
 * the forge buffer, its bit 5 sends PCP to the IPv6 side.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"
#include "respond.h"
#include "natpmp/wire.h"
#include "pcp/wire.h"
#include "pcp_respond.h"
#include "peer.h"
#include "pinhole.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t clients[4][4] = { { 192, 168, 77, 2 },
    { 192, 168, 77, 3 }, { 192, 168, 77, 4 }, { 10, 0, 0, 9 } };

/* The IPv6 clients: the same four, as documentation addresses. */
static const uint8_t clients6[4][16] = {
    { 0x20, 0x01, 0x0d, 0xb8, 0, 0x77, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 },
    { 0x20, 0x01, 0x0d, 0xb8, 0, 0x77, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3 },
    { 0x20, 0x01, 0x0d, 0xb8, 0, 0x77, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4 },
    { 0x20, 0x01, 0x0d, 0xb8, 0, 0x99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9 } };

/* At most one pinhole per (client, protocol, port), within the cap. */
static void
check_pinholes(const gw_pinholes_t *ph)
{
	size_t i, j;

	if (ph->n > GW_MAX_PINHOLES)
		abort();
	for (i = 0; i < ph->n; i++)
		for (j = i + 1; j < ph->n; j++)
			if (memcmp(ph->p[i].client, ph->p[j].client, 16) ==
			    0 && ph->p[i].protocol == ph->p[j].protocol &&
			    ph->p[i].port == ph->p[j].port)
				abort();
}

static void
check_table(const gw_table_t *t)
{
	size_t i, j, sum = 0;

	for (i = 0; i < t->n; i++) {
		const gw_mapping_t *a = gw_table_at(t, i);

		if (gw_table_find(t, a->client, a->proto, a->private_port) != a)
			abort();
		for (j = i + 1; j < t->n; j++) {
			const gw_mapping_t *b = gw_table_at(t, j);

			if (a->public_port == b->public_port &&
			    memcmp(a->client, b->client, 4) != 0)
				abort();
		}
	}
	for (i = 0; i < 4; i++) {
		if (gw_table_client_count(t, clients[i]) > t->max_per_client)
			abort();
		sum += gw_table_client_count(t, clients[i]);
	}
	if (sum != t->n)
		abort();
}

/* Every variant of the answer into a heap buffer of exactly cap bytes. */
static void
forge_all(const uint8_t *answer, size_t n, size_t cap)
{
	uint8_t *b = malloc(cap ? cap : 1);
	gw_forge_source_t from;
	size_t len;
	unsigned i;

	if (b == NULL)
		return;
	for (i = 0; i < 64; i++) {
		gw_forge_step_t st = gw_forge_garbage(i, answer, n, b, cap,
		    &len);

		if (st == GW_FORGE_END)
			break;
		if (st == GW_FORGE_SEND && len > cap)
			abort();
	}
	if (i == 64)
		abort();
	for (i = 0; i < 64; i++) {
		gw_forge_step_t st = gw_forge_spoof(i, answer, n, b, cap, &len,
		    &from);

		if (st == GW_FORGE_END)
			break;
		if (st == GW_FORGE_SEND && (len != n || from ==
		    GW_FROM_GATEWAY))
			abort();
	}
	if (i == 64)
		abort();
	free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t caps[4] = { 0, 16, PMP_WIRE_MAX, GW_FORGE_MAX };
	gw_table_t t;
	gw_fault_t f;
	gw_config_t cfg;
	static gw_peers_t peers;	/* PEER flows (too big for the stack) */
	static gw_pinholes_t pinholes;
	uint8_t out[PMP_WIRE_MAX];
	uint64_t now = 0;
	unsigned long no = 0;
	size_t off = 0;

	if (gw_table_init(&t, 32, 3600, 42) != 0)
		return 0;
	memset(&f, 0, sizeof(f));
	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.public_addr, "\xcb\x00\x71\x07", 4);
	memcpy(&cfg.net, "\xc0\xa8\x4d\x00", 4);
	memcpy(&cfg.mask, "\xff\xff\xff\x00", 4);
	cfg.force_result = -1;
	cfg.grant_lifetime = -1;
	cfg.version_form = 128;
	gw_peers_clear(&peers);
	gw_pinholes_clear(&pinholes);
	cfg.peers = &peers;
	if (size > 0) {
		cfg.vpn = data[0] & 1;
		cfg.echo_opcode_reply = (data[0] >> 1) & 1;
		cfg.version_form = (data[0] & 4) ? -1 : 128;
		t.max_per_client = 1u + ((data[0] >> 3) & 7);
		f.answer_every = (data[0] >> 6) & 3;
		f.drop_rate = (data[0] & 0x20) ? 0.5 : 0.0;
		f.rng = 1;
		off = 1;
	}
	while (off + 4 <= size) {
		const uint8_t *client = clients[data[off] & 3];
		size_t cap = caps[(data[off] >> 6) & 3];
		size_t len = (size_t)data[off + 2] << 8 | data[off + 3];
		gw_event_t ev;
		pmp_wire_resp_t m;
		size_t n;

		now += (uint64_t)data[off + 1] * 997;
		off += 4;
		if (len > size - off)
			len = size - off;
		if (gw_fault_drops(&f, ++no)) {
			gw_describe(data + off, len, &ev);
			off += len;
			continue;
		}
		if (len > 0 && data[off] != 0) {
			/* PCP (RFC 6887 App. A: told apart by byte 0): every
			 * answer is a valid PCP response, no longer than the
			 * request with its options, never for a response */
			pmp_pcp_msg_t pm;

			/* bit 5 of the client byte: the IPv6 side
			 * (pinholes), from the client's IPv6 twin */
			if (data[off - 4] & 0x20)
				n = gw_pcp_respond6(&pinholes, &cfg,
				    (uint32_t)(now / 1000),
				    clients6[data[off - 4] & 3], data + off,
				    len, now, out, sizeof(out), &ev);
			else
				n = gw_pcp_respond(&t, &cfg,
				    (uint32_t)(now / 1000), client,
				    data + off, len, now, out, sizeof(out),
				    &ev);
			/* (an unknown opcode comes back in a bare header,
			 * which the codec reports as such) */
			if (n > 0 && ((pmp_pcp_decode(out, n, &pm) !=
			    PMP_PCP_OK && !(n == 24 && pmp_pcp_decode(out, n,
			    &pm) == PMP_PCP_BAD_OPCODE)) || out[0] != 2 ||
			    !(out[1] & 0x80) || n > 1100 ||
			    (len >= 2 && (data[off + 1] & 0x80))))
				abort();
		} else {
			n = gw_respond(&t, &cfg, (uint32_t)(now / 1000),
			    client, data + off, len, now, out, sizeof(out),
			    &ev);
			if (n > 0 && ev.kind != GW_BAD_OPCODE &&
			    pmp_wire_decode_response(out, n, &m) != 0)
				abort();
			if (n > len + 16)
				abort();
		}
		if (n > sizeof(out))
			abort();
		if ((data[off - 4] & 0x23) == 3 && n != 0)	/* outside: S-01 */
			abort();
		if (n > 0)
			forge_all(out, n, cap);
		check_table(&t);
		if (peers.n > GW_MAX_PEERS)
			abort();
		check_pinholes(&pinholes);
		off += len;
	}
	gw_table_free(&t);
	return 0;
}
