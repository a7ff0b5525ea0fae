/*
 * os_win.c - what the pmp command needs of Windows (os.h).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Stop requests come from the console: Ctrl-C, Ctrl-Break and the
 * console window closing call a handler on a thread of their own, which
 * sends one byte to a loopback UDP socket connected to itself (what the
 * loop polls, as the POSIX side polls its signal pipe); on a close,
 * Windows ends the process when the handler returns, so the handler waits
 * there for the loop to delete the mappings and exit.  --on-change runs
 * through cmd.exe in a job object, so that stopping a run stops all it
 * started.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <windows.h>

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "os.h"

/* A Win32 error as errno, for the callers' strerror(). */
static int
win_errno(DWORD e)
{
	switch (e) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
		return ENOENT;
	case ERROR_ACCESS_DENIED:
	case ERROR_SHARING_VIOLATION:
	case ERROR_LOCK_VIOLATION:
		return EACCES;
	case ERROR_FILE_EXISTS:
	case ERROR_ALREADY_EXISTS:
		return EEXIST;
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY:
		return ENOMEM;
	case ERROR_FILENAME_EXCED_RANGE:
		return ENAMETOOLONG;
	case ERROR_DISK_FULL:
		return ENOSPC;
	default:
		return EIO;
	}
}

/* The last failure: its Win32 error and the errno it was given (the
 * command is single-threaded; only the console handler's thread runs
 * beside it, and it fails nothing). */
static DWORD last_error;
static int last_errno;

static int
fail_with(DWORD e)
{
	last_error = e;
	last_errno = win_errno(e);
	errno = last_errno;
	return -1;
}

static int
fail(void)
{
	return fail_with(GetLastError());
}

const char *
os_strerror(int err)
{
	static char text[256];
	DWORD n;

	if (err != last_errno || last_error == 0)
		return strerror(err);
	n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM |
	    FORMAT_MESSAGE_IGNORE_INSERTS, NULL, last_error, 0, text,
	    sizeof(text), NULL);
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' ||
	    text[n - 1] == ' ' || text[n - 1] == '.'))
		text[--n] = '\0';
	return n > 0 ? text : strerror(err);
}

void
os_start(void)
{
	WSADATA wd;

	(void)WSAStartup(MAKEWORD(2, 2), &wd);
	/* the same bytes as on POSIX: "\n", not "\r\n" (JSON lines, the
	 * port file's readers) */
	(void)_setmode(_fileno(stdout), _O_BINARY);
	(void)_setmode(_fileno(stderr), _O_BINARY);
}

uint64_t
os_now_ms(void)
{
	return (uint64_t)GetTickCount64();
}

int
os_stderr_is_tty(void)
{
	return _isatty(_fileno(stderr));
}

/* The alias ("Ethernet"): what Windows shows, and what -g's "%name"
 * takes back (io's pmp_if_index()). */
int
os_if_name(unsigned index, char *name, size_t cap)
{
	WCHAR w[IF_MAX_STRING_SIZE + 1];
	NET_LUID luid;

	if (ConvertInterfaceIndexToLuid(index, &luid) != NO_ERROR ||
	    ConvertInterfaceLuidToAlias(&luid, w, sizeof(w) / sizeof(w[0])) !=
	    NO_ERROR || WideCharToMultiByte(CP_UTF8, 0, w, -1, name, (int)cap,
	    NULL, NULL) == 0)
		return -1;
	return 0;
}

int
os_poll(struct pollfd *pfd, unsigned n, int timeout_ms)
{
	int rc;

	if (n == 0) {		/* WSAPoll refuses an empty set */
		Sleep(timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms);
		return 0;
	}
	rc = WSAPoll(pfd, n, timeout_ms);
	if (rc == SOCKET_ERROR) {
		errno = EIO;
		return -1;
	}
	return rc;
}

/* ---- stop requests: the console's events through a loopback socket
 * (the only state a handler thread shares with the loop) ---- */
static SOCKET stop_sock = INVALID_SOCKET;

static BOOL WINAPI
on_console(DWORD event)
{
	char b = OS_STOP;

	(void)send(stop_sock, &b, 1, 0);
	/* closing the console, logging off, shutting down: Windows ends
	 * the process when this returns, so hold it while the loop deletes
	 * the mappings and exits (its stop waits 3.5 s at most) */
	if (event == CTRL_CLOSE_EVENT || event == CTRL_LOGOFF_EVENT ||
	    event == CTRL_SHUTDOWN_EVENT)
		Sleep(4500);
	return TRUE;
}

void
os_signals(void)
{
	struct sockaddr_in sin;
	int len = sizeof(sin);
	u_long on = 1;

	stop_sock = WSASocketW(AF_INET, SOCK_DGRAM, 0, NULL, 0,
	    WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (stop_sock == INVALID_SOCKET ||
	    bind(stop_sock, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    getsockname(stop_sock, (struct sockaddr *)&sin, &len) != 0 ||
	    connect(stop_sock, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    ioctlsocket(stop_sock, FIONBIO, &on) != 0 ||
	    !SetConsoleCtrlHandler(on_console, TRUE)) {
		fprintf(stderr, "%s: cannot watch for Ctrl-C (error %d)\n",
		    PROGNAME, WSAGetLastError());
		exit(EXIT_LOCAL);
	}
}

int
os_signal_fd(void)
{
	return (int)stop_sock;
}

int
os_signal_next(void)
{
	char b;

	return recv(stop_sock, &b, 1, 0) == 1 ? b : 0;
}

/* ---- no boot-clock timer: WSAPoll's timeout (GetTickCount64 counts
 * sleep, and the library's deadlines are on it) ---- */
int
os_timer_open(void)
{
	return -1;
}

int
os_timer_arm(int fd, int timeout_ms)
{
	(void)fd;
	(void)timeout_ms;
	return -1;
}

void
os_timer_drain(int fd)
{
	(void)fd;
}

void
os_timer_close(int fd)
{
	(void)fd;
}

/* ---- children: cmd.exe /c COMMAND in a job of its own ---- */
int
os_child_start(struct os_child *c, const char *command,
    const char *const *env)
{
	STARTUPINFOA si;
	PROCESS_INFORMATION pi;
	JOBOBJECT_EXTENDED_LIMIT_INFORMATION lim;
	char shell[MAX_PATH], *line;
	const char *comspec = getenv("COMSPEC");
	size_t i, n;
	HANDLE job;

	for (i = 0; env[i] != NULL; i++) {
		char name[64];
		const char *eq = strchr(env[i], '=');

		n = eq != NULL ? (size_t)(eq - env[i]) : 0;
		if (n == 0 || n >= sizeof(name))
			continue;
		memcpy(name, env[i], n);
		name[n] = '\0';
		(void)SetEnvironmentVariableA(name, eq + 1);	/* inherited */
	}
	snprintf(shell, sizeof(shell), "%s", comspec != NULL ? comspec :
	    "C:\\Windows\\System32\\cmd.exe");
	n = strlen(shell) + strlen(command) + 16;
	line = malloc(n);
	if (line == NULL) {
		errno = ENOMEM;
		return -1;
	}
	snprintf(line, n, "\"%s\" /c %s", shell, command);
	job = CreateJobObjectA(NULL, NULL);
	memset(&lim, 0, sizeof(lim));
	/* the job's end (and pmp's) ends whatever the run started */
	lim.BasicLimitInformation.LimitFlags =
	    JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
	if (job != NULL)
		(void)SetInformationJobObject(job,
		    JobObjectExtendedLimitInformation, &lim, sizeof(lim));
	memset(&si, 0, sizeof(si));
	si.cb = sizeof(si);
	if (job == NULL || !CreateProcessA(shell, line, NULL, NULL, FALSE,
	    CREATE_SUSPENDED, NULL, NULL, &si, &pi)) {
		DWORD e = GetLastError();

		if (job != NULL)
			CloseHandle(job);
		free(line);
		return fail_with(e);
	}
	free(line);
	(void)AssignProcessToJobObject(job, pi.hProcess);
	(void)ResumeThread(pi.hThread);
	CloseHandle(pi.hThread);
	c->id = (intptr_t)pi.hProcess;
	c->group = (intptr_t)job;
	c->stopped = 0;
	return 0;
}

int
os_child_ended(struct os_child *c, int *code, int *sig)
{
	DWORD status = 0;

	if (c->id == 0 || WaitForSingleObject((HANDLE)c->id, 0) !=
	    WAIT_OBJECT_0)
		return 0;
	(void)GetExitCodeProcess((HANDLE)c->id, &status);
	CloseHandle((HANDLE)c->id);
	CloseHandle((HANDLE)c->group);
	c->id = c->group = 0;
	/* one that we stopped reads as POSIX's signal would */
	*sig = c->stopped;
	*code = c->stopped ? 0 : (int)status;
	return 1;
}

void
os_child_stop(struct os_child *c, int hard)
{
	if (c->id == 0)
		return;
	c->stopped = hard ? 9 : 15;
	(void)TerminateJobObject((HANDLE)c->group, 1);
}

int
os_child_look_ms(void)
{
	return 100;	/* no SIGCHLD: looked for */
}

/* ---- files ---- */
int
os_replace_file(const char *path, const void *data, size_t n, unsigned mode,
    int durable)
{
	char tmp[MAX_PATH + 32];
	static unsigned seq;
	HANDLE h = INVALID_HANDLE_VALUE;
	DWORD wrote;
	int tries;

	(void)mode;	/* (the directory's ACL decides) */
	if (n > 0xffffffffu) {
		errno = EFBIG;
		return -1;
	}
	/* a name of our own making, created anew: never an existing file,
	 * link or device */
	for (tries = 0; tries < 16 && h == INVALID_HANDLE_VALUE; tries++) {
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s.%lx.%u", path,
		    (unsigned long)GetCurrentProcessId(), seq++) >=
		    sizeof(tmp)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		h = CreateFileA(tmp, GENERIC_WRITE, 0, NULL, CREATE_NEW,
		    FILE_ATTRIBUTE_NORMAL, NULL);
		if (h == INVALID_HANDLE_VALUE &&
		    GetLastError() != ERROR_FILE_EXISTS)
			return fail();
	}
	if (h == INVALID_HANDLE_VALUE)
		return fail();
	if (!WriteFile(h, data, (DWORD)n, &wrote, NULL) || wrote != n ||
	    (durable && !FlushFileBuffers(h))) {
		DWORD e = GetLastError();

		CloseHandle(h);
		DeleteFileA(tmp);
		return fail_with(e);
	}
	CloseHandle(h);
	if (!MoveFileExA(tmp, path, MOVEFILE_REPLACE_EXISTING |
	    (durable ? MOVEFILE_WRITE_THROUGH : 0))) {
		DWORD e = GetLastError();

		DeleteFileA(tmp);
		return fail_with(e);
	}
	return 0;
}

unsigned
os_file_mode(void)
{
	return 0644;
}

int
os_state_dir(char *buf, size_t cap, char *err, size_t errcap)
{
	const char *base = getenv("LOCALAPPDATA");
	DWORD attr;
	int n;

	if (base == NULL || *base == '\0') {
		snprintf(err, errcap, "LOCALAPPDATA is not set");
		return -1;
	}
	n = snprintf(buf, cap, "%s\\pmp", base);
	if (n < 0 || (size_t)n >= cap) {
		snprintf(err, errcap, "state directory path too long");
		return -1;
	}
	if (!CreateDirectoryA(buf, NULL) &&
	    GetLastError() != ERROR_ALREADY_EXISTS) {
		(void)fail();
		snprintf(err, errcap, "%s: %s", buf, os_strerror(errno));
		return -1;
	}
	/* the user's own profile (private by its ACL); never a link */
	attr = GetFileAttributesA(buf);
	if (attr == INVALID_FILE_ATTRIBUTES ||
	    !(attr & FILE_ATTRIBUTE_DIRECTORY) ||
	    (attr & FILE_ATTRIBUTE_REPARSE_POINT)) {
		snprintf(err, errcap, "%s: not a directory of this user", buf);
		return -1;
	}
	return 0;
}

intptr_t
os_lock(const char *path, int exclusive)
{
	OVERLAPPED ov;
	HANDLE h = CreateFileA(path, GENERIC_READ | GENERIC_WRITE,
	    FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_ALWAYS,
	    FILE_ATTRIBUTE_NORMAL, NULL);

	if (h == INVALID_HANDLE_VALUE)
		return fail();
	memset(&ov, 0, sizeof(ov));
	if (!LockFileEx(h, exclusive ? LOCKFILE_EXCLUSIVE_LOCK : 0, 0, 1, 0,
	    &ov)) {
		DWORD e = GetLastError();

		CloseHandle(h);
		return fail_with(e);
	}
	return (intptr_t)h;
}

void
os_unlock(intptr_t lock)
{
	CloseHandle((HANDLE)lock);	/* (closing releases the lock) */
}
