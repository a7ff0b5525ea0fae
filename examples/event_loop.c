/*
 * event_loop.c - keep a port mapped from a program's own poll() loop, with
 * libpmp's event-loop interface only: pmp_client_poll_fds() for what to
 * watch, pmp_client_timeout_ms() for how long, pmp_client_process_fds()
 * with what is ready.  The descriptor set grows when pmp_keep() opens the
 * announcement listeners; the fd callback and the generation number both
 * say so, and this loop rebuilds its pollfd array only then.
 *
 *   event_loop GATEWAY[:PORT] PRIVATE_PORT [SECONDS]
 *
 * Keeps UDP PRIVATE_PORT mapped (lifetime 120 s), prints every event and
 * every change of the descriptor set, and stops after SECONDS (default 30)
 * or on the first restart the gateway announces, deleting the mapping.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pmp.h>

#define MAX_FDS 16

struct app {
	int restarted;		/* a restart was announced: stop */
	int announcements;
};

static const char *
event_text(pmp_event_type_t t)
{
	switch (t) {
	case PMP_EV_MAPPED: return "mapped";
	case PMP_EV_RENEWED: return "renewed";
	case PMP_EV_PORT_CHANGED: return "port-changed";
	case PMP_EV_ADDRESS_CHANGED: return "address-changed";
	case PMP_EV_GATEWAY_RESTARTED: return "gateway-restarted";
	case PMP_EV_LOST: return "lost";
	case PMP_EV_RESTORED: return "restored";
	case PMP_EV_RETRYING: return "retrying";
	case PMP_EV_DELETED: return "deleted";
	case PMP_EV_ANNOUNCEMENT: return "announcement";
	}
	return "?";
}

static void
on_event(void *arg, const pmp_event_t *ev)
{
	struct app *app = arg;
	char addr[INET_ADDRSTRLEN] = "?";

	if (ev->public_address[10] == 0xff)
		inet_ntop(AF_INET, ev->public_address + 12, addr, sizeof(addr));
	printf("event %s via %s: public %s:%u, status %s\n",
	    event_text(ev->type), pmp_method_name(ev->method), addr,
	    (unsigned)ev->public_port, pmp_strerror(ev->status));
	if (ev->type == PMP_EV_ANNOUNCEMENT)
		app->announcements++;
	if (ev->type == PMP_EV_GATEWAY_RESTARTED)
		app->restarted = 1;
	fflush(stdout);
}

static void
on_fd(void *arg, int fd, unsigned events)
{
	(void)arg;
	printf("fd %d %s%s%s\n", fd, events == 0 ? "removed" : "watch",
	    (events & PMP_FD_READ) ? " read" : "",
	    (events & PMP_FD_WRITE) ? " write" : "");
	fflush(stdout);
}

/* The pollfd array for the client's current descriptor set. */
static int
build(pmp_client_t *c, struct pollfd *pfd, unsigned *generation)
{
	pmp_fd_t fds[MAX_FDS];
	int n = pmp_client_poll_fds(c, fds, MAX_FDS, generation), i;

	if (n > MAX_FDS) {
		fprintf(stderr, "event_loop: %d descriptors, room for %d\n",
		    n, MAX_FDS);
		exit(1);
	}
	for (i = 0; i < n; i++) {
		pfd[i].fd = fds[i].fd;
		pfd[i].events = (short)(((fds[i].events & PMP_FD_READ) ?
		    POLLIN : 0) | ((fds[i].events & PMP_FD_WRITE) ? POLLOUT :
		    0));
	}
	printf("descriptor set: %d, generation %u\n", n, *generation);
	fflush(stdout);
	return n;
}

static long
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec;
}

int
main(int argc, char **argv)
{
	struct app app = { 0, 0 };
	struct pollfd pfd[MAX_FDS];
	pmp_fd_t ready[MAX_FDS];
	pmp_client_t *c;
	uint8_t gw[16];
	uint16_t gw_port;
	unsigned generation = 0, now_gen;
	long stop_at;
	int n, keep_id, rc, i;

	if (argc < 3 || argc > 4 ||
	    pmp_parse_gateway(argv[1], gw, &gw_port) != PMP_OK) {
		fprintf(stderr, "usage: event_loop GATEWAY[:PORT] PRIVATE_PORT "
		    "[SECONDS]\n");
		return 2;
	}
	stop_at = now_s() + (argc == 4 ? atol(argv[3]) : 30);
	if (pmp_client_new(&c) != PMP_OK ||
	    pmp_client_set_gateway(c, gw, gw_port) != PMP_OK)
		return 1;
	pmp_client_set_event_callback(c, on_event, &app);
	pmp_client_set_fd_callback(c, on_fd, NULL);
	keep_id = pmp_keep(c, PMP_PROTO_UDP, (uint16_t)atoi(argv[2]), 0, 120);
	if (keep_id < 0) {
		fprintf(stderr, "event_loop: keep: %s\n", pmp_strerror(keep_id));
		pmp_client_free(c);
		return 1;
	}
	n = build(c, pfd, &generation);
	while (!app.restarted && now_s() < stop_at) {
		int nready = 0;

		for (i = 0; i < n; i++)
			pfd[i].revents = 0;
		if (poll(pfd, (nfds_t)n, pmp_client_timeout_ms(c)) < 0)
			break;
		for (i = 0; i < n; i++) {
			if (pfd[i].revents == 0)
				continue;
			ready[nready].fd = pfd[i].fd;
			ready[nready].events = ((pfd[i].revents &
			    (POLLIN | POLLERR | POLLHUP)) ? PMP_FD_READ : 0u) |
			    ((pfd[i].revents & POLLOUT) ? PMP_FD_WRITE : 0u) |
			    ((pfd[i].revents & (POLLERR | POLLHUP)) ?
			    PMP_FD_ERROR : 0u);
			nready++;
		}
		rc = pmp_client_process_fds(c, ready, nready);
		if (rc != PMP_OK)
			fprintf(stderr, "event_loop: %s\n", pmp_strerror(rc));
		/* Rebuild only when the set changed. */
		if (pmp_client_poll_fds(c, NULL, 0, &now_gen) >= 0 &&
		    now_gen != generation)
			n = build(c, pfd, &generation);
	}
	/* Delete the mapping: run the loop until the DELETED event. */
	(void)pmp_keep_stop(c, (unsigned)keep_id);
	while (pmp_keep_count(c) > 0) {
		for (i = 0; i < n; i++)
			pfd[i].revents = 0;
		if (poll(pfd, (nfds_t)n, pmp_client_timeout_ms(c)) < 0)
			break;
		/* Simplest form: every descriptor as if readable. */
		for (i = 0; i < n; i++) {
			ready[i].fd = pfd[i].fd;
			ready[i].events = PMP_FD_READ;
		}
		(void)pmp_client_process_fds(c, ready, n);
	}
	printf("announcements %d\n", app.announcements);
	pmp_client_free(c);
	return 0;
}
