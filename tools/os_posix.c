/*
 * os_posix.c - what the pmp command needs of a POSIX system (os.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#define _GNU_SOURCE		/* pipe2(), mkostemp() in older glibc */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <net/if.h>
#ifdef __linux__
#include <sys/timerfd.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "os.h"

void
os_start(void)
{
}

const char *
os_strerror(int err)
{
	return strerror(err);
}

uint64_t
os_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int
os_stderr_is_tty(void)
{
	return isatty(STDERR_FILENO);
}

int
os_if_name(unsigned index, char *name, size_t cap)
{
	char buf[IF_NAMESIZE];

	if (if_indextoname(index, buf) == NULL)
		return -1;
	snprintf(name, cap, "%s", buf);
	return 0;
}

int
os_poll(struct pollfd *pfd, unsigned n, int timeout_ms)
{
	return poll(pfd, (nfds_t)n, timeout_ms);
}

/* ---- signals: the self-pipe the handler writes to, the one thing a
 * handler may share with the loop ---- */
static int sigpipe_fd[2] = { -1, -1 };

static void
on_signal(int sig)
{
	unsigned char b = sig == SIGCHLD ? OS_CHILD : OS_STOP;
	int saved = errno;
	ssize_t r = write(sigpipe_fd[1], &b, 1);

	(void)r;
	errno = saved;
}

void
os_signals(void)
{
	struct sigaction sa;

	/* Close-on-exec from birth: a hook must not inherit it. */
	if (pipe2(sigpipe_fd, O_CLOEXEC | O_NONBLOCK) != 0) {
		fprintf(stderr, "%s: pipe: %s\n", PROGNAME, strerror(errno));
		exit(EXIT_LOCAL);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	/* SIGHUP (the terminal went away) ends it like SIGTERM: delete the
	 * mappings, exit 0.  There is nothing to reload. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int
os_signal_fd(void)
{
	return sigpipe_fd[0];
}

int
os_signal_next(void)
{
	unsigned char b;

	return read(sigpipe_fd[0], &b, 1) == 1 ? b : 0;
}

/* ---- the boot-clock timer ---- */
int
os_timer_open(void)
{
#if defined(__linux__) && defined(CLOCK_BOOTTIME)
	return timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC | TFD_NONBLOCK);
#else
	return -1;
#endif
}

int
os_timer_arm(int fd, int timeout_ms)
{
#ifdef __linux__
	struct itimerspec it;

	if (fd < 0)
		return -1;
	memset(&it, 0, sizeof(it));
	if (timeout_ms >= 0) {
		it.it_value.tv_sec = timeout_ms / 1000;
		it.it_value.tv_nsec = (long)(timeout_ms % 1000) * 1000000L + 1;
	}
	return timerfd_settime(fd, 0, &it, NULL);
#else
	(void)fd;
	(void)timeout_ms;
	return -1;
#endif
}

void
os_timer_drain(int fd)
{
	uint64_t expirations;

	(void)!read(fd, &expirations, sizeof(expirations));
}

void
os_timer_close(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* ---- children ---- */
int
os_child_start(struct os_child *c, const char *command,
    const char *const *env)
{
	pid_t pid = fork();
	size_t i;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		for (i = 0; env[i] != NULL; i++)
			(void)putenv((char *)(uintptr_t)env[i]);
		/* Its own process group, so that a timeout ends all it
		 * started. */
		(void)setpgid(0, 0);
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	(void)setpgid(pid, pid);	/* both sides: no race with kill() */
	c->id = pid;
	c->group = pid;
	return 0;
}

int
os_child_ended(struct os_child *c, int *code, int *sig)
{
	int status, ended = 0;
	pid_t p;

	while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
		if (c->id == 0 || p != (pid_t)c->id)
			continue;
		c->id = 0;
		ended = 1;
		*code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
		*sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	}
	return ended;
}

void
os_child_stop(struct os_child *c, int hard)
{
	if (c->id != 0)
		(void)kill(-(pid_t)c->group, hard ? SIGKILL : SIGTERM);
}

int
os_child_look_ms(void)
{
	return -1;	/* SIGCHLD wakes the loop */
}

/* ---- files ---- */
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

/*
 * The file often lives in a directory others can write to (/tmp, a
 * shared /run): the new content goes to a temporary file that mkostemp()
 * creates itself (O_EXCL: never an existing file, symlink or FIFO, so
 * nothing another user placed is followed, overwritten or blocked on),
 * in the target's own directory so rename() is atomic, then renamed over
 * the target (which replaces whatever is there without opening it).
 */
int
os_replace_file(const char *path, const void *data, size_t n, unsigned mode,
    int durable)
{
	char tmp[4096];
	int fd, saved;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fchmod(fd, (mode_t)mode) != 0 || write_all(fd, data, n) != 0 ||
	    (durable && fsync(fd) != 0))
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	if (durable)
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

unsigned
os_file_mode(void)
{
	mode_t mask = umask(0);

	(void)umask(mask);
	return 0644 & ~mask;
}

int
os_state_dir(char *buf, size_t cap, char *err, size_t errcap)
{
	const char *base = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	int n;

	if ((base == NULL || *base != '/') && geteuid() == 0)
		base = "/run";
	if (base == NULL || *base != '/') {
		snprintf(err, errcap, "XDG_RUNTIME_DIR is not set");
		return -1;
	}
	n = snprintf(buf, cap, "%s/pmp", base);
	if (n < 0 || (size_t)n >= cap) {
		snprintf(err, errcap, "state directory path too long");
		return -1;
	}
	if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errcap, "%s: %s", buf, strerror(errno));
		return -1;
	}
	/* never follow a link, never trust a directory others can write */
	if (lstat(buf, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		snprintf(err, errcap, "%s: not a private directory of this "
		    "user", buf);
		return -1;
	}
	return 0;
}

intptr_t
os_lock(const char *path, int exclusive)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return -1;
	if (flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

void
os_unlock(intptr_t lock)
{
	close((int)lock);	/* (closing releases the lock) */
}
