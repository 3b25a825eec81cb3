/* SPDX-License-Identifier: MIT */
#include "lib/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/fsutil.h"

int cs_proc_starttime(pid_t pid, unsigned long long *start)
{
	char path[64], buf[1024];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	n = cs_read_small(AT_FDCWD, path, buf, sizeof(buf));
	if (n < 0)
		return n == -ENOENT ? -ESRCH : (int)n;
	/* comm may hold spaces and ')': fields resume after the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	p++;
	/* After ')' come fields 3..; starttime is field 22. */
	for (int field = 3; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -EINVAL;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(p + 1, &end, 10);
	if (errno || end == p + 1)
		return -EINVAL;
	*start = v;
	return 0;
}

int cs_pidfd_open(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	return fd < 0 ? -errno : fd;
}

int cs_pidfd_send_signal(int pidfd, int sig)
{
	return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
}

int cs_pidfd_open_checked(pid_t pid, unsigned long long start)
{
	unsigned long long now;
	int fd, r;

	if (pid <= 1)
		return -ESRCH;
	fd = cs_pidfd_open(pid);
	if (fd < 0)
		return fd;
	/* Checked after the pidfd is held: from here on the pid cannot be
	 * recycled, so a matching start time means the pidfd is the
	 * process we recorded. */
	r = cs_proc_starttime(pid, &now);
	if (r < 0 || now != start) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

bool cs_proc_alive(pid_t pid, unsigned long long start)
{
	int fd = cs_pidfd_open_checked(pid, start);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int cs_pidfd_wait_exit(int pidfd, int timeout_ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return r == 0 ? -ETIMEDOUT : 0;
}

long cs_ms_left(const struct timespec *t0, long total_ms)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return total_ms - ((now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000);
}

/* waitpid without blocking, for at most timeout_ms: 1 reaped, 0 not yet. */
static int reap_within(pid_t pid, int pidfd, int timeout_ms, int *status)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		long left;

		if (r == pid)
			return 1;
		if (r < 0 && errno != EINTR)
			return -errno;
		left = cs_ms_left(&t0, timeout_ms);
		if (left <= 0)
			return 0;
		if (pidfd >= 0) {
			/* Readable once the child has exited. */
			struct pollfd p = { .fd = pidfd, .events = POLLIN };
			if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
				return -errno;
		} else {
			nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
		}
	}
}

int cs_child_reap(pid_t pid, int timeout_ms, int *status)
{
	/* Our own child, not reaped yet: its pid cannot be reused, so the
	 * pidfd names exactly it. Without pidfds (EMFILE) the wait polls. */
	int fd = cs_pidfd_open(pid), r;

	*status = -1;
	r = reap_within(pid, fd, timeout_ms, status);
	if (fd >= 0)
		close(fd);
	return r < 0 ? r : r ? 0 : -ETIMEDOUT;
}

int cs_child_kill(pid_t pid, int *status)
{
	int fd = cs_pidfd_open(pid), r;

	*status = -1;
	if (fd >= 0)
		cs_pidfd_send_signal(fd, SIGKILL);
	else
		kill(pid, SIGKILL);
	r = reap_within(pid, fd, 5000, status);
	if (fd >= 0)
		close(fd);
	return r < 0 ? r : r ? 0 : -ETIMEDOUT;
}

int cs_signals_reset(void)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;

	/* SIGKILL, SIGSTOP and the C library's own refuse: nothing to reset
	 * there. */
	for (int sig = 1; sig < NSIG; sig++)
		if (sigaction(sig, &dfl, NULL) < 0 && errno != EINVAL)
			return -errno;
	sigemptyset(&none);
	return sigprocmask(SIG_SETMASK, &none, NULL) < 0 ? -errno : 0;
}
