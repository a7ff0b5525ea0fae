/*
 * test_rng.h - a reproducible random source for the core's tests and
 * fuzzers (splitmix64 over a seed).  Never used by the library, which
 * takes the system's (io/random.c).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_TEST_RNG_H
#define PMP_TEST_RNG_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/rng.h"
#include "natpmp/natpmp.h"

static uint64_t test_rng_state = 12345;

static int
test_rng_fill(void *ctx, void *buf, size_t n)
{
	uint64_t *s = ctx;
	uint8_t *p = buf;

	while (n > 0) {
		uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
		size_t k = n < 8 ? n : 8;

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		z ^= z >> 31;
		memcpy(p, &z, k);
		p += k;
		n -= k;
	}
	return 0;
}

static const pmp_rng_t test_rng = { test_rng_fill, &test_rng_state };

#define NATPMP pmp_natpmp_proto(), &test_rng

#endif
