/*
 * t_epoch.c - the SSSoE rule of RFC 6886 §3.6 on both sides of its
 * boundary (PROTOCOL.md C-23 worked vectors).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "natpmp/epoch.h"

struct vec {
	uint64_t elapsed_ms;
	uint32_t sssoe;
	int consistent;
};

static const struct vec vecs[] = {
	{ 16000, 1012, 1 },	/* 1012 >= 1014 - 2 */
	{ 16000, 1011, 0 },
	{ 100, 999, 1 },	/* backwards 1 s is within the 2 s slack */
	{ 10000, 1001, 0 },	/* < 1008.75 - 2 */
	{ 10000, 11000, 1 },	/* forward jumps are not flagged */
	{ 5, 0, 1 },		/* 0 vs 1000 - 2 ... see below */
	{ 1000000, 0, 0 },
	{ 8000, 1005, 1 },	/* exactly 1007 - 2: boundary is consistent */
	{ 8001, 1005, 1 },	/* 1007.000875 - 2 still <= 1005 + 0.0009 */
	{ 8000, 1004, 0 },
};

static void
test_vectors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		pmp_epoch_t st = { 0, 0, 0 };

		assert_int_equal(pmp_epoch_update(&st, 1000, 50000), 1);
		print_message("  +%llu ms, SSSoE %u\n",
		    (unsigned long long)vecs[i].elapsed_ms, vecs[i].sssoe);
		if (vecs[i].sssoe == 0 && vecs[i].elapsed_ms == 5) {
			/* 0 after 1000 is a reboot whatever the elapsed time */
			assert_int_equal(pmp_epoch_update(&st, 0, 50005), 0);
			continue;
		}
		assert_int_equal(pmp_epoch_update(&st, vecs[i].sssoe,
		    50000 + vecs[i].elapsed_ms), vecs[i].consistent);
		assert_int_equal(st.sssoe, vecs[i].sssoe);
	}
}

static void
test_first_packet_and_large_values(void **state)
{
	pmp_epoch_t st = { 0, 0, 0 };

	(void)state;
	assert_int_equal(pmp_epoch_update(&st, 0xfffffff0u, 1), 1);
	/* 64-bit arithmetic: no wrap near 2^32 seconds */
	assert_int_equal(pmp_epoch_update(&st, 0xfffffffau, 10001), 1);
	assert_int_equal(pmp_epoch_update(&st, 3, 12001), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_first_packet_and_large_values),
	};

	return cmocka_run_group_tests_name("epoch", tests, NULL, NULL);
}
