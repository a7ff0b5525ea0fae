/*
 * fd.c - descriptors born close-on-exec and non-blocking (sockets, the
 * waker's pipe), closed, polled (POSIX; win_fd.c and win_wake.c are
 * Windows').
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Setting FD_CLOEXEC with fcntl() after socket() or pipe() leaves a window
 * in which a fork() and exec() in another thread of the program inherit
 * the descriptor; SOCK_CLOEXEC and pipe2() close it.  The fcntl() path is
 * only for systems without them (macOS).
 */
#define _GNU_SOURCE		/* pipe2() in glibc before 2.36 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "pmp.h"
#include "io.h"

#if !defined(SOCK_CLOEXEC) || !defined(SOCK_NONBLOCK) || !defined(O_CLOEXEC)
static int
set_flags(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return -1;
	return 0;
}

static void
close_saving_errno(int fd)
{
	int e = errno;

	close(fd);
	errno = e;
}
#endif

int
pmp_socket(int domain, int type, int protocol)
{
#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK)
	int fd = socket(domain, type | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol);

	return fd >= 0 ? fd : PMP_ESYS;
#else
	int fd = socket(domain, type, protocol);

	if (fd < 0)
		return PMP_ESYS;
	if (set_flags(fd) != 0) {
		close_saving_errno(fd);
		return PMP_ESYS;
	}
	return fd;
#endif
}

int
pmp_wake_pair(int fds[2])
{
#if defined(__linux__) || defined(__FreeBSD__) || defined(__OpenBSD__) || \
    defined(__NetBSD__) || defined(__DragonFly__)
	return pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0 ? PMP_OK : PMP_ESYS;
#else
	if (pipe(fds) != 0)
		return PMP_ESYS;
	if (set_flags(fds[0]) != 0 || set_flags(fds[1]) != 0) {
		close_saving_errno(fds[0]);
		close_saving_errno(fds[1]);
		return PMP_ESYS;
	}
	return PMP_OK;
#endif
}

void
pmp_wake_pair_close(int fds[2])
{
	(void)close(fds[0]);
	(void)close(fds[1]);
}

void
pmp_wake_poke(int fd)
{
	ssize_t n = write(fd, "", 1);

	(void)n;	/* a full pipe already wakes the poller */
}

void
pmp_wake_flush(int fd)
{
	char buf[64];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

void
pmp_close(int fd)
{
	(void)close(fd);
}

int
pmp_socket_error(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		return errno;
	return err;
}

int
pmp_poll(struct pollfd *pfd, unsigned n, int timeout_ms)
{
	return poll(pfd, (nfds_t)n, timeout_ms);
}

int
pmp_net_start(void)
{
	return PMP_OK;
}

void
pmp_net_stop(void)
{
}
