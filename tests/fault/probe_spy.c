/* SPDX-License-Identifier: MIT */
/*
 * tests/fault/probe_spy.so — LD_PRELOADed into `containsession doctor` by
 * tests/integration/t_cli_doctor_probe.sh. The overlay probe lives for
 * milliseconds, too short to look at from outside, so this looks from
 * inside: at the probe's unshare(CLONE_NEWUSER) as uid 65534, the moment a
 * process of that uid could have it in hand, it records what the probe
 * holds into the file named by $CS_PROBE_SPY_REC (made writable for 65534
 * by the test):
 *
 *     pid PID
 *     sid SID
 *     tty_nr N          (/proc/self/stat field 7: its controlling tty)
 *     dumpable N        (prctl(PR_GET_DUMPABLE))
 *     fd N TARGET       (one line per open fd, readlink of /proc/self/fd/N)
 *
 * With $CS_PROBE_SPY_FORGE set it plays the process that got hold of the
 * probe instead: it writes terminal escape sequences into every pipe the
 * probe can write to (its report pipe) and fails the unshare with EPERM, so
 * doctor prints what came back. With $CS_PROBE_SPY_STALL set it plays a
 * process of uid 65534 that stops the probe (SIGSTOP) at its overlay
 * mount, after doctor has mapped its ids: doctor must still end within its
 * one bound. Every other call, and every other process, is untouched.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <unistd.h>

#define SPY_UID 65534

/* What a hostile writer would send root's terminal: a window title, a
 * colour, a screen clear, a C1 CSI byte and a fake line of doctor's own. */
static const char forged[] = "\033]0;forged\007\033[31m\033[2J\233m\nok: forged verdict\n";

static void add(char *buf, size_t len, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*used + 1 >= len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (w > 0)
		*used += (size_t)w < len - *used ? (size_t)w : len - *used - 1;
}

static long tty_nr(void)
{
	char stat[1024], *p;
	ssize_t n;
	long tty = -1;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, stat, sizeof(stat) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	stat[n] = '\0';
	/* After the command's ")": state ppid pgrp session tty_nr. */
	p = strrchr(stat, ')');
	if (p && sscanf(p + 1, " %*c %*d %*d %*d %ld", &tty) != 1)
		tty = -1;
	return tty;
}

static void record(const char *path)
{
	char buf[8192], link[512];
	size_t used = 0;
	DIR *dir;
	struct dirent *de;
	int fd;

	add(buf, sizeof(buf), &used, "pid %ld\n", (long)getpid());
	add(buf, sizeof(buf), &used, "sid %ld\n", (long)getsid(0));
	add(buf, sizeof(buf), &used, "tty_nr %ld\n", tty_nr());
	add(buf, sizeof(buf), &used, "dumpable %d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	if (!(dir = opendir("/proc/self/fd"))) {
		add(buf, sizeof(buf), &used, "error opendir /proc/self/fd: %s\n", strerror(errno));
	} else {
		while ((de = readdir(dir))) {
			long n = strtol(de->d_name, NULL, 10);
			ssize_t l;

			if (de->d_name[0] == '.' || n == dirfd(dir))
				continue;
			l = readlinkat(dirfd(dir), de->d_name, link, sizeof(link) - 1);
			link[l > 0 ? l : 0] = '\0';
			add(buf, sizeof(buf), &used, "fd %ld %s\n", n, link);
		}
		closedir(dir);
	}
	/* Opened last, so its own fd is not in the list. */
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd >= 0) {
		(void)!write(fd, buf, used);
		close(fd);
	}
}

/* Into every fd that is a pipe open for writing. */
static void forge(void)
{
	char name[64], link[64];

	for (int fd = 0; fd < 1024; fd++) {
		int fl = fcntl(fd, F_GETFL);
		ssize_t l;

		if (fl < 0 || (fl & O_ACCMODE) != O_WRONLY)
			continue;
		snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
		l = readlink(name, link, sizeof(link) - 1);
		if (l > 5 && !strncmp(link, "pipe:", 5))
			(void)!write(fd, forged, sizeof(forged) - 1);
	}
}

/* Set in the probe at its unshare: once in its user namespace it is uid 0
 * there, so getuid() no longer tells it apart. */
static int in_probe;

int unshare(int flags)
{
	static int (*real)(int);
	const char *rec = getenv("CS_PROBE_SPY_REC");

	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "unshare");
	if ((flags & CLONE_NEWUSER) && getuid() == SPY_UID) {
		in_probe = 1;
		if (getenv("CS_PROBE_SPY_FORGE")) {
			forge();
			errno = EPERM;
			return -1;
		}
		if (rec)
			record(rec);
	}
	return real(flags);
}

int mount(const char *src, const char *target, const char *type, unsigned long flags,
	  const void *data)
{
	static int (*real)(const char *, const char *, const char *, unsigned long,
			   const void *);

	if (!real)
		real = (int (*)(const char *, const char *, const char *, unsigned long,
				const void *))dlsym(RTLD_NEXT, "mount");
	if (type && !strcmp(type, "overlay") && in_probe && getenv("CS_PROBE_SPY_STALL"))
		raise(SIGSTOP);
	return real(src, target, type, flags, data);
}
