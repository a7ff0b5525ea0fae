/*
 * fuzz_pcp_wire.c - the PCP decoder (client and gateway side) with the
 * round-trip property: whatever decodes encodes to a message that decodes
 * to the same fields, of the same length unless options were skipped, and
 * byte-exact when nothing was skipped (reserved bytes aside).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pcp/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The bytes the encoder writes as zero whatever the input had: reserved
 * header bytes (2 in requests; 12-23 in responses) and reserved fields in
 * MAP/PEER data and option headers. */
static int
same_but_reserved(const uint8_t *a, const uint8_t *b, size_t n,
    const pmp_pcp_msg_t *m)
{
	uint8_t x[PMP_PCP_MAX_LEN], y[PMP_PCP_MAX_LEN];
	size_t off;

	memcpy(x, a, n);
	memcpy(y, b, n);
	x[2] = y[2] = 0;
	if (m->response)
		memset(x + 12, 0, 12), memset(y + 12, 0, 12);
	else
		x[3] = y[3] = 0;
	if (m->opcode != 0) {
		memset(x + 37, 0, 3), memset(y + 37, 0, 3);
		if (m->opcode == 2)
			x[62] = x[63] = y[62] = y[63] = 0;
	}
	off = m->opcode == 0 ? 24 : m->opcode == 1 ? 60 : 80;
	while (off + 4 <= n) {
		size_t len = (size_t)(x[off + 2] << 8 | x[off + 3]);

		x[off + 1] = y[off + 1] = 0;	/* option reserved */
		if (x[off] == 3 && len == 20)
			x[off + 4] = y[off + 4] = 0;	/* FILTER reserved */
		/* padding */
		for (size_t k = off + 4 + len; k < off + 4 +
		    ((len + 3) & ~(size_t)3) && k < n; k++)
			x[k] = y[k] = 0;
		off += 4 + ((len + 3) & ~(size_t)3);
	}
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
	if (skipped == 0 && !same_but_reserved(data, out, n, &m))
		abort();
	return 0;
}
