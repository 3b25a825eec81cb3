/* SPDX-License-Identifier: MIT */
/*
 * bench/minjoin — the floor for joining a sandbox: pidfd_open, into the
 * namespaces in the order a locked sandbox needs (helper/locked.c: the
 * init's parent user namespace U1, then the PID, UTS, IPC and cgroup
 * namespaces, then the init's own user namespace U2 with the mount
 * namespace; one setns when the sandbox has a single user namespace),
 * fork, exec, wait. No checks, no privilege dropping, no seccomp, no
 * capability changes. Linked statically.
 *
 *   minjoin PID CMD...
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/nsfs.h>

int main(int argc, char **argv)
{
	const int others = CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP;
	char path[64];
	struct stat mine, parent;
	int fd, u2, u1, st, r;
	pid_t c;

	if (argc < 3)
		return 2;
	fd = (int)syscall(SYS_pidfd_open, atoi(argv[1]), 0);
	snprintf(path, sizeof(path), "/proc/%s/ns/user", argv[1]);
	u2 = open(path, O_RDONLY | O_CLOEXEC);
	u1 = u2 < 0 ? -1 : ioctl(u2, NS_GET_PARENT);
	if (fd < 0 || u1 < 0 || stat("/proc/self/ns/user", &mine) < 0 || fstat(u1, &parent) < 0) {
		perror("minjoin: open");
		return 1;
	}
	if (mine.st_ino == parent.st_ino && mine.st_dev == parent.st_dev)
		r = setns(fd, CLONE_NEWUSER | CLONE_NEWNS | others);
	else
		r = setns(u1, CLONE_NEWUSER) < 0 || setns(fd, others) < 0 ||
		    setns(fd, CLONE_NEWUSER | CLONE_NEWNS) < 0 ? -1 : 0;
	if (r < 0) {
		perror("minjoin: join");
		return 1;
	}
	close(fd);
	close(u1);
	close(u2);
	c = fork();
	if (c == 0) {
		execv(argv[2], argv + 2);
		_exit(127);
	}
	if (c < 0 || waitpid(c, &st, 0) < 0)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
