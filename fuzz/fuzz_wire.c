/*
 * fuzz_wire.c - the NAT-PMP response decoder (client side), with the
 * round-trip property: whatever decodes in the full or short form
 * encodes back to the same bytes, except fields the RFC says to ignore.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "natpmp/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pmp_wire_resp_t m, back;
	uint8_t out[PMP_WIRE_MAX];
	size_t n;

	if (pmp_wire_decode_response(data, size, &m) != 0)
		return 0;
	/* only the exact sizes decode */
	if (size != 8 && size != 12 && size != 16)
		abort();
	if (data[0] != 0)
		abort();
	if (m.form == PMP_FORM_ECHO) {
		if (m.has_epoch || m.result != 5 || size != 12)
			abort();
		return 0;
	}
	n = pmp_wire_encode_response(&m, out, sizeof(out));
	if (n != size || pmp_wire_decode_response(out, n, &back) != 0 ||
	    memcmp(&m, &back, sizeof(m)) != 0)
		abort();
	/* byte-exact where the fields are defined: on success everything,
	 * on error the header and SSSoE (C-14: the rest is undefined) */
	if (memcmp(out, data, m.result == 0 ? n : 8) != 0)
		abort();
	return 0;
}
