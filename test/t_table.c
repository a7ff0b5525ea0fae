/*
 * t_table.c - pmp-gateway's mapping table: port conflicts, expiry,
 * delete-all, lifetime cap, renewals (RFC 6886 §3.3, §3.4; S-06..S-11).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "table.h"

static const uint8_t A[4] = { 10, 0, 0, 2 };
static const uint8_t B[4] = { 10, 0, 0, 3 };

static int
setup(void **state)
{
	static gw_table_t t;

	assert_int_equal(gw_table_init(&t, 4, 3600, 1), 0);
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

/* Issue 10.10: one client may hold max_per_client mappings; renewals of
 * those still work, other clients are not affected, a delete makes room. */
static void
test_quota_per_client(void **state)
{
	gw_table_t *t = *state;
	uint16_t pub;
	uint32_t life;

	t->max_per_client = 2;
	assert_int_equal(gw_table_map(t, A, 1, 1, 1, 100, 0, &pub, &life), 0);
	assert_int_equal(gw_table_map(t, A, 2, 2, 2, 100, 0, &pub, &life), 0);
	assert_int_equal(gw_table_client_count(t, A), 2);
	assert_int_equal(gw_table_map(t, A, 1, 3, 3, 100, 0, &pub, &life), 4);
	assert_int_equal(gw_table_map_any(t, A, 1, 100, 0, &pub, &life), 4);
	assert_int_equal(gw_table_map(t, A, 1, 1, 1, 200, 10, &pub, &life), 0);
	assert_int_equal(pub, 1);
	assert_int_equal(gw_table_map(t, B, 1, 3, 3, 100, 0, &pub, &life), 0);
	assert_int_equal(gw_table_unmap(t, A, 2, 2), 0);
	assert_int_equal(gw_table_client_count(t, A), 1);
	assert_int_equal(gw_table_map(t, A, 1, 3, 3, 100, 0, &pub, &life), 0);
	assert_int_equal(pub, 4);	/* 3 is B's */
	/* a client whose last mapping goes leaves no trace */
	assert_int_equal(gw_table_unmap(t, B, 1, 0), 0);
	assert_int_equal(gw_table_client_count(t, B), 0);
	assert_int_equal(t->n, 2);
}

static uint32_t
rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return (uint32_t)(*x >> 32);
}

/* What the indexes promise, checked by brute force. */
static void
check_invariants(const gw_table_t *t, const uint8_t (*clients)[4],
    size_t nclients)
{
	size_t i, sum = 0;
	static uint8_t owner[65536][5];	/* first holder of each port */

	memset(owner, 0, sizeof(owner));
	for (i = 0; i < t->n; i++) {
		const gw_mapping_t *m = gw_table_at(t, i);

		assert_ptr_equal(gw_table_find(t, m->client, m->proto,
		    m->private_port), m);
		assert_true(m->public_port != 0 && m->public_port != 5350 &&
		    m->public_port != 5351);
		/* never one public port for two clients (S-06) */
		if (owner[m->public_port][4])
			assert_memory_equal(owner[m->public_port], m->client,
			    4);
		memcpy(owner[m->public_port], m->client, 4);
		owner[m->public_port][4] = 1;
	}
	for (i = 0; i < nclients; i++) {
		assert_true(gw_table_client_count(t, clients[i]) <=
		    t->max_per_client);
		sum += gw_table_client_count(t, clients[i]);
	}
	assert_int_equal(sum, t->n);
}

/*
 * Random creates, renewals, deletes, delete-alls and expiries from 6
 * clients on a narrow range of ports, so that conflicts and the quota are
 * hit all the time; the invariants after every step.
 */
static void
test_random_operations(void **state)
{
	static const uint8_t cl[6][4] = { { 10, 0, 0, 2 }, { 10, 0, 0, 3 },
	    { 10, 0, 0, 4 }, { 10, 0, 0, 5 }, { 10, 0, 0, 6 },
	    { 10, 0, 0, 7 } };
	gw_table_t t;
	uint64_t x = 88172645463325252ull, now = 0;
	int step;

	(void)state;
	assert_int_equal(gw_table_init(&t, 64, 300, 7), 0);
	t.max_per_client = 16;
	for (step = 0; step < 20000; step++) {
		uint32_t r = rnd(&x);
		const uint8_t *c = cl[r % 6];
		uint8_t proto = (uint8_t)(1 + (r >> 3) % 2);
		uint16_t priv = (uint16_t)(1 + (r >> 4) % 24), pub;
		uint16_t sugg = (uint16_t)(5340 + (r >> 9) % 16);
		uint32_t life, op = (r >> 14) % 10;

		now += (r >> 18) % 4000;
		if (op < 6) {
			unsigned rc = gw_table_map(&t, c, proto, priv, sugg,
			    1 + (r >> 20) % 200, now, &pub, &life);

			assert_true(rc == 0 || rc == 4);
			if (rc == 0)
				assert_ptr_not_equal(gw_table_find(&t, c,
				    proto, priv), NULL);
		} else if (op < 7) {
			(void)gw_table_map_any(&t, c, proto, 60, now, &pub,
			    &life);
		} else if (op < 9) {
			gw_table_unmap(&t, c, proto, priv);
			assert_null(gw_table_find(&t, c, proto, priv));
		} else {
			gw_table_unmap(&t, c, proto, 0);
		}
		check_invariants(&t, cl, 6);
		if (t.n > 0) {
			/* the heap's head expires first */
			size_t i;
			uint64_t min = UINT64_MAX;

			for (i = 0; i < t.n; i++)
				if (gw_table_at(&t, i)->expires_ms < min)
					min = gw_table_at(&t, i)->expires_ms;
			gw_table_expire(&t, min - 1);
			assert_true(t.n > 0);
			assert_int_equal(gw_table_at(&t, 0)->expires_ms, min);
		}
	}
	gw_table_free(&t);
}

/*
 * The size the gateway runs at: 60,000 mappings from 120 clients, all
 * asking for the same public port (each gets its own), renewed, then all
 * expiring at once.  Quadratic work would take minutes here.
 */
static void
test_sixty_thousand(void **state)
{
	gw_table_t t;
	uint8_t c[4] = { 10, 1, 0, 0 };
	uint16_t pub;
	uint32_t life, i;

	(void)state;
	assert_int_equal(gw_table_init(&t, 65536, 86400, 99), 0);
	t.max_per_client = 500;
	for (i = 0; i < 60000; i++) {
		c[3] = (uint8_t)(i / 500);
		assert_int_equal(gw_table_map(&t, c, (uint8_t)(1 + i % 2),
		    (uint16_t)(1000 + i % 500), 5000, 3600, i, &pub, &life),
		    0);
	}
	assert_int_equal(t.n, 60000);
	c[3] = 0;
	assert_int_equal(gw_table_map(&t, c, 1, 999, 5000, 60, 60000, &pub,
	    &life), 4);	/* its quota is used up */
	assert_int_equal(gw_table_map(&t, c, 1, 1000, 1, 7200, 60001, &pub,
	    &life), 0);	/* a renewal */
	assert_int_equal(pub, 5000);
	assert_int_equal(gw_table_client_count(&t, c), 500);
	c[3] = 119;
	assert_int_equal(gw_table_unmap(&t, c, 2, 0), 0);
	assert_int_equal(t.n, 60000 - 250);
	/* all but the renewed one expire together */
	gw_table_expire(&t, 3600 * 1000 + 60000);
	assert_int_equal(t.n, 1);
	gw_table_free(&t);
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
		cmocka_unit_test_setup_teardown(test_quota_per_client, setup,
		    teardown),
		cmocka_unit_test(test_random_operations),
		cmocka_unit_test(test_sixty_thousand),
	};

	return cmocka_run_group_tests_name("table", tests, NULL, NULL);
}
