/*
 * natpmp_bench.c - the same work through miniupnp's libnatpmp (Debian
 * libnatpmp-dev), for bench/run.sh to compare with pmp_bench.
 *   natpmp_bench seq GW N     N sequential UDP maps (its select loop)
 *   natpmp_bench fail GW      one address request: time to the error
 *   natpmp_bench gw N         N getdefaultgateway() lookups
 * The loop is the one libnatpmp's documentation and natpmpc use.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sys/select.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ENABLE_STRNATPMPERR 1	/* declares strnatpmperr() */
#include <natpmp.h>

/* exported by libnatpmp, declared in a header Debian does not install */
int getdefaultgateway(in_addr_t *addr);

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wait for the answer to the pending request, as natpmpc does. */
static int
wait_answer(natpmp_t *n, natpmpresp_t *resp)
{
	int r;

	do {
		fd_set fds;
		struct timeval tv;

		FD_ZERO(&fds);
		FD_SET(n->s, &fds);
		getnatpmprequesttimeout(n, &tv);
		if (tv.tv_sec < 0 || tv.tv_usec < 0)	/* libnatpmp #45 */
			tv.tv_sec = tv.tv_usec = 0;
		select(FD_SETSIZE, &fds, NULL, NULL, &tv);
		r = readnatpmpresponseorretry(n, resp);
	} while (r == NATPMP_TRYAGAIN);
	return r;
}

static int
open_gw(natpmp_t *n, const char *gw)
{
	struct in_addr a;

	if (inet_pton(AF_INET, gw, &a) != 1 || initnatpmp(n, 1, a.s_addr) < 0) {
		fprintf(stderr, "initnatpmp %s failed\n", gw);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	natpmp_t n;
	natpmpresp_t resp;
	double t0;
	int i, r;

	if (strcmp(mode, "seq") == 0 && argc == 4) {
		int count = atoi(argv[3]);

		if (open_gw(&n, argv[2]) != 0)
			return 1;
		t0 = now_s();
		for (i = 0; i < count; i++) {
			sendnewportmappingrequest(&n, NATPMP_PROTOCOL_UDP,
			    (uint16_t)(10000 + i % 50000),
			    (uint16_t)(10000 + i % 50000), 600);
			r = wait_answer(&n, &resp);
			if (r < 0) {
				fprintf(stderr, "map: %s\n", strnatpmperr(r));
				return 1;
			}
		}
		printf("seq %.1f us/request\n", (now_s() - t0) * 1e6 / count);
		closenatpmp(&n);
		return 0;
	}
	if (strcmp(mode, "fail") == 0 && argc == 3) {
		if (open_gw(&n, argv[2]) != 0)
			return 1;
		t0 = now_s();
		sendpublicaddressrequest(&n);
		r = wait_answer(&n, &resp);
		printf("fail %.2f ms (%s)\n", (now_s() - t0) * 1e3,
		    strnatpmperr(r));
		closenatpmp(&n);
		return 0;
	}
	if (strcmp(mode, "gw") == 0 && argc == 3) {
		int count = atoi(argv[2]);
		in_addr_t a;

		t0 = now_s();
		for (i = 0; i < count; i++)
			if (getdefaultgateway(&a) != 0)
				return 1;
		printf("gw %.1f us/lookup\n", (now_s() - t0) * 1e6 / count);
		return 0;
	}
	fprintf(stderr, "usage: see natpmp_bench.c\n");
	return 2;
}
