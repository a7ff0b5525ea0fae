/*
 * clock.c - the monotonic clock the engine is driven with.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <time.h>

#include "sys.h"

uint64_t
pmp_clock_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}
