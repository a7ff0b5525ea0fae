/*
 * run.c - the event loop of `pmp keep` and `pmp watch`, on the library's
 * event-loop interface: poll the client's descriptors (pmp_client_poll_fds)
 * and a signal pipe until the library's next deadline, hand what is ready
 * to pmp_client_process_fds(); nothing wakes the process while nothing is
 * due.  Events are printed, given to --on-change and the port file.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hook.h"
#include "os.h"

#include "run.h"

#define STOP_WAIT_MS 3500	/* the library tries deletes for 3 s */
#define MAX_CLIENT_FDS 8	/* the client's descriptors watched at once */

void
run_start(struct keeper *kp)
{
	os_signals();
	kp->timer_fd = os_timer_open();
}

static struct kept *
find(struct keeper *kp, unsigned id)
{
	int i;

	for (i = 0; i < kp->n; i++)
		if (kp->k[i].id == id)
			return &kp->k[i];
	return NULL;
}

/* One line per kept mapping, in command-line order: its public port now,
 * 0 while it has none (portfile.c replaces the file safely). */
void
run_write_port_file(struct keeper *kp)
{
	uint16_t ports[MAX_KEPT];
	int i;

	if (kp->o->port_file == NULL)
		return;
	for (i = 0; i < kp->n; i++)
		ports[i] = kp->k[i].public_port;
	if (port_file_write(kp->o->port_file, ports, kp->n,
	    kp->file_mode) != 0) {
		if (!kp->failed_write)
			fprintf(stderr, "%s: %s: %s\n", PROGNAME,
			    kp->o->port_file, os_strerror(errno));
		kp->failed_write = 1;
		return;
	}
	kp->failed_write = 0;
}

/* --on-change: queued; hook.c runs them one at a time, in order. */
static void
queue_hook(struct keeper *kp, const pmp_event_t *ev)
{
	char gw[64] = "?";
	uint8_t g[16];
	uint16_t port;

	if (kp->o->on_change == NULL)
		return;
	if (pmp_client_gateway(kp->c, g, &port) == PMP_OK)
		v4_text(g, gw, sizeof(gw));
	hook_push(&kp->hook, ev, gw);
	hook_run(&kp->hook, os_now_ms());
}

static void
print_event(const struct keeper *kp, const pmp_event_t *ev)
{
	char addr[64] = "?", prev[64] = "?";
	const char *proto = ev->protocol ? proto_name(ev->protocol) : "";
	/* IPv6 (PCP or UPnP-IGD pinholes: the host's own) in brackets */
	int v6 = address_known(ev->public_address) &&
	    ev->public_address[10] != 0xff;

	if (address_known(ev->public_address))
		v4_text(ev->public_address, addr, sizeof(addr));
	if (address_known(ev->previous_address))
		v4_text(ev->previous_address, prev, sizeof(prev));
	if (kp->o->json) {
		int first = 1;

		putchar('{');
		json_string("event", event_name(ev->type), &first);
		if (ev->method != PMP_METHOD_NONE)
			json_method(ev->method, &first);
		if (ev->protocol) {
			json_string("transport", proto, &first);
			json_number("private_port", ev->private_port, &first);
			json_number("public_port", ev->public_port, &first);
			json_number("lifetime", ev->lifetime, &first);
		}
		if (address_known(ev->public_address))
			json_string("public_address", addr, &first);
		if (ev->type == PMP_EV_ADDRESS_CHANGED)
			json_string("previous_address", prev, &first);
		if (ev->previous_public_port != 0)
			json_number("previous_public_port",
			    ev->previous_public_port, &first);
		if (ev->type == PMP_EV_RETRYING || ev->type == PMP_EV_LOST ||
		    ev->status != PMP_OK) {
			json_string("error", pmp_strerror(ev->status), &first);
			if (ev->status == PMP_EGATEWAY)
				json_number("result_code", ev->result_code,
				    &first);
		}
		if (ev->type == PMP_EV_RETRYING)
			json_number("retry_ms", ev->retry_ms, &first);
		json_number("epoch", ev->epoch, &first);
		printf("}\n");
		fflush(stdout);
		return;
	}
	switch (ev->type) {
	case PMP_EV_MAPPED:
	case PMP_EV_RENEWED:
	case PMP_EV_RESTORED:
	case PMP_EV_PORT_CHANGED:
		printf("%s %s %s%s%s:%u -> private port %u, lifetime %lu s",
		    event_name(ev->type), proto, v6 ? "[" : "", addr,
		    v6 ? "]" : "",
		    (unsigned)ev->public_port, (unsigned)ev->private_port,
		    (unsigned long)ev->lifetime);
		if (ev->previous_public_port != 0 &&
		    ev->previous_public_port != ev->public_port)
			printf(" (was port %u)",
			    (unsigned)ev->previous_public_port);
		putchar('\n');
		break;
	case PMP_EV_ADDRESS_CHANGED:
		printf("address-changed %s (was %s)\n", addr, prev);
		break;
	case PMP_EV_GATEWAY_RESTARTED:
		printf("gateway-restarted (epoch %lu): re-creating the "
		    "mappings\n", (unsigned long)ev->epoch);
		break;
	case PMP_EV_ANNOUNCEMENT:
		/* PCP's ANNOUNCE names no address (RFC 6887 §14.1.3) */
		if (ev->public_address[10] == 0xff ||
		    ev->public_address[0] != 0)
			printf("announcement public address %s, epoch %lu\n",
			    addr, (unsigned long)ev->epoch);
		else
			printf("announcement epoch %lu\n",
			    (unsigned long)ev->epoch);
		break;
	case PMP_EV_LOST:
	case PMP_EV_RETRYING:
		if (ev->type == PMP_EV_LOST)
			printf("lost %s private port %u: %s", proto,
			    (unsigned)ev->private_port,
			    pmp_strerror(ev->status));
		else
			printf("retrying %s private port %u in %.1f s: %s",
			    proto, (unsigned)ev->private_port,
			    ev->retry_ms / 1000.0, pmp_strerror(ev->status));
		if (ev->status == PMP_EGATEWAY)
			printf(": result code %u, %s", ev->result_code,
			    pmp_result_code_text(ev->method,
			    ev->result_code));
		putchar('\n');
		break;
	case PMP_EV_DELETED:
		if (ev->status == PMP_ENODELETE) {
			printf("not deleted %s private port %u (public port "
			    "%u): left to expire in %lu s, since a delete of "
			    "private port 0 would delete every mapping of this "
			    "host\n", proto, (unsigned)ev->private_port,
			    (unsigned)ev->public_port,
			    (unsigned long)ev->lifetime);
			break;
		}
		printf("deleted %s private port %u%s%s\n", proto,
		    (unsigned)ev->private_port, ev->status == PMP_OK ? "" :
		    ": ", ev->status == PMP_OK ? "" : pmp_strerror(ev->status));
		break;
	}
	fflush(stdout);
}

void
run_on_event(void *arg, const pmp_event_t *ev)
{
	struct keeper *kp = arg;
	struct kept *k = find(kp, ev->keep_id);
	int changed = 0;

	if (ev->type == PMP_EV_ANNOUNCEMENT && kp->n > 0 && !kp->o->verbose)
		return;		/* keep shows what they cause, watch them */
	print_event(kp, ev);
	if (k != NULL) {
		uint16_t port = 0;

		if (ev->type == PMP_EV_MAPPED || ev->type == PMP_EV_RENEWED ||
		    ev->type == PMP_EV_RESTORED ||
		    ev->type == PMP_EV_PORT_CHANGED)
			port = ev->public_port;
		else if (ev->type == PMP_EV_RETRYING)
			port = k->public_port;	/* still valid until lost */
		changed = port != k->public_port;
		k->public_port = port;
	}
	if (changed || ev->type == PMP_EV_ADDRESS_CHANGED)
		run_write_port_file(kp);
	switch (ev->type) {
	case PMP_EV_MAPPED:
	case PMP_EV_PORT_CHANGED:
	case PMP_EV_ADDRESS_CHANGED:
	case PMP_EV_RESTORED:
	case PMP_EV_LOST:
		queue_hook(kp, ev);
		break;
	default:
		break;
	}
}

/* The smaller of two poll() timeouts, -1 meaning none. */
static int
min_timeout(int a, int b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

/* A signal arrived: returns 1 if the loop must end now. */
static int
on_signal_byte(struct keeper *kp, int sig, uint64_t *stop_deadline)
{
	int i;

	if (sig == OS_CHILD) {
		hook_run(&kp->hook, os_now_ms());
		return 0;
	}
	if (kp->stopping)
		return 1;	/* asked twice */
	/* Delete what we hold (§3.4), but do not hang on a gateway that
	 * is gone. */
	kp->stopping = 1;
	*stop_deadline = os_now_ms() + STOP_WAIT_MS;
	for (i = 0; i < kp->n; i++)
		(void)pmp_keep_stop(kp->c, kp->k[i].id);
	return 0;
}

/* The loop: returns when stop is asked and done, or on a fatal error. */
int
run_loop(struct keeper *kp)
{
	uint64_t stop_deadline = 0;

	for (;;) {
		struct pollfd pfd[2 + MAX_CLIENT_FDS];
		pmp_fd_t fds[MAX_CLIENT_FDS], ready[MAX_CLIENT_FDS];
		int n, i, t, np = 0, first_client, nready = 0;

		if (kp->stopping && (pmp_keep_count(kp->c) == 0 ||
		    os_now_ms() >= stop_deadline))
			return EXIT_OK;
		pfd[np].fd = os_signal_fd();
		pfd[np++].events = POLLIN;
		if (kp->timer_fd >= 0) {
			pfd[np].fd = kp->timer_fd;
			pfd[np++].events = POLLIN;
		}
		/* The set is asked for again each turn, so a descriptor the
		 * library adds (an announcement listener) is watched at once;
		 * a longer-lived loop would compare the generation. */
		first_client = np;
		n = pmp_client_poll_fds(kp->c, fds, MAX_CLIENT_FDS, NULL);
		for (i = 0; i < n && i < MAX_CLIENT_FDS; i++) {
			pfd[np].fd = fds[i].fd;
			pfd[np++].events = (short)(
			    ((fds[i].events & PMP_FD_READ) ? POLLIN : 0) |
			    ((fds[i].events & PMP_FD_WRITE) ? POLLOUT : 0));
		}
		for (i = 0; i < np; i++)
			pfd[i].revents = 0;
		/* poll() counts its timeout on the monotonic clock, which
		 * stops while the host is suspended; the library's deadlines
		 * are on the boot clock.  A timer on the boot clock (os.h),
		 * armed at the next deadline, fires on resume if it passed in
		 * the sleep: poll() then need not time it too. */
		t = pmp_client_timeout_ms(kp->c);
		if (os_timer_arm(kp->timer_fd, t) == 0)
			t = -1;		/* the timer wakes us */
		t = min_timeout(t, hook_timeout_ms(&kp->hook, os_now_ms()));
		if (kp->stopping) {
			uint64_t now = os_now_ms();

			t = min_timeout(t, stop_deadline > now ?
			    (int)(stop_deadline - now) : 0);
		}
		if (os_poll(pfd, (unsigned)np, t) < 0 && errno != EINTR) {
			fprintf(stderr, "%s: poll: %s\n", PROGNAME,
			    strerror(errno));
			return EXIT_LOCAL;
		}
		if (pfd[0].revents & POLLIN) {
			int sig;

			while ((sig = os_signal_next()) != 0)
				if (on_signal_byte(kp, sig, &stop_deadline))
					return EXIT_OK;
		}
		if (kp->timer_fd >= 0 && (pfd[1].revents & POLLIN))
			os_timer_drain(kp->timer_fd);
		for (i = first_client; i < np; i++) {
			short r = pfd[i].revents;

			if (r == 0)
				continue;
			/* POLLERR carries an ICMP error: the library reads
			 * it as it reads a datagram. */
			ready[nready].fd = fds[i - first_client].fd;
			ready[nready].events =
			    ((r & (POLLIN | POLLERR | POLLHUP)) ? PMP_FD_READ :
			    0u) | ((r & POLLOUT) ? PMP_FD_WRITE : 0u) |
			    ((r & (POLLERR | POLLHUP)) ? PMP_FD_ERROR : 0u);
			nready++;
		}
		if (pmp_client_process_fds(kp->c, ready, nready) == PMP_ESYS)
			fprintf(stderr, "%s: %s\n", PROGNAME,
			    strerror(pmp_client_errno(kp->c)));
		hook_run(&kp->hook, os_now_ms());
	}
}

/* The end of keep or watch: what is left undone is said. */
int
run_finish(struct keeper *kp, int rc)
{
	if (hook_waiting(&kp->hook) > 0)
		fprintf(stderr, "%s: --on-change: %u run%s not started at "
		    "exit\n", PROGNAME, hook_waiting(&kp->hook),
		    hook_waiting(&kp->hook) == 1 ? "" : "s");
	pmp_client_free(kp->c);
	os_timer_close(kp->timer_fd);
	return rc;
}
