/*
 * random.c - the system's random source (see io.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#if defined(__linux__)
#include <sys/random.h>
#else
#include <unistd.h>	/* getentropy(): BSDs, macOS */
#endif

#include "pmp.h"
#include "io.h"

int
pmp_random_fill(void *ctx, void *buf, size_t n)
{
	uint8_t *p = buf;

	(void)ctx;
	while (n > 0) {
#if defined(__linux__)
		/* Blocks only before the kernel's pool is first seeded,
		 * which a network client does not meet in practice. */
		ssize_t got = getrandom(p, n, 0);

		if (got < 0) {
			if (errno == EINTR)
				continue;
			return PMP_ESYS;
		}
#else
		size_t got = n > 256 ? 256 : n;	/* getentropy's limit */

		if (getentropy(p, got) != 0)
			return PMP_ESYS;
#endif
		p += got;
		n -= (size_t)got;
	}
	return PMP_OK;
}
