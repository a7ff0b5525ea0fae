/*
 * t_clock.c - the clock deadlines are on (issue 10.7): the boot clock,
 * which counts a suspend, where it exists; the monotonic one otherwise;
 * and the sleep detector.  clock_gettime() is replaced (the test is
 * linked with -Wl,--wrap=clock_gettime) so that a sleep can be faked.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>

#include "io/io.h"

int __wrap_clock_gettime(clockid_t id, struct timespec *ts);

static uint64_t fake_mono_ms = 3000, fake_boot_ms = 5000;
static int boot_missing;
static clockid_t first_id = -1;

int
__wrap_clock_gettime(clockid_t id, struct timespec *ts)
{
	uint64_t ms;

	if (first_id == -1)
		first_id = id;
	if (id == CLOCK_BOOTTIME) {
		if (boot_missing) {
			errno = EINVAL;
			return -1;
		}
		ms = fake_boot_ms;
	} else if (id == CLOCK_MONOTONIC) {
		ms = fake_mono_ms;
	} else {
		errno = EINVAL;
		return -1;
	}
	ts->tv_sec = (time_t)(ms / 1000);
	ts->tv_nsec = (long)(ms % 1000) * 1000000L;
	return 0;
}

static void
test_boot_clock_first(void **state)
{
	(void)state;
	first_id = -1;
	assert_int_equal(pmp_clock_ms(), 5000);
	assert_int_equal(first_id, CLOCK_BOOTTIME);
	boot_missing = 1;	/* a kernel without it: monotonic */
	assert_int_equal(pmp_clock_ms(), 3000);
	assert_int_equal(pmp_clock_asleep_ms(), 0);
	boot_missing = 0;
}

static void
test_sleep_detected(void **state)
{
	uint64_t last;

	(void)state;
	fake_mono_ms = 3000;
	fake_boot_ms = 5000;
	last = pmp_clock_asleep_ms();
	assert_int_equal(last, 2000);
	/* awake: both advance together; jitter is no sleep */
	fake_mono_ms += 60000;
	fake_boot_ms += 60000 + PMP_CLOCK_SLEPT_MS;
	assert_int_equal(pmp_clock_slept(&last, pmp_clock_asleep_ms()), 0);
	/* an hour asleep: the monotonic clock stood still */
	fake_boot_ms += 3600000;
	assert_int_equal(pmp_clock_ms(), 5000 + 60000 + PMP_CLOCK_SLEPT_MS +
	    3600000);
	assert_int_equal(pmp_clock_slept(&last, pmp_clock_asleep_ms()), 1);
	assert_int_equal(pmp_clock_slept(&last, pmp_clock_asleep_ms()), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_clock_first),
		cmocka_unit_test(test_sleep_detected),
	};

	return cmocka_run_group_tests_name("clock", tests, NULL, NULL);
}
