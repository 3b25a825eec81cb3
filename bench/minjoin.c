/* SPDX-License-Identifier: MIT */
/*
 * bench/minjoin — the floor for joining a sandbox: pidfd_open, one setns
 * into user+mount+pid+uts+ipc+cgroup, fork, exec, wait. No privilege
 * dropping, no seccomp, no capability changes. Linked statically.
 *
 *   minjoin PID CMD...
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd, st;
	pid_t c;

	if (argc < 3)
		return 2;
	fd = (int)syscall(SYS_pidfd_open, atoi(argv[1]), 0);
	if (fd < 0 || setns(fd, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS |
			    CLONE_NEWIPC | CLONE_NEWCGROUP) < 0) {
		perror("minjoin: join");
		return 1;
	}
	close(fd);
	c = fork();
	if (c == 0) {
		execv(argv[2], argv + 2);
		_exit(127);
	}
	if (c < 0 || waitpid(c, &st, 0) < 0)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
