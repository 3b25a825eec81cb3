/* SPDX-License-Identifier: MIT */
/* Processes by pidfd, identified by pid and start time so a recycled pid is
 * never mistaken for the process we recorded. */
#ifndef CS_PROC_H
#define CS_PROC_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

/* Milliseconds left of a bound of total_ms that began at t0 (taken with
 * CLOCK_MONOTONIC); 0 or less once it has run out. Every bounded wait in
 * the project measures its time with this. */
long cs_ms_left(const struct timespec *t0, long total_ms);

/* Start time of pid in clock ticks since boot (/proc/PID/stat field 22). */
int cs_proc_starttime(pid_t pid, unsigned long long *start);

int cs_pidfd_open(pid_t pid);
int cs_pidfd_send_signal(int pidfd, int sig);

/* A pidfd for pid if it is still the process that started at `start`;
 * -ESRCH when it has gone (or the pid was recycled). */
int cs_pidfd_open_checked(pid_t pid, unsigned long long start);

/* Is (pid, start) still alive? */
bool cs_proc_alive(pid_t pid, unsigned long long start);

/* Wait until the process behind pidfd has exited, at most timeout_ms;
 * 0 when it has, -ETIMEDOUT otherwise. Works for non-children. */
int cs_pidfd_wait_exit(int pidfd, int timeout_ms);

/*
 * Reap our child pid, waiting at most timeout_ms for it to exit: 0 with
 * *status, -ETIMEDOUT when it is still running, another -errno on error.
 * cs_child_kill then ends one that did not exit (stopped with SIGSTOP by
 * another process of its user, or stuck): SIGKILL ends a stopped process
 * too, and it is reaped within a further bound (0, or -ETIMEDOUT with
 * *status -1). Neither ever blocks without a bound.
 */
int cs_child_reap(pid_t pid, int timeout_ms, int *status);
int cs_child_kill(pid_t pid, int *status);

/* Every signal handler back to the default and an empty mask, in a child
 * between fork (or vfork) and exec: a child of sshd, of root's shell or of
 * the helper must not carry their handlers, ignored signals or blocked set
 * into the user's program. Async-signal-safe; 0 or -errno. */
int cs_signals_reset(void);

#endif
