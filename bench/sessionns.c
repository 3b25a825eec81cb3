/* SPDX-License-Identifier: MIT */
/*
 * bench/sessionns — what the session mount namespace costs a login: runs
 * the module's own cs_session_ns() (pam_module/sessionns.c, linked in) in
 * a fresh child N times and reports the mean and median time of the call
 * itself, and of the whole child (fork, the call, exit with the namespace
 * torn down). Root only; touches nothing outside the children's own mount
 * namespaces.
 *
 *   sessionns N HELPER SHELL
 *
 * HELPER must be root-owned and not writable by others, as the module
 * demands; SHELL stands for the user's passwd shell.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pam_module/module.h"

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void report(const char *what, double *v, int n)
{
	double sum = 0;
	for (int i = 0; i < n; i++)
		sum += v[i];
	qsort(v, (size_t)n, sizeof(*v), cmp);
	printf("%-28s mean %7.1f us  median %7.1f us  (n=%d)\n", what, sum / n, v[n / 2], n);
}

int main(int argc, char **argv)
{
	struct cs_profile prof = { .name = "bench", .seccomp = true, .no_new_privs = true };
	struct cs_session s = { .init_pid = 2, .init_start = 1 };
	int n = argc == 4 ? atoi(argv[1]) : 0;

	if (n <= 0) {
		fprintf(stderr, "usage: sessionns N HELPER SHELL\n");
		return 2;
	}
	struct cs_login l = { .helper = argv[2], .shell = argv[3], .uid = 65534, .prof = &prof };
	double *call = calloc((size_t)n, sizeof(double)), *whole = calloc((size_t)n, sizeof(double));
	if (!call || !whole)
		return 1;
	for (int i = 0; i < n; i++) {
		int p[2], status;
		double t0 = now_us(), t;
		if (pipe(p) < 0)
			return 1;
		pid_t c = fork();
		if (c < 0)
			return 1;
		if (c == 0) {
			struct cs_err err = { "" };
			double a = now_us();
			int r = cs_session_ns(&l, &s, &err);
			double b = now_us() - a;
			if (r < 0)
				fprintf(stderr, "cs_session_ns: %s\n", err.msg);
			(void)!write(p[1], &b, sizeof(b));
			_exit(r < 0);
		}
		close(p[1]);
		if (read(p[0], &t, sizeof(t)) != sizeof(t))
			return 1;
		close(p[0]);
		while (waitpid(c, &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			return 1;
		call[i] = t;
		whole[i] = now_us() - t0;
	}
	report("cs_session_ns()", call, n);
	report("fork + call + exit", whole, n);
	return 0;
}
