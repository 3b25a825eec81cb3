/* SPDX-License-Identifier: MIT */
/*
 * The relay of `containsession enter` (see ptyrelay.h). Why not simply hand
 * root's fds 0-2 to the entered program: they are root's terminal, and a
 * program the user controls (their ~/.bashrc, read from the overlay) could
 * then take the foreground process group and read what root types next, or
 * push input with TIOCSTI. With the relay the user's processes only ever
 * hold the pty's slave, or pipes, which reach nothing of root's.
 */
#include "cli/ptyrelay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/fsutil.h"
#include "lib/proc.h"

/* Signals the relay acts on: passed on to the program, or (SIGWINCH) read
 * as "root's window changed size". */
static const int relay_sigs[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGWINCH };

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int open_pty(struct cli_relay *r, uid_t uid)
{
	struct winsize ws;
	struct termios t;
	char name[64];

	/* /dev/ptmx of root's own mount namespace: the host's devpts, never
	 * one the user mounted. */
	r->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (r->master < 0 || grantpt(r->master) < 0 || unlockpt(r->master) < 0 ||
	    ptsname_r(r->master, name, sizeof(name)) != 0) {
		cli_err("allocate a pty: %s", strerror(errno));
		return -1;
	}
	r->slave = open(name, O_RDWR | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC);
	if (r->slave < 0) {
		cli_err("open %s: %s", name, strerror(errno));
		return -1;
	}
	/* The user's, as sshd makes a login's pty: the pty is new and only
	 * reached through our fds, so nothing else changes hands. */
	if (fchown(r->slave, uid, (gid_t)-1) < 0 || fchmod(r->slave, 0620) < 0) {
		cli_err("hand %s to uid %u: %s", name, (unsigned)uid, strerror(errno));
		return -1;
	}
	/* The program starts with root's line settings and window size... */
	if (tcgetattr(0, &t) == 0) {
		r->saved = t;
		if (tcsetattr(r->slave, TCSANOW, &t) < 0) {
			cli_err("set up %s: %s", name, strerror(errno));
			return -1;
		}
		/* ...and root's terminal passes every byte through (^C too:
		 * the pty's line discipline turns it into the program's
		 * SIGINT). */
		cfmakeraw(&t);
		if (tcsetattr(0, TCSADRAIN, &t) < 0) {
			cli_err("raw mode on the terminal: %s", strerror(errno));
			return -1;
		}
		r->raw = true;
	}
	if (ioctl(0, TIOCGWINSZ, &ws) == 0)
		(void)ioctl(r->master, TIOCSWINSZ, &ws);
	return fcntl(r->master, F_SETFL, O_NONBLOCK) < 0 ? -1 : 0;
}

int cli_relay_prepare(struct cli_relay *r, uid_t uid)
{
	sigset_t set;

	*r = (struct cli_relay){ .master = -1, .slave = -1,
				 .in = { -1, -1 }, .out = { -1, -1 }, .err = { -1, -1 } };
	/* Blocked before the fork (none is lost in between), read through a
	 * signalfd in the relay; the child restores the old mask. */
	sigemptyset(&set);
	for (size_t i = 0; i < CS_ARRAY_SIZE(relay_sigs); i++)
		sigaddset(&set, relay_sigs[i]);
	if (sigprocmask(SIG_BLOCK, &set, &r->oldmask) < 0)
		return -1;
	/* Writing to a program that closed its stdin is EPIPE, not death. */
	signal(SIGPIPE, SIG_IGN);
	r->pty = isatty(0);
	if (r->pty)
		return open_pty(r, uid);
	if (pipe2(r->in, O_CLOEXEC) < 0 || pipe2(r->out, O_CLOEXEC) < 0 ||
	    pipe2(r->err, O_CLOEXEC) < 0 || fcntl(r->in[1], F_SETFL, O_NONBLOCK) < 0) {
		cli_err("pipe: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* fd onto target, to be kept across exec. */
static int move_to(int fd, int target)
{
	if (fd == target)
		return fcntl(fd, F_SETFD, 0);
	return dup2(fd, target) < 0 ? -1 : 0;
}

int cli_relay_child(struct cli_relay *r)
{
	/* A session of its own: no controlling tty of root's, whatever
	 * happens below, and not in root's terminal's process groups. */
	if (setsid() < 0)
		return -1;
	if (r->pty) {
		if (move_to(r->slave, 0) < 0 || move_to(r->slave, 1) < 0 ||
		    move_to(r->slave, 2) < 0 || ioctl(0, TIOCSCTTY, 0) < 0)
			return -1;
	} else if (move_to(r->in[0], 0) < 0 || move_to(r->out[1], 1) < 0 ||
		   move_to(r->err[1], 2) < 0) {
		return -1;
	}
	/* The other ends are close-on-exec. */
	return sigprocmask(SIG_SETMASK, &r->oldmask, NULL) < 0 ? -1 : 0;
}

/* Bytes from root's stdin on their way to the program. */
struct inbuf {
	char buf[4096];
	size_t len, off;
	bool eof;
};

/* Read what there is on fd (non-blocking on our side) and write it to
 * out. 1 while fd stays open, 0 at its end (EOF, or EIO: the pty's last
 * slave fd closed). */
static int pump_out(int fd, int out)
{
	/* Root's stdout may be gone (closed pager): the program still runs
	 * to its end, its output is dropped. */
	return cs_relay_copy(fd, out) != 0;
}

/* What is still on its way in fd once the program has exited, but no
 * more: a background process it left may hold the pty or pipe open for
 * ever. A pty hands written bytes to the master side a moment later (the
 * kernel pushes them from a work queue), hence the short wait for each. */
static void drain(int fd, int out)
{
	if (fd < 0)
		return;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (int i = 0; i < 1024; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 20) <= 0 || !pump_out(fd, out))
			break;
	}
}

static void on_signal(struct cli_relay *r, int sfd, int pidfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGWINCH) {
			struct winsize ws;
			/* The kernel tells the program's foreground group. */
			if (r->pty && ioctl(0, TIOCGWINSZ, &ws) == 0)
				(void)ioctl(r->master, TIOCSWINSZ, &ws);
		} else {
			/* Sent to us (kill, root's terminal's ^C in pipe
			 * mode, hangup): for the program. The pidfd names
			 * exactly our child, never a recycled pid. */
			(void)cs_pidfd_send_signal(pidfd, (int)si.ssi_signo);
		}
	}
}

int cli_relay_run(struct cli_relay *r, pid_t child)
{
	struct inbuf in = { .eof = false };
	int to_prog, out_fd, err_fd, status, sfd, pidfd, ret = 1;
	bool out_open = true, err_open, exited = false;
	sigset_t set;

	/* Our copies of the child's ends go, so EOF and EIO come when the
	 * program's side closes them. */
	close_fd(&r->slave);
	close_fd(&r->in[0]);
	close_fd(&r->out[1]);
	close_fd(&r->err[1]);
	to_prog = r->pty ? r->master : r->in[1];
	out_fd = r->pty ? r->master : r->out[0];
	err_fd = r->pty ? -1 : r->err[0];
	err_open = err_fd >= 0;

	sigemptyset(&set);
	for (size_t i = 0; i < CS_ARRAY_SIZE(relay_sigs); i++)
		sigaddset(&set, relay_sigs[i]);
	sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	pidfd = cs_pidfd_open(child);
	if (sfd < 0 || pidfd < 0) {
		cli_err("relay for %d: %s", (int)child, strerror(sfd < 0 ? errno : -pidfd));
		/* Without a relay the program is ended, not left with nobody
		 * reading its output. */
		kill(child, SIGKILL);
		goto reap;
	}

	while (!exited) {
		struct pollfd p[5];
		int n = 0, i_in = -1, i_to = -1, i_out = -1, i_err = -1;

		p[n++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		if (!in.eof && in.len == 0)
			i_in = n, p[n++] = (struct pollfd){ .fd = 0, .events = POLLIN };
		if (in.len > 0)
			i_to = n, p[n++] = (struct pollfd){ .fd = to_prog, .events = POLLOUT };
		if (out_open)
			i_out = n, p[n++] = (struct pollfd){ .fd = out_fd, .events = POLLIN };
		if (err_open && n < 5)
			i_err = n, p[n++] = (struct pollfd){ .fd = err_fd, .events = POLLIN };
		if (poll(p, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			cli_err("poll: %s", strerror(errno));
			break;
		}
		if (p[1].revents)
			on_signal(r, sfd, pidfd);
		if (i_out >= 0 && p[i_out].revents)
			out_open = pump_out(out_fd, 1);
		if (i_err >= 0 && p[i_err].revents)
			err_open = pump_out(err_fd, 2);
		if (i_in >= 0 && p[i_in].revents) {
			ssize_t k = read(0, in.buf, sizeof(in.buf));
			if (k > 0) {
				in.len = (size_t)k;
				in.off = 0;
			} else if (k == 0 || (errno != EAGAIN && errno != EINTR)) {
				/* End of root's input. Through pipes the
				 * program sees EOF; a pty has no EOF of its
				 * own (a hangup comes as SIGHUP). */
				in.eof = true;
				if (!r->pty)
					close_fd(&r->in[1]);
			}
		}
		if (i_to >= 0 && p[i_to].revents) {
			ssize_t k = write(to_prog, in.buf + in.off, in.len - in.off);
			if (k > 0) {
				in.off += (size_t)k;
				if (in.off == in.len)
					in.len = in.off = 0;
			} else if (k < 0 && errno != EAGAIN && errno != EINTR) {
				/* The program closed its stdin: stop feeding. */
				in.len = in.off = 0;
				in.eof = true;
				if (!r->pty)
					close_fd(&r->in[1]);
			}
		}
		exited = p[0].revents != 0;
	}
	if (exited) {
		if (out_open)
			drain(out_fd, 1);
		if (err_open)
			drain(err_fd, 2);
	} else {
		kill(child, SIGKILL);
	}
reap:
	/* The pidfd said it exited (or it was just killed): no long wait. */
	while (waitpid(child, &status, 0) < 0) {
		if (errno != EINTR) {
			cli_err("wait for %d: %s", (int)child, strerror(errno));
			status = -1;
			break;
		}
	}
	if (status != -1 && exited)
		ret = WIFEXITED(status) ? WEXITSTATUS(status) :
		      WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
	if (sfd >= 0)
		close(sfd);
	if (pidfd >= 0)
		close(pidfd);
	return ret;
}

void cli_relay_close(struct cli_relay *r)
{
	if (r->raw && tcsetattr(0, TCSADRAIN, &r->saved) == 0)
		r->raw = false;
	close_fd(&r->master);
	close_fd(&r->slave);
	for (int i = 0; i < 2; i++) {
		close_fd(&r->in[i]);
		close_fd(&r->out[i]);
		close_fd(&r->err[i]);
	}
	sigprocmask(SIG_SETMASK, &r->oldmask, NULL);
}
