/*
 * cmd_watch.c - `pmp watch`: print the gateway's announcements.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

int
cmd_watch(const struct opts *o)
{
	static struct keeper kp;
	int rc;

	memset(&kp, 0, sizeof(kp));
	kp.o = o;
	hook_init(&kp.hook, NULL, 0);
	run_start(&kp);
	open_client(o, &kp.c);
	pmp_client_set_event_callback(kp.c, run_on_event, &kp);
	rc = pmp_client_listen(kp.c);
	if (rc != PMP_OK) {
		fprintf(stderr, "%s: watch: %s%s%s\n", PROGNAME,
		    pmp_strerror(rc), rc == PMP_ESYS ? ": " : "",
		    rc == PMP_ESYS ? strerror(pmp_client_errno(kp.c)) : "");
		return run_finish(&kp, EXIT_LOCAL);
	}
	/* Stopping a watch owes the gateway nothing: the first signal ends
	 * the loop at once (no kept mapping to wait for). */
	return run_finish(&kp, run_loop(&kp));
}
