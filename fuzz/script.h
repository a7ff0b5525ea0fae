/*
 * script.h - what the script-driven harnesses (fuzz_engine,
 * fuzz_pcp_engine) share: a cursor over the input, and an event sink that
 * checks every event is a known one.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_FUZZ_SCRIPT_H
#define PMP_FUZZ_SCRIPT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "pmp.h"

struct cursor {
	const uint8_t *p;
	size_t n;
};

/* The next byte of the script, 0 once it is used up. */
static unsigned
take(struct cursor *c)
{
	if (c->n == 0)
		return 0;
	c->n--;
	return *c->p++;
}

static void
on_event(void *ctx, const pmp_event_t *ev)
{
	(void)ctx;
	if (ev->type < PMP_EV_MAPPED || ev->type > PMP_EV_ANNOUNCEMENT)
		abort();
}

#endif
