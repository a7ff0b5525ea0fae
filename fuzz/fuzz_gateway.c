/*
 * fuzz_gateway.c - pmp-gateway's request parser and answer logic: a
 * fuzzed sequence of requests from a few clients at fuzzed times against
 * one mapping table.  Properties: an answer is always a well-formed
 * NAT-PMP response (it decodes), never longer than the request allows,
 * and the table never gives one public port to two clients.
 *
 * Input: records of [client 1 byte][time step 1 byte][length 1 byte][bytes].
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "respond.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_table(const gw_table_t *t)
{
	size_t i, j;

	for (i = 0; i < t->n; i++)
		for (j = i + 1; j < t->n; j++)
			if (t->m[i].public_port == t->m[j].public_port &&
			    memcmp(t->m[i].client, t->m[j].client, 4) != 0)
				abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t clients[4][4] = { { 192, 168, 77, 2 },
	    { 192, 168, 77, 3 }, { 192, 168, 77, 4 }, { 10, 0, 0, 9 } };
	gw_table_t t;
	gw_config_t cfg;
	uint8_t out[PMP_WIRE_MAX];
	uint64_t now = 0;
	size_t off = 0;

	if (gw_table_init(&t, 32, 3600) != 0)
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.public_addr, "\xcb\x00\x71\x07", 4);
	memcpy(&cfg.net, "\xc0\xa8\x4d\x00", 4);
	memcpy(&cfg.mask, "\xff\xff\xff\x00", 4);
	cfg.force_result = -1;
	cfg.grant_lifetime = -1;
	cfg.version_form = 128;
	if (size > 0)
		cfg.vpn = data[0] & 1;
	while (off + 3 <= size) {
		const uint8_t *client = clients[data[off] & 3];
		size_t len = data[off + 2];
		gw_event_t ev;
		pmp_wire_resp_t m;
		size_t n;

		now += (uint64_t)data[off + 1] * 997;
		off += 3;
		if (len > size - off)
			len = size - off;
		n = gw_respond(&t, &cfg, (uint32_t)(now / 1000), client,
		    data + off, len, now, out, sizeof(out), &ev);
		if (n > 0 && ev.kind != GW_BAD_OPCODE &&
		    pmp_wire_decode_response(out, n, &m) != 0)
			abort();
		if (n > len + 16)
			abort();
		check_table(&t);
		off += len;
	}
	gw_table_free(&t);
	return 0;
}
