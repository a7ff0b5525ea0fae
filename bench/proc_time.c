/*
 * proc_time.c - run a command N times and print the median wall time and
 * the largest peak RSS of the runs:
 *   proc_time N [-k SECONDS] [-p BASE] -- COMMAND ARGS...
 * With -k the command is sent SIGTERM after SECONDS (for daemons such as
 * `pmp keep`), and its time is not reported, only its peak RSS.  With -p
 * an argument "PORT" becomes BASE + the run's number (a PCP mapping
 * belongs to the nonce of the process that made it: each run maps its
 * own port).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	double t[1000], kill_after = 0;
	long maxrss = 0, port_base = -1;
	int n, i, arg = 2, failures = 0;
	char port_text[16];

	if (argc < 4)
		return 2;
	n = atoi(argv[1]);
	if (strcmp(argv[arg], "-k") == 0) {
		kill_after = atof(argv[arg + 1]);
		arg += 2;
	}
	if (arg + 1 < argc && strcmp(argv[arg], "-p") == 0) {
		port_base = atol(argv[arg + 1]);
		arg += 2;
	}
	if (arg < argc && strcmp(argv[arg], "--") == 0)
		arg++;
	if (n < 1 || n > 1000 || arg >= argc)
		return 2;
	for (i = 0; i < n; i++) {
		struct rusage ru;
		double t0 = now_s();
		int status;
		pid_t pid = fork();

		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY), k;

			snprintf(port_text, sizeof(port_text), "%ld",
			    port_base + i);
			for (k = arg; port_base >= 0 && k < argc; k++)
				if (strcmp(argv[k], "PORT") == 0)
					argv[k] = port_text;
			dup2(null, 1);
			dup2(null, 2);
			execvp(argv[arg], argv + arg);
			_exit(127);
		}
		if (kill_after > 0) {
			struct timespec ts = { (time_t)kill_after, (long)((
			    kill_after - (double)(time_t)kill_after) * 1e9) };

			nanosleep(&ts, NULL);
			kill(pid, SIGTERM);
		}
		if (wait4(pid, &status, 0, &ru) < 0)
			return 1;
		t[i] = now_s() - t0;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failures++;
		if (ru.ru_maxrss > maxrss)
			maxrss = ru.ru_maxrss;
	}
	qsort(t, (size_t)n, sizeof(t[0]), cmp);
	printf("median %.2f ms, peak RSS %ld KiB, %d runs, %d failed\n",
	    t[n / 2] * 1e3, maxrss, n, failures);
	return failures != 0;
}
