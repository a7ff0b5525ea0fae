/*
 * script.h - what the script-driven harnesses (fuzz_engine,
 * fuzz_pcp_engine) share: a cursor over the input (cursor.h), and an
 * event sink that checks every event is a known one.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_FUZZ_SCRIPT_H
#define PMP_FUZZ_SCRIPT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "pmp.h"
#include "cursor.h"

static void
on_event(void *ctx, const pmp_event_t *ev)
{
	(void)ctx;
	if (ev->type < PMP_EV_MAPPED || ev->type > PMP_EV_ANNOUNCEMENT)
		abort();
}

#endif
