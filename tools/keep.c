/*
 * keep.c - `pmp keep` (keep mappings alive in the foreground) and
 * `pmp watch` (print the gateway's announcements).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Both are an event loop over the library's non-blocking API: poll the
 * client's sockets and a signal pipe until the library's next deadline;
 * nothing wakes the process while nothing is due.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define MAX_KEPT 64
#define STOP_WAIT_MS 3500	/* the library tries deletes for 3 s */

struct kept {
	unsigned id;
	int protocol;
	uint16_t private_port;
	uint16_t public_port;	/* now; 0 when not mapped */
};

struct keeper {
	const struct opts *o;
	pmp_client_t *c;
	struct kept k[MAX_KEPT];
	int n;
	int stopping;
	int failed_write;
};

static int sigpipe_fd[2] = { -1, -1 };

static void
on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;
	ssize_t r = write(sigpipe_fd[1], &b, 1);

	(void)r;
	errno = saved;
}

static void
setup_signals(void)
{
	struct sigaction sa;
	int i;

	if (pipe(sigpipe_fd) != 0) {
		fprintf(stderr, "%s: pipe: %s\n", progname, strerror(errno));
		exit(EXIT_LOCAL);
	}
	for (i = 0; i < 2; i++) {
		fcntl(sigpipe_fd[i], F_SETFL, O_NONBLOCK);
		fcntl(sigpipe_fd[i], F_SETFD, FD_CLOEXEC);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static const char *
event_name(pmp_event_type_t t)
{
	switch (t) {
	case PMP_EV_MAPPED:
		return "mapped";
	case PMP_EV_RENEWED:
		return "renewed";
	case PMP_EV_PORT_CHANGED:
		return "port-changed";
	case PMP_EV_ADDRESS_CHANGED:
		return "address-changed";
	case PMP_EV_GATEWAY_RESTARTED:
		return "gateway-restarted";
	case PMP_EV_LOST:
		return "lost";
	case PMP_EV_RESTORED:
		return "restored";
	case PMP_EV_RETRYING:
		return "retrying";
	case PMP_EV_DELETED:
		return "deleted";
	case PMP_EV_ANNOUNCEMENT:
		return "announcement";
	}
	return "?";
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
 * 0 while it has none.  Replaced atomically (write, then rename). */
static void
write_port_file(struct keeper *kp)
{
	char tmp[4096];
	FILE *f;
	int i;

	if (kp->o->port_file == NULL)
		return;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", kp->o->port_file,
	    (long)getpid()) >= sizeof(tmp))
		return;
	f = fopen(tmp, "w");
	if (f == NULL) {
		if (!kp->failed_write)
			fprintf(stderr, "%s: %s: %s\n", progname, tmp,
			    strerror(errno));
		kp->failed_write = 1;
		return;
	}
	for (i = 0; i < kp->n; i++)
		fprintf(f, "%u\n", (unsigned)kp->k[i].public_port);
	if (fclose(f) != 0 || rename(tmp, kp->o->port_file) != 0) {
		fprintf(stderr, "%s: %s: %s\n", progname, kp->o->port_file,
		    strerror(errno));
		unlink(tmp);
		return;
	}
	kp->failed_write = 0;
}

/* --on-change: run the command with the event in its environment, in the
 * background; SIGCHLD reaps it. */
static void
run_hook(struct keeper *kp, const pmp_event_t *ev)
{
	char addr[64], prev[64], gw[64], num[5][16];
	uint8_t g[16];
	uint16_t port;
	pid_t pid;

	if (kp->o->on_change == NULL)
		return;
	v4_text(ev->public_address, addr, sizeof(addr));
	v4_text(ev->previous_address, prev, sizeof(prev));
	snprintf(gw, sizeof(gw), "?");
	if (pmp_client_gateway(kp->c, g, &port) == PMP_OK)
		v4_text(g, gw, sizeof(gw));
	snprintf(num[0], sizeof(num[0]), "%u", (unsigned)ev->private_port);
	snprintf(num[1], sizeof(num[1]), "%u", (unsigned)ev->public_port);
	snprintf(num[2], sizeof(num[2]), "%u",
	    (unsigned)ev->previous_public_port);
	snprintf(num[3], sizeof(num[3]), "%lu", (unsigned long)ev->lifetime);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: --on-change: fork: %s\n", progname,
		    strerror(errno));
		return;
	}
	if (pid > 0)
		return;
	setenv("PMP_EVENT", event_name(ev->type), 1);
	setenv("PMP_PROTOCOL", ev->protocol ? proto_name(ev->protocol) : "",
	    1);
	setenv("PMP_PRIVATE_PORT", num[0], 1);
	setenv("PMP_PUBLIC_PORT", num[1], 1);
	setenv("PMP_PREVIOUS_PUBLIC_PORT", num[2], 1);
	setenv("PMP_LIFETIME", num[3], 1);
	setenv("PMP_PUBLIC_ADDRESS", ev->public_address[10] == 0xff ? addr :
	    "", 1);
	setenv("PMP_PREVIOUS_PUBLIC_ADDRESS",
	    ev->previous_address[10] == 0xff ? prev : "", 1);
	setenv("PMP_GATEWAY", gw, 1);
	signal(SIGPIPE, SIG_DFL);
	execl("/bin/sh", "sh", "-c", kp->o->on_change, (char *)NULL);
	_exit(127);
}

static void
print_event(const struct keeper *kp, const pmp_event_t *ev)
{
	char addr[64] = "?", prev[64] = "?";
	const char *proto = ev->protocol ? proto_name(ev->protocol) : "";

	if (ev->public_address[10] == 0xff)
		v4_text(ev->public_address, addr, sizeof(addr));
	if (ev->previous_address[10] == 0xff)
		v4_text(ev->previous_address, prev, sizeof(prev));
	if (kp->o->json) {
		int first = 1;

		putchar('{');
		json_string("event", event_name(ev->type), &first);
		if (ev->protocol) {
			json_string("protocol", proto, &first);
			json_number("private_port", ev->private_port, &first);
			json_number("public_port", ev->public_port, &first);
			json_number("lifetime", ev->lifetime, &first);
		}
		if (ev->public_address[10] == 0xff)
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
		printf("%s %s %s:%u -> private port %u, lifetime %lu s",
		    event_name(ev->type), proto, addr,
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
		printf("announcement public address %s, epoch %lu\n", addr,
		    (unsigned long)ev->epoch);
		break;
	case PMP_EV_LOST:
		printf("lost %s private port %u: %s\n", proto,
		    (unsigned)ev->private_port, pmp_strerror(ev->status));
		break;
	case PMP_EV_RETRYING:
		printf("retrying %s private port %u in %.1f s: %s", proto,
		    (unsigned)ev->private_port, ev->retry_ms / 1000.0,
		    pmp_strerror(ev->status));
		if (ev->status == PMP_EGATEWAY)
			printf(": result code %u, %s", ev->result_code,
			    pmp_result_code_str(ev->result_code));
		putchar('\n');
		break;
	case PMP_EV_DELETED:
		printf("deleted %s private port %u%s%s\n", proto,
		    (unsigned)ev->private_port, ev->status == PMP_OK ? "" :
		    ": ", ev->status == PMP_OK ? "" : pmp_strerror(ev->status));
		break;
	}
	fflush(stdout);
}

static void
on_event(void *arg, const pmp_event_t *ev)
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
		write_port_file(kp);
	switch (ev->type) {
	case PMP_EV_MAPPED:
	case PMP_EV_PORT_CHANGED:
	case PMP_EV_ADDRESS_CHANGED:
	case PMP_EV_RESTORED:
	case PMP_EV_LOST:
		run_hook(kp, ev);
		break;
	default:
		break;
	}}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The loop: returns when stop is asked and done, or on a fatal error. */
static int
loop(struct keeper *kp)
{
	uint64_t stop_deadline = 0;

	for (;;) {
		struct pollfd pfd[4];
		int fds[3], n, i, t, readable = 0;

		if (kp->stopping && (pmp_keep_count(kp->c) == 0 ||
		    now_ms() >= stop_deadline))
			return EXIT_OK;
		n = pmp_client_fds(kp->c, fds, 3);
		pfd[0].fd = sigpipe_fd[0];
		for (i = 0; i < n; i++)
			pfd[i + 1].fd = fds[i];
		for (i = 0; i <= n; i++) {
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		t = pmp_client_timeout_ms(kp->c);
		if (kp->stopping) {
			uint64_t left = stop_deadline - now_ms();

			if (t < 0 || (uint64_t)t > left)
				t = (int)left;
		}
		if (poll(pfd, (nfds_t)n + 1, t) < 0 && errno != EINTR) {
			fprintf(stderr, "%s: poll: %s\n", progname,
			    strerror(errno));
			return EXIT_LOCAL;
		}
		if (pfd[0].revents & POLLIN) {
			unsigned char sig;

			while (read(sigpipe_fd[0], &sig, 1) == 1) {
				if (sig == SIGCHLD) {
					while (waitpid(-1, NULL, WNOHANG) > 0)
						;
				} else if (!kp->stopping) {
					/* Delete what we hold (§3.4), but do
					 * not hang on a gateway that is gone. */
					kp->stopping = 1;
					stop_deadline = now_ms() + STOP_WAIT_MS;
					for (i = 0; i < kp->n; i++)
						(void)pmp_keep_stop(kp->c,
						    kp->k[i].id);
				} else {
					return EXIT_OK;	/* asked twice */
				}
			}
		}
		for (i = 1; i <= n; i++)
			if (pfd[i].revents & (POLLIN | POLLERR))
				readable = 1;
		if (pmp_client_process(kp->c, readable) == PMP_ESYS)
			fprintf(stderr, "%s: %s\n", progname,
			    strerror(pmp_client_errno(kp->c)));
	}
}

static void
parse_spec(const char *spec, uint16_t *priv, uint16_t *pub)
{
	char buf[32];
	char *colon;

	size_t len = strlen(spec);

	if (len >= sizeof(buf))
		usage_error("'%s' is not PRIVATE[:PUBLIC]", spec);
	memcpy(buf, spec, len + 1);
	colon = strchr(buf, ':');
	*pub = 0;
	if (colon != NULL) {
		*colon = '\0';
		*pub = parse_port(colon + 1, "public port", 0);
	}
	/* 0: the gateway chooses (VPN providers) */
	*priv = parse_port(buf, "private port", 0);
}

int
cmd_keep(const struct opts *o, char **specs, int nspecs)
{
	static struct keeper kp;
	int protos[2], nprotos = 0, i, j, rc;
	uint32_t lifetime = o->have_lifetime ? o->lifetime :
	    PMP_DEFAULT_LIFETIME;

	if (o->udp)
		protos[nprotos++] = PMP_PROTO_UDP;
	if (o->tcp || !o->udp)
		protos[nprotos++] = PMP_PROTO_TCP;
	if (nspecs * nprotos > MAX_KEPT)
		usage_error("at most %d mappings", MAX_KEPT);
	for (i = 0; i < nspecs; i++) {
		uint16_t priv, pub;

		parse_spec(specs[i], &priv, &pub);
	}
	memset(&kp, 0, sizeof(kp));
	kp.o = o;
	setup_signals();
	open_client(o, &kp.c);
	pmp_client_set_attempt_callback(kp.c, NULL, NULL);
	pmp_client_set_event_callback(kp.c, on_event, &kp);
	for (i = 0; i < nspecs; i++) {
		uint16_t priv, pub;

		parse_spec(specs[i], &priv, &pub);
		for (j = 0; j < nprotos; j++) {
			rc = pmp_keep(kp.c, protos[j], priv, pub, lifetime);
			if (rc < 0) {
				fprintf(stderr, "%s: keep: %s%s\n", progname,
				    pmp_strerror(rc), rc == PMP_ENOROUTE ||
				    rc == PMP_ENOGWADDR ? "; try -g GATEWAY" :
				    "");
				pmp_client_free(kp.c);
				return exit_for(rc) == EXIT_OK ? EXIT_LOCAL :
				    exit_for(rc);
			}
			kp.k[kp.n].id = (unsigned)rc;
			kp.k[kp.n].protocol = protos[j];
			kp.k[kp.n].private_port = priv;
			kp.n++;
		}
	}
	write_port_file(&kp);
	rc = loop(&kp);
	pmp_client_free(kp.c);
	return rc;
}

int
cmd_watch(const struct opts *o)
{
	static struct keeper kp;
	int rc;

	memset(&kp, 0, sizeof(kp));
	kp.o = o;
	setup_signals();
	open_client(o, &kp.c);
	pmp_client_set_event_callback(kp.c, on_event, &kp);
	rc = pmp_client_listen(kp.c);
	if (rc != PMP_OK) {
		fprintf(stderr, "%s: watch: %s%s%s\n", progname,
		    pmp_strerror(rc), rc == PMP_ESYS ? ": " : "",
		    rc == PMP_ESYS ? strerror(pmp_client_errno(kp.c)) : "");
		pmp_client_free(kp.c);
		return EXIT_LOCAL;
	}
	/* Stopping a watch owes the gateway nothing: the first signal ends
	 * the loop at once. */
	kp.stopping = 0;
	rc = loop(&kp);
	pmp_client_free(kp.c);
	return rc;
}
