/*
 * cursor.h - the harnesses' cursor over their input: one byte at a time,
 * 0 once it is used up (so that every input is a whole script).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_FUZZ_CURSOR_H
#define PMP_FUZZ_CURSOR_H

#include <stddef.h>
#include <stdint.h>

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

#endif
