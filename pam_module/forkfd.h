/* SPDX-License-Identifier: MIT */
/*
 * An fd armed for the children sshd's [priv] process forks from now on:
 * in each such child, right after fork, an action is run on the fd, which
 * is then closed (in that child). Disarming closes it here, and children
 * forked after that are left alone. netns.c and childcg.c are its users;
 * why their actions are safe is said there.
 */
#ifndef CS_FORKFD_H
#define CS_FORKFD_H

#include "lib/err.h"

/* One slot per use; in a child the armed slots run in this order. */
enum cs_forkfd_slot {
	CS_FORKFD_NETNS,	/* netns.c: setns into the sandbox's network */
	CS_FORKFD_CGROUP,	/* childcg.c: into the sandbox's cgroup unit */
	CS_FORKFD_NSLOTS
};

/* Runs in the child, right after fork: async-signal-safe calls only. It
 * may _exit the child; it does not close fd. */
typedef void cs_forkfd_action(int fd);

/* Arms fd for slot, replacing what it had. fd is taken over, and must be
 * close-on-exec: no program a later module runs may inherit it. Fails only
 * if the fork handler cannot be registered; fd is then not taken. */
int cs_forkfd_arm(enum cs_forkfd_slot slot, int fd, cs_forkfd_action *action,
		  struct cs_err *err);
void cs_forkfd_disarm(enum cs_forkfd_slot slot);

#endif
