/*
 * fuzz_pcp_wire.c - the PCP decoder (client and gateway side) with the
 * round-trip property: whatever decodes encodes to a message that decodes
 * to the same fields, of the same length unless options were skipped, with
 * the header and opcode data byte-exact (reserved bytes aside).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pcp/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The header and opcode data are byte-exact but for what the encoder
 * writes as zero whatever the input had: reserved bytes (2, and 3 in
 * requests; 12-23 in responses; 37-39; PEER's 62-63).  Options may come
 * back in the encoder's order (THIRD_PARTY, PREFER_FAILURE, FILTERs), so
 * they are compared decoded, not as bytes. */
static int
same_but_reserved(const uint8_t *a, const uint8_t *b, const pmp_pcp_msg_t *m)
{
	uint8_t x[80], y[80];
	size_t n = m->opcode == 0 ? 24 : m->opcode == 1 ? 60 : 80;

	memcpy(x, a, n);
	memcpy(y, b, n);
	x[2] = y[2] = 0;
	if (m->response) {
		memset(x + 12, 0, 12);
		memset(y + 12, 0, 12);
	} else {
		x[3] = y[3] = 0;
	}
	if (m->opcode != 0) {
		memset(x + 37, 0, 3);
		memset(y + 37, 0, 3);
	}
	if (m->opcode == 2)
		x[62] = x[63] = y[62] = y[63] = 0;
	return memcmp(x, y, n) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pmp_pcp_msg_t m, back;
	uint8_t out[PMP_PCP_MAX_LEN];
	size_t n;
	unsigned skipped;

	if (pmp_pcp_decode(data, size, &m) != PMP_PCP_OK)
		return 0;
	if (size < 24 || size > 1100 || size % 4 != 0 || data[0] != 2)
		abort();
	skipped = m.skipped;
	n = pmp_pcp_encode(&m, out, sizeof(out));
	if (n == 0 || n > size || (skipped == 0 && n != size))
		abort();
	if (pmp_pcp_decode(out, n, &back) != PMP_PCP_OK)
		abort();
	m.skipped = 0;
	if (memcmp(&m, &back, sizeof(m)) != 0)
		abort();
	if (!same_but_reserved(data, out, &m))
		abort();
	return 0;
}
