/* SPDX-License-Identifier: MIT */
/*
 * Shared by the unit tests that compile one of the helper's .c files in and
 * run it in a forked child (test_caps.c, test_seccomp.c). Header-only because the
 * Makefile builds each tests/unit/test_*.c into its own binary; include it
 * once, in the test's one file.
 */
#ifndef CS_TEST_CHILD_H
#define CS_TEST_CHILD_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper/helper.h"

/* The helper's cs_fail (helper/main.c, which keeps the message for
 * cs_fail_report) is not linked into the tests: this one prints the message
 * at once and returns what the helper's does, -errnum (-EIO for 0). */
int cs_fail(int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (errnum)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
	return errnum ? -errnum : -EIO;
}

/* Runs fn(arg) in a forked child, so that what it changes in its process
 * (a user namespace, capabilities, a seccomp filter) does not reach the
 * rest of the suite. Returns how the child ended: its exit status (what fn
 * returned, or passed to _exit), 1000 + the signal that killed it, or -1 if
 * fork or waitpid failed. */
static inline int run_in_child(int (*fn)(const void *arg), const void *arg)
{
	/* The signals cmocka catches to fail a test and go on to the next:
	 * in the child its handlers would run the rest of the suite here. */
	static const int cmocka_signals[] = { SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGSYS };
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		for (size_t i = 0; i < sizeof(cmocka_signals) / sizeof(cmocka_signals[0]); i++)
			signal(cmocka_signals[i], SIG_DFL);
		_exit(fn(arg));
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

#endif
