/*
 * hook.h - `pmp keep --on-change`: the command run for each change, one
 * run at a time, in the order of the events, each bounded in time.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * A run that outlives its time gets SIGTERM (its whole process group),
 * then SIGKILL 2 s later (Windows: its job is ended); the next one starts
 * once it is gone.  Single threaded: the caller reaps on SIGCHLD (os.h's
 * OS_CHILD; Windows: on its timer) by calling hook_run().
 */
#ifndef PMP_HOOK_H
#define PMP_HOOK_H

#include <stdint.h>

#include "pmp.h"
#include "os.h"

#define HOOK_QUEUE_MAX 256	/* events waiting; more drop the oldest */
#define HOOK_KILL_GRACE_MS 2000	/* SIGTERM -> SIGKILL */
#define HOOK_ENV 9		/* PMP_* variables of a run */

struct hook_job {
	pmp_event_t ev;
	char gateway[64];	/* the gateway when the event came */
};

struct hook {
	const char *command;	/* sh -c COMMAND */
	uint32_t timeout_ms;	/* per run; 0: unbounded */
	struct hook_job q[HOOK_QUEUE_MAX];
	unsigned head, n;
	unsigned long dropped;	/* queue overflows */
	struct os_child child;	/* the run going on; id 0 if none */
	char env[HOOK_ENV][96];	/* its PMP_* variables */
	uint64_t term_ms;	/* when it gets SIGTERM (0: never) */
	uint64_t kill_ms;	/* when it gets SIGKILL (0: not yet due) */
};

void hook_init(struct hook *h, const char *command, uint32_t timeout_ms);

/* Queue a run for ev. */
void hook_push(struct hook *h, const pmp_event_t *ev, const char *gateway);

/* Reap the run if it ended, enforce its time, start the next if none
 * runs.  Call after SIGCHLD and when hook_timeout_ms() says. */
void hook_run(struct hook *h, uint64_t now_ms);

/* Milliseconds until hook_run() has a deadline to enforce, or -1. */
int hook_timeout_ms(const struct hook *h, uint64_t now_ms);

/* Runs queued, not started (the one going on not counted). */
unsigned hook_waiting(const struct hook *h);

#endif
