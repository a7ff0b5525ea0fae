/*
 * hook.c - `pmp keep --on-change` runs, queued (see hook.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hook.h"
#include "os.h"

void
hook_init(struct hook *h, const char *command, uint32_t timeout_ms)
{
	memset(h, 0, sizeof(*h));
	h->command = command;
	h->timeout_ms = timeout_ms;
}

void
hook_push(struct hook *h, const pmp_event_t *ev, const char *gateway)
{
	struct hook_job *j;

	if (h->command == NULL)
		return;
	if (h->n == HOOK_QUEUE_MAX) {	/* the oldest waiting one goes */
		h->head = (h->head + 1) % HOOK_QUEUE_MAX;
		h->n--;
		if (h->dropped++ == 0)
			fprintf(stderr, "%s: --on-change: more than %d runs "
			    "waiting; the oldest are dropped\n", PROGNAME,
			    HOOK_QUEUE_MAX);
	}
	j = &h->q[(h->head + h->n) % HOOK_QUEUE_MAX];
	j->ev = *ev;
	snprintf(j->gateway, sizeof(j->gateway), "%s", gateway);
	h->n++;
}

/* The run's environment: PMP_* for the event, as NAME=VALUE strings in
 * the job's own buffer (os.h adds them to the child's). */
static void
job_env(const struct hook_job *j, char vars[][96], const char *env[])
{
	const pmp_event_t *ev = &j->ev;
	char addr[64] = "", prev[64] = "";
	int n = 0;

	if (ev->public_address[10] == 0xff)
		v4_text(ev->public_address, addr, sizeof(addr));
	if (ev->previous_address[10] == 0xff)
		v4_text(ev->previous_address, prev, sizeof(prev));
	snprintf(vars[n++], 96, "PMP_EVENT=%s", event_name(ev->type));
	snprintf(vars[n++], 96, "PMP_PROTOCOL=%s", ev->protocol ?
	    proto_name(ev->protocol) : "");
	snprintf(vars[n++], 96, "PMP_PRIVATE_PORT=%u",
	    (unsigned)ev->private_port);
	snprintf(vars[n++], 96, "PMP_PUBLIC_PORT=%u",
	    (unsigned)ev->public_port);
	snprintf(vars[n++], 96, "PMP_PREVIOUS_PUBLIC_PORT=%u",
	    (unsigned)ev->previous_public_port);
	snprintf(vars[n++], 96, "PMP_LIFETIME=%lu",
	    (unsigned long)ev->lifetime);
	snprintf(vars[n++], 96, "PMP_PUBLIC_ADDRESS=%s", addr);
	snprintf(vars[n++], 96, "PMP_PREVIOUS_PUBLIC_ADDRESS=%s", prev);
	snprintf(vars[n++], 96, "PMP_GATEWAY=%s", j->gateway);
	for (n = 0; n < HOOK_ENV; n++)
		env[n] = vars[n];
	env[n] = NULL;
}

static void
start_next(struct hook *h, uint64_t now_ms)
{
	const struct hook_job *j = &h->q[h->head];
	const char *env[HOOK_ENV + 1];

	h->head = (h->head + 1) % HOOK_QUEUE_MAX;
	h->n--;
	job_env(j, h->env, env);
	if (os_child_start(&h->child, h->command, env) != 0) {
		fprintf(stderr, "%s: --on-change: cannot start: %s\n",
		    PROGNAME, os_strerror(errno));
		return;
	}
	h->term_ms = h->timeout_ms != 0 ? now_ms + h->timeout_ms : 0;
	h->kill_ms = 0;
}

static void
reap(struct hook *h)
{
	int code, sig;

	if (!os_child_ended(&h->child, &code, &sig))
		return;
	if (sig == 0 && code != 0)
		fprintf(stderr, "%s: --on-change: exit status %d\n",
		    PROGNAME, code);
	else if (sig != 0 && h->kill_ms == 0 && h->term_ms != 0 &&
	    sig != 15)		/* (SIGTERM: ours, said when sent) */
		fprintf(stderr, "%s: --on-change: killed by signal %d\n",
		    PROGNAME, sig);
}

void
hook_run(struct hook *h, uint64_t now_ms)
{
	reap(h);
	if (h->child.id != 0 && h->term_ms != 0 && now_ms >= h->term_ms) {
		fprintf(stderr, "%s: --on-change: still running after %.1f s: "
		    "stopped\n", PROGNAME, h->timeout_ms / 1000.0);
		os_child_stop(&h->child, 0);
		h->term_ms = 0;
		h->kill_ms = now_ms + HOOK_KILL_GRACE_MS;
	}
	if (h->child.id != 0 && h->kill_ms != 0 && now_ms >= h->kill_ms) {
		os_child_stop(&h->child, 1);
		h->kill_ms = 0;
	}
	if (h->child.id == 0 && h->n > 0)
		start_next(h, now_ms);
}

int
hook_timeout_ms(const struct hook *h, uint64_t now_ms)
{
	uint64_t d = h->kill_ms != 0 ? h->kill_ms : h->term_ms;
	/* a system without SIGCHLD: look for the run's end now and then */
	int look = h->child.id != 0 ? os_child_look_ms() : -1;

	if (h->child.id == 0 || d == 0)
		return look;
	if (d <= now_ms)
		return 0;
	return look >= 0 && (uint64_t)look < d - now_ms ? look :
	    (int)(d - now_ms);
}

unsigned
hook_waiting(const struct hook *h)
{
	return h->n;
}
