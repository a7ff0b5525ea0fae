/*
 * gw_rate.c - how many requests per second pmp-gateway answers: K clients
 * (threads, each its own socket and source port) each send a mapping
 * request, wait for its answer, and repeat, for a fixed time.
 *   gw_rate GATEWAY_ADDR CLIENTS SECONDS
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

static void *
work(void *arg)
{
	struct worker *w = arg;
	uint8_t q[12], b[64];
	double end;
	unsigned i = 0;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&w->gw,
	    sizeof(w->gw)) != 0)
		return NULL;
	end = now_s() + w->seconds;
	while (now_s() < end) {
		struct pollfd p = { fd, POLLIN, 0 };
		uint16_t port = (uint16_t)(1024 + (w->index * 4096 + i++ % 4096));

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
	unsigned long total = 0, lost = 0;

	if (argc < 2 || k < 1 || k > 64 || secs <= 0)
		return 2;
	t0 = now_s();
	for (i = 0; i < k; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].gw.sin_family = AF_INET;
		w[i].gw.sin_port = htons(5351);
		inet_pton(AF_INET, argv[1], &w[i].gw.sin_addr);
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
	    "%lu unanswered)\n", k, k == 1 ? " " : "s", (double)total / t0, total, t0,
	    lost);
	return 0;
}
