/*
 * seq_map.c - N sequential mappings through libpmp's blocking API, against
 * the same N request/answer round trips done with a bare UDP socket (the
 * floor: one round trip per request, same sizes, same gateway).  Prints
 * figures and the ratio; several runs, medians.
 *   seq_map GATEWAY_ADDR [N] [RUNS]
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pmp.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* N maps (UDP, distinct private ports) with the blocking API. */
static double
run_libpmp(const char *gw, int n)
{
	pmp_client_t *c;
	pmp_result_t r;
	uint8_t a[16];
	uint16_t port;
	double t0;
	int i;

	if (pmp_client_new(&c) != PMP_OK ||
	    pmp_parse_gateway(gw, a, &port) != PMP_OK ||
	    pmp_client_set_gateway(c, a, port) != PMP_OK)
		exit(1);
	t0 = now_s();
	for (i = 0; i < n; i++) {
		if (pmp_map(c, PMP_PROTO_UDP, (uint16_t)(10000 + i), 0, 600,
		    &r) != PMP_OK) {
			fprintf(stderr, "map %d: %s\n", i,
			    pmp_strerror(r.status));
			exit(1);
		}
	}
	t0 = now_s() - t0;
	pmp_client_free(c);
	return t0;
}

/* The same requests as raw datagrams on a connected socket, each waiting
 * for its 16-byte answer: no validation, no queue, no retransmission. */
static double
run_floor(const char *gw, int n)
{
	struct sockaddr_in sin;
	uint8_t q[12], b[64];
	double t0;
	int fd, i;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(5351);
	inet_pton(AF_INET, gw, &sin.sin_addr);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		exit(1);
	t0 = now_s();
	for (i = 0; i < n; i++) {
		uint16_t p = (uint16_t)(20000 + i);

		memset(q, 0, sizeof(q));
		q[1] = 1;
		q[4] = q[6] = (uint8_t)(p >> 8);
		q[5] = q[7] = (uint8_t)p;
		q[10] = 600 >> 8;
		q[11] = 600 & 0xff;
		if (send(fd, q, sizeof(q), 0) != sizeof(q) ||
		    recv(fd, b, sizeof(b), 0) != 16)
			exit(1);
	}
	t0 = now_s() - t0;
	close(fd);
	return t0;
}

int
main(int argc, char **argv)
{
	const char *gw = argc > 1 ? argv[1] : "127.77.88.1";
	int n = argc > 2 ? atoi(argv[2]) : 1000;
	int runs = argc > 3 ? atoi(argv[3]) : 5;
	double lib[32], flo[32], ml, mf;
	int i;

	if (n < 1 || runs < 1 || runs > 32)
		return 2;
	for (i = 0; i < runs; i++) {
		/* alternate so that machine noise hits both alike */
		lib[i] = run_libpmp(gw, n);
		flo[i] = run_floor(gw, n);
	}
	ml = median(lib, runs);
	mf = median(flo, runs);
	printf("sequential UDP mappings, %d per run, %d runs, medians\n", n,
	    runs);
	printf("  %-28s %9.1f ms %10.0f req/s %8.1f us/req\n",
	    "libpmp pmp_map()", ml * 1e3, n / ml, ml * 1e6 / n);
	printf("  %-28s %9.1f ms %10.0f req/s %8.1f us/req\n",
	    "raw UDP round trip (floor)", mf * 1e3, n / mf, mf * 1e6 / n);
	printf("  ratio libpmp / floor: %.2f\n", ml / mf);
	return 0;
}
