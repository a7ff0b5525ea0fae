/*
 * run.h - the event loop `pmp keep` and `pmp watch` run (run.c).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_RUN_H
#define PMP_RUN_H

#include "cli.h"
#include "hook.h"

#define MAX_KEPT 64

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
	unsigned file_mode;	/* 0644 less the umask */
	struct hook hook;	/* --on-change runs */
	int timer_fd;		/* wakes on the boot clock (os.h), -1 if none */
};

/* Stop requests to the loop (os.h's os_signals(); exits on failure) and
 * the boot-clock timer (timer_fd, -1 if the system has none). */
void run_start(struct keeper *kp);
/* The client's event callback: prints, runs hooks, rewrites the port
 * file. */
void run_on_event(void *arg, const pmp_event_t *ev);
/* Write --port-file (if asked) from the kept mappings. */
void run_write_port_file(struct keeper *kp);
/* The loop: returns the exit status when stopped, or on a fatal error. */
int run_loop(struct keeper *kp);
/* Free the client and say what is left undone; returns rc. */
int run_finish(struct keeper *kp, int rc);

#endif
