/* SPDX-License-Identifier: MIT */
/*
 * A login with a terminal gets a terminal of the sandbox's own devpts.
 *
 * sshd allocates the login's pty on the host's devpts; the sandbox has its
 * own instance at /dev/pts (rootfs.c), so the host pty's name means nothing
 * inside (ttyname finds no /dev/pts/N that is it, `tty` says "not a tty",
 * and the same number may well be another pty of the sandbox's). The kernel
 * cannot put a host pty into another devpts instance, and a bind mount needs
 * an existing node to cover. So, as container managers do for an attached
 * terminal, the helper opens a pty in the sandbox, makes it the shell's
 * controlling terminal and stdio, and copies bytes between the two while the
 * host side is in raw mode. The shell's line discipline is the inner one: ^C
 * and job control, window size (passed on at SIGWINCH) and `tty` all behave
 * as on any terminal, and nothing in the sandbox holds the host pty.
 *
 * The relay runs as the user in the sandbox's namespaces, like the rest of
 * the helper's parent: it only copies bytes and sets the window size.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "helper/helper.h"
#include "lib/fsutil.h"
#include "lib/proc.h"

/* After the shell has exited, output still on its way from the inner pty
 * is read until this long passes without any (a background job that keeps
 * the terminal open must not keep the login open). */
#define DRAIN_IDLE_MS 100
/* ... and never longer than this in all: a job that keeps writing to the
 * terminal after the shell is gone must not keep the login open forever. */
#define DRAIN_MAX_MS 1000

bool cs_pty_wanted(void)
{
	return isatty(0) == 1;
}

int cs_pty_open(struct cs_pty *p)
{
	unsigned idx;
	int unlock = 0;
	char name[32];
	struct stat st0, st;

	memset(p, 0, sizeof(*p));
	p->master = p->slave = -1;
	if (tcgetattr(0, &p->host_tio) < 0 || ioctl(0, TIOCGWINSZ, &p->ws) < 0)
		return cs_fail(errno, "read the login's terminal settings");
	if (fstat(0, &st0) < 0)
		return cs_fail(errno, "stat the login's terminal");
	/* Every one of stdin, stdout and stderr that is the login's terminal
	 * (sshd makes all three the pty) becomes the inner one. */
	for (int fd = 0; fd < 3; fd++)
		p->is_tty[fd] = fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) &&
				st.st_rdev == st0.st_rdev && st.st_ino == st0.st_ino;
	/* /dev/ptmx is the sandbox's own (pts/ptmx of its devpts instance):
	 * we have joined its mount namespace already. */
	p->master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->master < 0)
		return cs_fail(errno, "open a pty in the sandbox");
	if (ioctl(p->master, TIOCSPTLCK, &unlock) < 0 || ioctl(p->master, TIOCGPTN, &idx) < 0)
		return cs_fail(errno, "unlock the sandbox's pty");
	/* The slave by the master, not by name: no path lookup to race. */
	p->slave = ioctl(p->master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->slave < 0)
		return cs_fail(errno, "open the sandbox's pty");
	if (tcsetattr(p->slave, TCSANOW, &p->host_tio) < 0 ||
	    ioctl(p->slave, TIOCSWINSZ, &p->ws) < 0)
		return cs_fail(errno, "set up the sandbox's pty");
	/* What sshd told the shell its terminal is, now true inside. */
	snprintf(name, sizeof(name), "/dev/pts/%u", idx);
	if (getenv("SSH_TTY") && setenv("SSH_TTY", name, 1) < 0)
		return cs_fail(errno, "setenv SSH_TTY");
	return 0;
}

/* In the (vforked) child: a session of its own with the inner pty as its
 * controlling terminal. Only syscalls on the child's own task and fds. */
int cs_pty_child(const struct cs_pty *p)
{
	if (setsid() < 0 || ioctl(p->slave, TIOCSCTTY, 0) < 0)
		return -1;
	for (int fd = 0; fd < 3; fd++)
		if (p->is_tty[fd] && dup2(p->slave, fd) < 0)
			return -1;
	return 0;
}

void cs_pty_raw(struct cs_pty *p)
{
	struct termios raw = p->host_tio;

	close(p->slave);
	p->slave = -1;
	/* The inner line discipline does the editing, echo and signals: the
	 * host one must pass every byte through unchanged. */
	cfmakeraw(&raw);
	p->raw = tcsetattr(0, TCSANOW, &raw) == 0;
}

void cs_pty_restore(struct cs_pty *p)
{
	if (p->raw)
		tcsetattr(0, TCSADRAIN, &p->host_tio);
	p->raw = false;
	if (p->master >= 0)
		close(p->master);
	p->master = -1;
}

void cs_pty_winch(const struct cs_pty *p)
{
	struct winsize ws;

	/* Called from a signal handler: two ioctls, nothing else. Setting
	 * the size on the master makes the kernel signal the inner
	 * foreground process group. */
	if (ioctl(0, TIOCGWINSZ, &ws) == 0)
		ioctl(p->master, TIOCSWINSZ, &ws);
}

/* Copy what one read gives; false when that side is done (EOF, EIO: the
 * other end closed, or the host hung up) or the other cannot take it. */
static bool pass(int from, int to)
{
	return cs_relay_copy(from, to) > 0;
}

int cs_pty_pump(struct cs_pty *p, pid_t child)
{
	int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	bool in_open = true, out_open = true;

	if (pidfd < 0)
		return cs_fail(errno, "pidfd of the shell");
	while (out_open) {
		struct pollfd fds[3] = {
			{ .fd = in_open ? 0 : -1, .events = POLLIN },
			{ .fd = p->master, .events = POLLIN },
			{ .fd = pidfd, .events = POLLIN },
		};
		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[0].revents && !pass(0, p->master))
			in_open = false;
		if (fds[1].revents && !pass(p->master, 1))
			out_open = false;
		if (fds[2].revents)
			break;
	}
	close(pidfd);
	/* The shell is gone: what it wrote last may still be in the pty's
	 * buffers. Read until the pty says nobody holds it (EIO) or stays
	 * quiet for a moment. */
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (out_open) {
		struct pollfd fd = { .fd = p->master, .events = POLLIN };
		int r = poll(&fd, 1, DRAIN_IDLE_MS);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || !pass(p->master, 1))
			break;
		if (cs_ms_left(&t0, DRAIN_MAX_MS) < 0)
			break;
	}
	return 0;
}
