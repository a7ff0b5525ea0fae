/*
 * pmp_bench.c - libpmp's side of the benchmarks (bench/run.sh drives it).
 *   pmp_bench seq GW N        N sequential UDP maps, blocking API
 *   pmp_bench pcpseq GW N BASE   the same over PCP, ports from BASE
 *   pmp_bench pcpbatch GW N BASE N PCP maps submitted at once (several
 *                             on the wire: PCP matches by nonce)
 *   pmp_bench floor GW N [tcp BASE]  N raw request/answer round trips (no
 *                             library), UDP ports from 10000 or TCP from BASE
 *   pmp_bench batch GW N      N maps submitted at once, non-blocking API
 *   pmp_bench fail GW         one address request: time to the error
 *   pmp_bench gw N            N gateway lookups (rtnetlink)
 *   pmp_bench popen N         N `ip -4 route show default` through popen
 *   pmp_bench keep GW N       keep N mappings; after a gateway restart,
 *                             report how long re-creating them took
 * Each prints one line: a label, a number and its unit.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <poll.h>
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

/* A client of gw, for methods (0: NAT-PMP, which the rows against
 * libnatpmp compare; the library's default is PCP first). */
static pmp_client_t *
client(const char *gw, unsigned methods)
{
	pmp_client_t *c;
	uint8_t a[16];
	uint16_t port;

	if (methods == 0)
		methods = PMP_METHOD_BIT(PMP_METHOD_NATPMP);
	if (pmp_client_new(&c) != PMP_OK ||
	    pmp_parse_gateway(gw, a, &port) != PMP_OK ||
	    pmp_client_set_gateway(c, a, port) != PMP_OK ||
	    (methods != 0 && pmp_client_set_methods(c, methods) != PMP_OK)) {
		fprintf(stderr, "bad gateway %s\n", gw);
		exit(2);
	}
	return c;
}

/* One turn of an event loop on the event-loop interface. */
static void
pump(pmp_client_t *c)
{
	struct pollfd p[4];
	pmp_fd_t fds[4], ready[4];
	int n, i, nready = 0;

	n = pmp_client_poll_fds(c, fds, 4, NULL);
	for (i = 0; i < n && i < 4; i++) {
		p[i].fd = fds[i].fd;
		p[i].events = POLLIN;
		p[i].revents = 0;
	}
	if (poll(p, (nfds_t)i, pmp_client_timeout_ms(c)) > 0) {
		for (n = i, i = 0; i < n; i++) {
			if (p[i].revents == 0)
				continue;
			ready[nready].fd = p[i].fd;
			ready[nready++].events = PMP_FD_READ;
		}
	}
	pmp_client_process_fds(c, ready, nready);
}

static int
seq(const char *gw, int n, unsigned methods, int base)
{
	pmp_client_t *c = client(gw, methods);
	pmp_result_t r;
	double t0;
	int i;

	/* the address is learned once, outside the timing */
	pmp_get_public_address(c, &r);
	t0 = now_s();
	for (i = 0; i < n; i++)
		if (pmp_map(c, PMP_PROTO_UDP, (uint16_t)(base + i % 50000), 0,
		    600, &r) != PMP_OK) {
			fprintf(stderr, "map: %s\n", pmp_strerror(r.status));
			return 1;
		}
	printf("seq %.1f us/request\n", (now_s() - t0) * 1e6 / n);
	pmp_client_free(c);
	return 0;
}

static int
floor_rtt(const char *gw, int n, int tcp, int base)
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
		return 1;
	t0 = now_s();
	for (i = 0; i < n; i++) {
		uint16_t p = (uint16_t)(base + i % 50000);

		memset(q, 0, sizeof(q));
		q[1] = tcp ? 2 : 1;
		q[4] = q[6] = (uint8_t)(p >> 8);
		q[5] = q[7] = (uint8_t)p;
		q[10] = 600 >> 8;
		q[11] = 600 & 0xff;
		if (send(fd, q, sizeof(q), 0) != sizeof(q) ||
		    recv(fd, b, sizeof(b), 0) != 16)
			return 1;
	}
	printf("floor %.1f us/request\n", (now_s() - t0) * 1e6 / n);
	close(fd);
	return 0;
}

static int done_count, failed_count;

static void
on_done(void *arg, const pmp_result_t *res)
{
	(void)arg;
	done_count++;
	if (res->status != PMP_OK)
		failed_count++;
}

static int
batch(const char *gw, int n, unsigned methods, int base)
{
	pmp_client_t *c = client(gw, methods);
	pmp_result_t r;
	double t0;
	int i;

	pmp_get_public_address(c, &r);
	t0 = now_s();
	for (i = 0; i < n; i++)
		if (pmp_request_map(c, PMP_PROTO_TCP, (uint16_t)(base + i), 0,
		    600, on_done, NULL) < 0)
			return 1;
	while (done_count < n)
		pump(c);
	printf("batch %.1f ms for %d (%d failed)\n", (now_s() - t0) * 1e3, n,
	    failed_count);
	pmp_client_free(c);
	return failed_count != 0;
}

static int
fail(const char *gw)
{
	pmp_client_t *c = client(gw, 0);
	pmp_result_t r;
	double t0 = now_s();

	pmp_get_public_address(c, &r);
	printf("fail %.2f ms (%s)\n", (now_s() - t0) * 1e3,
	    pmp_strerror(r.status));
	pmp_client_free(c);
	return 0;
}

static int
gwlookup(int n)
{
	pmp_gateway_info_t gi;
	double t0 = now_s();
	int i;

	for (i = 0; i < n; i++)
		if (pmp_discover_gateway(&gi) != PMP_OK)
			return 1;
	printf("gw %.1f us/lookup\n", (now_s() - t0) * 1e6 / n);
	return 0;
}

static int
popen_route(int n)
{
	double t0 = now_s();
	char line[256];
	int i, found = 0;

	for (i = 0; i < n; i++) {
		FILE *f = popen("ip -4 route show default", "r");

		if (f == NULL)
			return 1;
		while (fgets(line, sizeof(line), f) != NULL)
			found += strncmp(line, "default via ", 12) == 0;
		pclose(f);
	}
	printf("popen %.1f us/lookup (%d found)\n", (now_s() - t0) * 1e6 / n,
	    found);
	return found == n ? 0 : 1;
}

static int mapped, restored, restarted;
static double t_restarted, t_first_restored, t_last_restored;

static void
on_event(void *arg, const pmp_event_t *ev)
{
	(void)arg;
	switch (ev->type) {
	case PMP_EV_MAPPED:
		mapped++;
		break;
	case PMP_EV_GATEWAY_RESTARTED:
		if (!restarted++)
			t_restarted = now_s();
		break;
	case PMP_EV_RESTORED:
		if (!restored++)
			t_first_restored = now_s();
		t_last_restored = now_s();
		break;
	default:
		break;
	}
}

static int
keep(const char *gw, int n)
{
	pmp_client_t *c = client(gw, 0);
	double t_end;
	int i;

	pmp_client_set_event_callback(c, on_event, NULL);
	for (i = 0; i < n; i++)
		if (pmp_keep(c, PMP_PROTO_UDP, (uint16_t)(30000 + i), 0,
		    3600) < 0)
			return 1;
	while (mapped < n)
		pump(c);
	printf("ready\n");
	fflush(stdout);
	t_end = now_s() + 60;
	while (restored < n && now_s() < t_end)
		pump(c);
	if (restored < n)
		return 1;
	printf("keep detect->first %.1f ms, first->last %.1f ms for %d\n",
	    (t_first_restored - t_restarted) * 1e3,
	    (t_last_restored - t_first_restored) * 1e3, n);
	pmp_client_free(c);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	const unsigned pcp = PMP_METHOD_BIT(PMP_METHOD_PCP);

	if (strcmp(mode, "seq") == 0 && argc == 4)
		return seq(argv[2], atoi(argv[3]), 0, 10000);
	if (strcmp(mode, "pcpseq") == 0 && argc == 5)
		return seq(argv[2], atoi(argv[3]), pcp, atoi(argv[4]));
	if (strcmp(mode, "pcpbatch") == 0 && argc == 5)
		return batch(argv[2], atoi(argv[3]), pcp, atoi(argv[4]));
	if (strcmp(mode, "floor") == 0 && argc == 4)
		return floor_rtt(argv[2], atoi(argv[3]), 0, 10000);
	if (strcmp(mode, "floor") == 0 && argc == 6 &&
	    strcmp(argv[4], "tcp") == 0)
		return floor_rtt(argv[2], atoi(argv[3]), 1, atoi(argv[5]));
	if (strcmp(mode, "batch") == 0 && argc == 4)
		return batch(argv[2], atoi(argv[3]), 0, 20000);
	if (strcmp(mode, "fail") == 0 && argc == 3)
		return fail(argv[2]);
	if (strcmp(mode, "gw") == 0 && argc == 3)
		return gwlookup(atoi(argv[2]));
	if (strcmp(mode, "popen") == 0 && argc == 3)
		return popen_route(atoi(argv[2]));
	if (strcmp(mode, "keep") == 0 && argc == 4)
		return keep(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: see the comment at the top of pmp_bench.c\n");
	return 2;
}
