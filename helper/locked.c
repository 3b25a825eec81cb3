/* SPDX-License-Identifier: MIT */
/*
 * The sandbox's mounts, locked. The init builds the new root in its user
 * namespace U1 (read-only binds of /usr, /etc...). A shell that holds
 * CAP_SYS_ADMIN in U1 (a profile with capabilities = all, or a list with
 * cap_sys_admin) could remount those binds read-write or unmount them, as
 * U1 owns the mount namespace they are in. So once the tree is built, the
 * init moves into a user namespace U2 nested in U1 and a new mount namespace
 * owned by U2. The kernel copies every mount into it locked (a less
 * privileged mount namespace cannot change what a more privileged one set
 * up: no remount of their read-only/nosuid/nodev flags, no unmount that
 * would uncover what is below), as bubblewrap does for the same reason.
 * Logins join U2 and that mount namespace; their capabilities are U2's.
 * U1 maps the user's uid to itself and U2 maps its 0 to that, so inside
 * uid_map reads "0 <real uid> 1" as in a single user namespace.
 *
 * The PID, UTS, IPC and cgroup namespaces stay U1's. Joining them
 * takes U1's capabilities, which a process in U2 does not have, so the join
 * goes U1 first, then those, then U2 with the mount namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "helper/helper.h"
#include "lib/proc.h"

int cs_lock_mounts(void)
{
	/* Read in U1, before the unshare: in U2 they are unmapped until the
	 * map below is written. */
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return cs_fail(errno, "lock the sandbox's mounts (nested user namespace)");
	/* 0 is the user (U1 maps the user to itself, init.c); setgroups
	 * stays denied. */
	return cs_userns_map(0, uid, 0, gid);
}

int cs_join_namespaces(int pidfd, pid_t pid)
{
	/* Never the network namespace: with network = none it is root's and
	 * the caller is in it already (net.c). */
	int others = CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP;
	struct stat mine, parent;
	char path[64];
	int u2, u1, r = -1;

	/* The init's user namespace, U2, through /proc: proven to be the
	 * pidfd's process by the pidfd still being alive after the open (a
	 * pid is only reused once its process is gone). */
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	u2 = open(path, O_RDONLY | O_CLOEXEC);
	if (u2 < 0 || cs_pidfd_send_signal(pidfd, 0) < 0) {
		r = cs_fail(errno, "open the sandbox's user namespace");
		goto out2;
	}
	u1 = ioctl(u2, NS_GET_PARENT);
	if (u1 < 0) {
		r = cs_fail(errno, "the sandbox's parent user namespace");
		goto out2;
	}
	if (stat("/proc/self/ns/user", &mine) < 0 || fstat(u1, &parent) < 0) {
		r = cs_fail(errno, "stat user namespaces");
		goto out1;
	}
	if (mine.st_ino == parent.st_ino && mine.st_dev == parent.st_dev) {
		/* A sandbox started before its mounts were locked: one
		 * user namespace, joined in one call as before. */
		if (setns(pidfd, CLONE_NEWUSER | CLONE_NEWNS | others) < 0)
			r = cs_fail(errno, "join the sandbox of pid %d", (int)pid);
		else
			r = 0;
		goto out1;
	}
	if (setns(u1, CLONE_NEWUSER) < 0 || setns(pidfd, others) < 0 ||
	    setns(pidfd, CLONE_NEWUSER | CLONE_NEWNS) < 0)
		r = cs_fail(errno, "join the sandbox of pid %d", (int)pid);
	else
		r = 0;
out1:
	close(u1);
out2:
	if (u2 >= 0)
		close(u2);
	return r;
}
