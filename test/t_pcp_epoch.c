/*
 * t_pcp_epoch.c - PCP's two-sided epoch rule (RFC 6887 §8.5) on the
 * vectors of PROTOCOL.md P-11.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "pcp/epoch.h"

static void
test_vectors(void **state)
{
	static const struct {
		uint64_t client_delta_s;
		uint32_t server;
		int valid;
	} v[] = {
		{ 0, 999, 1 },		/* reordering tolerance */
		{ 0, 998, 0 },		/* backwards by more than 1 s */
		{ 100, 1100, 1 },
		{ 100, 1092, 1 },
		{ 100, 1091, 0 },	/* server too slow */
		{ 100, 1108, 1 },
		{ 100, 1109, 0 },	/* server too fast */
		{ 2, 1000, 1 },
		{ 3, 1000, 0 },		/* server clock frozen */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		pmp_epoch_t st = { 0, 0, 0 };

		assert_int_equal(pmp_pcp_epoch_update(&st, 1000, 50000), 1);
		printf("  +%llu s, epoch %u\n",
		    (unsigned long long)v[i].client_delta_s, v[i].server);
		assert_int_equal(pmp_pcp_epoch_update(&st, v[i].server,
		    50000 + v[i].client_delta_s * 1000), v[i].valid);
		assert_int_equal(st.sssoe, v[i].server);	/* updated */
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
	};

	return cmocka_run_group_tests_name("pcp_epoch", tests, NULL, NULL);
}
