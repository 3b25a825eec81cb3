/* SPDX-License-Identifier: MIT */
/*
 * Is anything but its init left in a sandbox's PID namespace? What a
 * `lifetime = processes` sandbox is kept for (lib/root/teardown.c decides).
 */
#ifndef CS_PIDNS_H
#define CS_PIDNS_H

#include <stdbool.h>
#include <sys/types.h>

/* *others: some process other than the init (pid, start) lives in its PID
 * namespace. 0, or -ESRCH when that init is gone, or another -errno. */
int cs_pidns_others(pid_t init, unsigned long long start, bool *others);

#endif
