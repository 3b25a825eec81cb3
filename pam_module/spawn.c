/* SPDX-License-Identifier: MIT */
/*
 * Start the sandbox init: fork from sshd's [priv] process, drop to the user
 * for good, exec the helper. The helper builds the namespaces with the
 * user's own rights (an unprivileged user namespace), so root never enters
 * or builds anything the user owns.
 *
 * The helper reports on fd 3: "pid=N" (the init's pid in our PID namespace),
 * then "ready" or "error=MESSAGE".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "lib/root/privileges.h"
#include "lib/proc.h"
#include "pam_module/module.h"

#define READY_TIMEOUT_MS 15000
/* The helper's first process exits as soon as it has reported the init's
 * pid; past this it is stopped or stuck, and the login is refused. */
#define FIRST_EXIT_TIMEOUT_MS 5000

/* " (it is stopped)" when /proc says pid is in state T or t: a process of
 * the user's outside the sandbox can SIGSTOP the helper, which runs as
 * them, and the log line then says what happened. */
static const char *stopped_note(pid_t pid)
{
	char path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (cs_read_small(AT_FDCWD, path, buf, sizeof(buf)) < 0 || !(p = strrchr(buf, ')')))
		return "";
	return p[1] == ' ' && (p[2] == 'T' || p[2] == 't') ?
	       " (it is stopped: SIGSTOP from another process of the user?)" : "";
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static void __attribute__((noreturn))
child(const struct cs_login *l, int wfd, char *const argv[], char *const envp[])
{
	static const char msg[] = "error=cannot drop privileges or exec the helper\n";
	int nullfd;

	/* sshd's handlers and mask must not leak into the sandbox init. */
	if (cs_priv_reset_signals() < 0)
		goto fail;
	/* Its own session: no controlling terminal of sshd's. */
	if (setsid() < 0)
		goto fail;
	/* Only the report pipe is passed on; sshd's sockets and keys are
	 * not (close_range below). */
	if (dup2(wfd, 3) < 0)
		goto fail;
	/* dup2 onto itself keeps the pipe's close-on-exec flag: the helper
	 * would start without its report fd. */
	if (wfd == 3 && fcntl(3, F_SETFD, 0) < 0)
		goto fail;
	nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (nullfd < 0 || dup2(nullfd, 0) < 0 || dup2(nullfd, 1) < 0 || dup2(nullfd, 2) < 0)
		goto fail;
	/* Still root: into the sandbox's network namespace (root's, so the
	 * user holds no capability over it), and into the sandbox's /tmp as
	 * the working directory. The init's unshare(CLONE_NEWNS) carries the
	 * working directory over to its copy of that mount: the user gets the
	 * tmpfs without a path to it (the state directory is root's 0700),
	 * and nothing they could swap. */
	if (l->spawn_netfd >= 0 && setns(l->spawn_netfd, CLONE_NEWNET) < 0)
		goto fail;
	if (l->spawn_tmpfd >= 0 && fchdir(l->spawn_tmpfd) < 0)
		goto fail;
	/* The home image's detached mount (home = overlay) on fd 4: the
	 * init moves it into its own mount namespace (helper/mounts.c). */
	if (l->spawn_homefd >= 0 && dup2(l->spawn_homefd, 4) < 0)
		goto fail;
	if (syscall(SYS_close_range, l->spawn_homefd >= 0 ? 5 : 4, ~0U, 0) < 0)
		goto fail;
	/* Drop to the user for good, and prove it (lib/root/privileges.c). */
	if (cs_priv_drop(l->uid, l->gid, l->gids, (size_t)l->ngids) < 0)
		goto fail;
	umask(077);
	execve(l->helper, argv, envp);
fail:
	(void)!write(3, msg, sizeof(msg) - 1);
	(void)!write(wfd, msg, sizeof(msg) - 1);
	_exit(127);
}

/*
 * The init's pid comes from a process of the user's, and another process of
 * theirs may have written to the same pipe (through /proc/PID/fd/3 or
 * ptrace) to name any pid at all. Root records that pid and SIGKILLs it at
 * teardown, so it acts on it only once it is what the helper makes: a
 * process running as the user with all four uids, and PID 1 of a PID
 * namespace below ours. A forged pid can then only name a process the user
 * could kill anyway. The pidfd is taken before /proc is read and the
 * process is proven alive after, so the status read is that process's
 * (its pid cannot be reused before it is reaped). Returns the pidfd.
 */
static int open_init(pid_t pid, uid_t uid, struct cs_err *err)
{
	char path[64], buf[4096];
	const char *u, *ns;
	unsigned ids[4];
	int fd, nfields = 0;
	bool pid1 = false;

	fd = cs_pidfd_open(pid);
	if (fd < 0)
		return cs_err_set(err, -fd, "sandbox init %d", (int)pid);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (cs_read_small(AT_FDCWD, path, buf, sizeof(buf)) < 0)
		goto bad;
	u = strstr(buf, "\nUid:");
	if (!u || sscanf(u + 5, "%u %u %u %u", &ids[0], &ids[1], &ids[2], &ids[3]) != 4)
		goto bad;
	for (int i = 0; i < 4; i++)
		if (ids[i] != uid)
			goto bad;
	ns = strstr(buf, "\nNSpid:");
	if (!ns)
		goto bad;
	ns += 7;
	for (;;) {
		char *end;
		long v;

		while (*ns == ' ' || *ns == '\t')
			ns++;
		if (*ns < '0' || *ns > '9')
			break;
		v = strtol(ns, &end, 10);
		nfields++;
		pid1 = v == 1;
		ns = end;
	}
	if (nfields < 2 || !pid1 || cs_pidfd_send_signal(fd, 0) < 0)
		goto bad;
	return fd;
bad:
	close(fd);
	return cs_err_set(err, EPERM, "sandbox init %d is not the user's PID 1 of a new PID namespace",
			  (int)pid);
}

/* Read the helper's report until "ready", "error=" or the deadline. */
static int read_report(int rfd, pid_t *pid, struct cs_err *err)
{
	char buf[1024];
	size_t len = 0;
	bool ready = false;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);

	for (;;) {
		long left = cs_ms_left(&t0, READY_TIMEOUT_MS);
		struct pollfd p = { .fd = rfd, .events = POLLIN };
		if (left <= 0)
			return cs_err_set(err, ETIMEDOUT, "sandbox init did not get ready");
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return cs_err_set(err, errno, "wait for sandbox init");
		if (r == 0)
			continue;
		ssize_t n = read(rfd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cs_err_set(err, errno, "read from sandbox init");
		if (n == 0 && ready && *pid > 1)
			return 0;
		if (n == 0)
			return cs_err_set(err, EPROTO, ready ? "sandbox init gave no pid" :
					  "sandbox init exited before it was ready");
		len += (size_t)n;
		buf[len] = '\0';
		char *line, *nl;
		for (line = buf; (nl = strchr(line, '\n')); line = nl + 1) {
			*nl = '\0';
			if (!strncmp(line, "pid=", 4))
				*pid = (pid_t)atoi(line + 4);
			else if (!strcmp(line, "ready"))
				ready = true;
			else if (!strncmp(line, "error=", 6))
				return cs_err_set(err, 0, "sandbox init: %s", line + 6);
		}
		/* Both the pid (from the helper's first process) and "ready"
		 * (from the init) are needed, in whichever order they come. */
		if (ready && *pid > 1)
			return 0;
		len = strlen(line);
		memmove(buf, line, len + 1);
		if (len >= sizeof(buf) - 1)
			return cs_err_set(err, EPROTO, "sandbox init: report too long");
	}
}

int cs_spawn_init(struct cs_login *l, const struct cs_record *rec, const char *data, pid_t *pid,
		  unsigned long long *start, struct cs_err *err)
{
	char uid[16], gid[16], home_max[24], tmp_max[24], netns[24];
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old;
	int p[2], r, status;
	pid_t c;

	*pid = 0;
	/* Everything the sandbox is built with comes from its record, the
	 * one the registry keeps and later logins join by. */
	snprintf(uid, sizeof(uid), "%u", (unsigned)l->uid);
	snprintf(gid, sizeof(gid), "%u", (unsigned)l->gid);
	snprintf(home_max, sizeof(home_max), "%llu", (unsigned long long)rec->home_max);
	snprintf(tmp_max, sizeof(tmp_max), "%llu", (unsigned long long)rec->tmp_max);
	snprintf(netns, sizeof(netns), "%llu", l->netns_ino);
	char *argv[] = {
		"containsession-helper", "init",
		"--user", l->user, "--uid", uid, "--gid", gid,
		"--home", l->home, "--home-mode", (char *)cs_record_home_name(rec),
		"--data", (char *)(data ? data : "-"),
		"--tmp", l->spawn_tmpfd >= 0 ? "cwd" : "host",
		"--net", l->spawn_netfd >= 0 ? netns : "host",
		"--hostname", (char *)rec->hostname, "--home-max", home_max, "--tmp-max", tmp_max,
		/* Last: without an image the list ends here. */
		l->spawn_homefd >= 0 ? "--home-image" : NULL, "4", NULL
	};
	char *envp[] = { "PATH=/usr/local/bin:/usr/bin:/bin", NULL };

	/* Above 4, so that the child's dup2 onto 3 cannot overwrite it
	 * before it is put on 4 (create() closes whichever fd this leaves). */
	if (l->spawn_homefd >= 0 && l->spawn_homefd < 5) {
		int hi = fcntl(l->spawn_homefd, F_DUPFD_CLOEXEC, 5);
		if (hi < 0)
			return cs_err_set(err, errno, "dup the home image's mount");
		close(l->spawn_homefd);
		l->spawn_homefd = hi;
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return cs_err_set(err, errno, "pipe");
	/* As pam_namespace does: sshd's SIGCHLD handler must not reap our
	 * child before waitpid() below does. */
	sigaction(SIGCHLD, &dfl, &old);
	c = fork();
	if (c < 0) {
		r = cs_err_set(err, errno, "fork");
		close(p[0]);
		close(p[1]);
		sigaction(SIGCHLD, &old, NULL);
		return r;
	}
	if (c == 0)
		child(l, p[1], argv, envp);
	close(p[1]);
	r = read_report(p[0], pid, err);
	close(p[0]);
	/* The helper's first process exits once the init is running; the
	 * init itself is re-parented away from sshd. The wait is bounded:
	 * this runs under the user's registry lock, which `containsession
	 * list` and `stop` and the user's other logins wait for. A child that
	 * is not gone in time is killed and reaped, and the login refused. */
	if (cs_child_reap(c, r < 0 ? 1000 : FIRST_EXIT_TIMEOUT_MS, &status) < 0) {
		/* Looked at before the kill, while /proc still shows it. */
		const char *note = stopped_note(c);

		if (r < 0) {
			size_t len = strlen(err->msg);
			snprintf(err->msg + len, sizeof(err->msg) - len, "; helper pid %d%s",
				 (int)c, note);
		} else {
			r = cs_err_set(err, ETIMEDOUT, "the helper's first process %d did not exit "
				       "within %d s%s", (int)c, FIRST_EXIT_TIMEOUT_MS / 1000, note);
		}
		cs_child_kill(c, &status);
	}
	sigaction(SIGCHLD, &old, NULL);
	if (*pid <= 1)
		return r < 0 ? r : cs_err_set(err, EPROTO, "sandbox init gave no pid");
	/* Nothing is done with the reported pid before open_init() proved
	 * it is the user's sandbox init, not even on the error path. */
	struct cs_err verr;
	int fd = open_init(*pid, l->uid, r < 0 ? &verr : err);
	if (fd < 0) {
		*pid = 0;
		return r < 0 ? r : fd;
	}
	if (r == 0) {
		/* Start time read while the pidfd pins the process, and the
		 * process still alive after: the pair names it. */
		if ((r = cs_proc_starttime(*pid, start)) < 0)
			r = cs_err_set(err, -r, "sandbox init %d vanished", (int)*pid);
		else if (cs_pidfd_send_signal(fd, 0) < 0)
			r = cs_err_set(err, ESRCH, "sandbox init %d vanished", (int)*pid);
	}
	if (r < 0) {
		/* Failed after the init started: do not leave it behind. */
		cs_pidfd_send_signal(fd, SIGKILL);
		cs_pidfd_wait_exit(fd, 5000);
		*pid = 0;
	}
	close(fd);
	return r;
}
