/*
 * hook.c - `pmp keep --on-change` runs, queued (see hook.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "hook.h"

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

/* In the child: the event in the environment, then sh -c. */
static void __attribute__((noreturn))
exec_job(const struct hook *h, const struct hook_job *j)
{
	const pmp_event_t *ev = &j->ev;
	char addr[64] = "", prev[64] = "", num[16];

	if (ev->public_address[10] == 0xff)
		v4_text(ev->public_address, addr, sizeof(addr));
	if (ev->previous_address[10] == 0xff)
		v4_text(ev->previous_address, prev, sizeof(prev));
	setenv("PMP_EVENT", event_name(ev->type), 1);
	setenv("PMP_PROTOCOL", ev->protocol ? proto_name(ev->protocol) : "",
	    1);
	snprintf(num, sizeof(num), "%u", (unsigned)ev->private_port);
	setenv("PMP_PRIVATE_PORT", num, 1);
	snprintf(num, sizeof(num), "%u", (unsigned)ev->public_port);
	setenv("PMP_PUBLIC_PORT", num, 1);
	snprintf(num, sizeof(num), "%u", (unsigned)ev->previous_public_port);
	setenv("PMP_PREVIOUS_PUBLIC_PORT", num, 1);
	snprintf(num, sizeof(num), "%lu", (unsigned long)ev->lifetime);
	setenv("PMP_LIFETIME", num, 1);
	setenv("PMP_PUBLIC_ADDRESS", addr, 1);
	setenv("PMP_PREVIOUS_PUBLIC_ADDRESS", prev, 1);
	setenv("PMP_GATEWAY", j->gateway, 1);
	/* Its own process group, so that a timeout ends all it started. */
	(void)setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	execl("/bin/sh", "sh", "-c", h->command, (char *)NULL);
	_exit(127);
}

static void
start_next(struct hook *h, uint64_t now_ms)
{
	const struct hook_job *j = &h->q[h->head];
	pid_t pid;

	h->head = (h->head + 1) % HOOK_QUEUE_MAX;
	h->n--;
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: --on-change: fork: %s\n", PROGNAME,
		    strerror(errno));
		return;
	}
	if (pid == 0)
		exec_job(h, j);
	(void)setpgid(pid, pid);	/* both sides: no race with kill() */
	h->pid = pid;
	h->term_ms = h->timeout_ms != 0 ? now_ms + h->timeout_ms : 0;
	h->kill_ms = 0;
}

static void
reap(struct hook *h)
{
	int status;
	pid_t p;

	while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
		if (p != h->pid)
			continue;
		h->pid = 0;
		if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
			fprintf(stderr, "%s: --on-change: exit status %d\n",
			    PROGNAME, WEXITSTATUS(status));
		else if (WIFSIGNALED(status) && h->kill_ms == 0 &&
		    h->term_ms != 0 && WTERMSIG(status) != SIGTERM)
			fprintf(stderr, "%s: --on-change: killed by signal "
			    "%d\n", PROGNAME, WTERMSIG(status));
	}
}

void
hook_run(struct hook *h, uint64_t now_ms)
{
	reap(h);
	if (h->pid != 0 && h->term_ms != 0 && now_ms >= h->term_ms) {
		fprintf(stderr, "%s: --on-change: still running after %.1f s: "
		    "stopped\n", PROGNAME, h->timeout_ms / 1000.0);
		(void)kill(-h->pid, SIGTERM);
		h->term_ms = 0;
		h->kill_ms = now_ms + HOOK_KILL_GRACE_MS;
	}
	if (h->pid != 0 && h->kill_ms != 0 && now_ms >= h->kill_ms) {
		(void)kill(-h->pid, SIGKILL);
		h->kill_ms = 0;
	}
	if (h->pid == 0 && h->n > 0)
		start_next(h, now_ms);
}

int
hook_timeout_ms(const struct hook *h, uint64_t now_ms)
{
	uint64_t d = h->kill_ms != 0 ? h->kill_ms : h->term_ms;

	if (h->pid == 0 || d == 0)
		return -1;
	return d <= now_ms ? 0 : (int)(d - now_ms);
}

unsigned
hook_waiting(const struct hook *h)
{
	return h->n;
}
