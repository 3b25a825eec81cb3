/* SPDX-License-Identifier: MIT */
/*
 * The shell path. sshd execs "the user's shell", which in the login's
 * session mount namespace is this helper (pam_module/sessionns.c). It:
 *   1. reads the session file root left on a read-only tmpfs (the only
 *      thing it trusts to say which sandbox to join), and root's table of
 *      the programs it stands in for (lib/intercept.h);
 *   2. learns which of them it was exec'd as from /proc/self/exe (the
 *      place it is bound at), matched against that table only;
 *   3. joins the init's namespaces through a pidfd (all but the network
 *      namespace: see net.c);
 *   4. forks into the PID namespace and execs that program there, with
 *      sshd's exact argv and environment, while the parent relays signals
 *      and hands back the exit status.
 * Exec'd there by anyone but the sandboxed user (root's PAM modules after
 * ours run "#!/bin/sh" hooks), it execs the real program, which root left
 * reachable on the same tmpfs. Invoked anywhere else (no root-owned session
 * file: the host, inside the sandbox, a user running it by hand, or a
 * login whose session tmpfs is gone) it runs nothing and exits 126.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "helper/helper.h"
#include "lib/fsutil.h"
#include "lib/intercept.h"
#include "lib/proc.h"

#define TMPFS_MAGIC 0x01021994

extern char **environ;

/* Read one of root's files on the session tmpfs into buf: 1 when read, 0
 * when there is none (not a login's session namespace), -1 when it is
 * there but cannot be trusted or read. */
static int read_root_file(const char *path, char *buf, size_t len)
{
	struct statfs sfs;
	struct stat st;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return errno == ENOENT ? 0 : cs_fail(errno, "open %s", path);
	/* Only root writes these files, on the tmpfs the module mounted. */
	if (fstat(fd, &st) < 0 || fstatfs(fd, &sfs) < 0 || st.st_uid != 0 ||
	    (st.st_mode & 0222) || sfs.f_type != TMPFS_MAGIC) {
		close(fd);
		return cs_fail(EPERM, "%s is not root's session file", path);
	}
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return cs_fail(errno, "read %s", path);
	buf[n] = '\0';
	return 1;
}

/* 1 with *si filled when this is a login's session namespace; 0 when not;
 * -1 when the file is there but cannot be trusted or read. */
static int read_session(struct cs_session_info *si)
{
	char buf[1024];
	int r = read_root_file(CS_SESSION_FILE, buf, sizeof(buf));

	if (r <= 0)
		return r;
	if (cs_session_info_parse(buf, si) < 0)
		return cs_fail(EINVAL, "parse %s", CS_SESSION_FILE);
	return 1;
}

static int read_intercepts(struct cs_intercepts *ic)
{
	static char buf[sizeof(struct cs_intercepts) + 64];
	int r = read_root_file(CS_SESSION_PROGRAMS, buf, sizeof(buf));

	if (r == 0)
		return cs_fail(ENOENT, "open %s", CS_SESSION_PROGRAMS);
	if (r < 0)
		return r;
	if (cs_intercepts_parse(buf, ic) < 0)
		return cs_fail(EINVAL, "parse %s", CS_SESSION_PROGRAMS);
	return 0;
}

/* Join the sandbox si names and run path with argv there; returns the
 * status to exit with. Shared by the login path and `containsession enter`. */
int cs_join_exec(const struct cs_session_info *si, const char *path, char **argv)
{
	char cwd[PATH_MAX];
	struct cs_pty pty, *volatile ptyp = NULL; /* volatile: read after vfork */
	int pidfd;
	pid_t child;

	/* The login's working directory carries over: sshd has changed to the
	 * home, and the sandbox has the user's home at the same path. */
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	if (cs_oom_prefer_sandbox() < 0)
		return 1;
	/* From here this process holds every capability of the sandbox's
	 * user namespace, outside its PID namespace and its filter, for the
	 * whole login, and its vfork child shares its memory until the exec.
	 * Not dumpable: ptrace, /proc/PID/mem and pidfd_getfd on it or the
	 * child then need CAP_SYS_PTRACE in the host's user namespace (our
	 * mm's), which nothing of the user's has. The exec of the shell makes
	 * that dumpable again. After the OOM score: non-dumpable, our /proc
	 * files are root's. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return cs_fail(errno, "prctl PR_SET_DUMPABLE"), 1;
	pidfd = cs_pidfd_open_checked(si->init_pid, si->init_start);
	if (pidfd < 0) {
		cs_fail(0, "your sandbox is no longer running (it was stopped); log in again");
		return 1;
	}
	/* Every namespace but the network's: with network = none that one is
	 * root's, and we are in it already (net.c), or we stop here. */
	if (si->net_none && cs_net_check(si->netns) < 0) {
		close(pidfd);
		return 1;
	}
	/* Into every namespace of the sandbox (locked.c: in three steps, and
	 * any failure ends this process, so a half-joined one never runs
	 * anything). */
	if (cs_join_namespaces(pidfd, si->init_pid) < 0)
		return 1;
	close(pidfd);
	/* Joining the mount namespace put us at its root. */
	if (chdir(cwd) < 0)
		(void)!chdir("/");
	if (cs_pty_wanted()) {
		if (cs_pty_open(&pty) < 0)
			return 1;
		ptyp = &pty;
	}

	/* vfork: the child only sets up its own task (signals, privileges,
	 * filter) and execs or _exits, so it can borrow our memory instead
	 * of copying the page tables, and we take no copy-on-write faults
	 * afterwards. Nothing it changes in memory is used by us again
	 * (libcap-ng's state; cs_helper_err, which it reports and clears
	 * before it exits). This is every login's and
	 * every ControlMaster session's path. */
	child = vfork();
	if (child < 0)
		return cs_fail(errno, "fork into the sandbox"), 1;
	if (child == 0) {
		if (cs_signals_reset() < 0)
			_exit(126);
		if (ptyp && cs_pty_child(ptyp) < 0)
			_exit(126);
		if (cs_privs_apply(si) < 0) {
			cs_fail_report();
			_exit(126);
		}
		/* No fd beyond stdio crosses into the sandbox's shell. */
		if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
			_exit(126);
		execvpe(path, argv, environ);
		cs_fail(errno, "exec %s", path);
		cs_fail_report();
		_exit(127);
	}
	return cs_relay_wait(child, ptyp);
}

/* Not the sandboxed user (root's PAM modules after ours, which run in
 * this namespace): the real program, from the host's own directory that
 * root bound on the session tmpfs before covering it. Nothing of the
 * sandbox is involved, and the program is one of root's list. */
static int __attribute__((noreturn)) exec_host_program(const struct cs_intercept *p, char **argv)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%u/%s", CS_SESSION_HOST, p->dir, cs_intercept_name(p));
	execv(path, argv);
	cs_fail(errno, "exec %s (the real %s)", path, p->path);
	cs_fail_report();
	_exit(127);
}

int cs_shell_main(int argc, char **argv)
{
	static struct cs_intercepts ic;
	const struct cs_intercept *p;
	struct cs_session_info si;
	char exe[PATH_MAX];
	const char *base;
	ssize_t n;
	int r;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return cs_fail(errno, "readlink /proc/self/exe"), 1;
	exe[n] = '\0';
	base = strrchr(exe, '/');
	base = base ? base + 1 : exe;
	r = read_session(&si);
	if (r < 0)
		return 1;
	/* No session file: not a login the module placed us in (the host, the
	 * sandbox, a user running the helper by hand). Run nothing: the
	 * helper is no shell, and anything it ran would start under its
	 * AppArmor profile's grant. Under a name other than its own it was
	 * exec'd through a login's bind whose session tmpfs is gone: which
	 * sandbox it belongs to is unknown, and nothing is tried (before,
	 * "the real shell" there was the helper's other bound name, and the
	 * two exec'd each other forever). */
	if (r == 0) {
		if (!strcmp(base, "containsession-helper"))
			cs_fail(0, "not a sandboxed login (no session file %s): the helper runs nothing here",
				CS_SESSION_FILE);
		else
			cs_fail(0, "%s: this login's session file %s is gone; refusing to run anything "
				"outside its sandbox (log in again)", exe, CS_SESSION_FILE);
		return 126;
	}
	if (read_intercepts(&ic) < 0)
		return 1;
	p = cs_intercepts_find(&ic, exe);
	if (!p) {
		cs_fail(EINVAL, "%s is not one of this login's programs: run your shell, not the helper", exe);
		return 1;
	}
	if (getuid() != si.uid && geteuid() != si.uid)
		exec_host_program(p, argv);
	/* From here on there is no way back to an unsandboxed shell: any
	 * failure ends the login. */
	if (getuid() != si.uid || geteuid() != si.uid) {
		cs_fail(EPERM, "this login's sandbox belongs to uid %u", (unsigned)si.uid);
		return 1;
	}
	/* The program by the path sshd named it: in the sandbox's mount
	 * namespace, which never had our mounts, that is the real one. */
	return cs_join_exec(&si, p->path, argv);
}

/* `containsession enter`: root has dropped to the user and passes the
 * session description on fd 3 (the same text as the session file). Like
 * the init, this mode gives nothing a user could not do by hand: join
 * namespaces they own. */
int cs_join_main(int argc, char **argv)
{
	struct cs_session_info si;
	char buf[1024];
	ssize_t n;

	n = read(3, buf, sizeof(buf) - 1);
	if (n <= 0)
		return cs_fail(errno, "join: no session description on fd 3"), 2;
	buf[n] = '\0';
	close(3);
	if (cs_session_info_parse(buf, &si) < 0 || si.uid != getuid())
		return cs_fail(EINVAL, "join: bad session description"), 2;
	if (argc < 2 || strcmp(argv[1], "--") || argc < 3)
		return cs_fail(EINVAL, "usage: containsession-helper join -- CMD [ARG...]"), 2;
	return cs_join_exec(&si, argv[2], argv + 2);
}
