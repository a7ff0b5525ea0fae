/*
 * t_table.c - pmp-gateway's mapping table: port conflicts, expiry,
 * delete-all, lifetime cap, renewals (RFC 6886 §3.3, §3.4; S-06..S-11).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "table.h"

static const uint8_t A[4] = { 10, 0, 0, 2 };
static const uint8_t B[4] = { 10, 0, 0, 3 };

static int
setup(void **state)
{
	static gw_table_t t;

	assert_int_equal(gw_table_init(&t, 4, 3600), 0);
	*state = &t;
	return 0;
}

static int
teardown(void **state)
{
	gw_table_free(*state);
	return 0;
}

static void
test_grant_suggested_and_renew(void **state)
{
	gw_table_t *t = *state;
	uint16_t pub;
	uint32_t life;

	assert_int_equal(gw_table_map(t, A, 1, 5000, 6000, 7200, 0, &pub,
	    &life), 0);
	assert_int_equal(pub, 6000);
	assert_int_equal(life, 3600);		/* capped (S-08) */
	/* the same request again: same port, lifetime refreshed (S-07) */
	assert_int_equal(gw_table_map(t, A, 1, 5000, 7000, 60, 1000, &pub,
	    &life), 0);
	assert_int_equal(pub, 6000);
	assert_int_equal(life, 60);
	assert_int_equal(gw_table_find(t, A, 1, 5000)->expires_ms, 61000);
	assert_int_equal(t->n, 1);
}

static void
test_conflicts(void **state)
{
	gw_table_t *t = *state;
	uint16_t pub;
	uint32_t life;

	assert_int_equal(gw_table_map(t, A, 2, 80, 80, 100, 0, &pub, &life),
	    0);
	assert_int_equal(pub, 80);
	/* B may not have UDP 80 while A holds TCP 80 (S-06) */
	assert_int_equal(gw_table_map(t, B, 1, 80, 80, 100, 0, &pub, &life),
	    0);
	assert_int_equal(pub, 81);
	/* A may have its companion UDP 80 */
	assert_int_equal(gw_table_map(t, A, 1, 80, 80, 100, 0, &pub, &life),
	    0);
	assert_int_equal(pub, 80);
	/* A's other private port cannot take TCP 80 */
	assert_int_equal(gw_table_map(t, A, 2, 81, 80, 100, 0, &pub, &life),
	    0);
	assert_int_equal(pub, 82);	/* 81 is B's */
	/* full table: out of resources (rc 4) */
	assert_int_equal(gw_table_map(t, B, 2, 1, 1, 100, 0, &pub, &life), 4);
	assert_int_equal(pub, 0);
}

static void
test_protocol_ports_and_auto(void **state)
{
	gw_table_t *t = *state;
	uint16_t pub;
	uint32_t life;

	assert_int_equal(gw_table_map(t, A, 1, 5351, 5350, 100, 0, &pub,
	    &life), 0);
	assert_int_equal(pub, 5352);	/* never 5350/5351 */
	assert_int_equal(gw_table_map(t, A, 1, 9, 0, 100, 0, &pub, &life), 0);
	assert_int_equal(pub, 49152);	/* "any port": a dynamic one */
	/* internal port 0 with a lifetime: rc 2, as miniupnpd (S-11) */
	assert_int_equal(gw_table_map(t, A, 1, 0, 0, 100, 0, &pub, &life), 2);
	/* wrap from 65535 */
	assert_int_equal(gw_table_map(t, B, 1, 7, 65535, 100, 0, &pub, &life),
	    0);
	assert_int_equal(pub, 65535);
	assert_int_equal(gw_table_map(t, A, 1, 8, 65535, 100, 0, &pub, &life),
	    0);
	assert_int_equal(pub, 1024);
}

static void
test_expiry(void **state)
{
	gw_table_t *t = *state;
	uint16_t pub;
	uint32_t life;

	assert_int_equal(gw_table_map(t, A, 1, 5000, 5000, 5, 0, &pub, &life),
	    0);
	gw_table_expire(t, 4999);
	assert_non_null(gw_table_find(t, A, 1, 5000));
	gw_table_expire(t, 5000);
	assert_null(gw_table_find(t, A, 1, 5000));
	/* an expired mapping frees its port for another client (S-08) */
	assert_int_equal(gw_table_map(t, A, 1, 5000, 5000, 5, 10000, &pub,
	    &life), 0);
	assert_int_equal(gw_table_map(t, B, 1, 5000, 5000, 5, 16000, &pub,
	    &life), 0);
	assert_int_equal(pub, 5000);
}

static void
test_delete_and_delete_all(void **state)
{
	gw_table_t *t = *state;
	uint16_t pub;
	uint32_t life;

	gw_table_map(t, A, 1, 1, 1, 100, 0, &pub, &life);
	gw_table_map(t, A, 1, 2, 2, 100, 0, &pub, &life);
	gw_table_map(t, A, 2, 3, 3, 100, 0, &pub, &life);
	gw_table_map(t, B, 1, 4, 4, 100, 0, &pub, &life);
	/* absent is success (§3.4) */
	assert_int_equal(gw_table_unmap(t, A, 1, 999), 0);
	assert_int_equal(t->n, 4);
	assert_int_equal(gw_table_unmap(t, A, 1, 1), 0);
	assert_null(gw_table_find(t, A, 1, 1));
	/* delete-all: only this client's UDP (S-10) */
	assert_int_equal(gw_table_unmap(t, A, 1, 0), 0);
	assert_null(gw_table_find(t, A, 1, 2));
	assert_non_null(gw_table_find(t, A, 2, 3));
	assert_non_null(gw_table_find(t, B, 1, 4));
	gw_table_clear(t);
	assert_int_equal(t->n, 0);
}

static void
test_port_shift(void **state)
{
	gw_table_t *t = *state;
	uint16_t pub;
	uint32_t life;

	t->port_shift = 100;
	assert_int_equal(gw_table_map(t, A, 1, 5000, 5000, 100, 0, &pub,
	    &life), 0);
	assert_int_equal(pub, 5100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_grant_suggested_and_renew,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflicts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_protocol_ports_and_auto,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_and_delete_all,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_shift, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("table", tests, NULL, NULL);
}
