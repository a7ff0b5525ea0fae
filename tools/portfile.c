/*
 * portfile.c - `pmp keep --port-file`: the public ports, one per line,
 * replaced atomically and safely.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * The file often lives in a directory others can write to (/tmp, a
 * shared /run): os_replace_file() (os.h) writes a temporary file of its
 * own making beside it and renames it over the target, flushed to disk
 * first; it is readable by all as far as the umask allows.
 */
#include <stdio.h>

#include "cli.h"
#include "os.h"

int
port_file_write(const char *path, const uint16_t *ports, int n,
    unsigned mode)
{
	char buf[8 * 64];
	size_t len = 0;
	int i;

	for (i = 0; i < n && len + 8 <= sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%u\n",
		    (unsigned)ports[i]);
	return os_replace_file(path, buf, len, mode, 1);
}
