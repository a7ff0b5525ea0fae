/*
 * slept.c - whether the host slept, from two readings of
 * pmp_clock_asleep_ms() (io.h): pure, for every system's clock.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include "io.h"

int
pmp_clock_slept(uint64_t *last_asleep_ms, uint64_t asleep_ms)
{
	int slept = asleep_ms > *last_asleep_ms + PMP_CLOCK_SLEPT_MS;

	*last_asleep_ms = asleep_ms;
	return slept;
}
