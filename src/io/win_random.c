/*
 * win_random.c - the system's random source for pmp_rng_t (io.h,
 * Windows): BCryptGenRandom() with the system's preferred generator.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <winsock2.h>
#include <windows.h>
#include <bcrypt.h>

#include <errno.h>
#include <limits.h>

#include "pmp.h"
#include "io.h"

int
pmp_random_fill(void *ctx, void *buf, size_t n)
{
	unsigned char *p = buf;

	(void)ctx;
	while (n > 0) {
		ULONG got = n > ULONG_MAX ? ULONG_MAX : (ULONG)n;

		if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, p, got,
		    BCRYPT_USE_SYSTEM_PREFERRED_RNG))) {
			errno = EIO;
			return PMP_ESYS;
		}
		p += got;
		n -= got;
	}
	return PMP_OK;
}
