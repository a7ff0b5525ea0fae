/*
 * rng.c - draws from the injected random source (see rng.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include "pmp.h"
#include "rng.h"

int
pmp_rng_bytes(const pmp_rng_t *rng, void *buf, size_t n)
{
	if (rng == NULL || rng->fill == NULL)
		return PMP_EINVAL;
	return rng->fill(rng->ctx, buf, n);
}

uint32_t
pmp_rng_upto(const pmp_rng_t *rng, uint32_t n)
{
	uint64_t span = (uint64_t)n + 1, limit;
	uint32_t x;
	int tries;

	/* Accept x below the largest multiple of span that fits in 32
	 * bits; the chance of a retry is below one half. */
	limit = (UINT64_C(1) << 32) / span * span;
	for (tries = 0; tries < 64; tries++) {
		if (pmp_rng_bytes(rng, &x, sizeof(x)) != PMP_OK)
			break;
		if ((uint64_t)x < limit)
			return (uint32_t)((uint64_t)x % span);
	}
	return n / 2;
}
