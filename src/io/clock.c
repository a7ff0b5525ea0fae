/*
 * clock.c - the clock the engine and keeper are driven with (see io.h;
 * POSIX: win_clock.c is Windows').
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <time.h>

#include "io.h"

static int
read_ms(clockid_t id, uint64_t *ms)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) != 0)
		return -1;
	*ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
	return 0;
}

uint64_t
pmp_clock_ms(void)
{
	uint64_t ms = 0;

#ifdef CLOCK_BOOTTIME
	if (read_ms(CLOCK_BOOTTIME, &ms) == 0)
		return ms;
#endif
	if (read_ms(CLOCK_MONOTONIC, &ms) != 0)
		return 0;
	return ms;
}

uint64_t
pmp_clock_asleep_ms(void)
{
#ifdef CLOCK_BOOTTIME
	uint64_t mono, boot;

	/* Monotonic first: the boot clock read after it is never behind. */
	if (read_ms(CLOCK_MONOTONIC, &mono) == 0 &&
	    read_ms(CLOCK_BOOTTIME, &boot) == 0 && boot > mono)
		return boot - mono;
#endif
	return 0;
}
