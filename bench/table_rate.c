/*
 * table_rate.c - pmp-gateway's answer logic and table in-process, without
 * sockets: how many requests per second gw_respond() answers with the
 * table holding HELD mappings, against the same work on an empty table.
 * The work: a client maps 512 ports in turn (creations, then renewals)
 * and deletes one of them every 8th request, so the table stays the size
 * it was.
 *   table_rate HELD REQUESTS
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "respond.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
request(uint8_t q[12], uint8_t op, uint16_t port, uint32_t life)
{
	memset(q, 0, 12);
	q[1] = op;
	q[4] = q[6] = (uint8_t)(port >> 8);
	q[5] = q[7] = (uint8_t)port;
	q[8] = (uint8_t)(life >> 24);
	q[9] = (uint8_t)(life >> 16);
	q[10] = (uint8_t)(life >> 8);
	q[11] = (uint8_t)life;
}

/* Requests per second with held mappings in the table beforehand. */
static double
rate(long held, long n)
{
	gw_table_t t;
	gw_config_t cfg;
	gw_event_t ev;
	uint8_t q[12], out[64], me[4] = { 10, 2, 0, 1 };
	double t0;
	long i;

	memset(&cfg, 0, sizeof(cfg));
	cfg.mask = 0;		/* every client is served */
	cfg.force_result = -1;
	cfg.grant_lifetime = -1;
	if (gw_table_init(&t, 65536, 86400, 12345) != 0)
		exit(1);
	t.max_per_client = 1024;
	for (i = 0; i < held; i++) {
		uint8_t c[4] = { 10, 1, (uint8_t)(i / 500 / 256),
		    (uint8_t)(i / 500) };

		request(q, 2, (uint16_t)(2000 + i % 500), 3600);
		if (gw_respond(&t, &cfg, 1, c, q, 12, 0, out, sizeof(out),
		    &ev) != 16 || ev.result != 0)
			exit(1);
	}
	t0 = now_s();
	for (i = 0; i < n; i++) {
		uint16_t port = (uint16_t)(1024 + i % 512);

		request(q, 1, port, i % 8 == 7 ? 0 : 60);
		if (gw_respond(&t, &cfg, 1, me, q, 12, (uint64_t)i / 1000, out,
		    sizeof(out), &ev) != 16)
			exit(1);
	}
	t0 = now_s() - t0;
	if (t.n < (size_t)held)
		exit(1);
	gw_table_free(&t);
	return (double)n / t0;
}

int
main(int argc, char **argv)
{
	long held = argc > 1 ? atol(argv[1]) : 60000;
	long n = argc > 2 ? atol(argv[2]) : 2000000;
	double empty, full;

	if (held < 0 || held > 64000 || n < 1)
		return 2;
	empty = rate(0, n);
	full = rate(held, n);
	printf("table empty %.0f requests/s, %ld held %.0f requests/s, "
	    "ratio %.2f\n", empty, held, full, empty / full);
	return 0;
}
