/*
 * win_clock.c - the clock the engine and keeper are driven with (io.h,
 * Windows).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * GetTickCount64() counts milliseconds since boot, sleep and hibernation
 * included, and never jumps with the wall clock: Linux's CLOCK_BOOTTIME.
 * QueryUnbiasedInterruptTime() counts the same without the time asleep,
 * so their difference is how long the host has slept.
 */
#include <winsock2.h>
#include <windows.h>

#include "io.h"

uint64_t
pmp_clock_ms(void)
{
	return (uint64_t)GetTickCount64();
}

uint64_t
pmp_clock_asleep_ms(void)
{
	ULONGLONG awake;	/* 100 ns units */
	uint64_t boot;

	/* unbiased first: the tick count read after it is never behind */
	if (!QueryUnbiasedInterruptTime(&awake))
		return 0;
	boot = (uint64_t)GetTickCount64();
	return boot > awake / 10000u ? boot - awake / 10000u : 0;
}
