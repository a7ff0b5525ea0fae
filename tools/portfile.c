/*
 * portfile.c - `pmp keep --port-file`: the public ports, one per line,
 * replaced atomically and safely.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * The file often lives in a directory others can write to (/tmp, a
 * shared /run): the new content goes to a temporary file that mkostemp()
 * creates itself (O_EXCL: never an existing file, symlink or FIFO, so
 * nothing another user placed is followed, overwritten or blocked on),
 * in the target's own directory so rename() is atomic; it is made
 * world-readable as far as the umask allows, written, fsync()ed, then
 * renamed over the target (which replaces whatever is there without
 * opening it).
 */
#define _GNU_SOURCE		/* mkostemp() */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static int
write_all(int fd, const char *b, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The directory part of path ("." if none), for fsync() after rename. */
static void
sync_dir(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t n = slash == NULL ? 1 : slash == path ? 1 : (size_t)(slash - path);
	int fd;

	if (n >= sizeof(dir))
		return;
	memcpy(dir, slash == NULL ? "." : path, n);
	dir[n] = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);	/* durability only: not fatal */
		close(fd);
	}
}

int
port_file_write(const char *path, const uint16_t *ports, int n, mode_t mode)
{
	char tmp[4096], buf[8 * 64];
	size_t len = 0;
	int fd, i, saved;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (i = 0; i < n && len + 8 <= sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%u\n",
		    (unsigned)ports[i]);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fchmod(fd, mode) != 0 || write_all(fd, buf, len) != 0 ||
	    fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	sync_dir(path);
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}
