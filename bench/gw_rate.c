/*
 * gw_rate.c - how many requests per second pmp-gateway answers: K clients
 * (threads, each its own socket and loopback source address) each send a
 * mapping request (512 ports in turn: creations, then renewals), wait for
 * its answer, and repeat, for a fixed time.  With FILL, the gateway's table
 * is first filled with FILL mappings from other addresses (500 each,
 * lifetime 3600 s), so that the same work runs against a full table.
 *   gw_rate GATEWAY_ADDR CLIENTS SECONDS [FILL]
 * Loopback only: sources are 127.77.90.x (workers) and 127.77.91-92.x.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct worker {
	struct sockaddr_in gw;
	double seconds;
	int index;
	unsigned long answered;
	unsigned long lost;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A UDP socket from 127.77.net.host, connected to the gateway. */
static int
open_from(int host, int net, const struct sockaddr_in *gw)
{
	struct sockaddr_in me;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	memset(&me, 0, sizeof(me));
	me.sin_family = AF_INET;
	me.sin_addr.s_addr = htonl(0x7f4d0000u | (uint32_t)net << 8 |
	    (uint32_t)host);
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof(me)) != 0 ||
	    connect(fd, (const struct sockaddr *)gw, sizeof(*gw)) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* FILL mappings, 500 per source address, each waited for. */
static long
fill(const struct sockaddr_in *gw, long n)
{
	long done = 0;
	int a;

	for (a = 0; done < n && a < 500; a++) {
		int fd = open_from(1 + a % 250, 91 + a / 250, gw), j;

		if (fd < 0)
			return -1;
		for (j = 0; j < 500 && done < n; j++) {
			struct pollfd p = { fd, POLLIN, 0 };
			uint8_t q[12] = { 0, 2, 0, 0 }, b[64];
			uint16_t port = (uint16_t)(2000 + j);

			q[4] = q[6] = (uint8_t)(port >> 8);
			q[5] = q[7] = (uint8_t)port;
			q[10] = 0x0e;	/* 3600 s */
			q[11] = 0x10;
			if (send(fd, q, sizeof(q), 0) != sizeof(q) ||
			    poll(&p, 1, 1000) != 1 ||
			    recv(fd, b, sizeof(b), 0) != 16 || b[3] != 0) {
				j--;	/* lost or refused: again */
				continue;
			}
			done++;
		}
		close(fd);
	}
	return done;
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	uint8_t q[12], b[64];
	double end;
	unsigned i = 0;
	int fd = open_from(w->index + 1, 90, &w->gw);

	if (fd < 0)
		return NULL;
	end = now_s() + w->seconds;
	while (now_s() < end) {
		struct pollfd p = { fd, POLLIN, 0 };
		uint16_t port = (uint16_t)(1024 + i++ % 512);

		memset(q, 0, sizeof(q));
		q[1] = 1;
		q[4] = q[6] = (uint8_t)(port >> 8);
		q[5] = q[7] = (uint8_t)port;
		q[11] = 60;
		if (send(fd, q, sizeof(q), 0) != sizeof(q))
			break;
		if (poll(&p, 1, 250) == 1 && recv(fd, b, sizeof(b), 0) == 16)
			w->answered++;
		else
			w->lost++;
	}
	close(fd);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct worker w[64];
	pthread_t t[64];
	int k = argc > 2 ? atoi(argv[2]) : 1, i;
	double secs = argc > 3 ? atof(argv[3]) : 2.0, t0;
	long nfill = argc > 4 ? atol(argv[4]) : 0;
	unsigned long total = 0, lost = 0;
	struct sockaddr_in gw;

	if (argc < 2 || k < 1 || k > 64 || secs <= 0 || nfill < 0 ||
	    nfill > 250000)
		return 2;
	memset(&gw, 0, sizeof(gw));
	gw.sin_family = AF_INET;
	gw.sin_port = htons(5351);
	if (inet_pton(AF_INET, argv[1], &gw.sin_addr) != 1)
		return 2;
	if (nfill > 0 && fill(&gw, nfill) != nfill) {
		fprintf(stderr, "gw_rate: could not fill the table\n");
		return 1;
	}
	t0 = now_s();
	for (i = 0; i < k; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].gw = gw;
		w[i].seconds = secs;
		w[i].index = i;
		pthread_create(&t[i], NULL, work, &w[i]);
	}
	for (i = 0; i < k; i++) {
		pthread_join(t[i], NULL);
		total += w[i].answered;
		lost += w[i].lost;
	}
	t0 = now_s() - t0;
	printf("  %d client%s: %10.0f answered requests/s (%lu in %.1f s, "
	    "%lu unanswered; %ld mappings held before)\n", k,
	    k == 1 ? " " : "s", (double)total / t0, total, t0, lost, nfill);
	return 0;
}
