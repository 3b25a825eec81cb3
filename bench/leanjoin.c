/* SPDX-License-Identifier: MIT */
/*
 * bench/leanjoin — a prototype of the join path the helper could have:
 * everything `containsession-helper join` does for a login (session text on
 * fd 3, uid check, oom_score_adj, pidfd_open with start-time check, one
 * setns, chdir home, fork, then in the child: default signals, no_new_privs,
 * setsid without a tty, the default seccomp filter, capabilities, fds >= 3
 * close-on-exec, exec; the parent waits and returns the status), but:
 *   - the seccomp filter is compiled at build time (bench/genbpf ->
 *     filter.h) and loaded with one prctl, no libseccomp at login time;
 *   - capabilities are set with prctl(PR_CAPBSET_DROP) and capset(2), no
 *     libcap-ng;
 *   - no getpwuid (NSS, /etc/passwd): home from $HOME (the prototype) —
 *     the helper would get it from the session file root writes;
 *   - linked statically: no ld.so, no relocation of three libraries.
 * Not a replacement for the helper (no signal relay, no pty handling): a
 * measurement of what the remaining work costs.
 *
 *   leanjoin -- CMD...   (session text on fd 3)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filter.h"

static const int default_keep[] = {
	CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID, CAP_KILL,
	CAP_SETGID, CAP_SETUID, CAP_SETPCAP, CAP_NET_BIND_SERVICE, CAP_NET_RAW,
	CAP_SYS_CHROOT, CAP_MKNOD, CAP_AUDIT_WRITE, CAP_SETFCAP,
};

struct sess { unsigned long long uid, pid, start, net_none, seccomp, nnp, caps, caps_list; };

static int parse(char *t, struct sess *s)
{
	memset(s, 0, sizeof(*s));
	for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
		char *eq = strchr(line, '=');
		if (!eq)
			return -1;
		*eq++ = '\0';
		unsigned long long v = strtoull(eq, NULL, 10);
		if (!strcmp(line, "uid")) s->uid = v;
		else if (!strcmp(line, "init_pid")) s->pid = v;
		else if (!strcmp(line, "init_start")) s->start = v;
		else if (!strcmp(line, "net_none")) s->net_none = v;
		else if (!strcmp(line, "seccomp")) s->seccomp = v;
		else if (!strcmp(line, "no_new_privs")) s->nnp = v;
		else if (!strcmp(line, "caps")) s->caps = v;
		else if (!strcmp(line, "caps_list")) s->caps_list = v;
	}
	return s->pid > 1 ? 0 : -1;
}

static unsigned long long starttime(pid_t pid)
{
	char path[64], buf[1024], *p;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	for (int f = 3; p && f <= 22; f++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

static int caps_apply(const struct sess *s)
{
	unsigned long long keep = 0;
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (s->caps == 2) /* all */
		return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (s->caps == 3)
		keep = s->caps_list;
	else if (s->caps == 0)
		for (size_t i = 0; i < sizeof(default_keep) / sizeof(default_keep[0]); i++)
			keep |= 1ULL << default_keep[i];
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return -1;
	for (int c = 0; c <= CAP_LAST_CAP; c++)
		if (!(keep & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return -1;
	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = d[0].inheritable = (unsigned)keep;
	d[1].effective = d[1].permitted = d[1].inheritable = (unsigned)(keep >> 32);
	return (int)syscall(SYS_capset, &h, d);
}

int main(int argc, char **argv)
{
	char buf[1024], path[64], *home = getenv("HOME");
	struct sess s;
	ssize_t n = read(3, buf, sizeof(buf) - 1);
	int fd, st, flags;
	pid_t c;

	/* Started like the helper ("containsession-helper join -- CMD") or
	 * as "leanjoin -- CMD". */
	if (argc > 1 && !strcmp(argv[1], "join"))
		argc--, argv++;
	if (n <= 0 || argc < 3 || strcmp(argv[1], "--"))
		return 2;
	buf[n] = '\0';
	close(3);
	if (parse(buf, &s) < 0 || s.uid != getuid())
		return 2;
	/* As cs_oom_prefer_sandbox. */
	fd = open("/proc/self/oom_score_adj", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, path, sizeof(path) - 1);
		path[n > 0 ? n : 0] = '\0';
		if (atoi(path) < 500 && pwrite(fd, "500", 3, 0) < 0)
			return 1;
		close(fd);
	}
	fd = (int)syscall(SYS_pidfd_open, (pid_t)s.pid, 0);
	if (fd < 0 || starttime((pid_t)s.pid) != s.start)
		return fprintf(stderr, "leanjoin: sandbox gone\n"), 1;
	flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC |
		CLONE_NEWCGROUP | (s.net_none ? CLONE_NEWNET : 0);
	if (setns(fd, flags) < 0)
		return perror("leanjoin: setns"), 1;
	close(fd);
	if (!home || chdir(home) < 0)
		(void)!chdir("/");
	c = fork();
	if (c < 0)
		return 1;
	if (c == 0) {
		struct sock_fprog prog = { sizeof(cs_filter) / sizeof(cs_filter[0]),
					   (struct sock_filter *)cs_filter };
		sigset_t none;
		for (int sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (s.nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(126);
		if (!isatty(0) && setsid() < 0)
			_exit(126);
		if (s.seccomp && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
			_exit(126);
		if (caps_apply(&s) < 0)
			_exit(126);
		if (syscall(SYS_close_range, 3, ~0U, 4 /* CLOSE_RANGE_CLOEXEC */) < 0)
			_exit(126);
		execv(argv[2], argv + 2);
		_exit(127);
	}
	while (waitpid(c, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
