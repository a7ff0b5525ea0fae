/*
 * fault.c - pmp-gateway's fault injection (see fault.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "fault.h"
#include "natpmp/wire.h"

/* xorshift64: a seeded, reproducible drop decision. */
static int
drop_by_rate(gw_fault_t *f)
{
	uint64_t x = f->rng;

	if (f->drop_rate <= 0.0)
		return 0;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	f->rng = x;
	return (double)(x >> 11) / 9007199254740992.0 < f->drop_rate;
}

int
gw_fault_drops(gw_fault_t *f, unsigned long request_no)
{
	return request_no <= f->drop_first || f->silent ||
	    (f->silent_after != 0 && request_no > f->silent_after) ||
	    (f->answer_every > 1 && request_no % f->answer_every != 0) ||
	    drop_by_rate(f);
}

/* out = the answer, cut to what fits; returns that length. */
static size_t
copy_answer(const uint8_t *answer, size_t n, uint8_t *out, size_t cap)
{
	size_t len = n < cap ? n : cap;

	if (len > 0)
		memcpy(out, answer, len);
	return len;
}

gw_forge_step_t
gw_forge_garbage(unsigned i, const uint8_t *answer, size_t n, uint8_t *out,
    size_t cap, size_t *len)
{
	size_t c;

	*len = 0;
	switch (i) {
	case 0:					/* empty */
		return GW_FORGE_SEND;
	case 1:					/* 3 bytes */
		if (cap < 3)
			return GW_FORGE_SKIP;
		memcpy(out, "\x00\x80\x00", 3);
		*len = 3;
		return GW_FORGE_SEND;
	case 2:					/* version 2 */
	case 3:					/* another opcode */
	case 4:					/* a request opcode */
		c = copy_answer(answer, n, out, cap);
		if (c < 2)
			return GW_FORGE_SKIP;
		if (i == 2)
			out[0] = 2;
		else if (i == 3)
			out[1] = (uint8_t)(out[1] ^ 0x03);
		else
			out[1] = (uint8_t)(out[1] & 0x7f);
		*len = c;
		return GW_FORGE_SEND;
	case 5:					/* A-04/05: one short */
		if (n < 1 || n - 1 > cap)
			return GW_FORGE_SKIP;
		*len = copy_answer(answer, n - 1, out, cap);
		return GW_FORGE_SEND;
	case 6:					/* one long */
		if (n + 1 > cap)
			return GW_FORGE_SKIP;
		(void)copy_answer(answer, n, out, cap);
		out[n] = 0;
		*len = n + 1;
		return GW_FORGE_SEND;
	case 7:					/* oversize */
		if (cap < GW_FORGE_MAX || n > GW_FORGE_MAX)
			return GW_FORGE_SKIP;
		memset(out, 0, GW_FORGE_MAX);
		(void)copy_answer(answer, n, out, cap);
		*len = GW_FORGE_MAX;
		return GW_FORGE_SEND;
	case 8:					/* other port */
		if (n != PMP_WIRE_MAP_RESP_LEN || cap < n)
			return GW_FORGE_SKIP;
		*len = copy_answer(answer, n, out, cap);
		out[9] = (uint8_t)(out[9] + 1);
		return GW_FORGE_SEND;
	default:
		return GW_FORGE_END;
	}
}

gw_forge_step_t
gw_forge_spoof(unsigned i, const uint8_t *answer, size_t n, uint8_t *out,
    size_t cap, size_t *len, gw_forge_source_t *from)
{
	if (i > 1)
		return GW_FORGE_END;
	*from = i == 0 ? GW_FROM_OTHER_ADDRESS : GW_FROM_OTHER_PORT;
	*len = copy_answer(answer, n, out, cap);
	if (*len != n)
		return GW_FORGE_SKIP;	/* only whole answers are forged */
	if (n == PMP_WIRE_MAP_RESP_LEN) {
		out[10] = 0x1a;		/* port 6666 */
		out[11] = 0x0a;
	} else if (n == PMP_WIRE_ADDR_RESP_LEN) {
		memset(out + 8, 6, 4);	/* 6.6.6.6 */
	}
	return GW_FORGE_SEND;
}
