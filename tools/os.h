/*
 * os.h - what the pmp command needs of the system, one file per system:
 * os_posix.c and os_win.c.  The rest of tools/ is the same everywhere.
 * Failures: -1 with errno set (on Windows too: the POSIX errno), unless
 * said otherwise.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_OS_H
#define PMP_OS_H

#ifdef _WIN32
#include <winsock2.h>	/* struct pollfd */
#include <ws2tcpip.h>	/* inet_pton(), inet_ntop() */
#else
#include <arpa/inet.h>
#include <poll.h>
#endif

#include <stddef.h>
#include <stdint.h>

/* At start, before anything else (Windows: Winsock for the command's own
 * sockets, and text output without CRLF translation). */
void os_start(void);

/* The text for errno value err from a failed os_* call: strerror(); on
 * Windows the system's own message (FormatMessage) for the error behind
 * it, when the last failure of this file was that one. */
const char *os_strerror(int err);

/* Milliseconds on a monotonic clock, for the command's own timers. */
uint64_t os_now_ms(void);

/* Is standard error a terminal? */
int os_stderr_is_tty(void);

/* This host's IPv4 address toward gw (IPv4-mapped) into src, from a
 * connected UDP socket (which sends nothing): 0, or -1. */
int os_source_toward(const uint8_t gw[16], uint8_t src[16]);

/* The name of the interface with that index into name: 0, or -1. */
int os_if_name(unsigned index, char *name, size_t cap);

/* poll() on descriptors of the library and the command. */
int os_poll(struct pollfd *pfd, unsigned n, int timeout_ms);

/*
 * The requests to stop (POSIX: SIGINT, SIGTERM, SIGHUP; Windows: Ctrl-C,
 * Ctrl-Break, the console closing) and the end of a child (POSIX's
 * SIGCHLD; Windows has none: the loop looks on its timer), turned into a
 * descriptor that becomes readable.  os_signals() installs them (exits
 * on failure); os_signal_next() takes one: OS_STOP, OS_CHILD, or 0 when
 * none is left.
 */
enum { OS_STOP = 1, OS_CHILD = 2 };
void os_signals(void);
int os_signal_fd(void);
int os_signal_next(void);

/* A timer on the boot clock, which counts suspended time (Linux's
 * timerfd): readable when armed time passed, even across a sleep.  -1
 * where the system has none. */
int os_timer_open(void);
int os_timer_arm(int fd, int timeout_ms);	/* -1 ms: disarmed */
void os_timer_drain(int fd);
void os_timer_close(int fd);

/*
 * A child process: COMMAND through the system's shell (/bin/sh -c; cmd.exe
 * /c), with the NAME=VALUE strings of env (NULL-ended) added to the
 * environment, in a group of its own so that everything it starts can be
 * stopped with it (a process group; a job object).
 */
struct os_child {
	intptr_t id;		/* 0: none */
	intptr_t group;
	int stopped;		/* Windows: the "signal" we stopped it with */
};
int os_child_start(struct os_child *c, const char *command,
    const char *const *env);
/* Did it end?  1 with its exit status in *code, or the signal that
 * ended it in *sig (else 0), 0 if not yet.  POSIX reaps every ended
 * child here. */
int os_child_ended(struct os_child *c, int *code, int *sig);
/* Stop it and its group: hard 0 asks (SIGTERM), 1 forces (SIGKILL);
 * Windows has only the forced way. */
void os_child_stop(struct os_child *c, int hard);
/* While a child runs, how often to call os_child_ended(): -1 where its
 * end wakes the loop (OS_CHILD); Windows: every 100 ms. */
int os_child_look_ms(void);

/*
 * Replace path with the n bytes of data: a new file in the same
 * directory, renamed over it, so that a reader sees the old or the new,
 * never half; a link or special file at the temporary name is never
 * followed.  mode: POSIX permission bits (Windows: ignored); durable:
 * flushed to disk first, and the directory after.
 */
int os_replace_file(const char *path, const void *data, size_t n,
    unsigned mode, int durable);
/* 0644 less the umask (Windows: 0644). */
unsigned os_file_mode(void);

/* The user's private state directory for pmp, made if missing (POSIX:
 * $XDG_RUNTIME_DIR/pmp, root's /run/pmp, refused unless private to this
 * user; Windows: %LOCALAPPDATA%\pmp): 0, or -1 with the reason in err. */
int os_state_dir(char *buf, size_t cap, char *err, size_t errcap);

/* A lock file held shared or exclusive until os_unlock(): a handle, or
 * -1. */
intptr_t os_lock(const char *path, int exclusive);
void os_unlock(intptr_t lock);

#endif
