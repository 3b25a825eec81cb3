/* SPDX-License-Identifier: MIT */
/*
 * The sandbox init. Started by the PAM module as the user with the report
 * pipe on fd 3. Order matters:
 *   1. a user namespace where the user is 0 (userns.c);
 *   2. mount, UTS, IPC, PID and cgroup namespaces, owned by that user
 *      namespace (for network = none the module has spawned us in its own
 *      network namespace, root's, with loopback up: we check we are there
 *      and never make one of our own);
 *   3. fork: the child is PID 1 of the new PID namespace; this first
 *      process reports the child's pid and exits;
 *   4. PID 1 builds a new root (rootfs.c, home in mounts.c) and pivots
 *      into it, sets the hostname, gives up every privilege (initprivs.c),
 *      says "ready", and then only reaps orphans.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper/helper.h"

#define TMPFS_MAGIC 0x01021994

static int parse_id(const char *s, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > 0xfffffffeUL)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse_bytes(const char *s, unsigned long long *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || !v)
		return -1;
	*out = v;
	return 0;
}

static int parse_ino(const char *s, unsigned long long *out)
{
	char *end;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || end == s || *end || !*out ? -1 : 0;
}

/* The working directory the module gave us is the sandbox's /tmp: root's
 * tmpfs, sticky and world-writable. Checked before any unshare, while root
 * still shows as root. */
static int check_tmp_cwd(void)
{
	struct statfs sfs;
	struct stat st;

	if (stat(".", &st) < 0 || statfs(".", &sfs) < 0)
		return cs_fail(errno, "the sandbox's /tmp (working directory)");
	if (sfs.f_type != TMPFS_MAGIC || st.st_uid != 0 || (st.st_mode & 07777) != 01777)
		return cs_fail(EPERM, "the working directory is not root's tmpfs for /tmp");
	return 0;
}

static int parse_opts(int argc, char **argv, struct cs_init_opts *o)
{
	unsigned v;

	memset(o, 0, sizeof(*o));
	o->imagefd = -1;
	for (int i = 1; i + 1 < argc; i += 2) {
		const char *k = argv[i], *val = argv[i + 1];
		if (!strcmp(k, "--user"))
			o->user = val;
		else if (!strcmp(k, "--uid") && parse_id(val, &v) == 0)
			o->uid = v;
		else if (!strcmp(k, "--gid") && parse_id(val, &v) == 0)
			o->gid = v;
		else if (!strcmp(k, "--home"))
			o->home = val;
		else if (!strcmp(k, "--home-mode"))
			o->home_mode = val;
		else if (!strcmp(k, "--data"))
			o->data = strcmp(val, "-") ? val : NULL;
		else if (!strcmp(k, "--tmp") && (!strcmp(val, "cwd") || !strcmp(val, "host")))
			o->tmp_cwd = !strcmp(val, "cwd");
		else if (!strcmp(k, "--net") && !strcmp(val, "host"))
			o->netns = 0;
		else if (!strcmp(k, "--net") && parse_ino(val, &o->netns) == 0)
			;
		else if (!strcmp(k, "--hostname"))
			o->hostname = val;
		else if (!strcmp(k, "--home-max") && parse_bytes(val, &o->home_max) == 0)
			;
		else if (!strcmp(k, "--tmp-max") && parse_bytes(val, &o->tmp_max) == 0)
			;
		else if (!strcmp(k, "--home-image") && !strcmp(val, "4") && fcntl(4, F_GETFD) >= 0 &&
			 fcntl(4, F_SETFD, FD_CLOEXEC) == 0)
			o->imagefd = 4; /* the module's mount of the home image */
		else
			return cs_fail(EINVAL, "bad argument %s", k);
	}
	/* No bound means no sandbox: a tmpfs without size= may take half of
	 * the host's RAM. */
	if (!o->user || !o->home || o->home[0] != '/' || !o->home_mode || !o->hostname ||
	    (o->data && o->data[0] != '/') || !o->home_max || !o->tmp_max)
		return cs_fail(EINVAL, "missing arguments");
	return 0;
}

static void __attribute__((noreturn)) reap_forever(void)
{
	sigset_t set;

	/* PID 1: the kernel drops signals we have no handler for when they
	 * come from inside, so nobody in the sandbox can kill it; only the
	 * module (from outside) ends it, with SIGKILL. */
	sigfillset(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		sigwaitinfo(&set, NULL);
	}
}

/* Become the lean reaper (reaper.c). If the exec fails, the sandbox is
 * up and ready all the same: this loop is the reaper's twin, only larger,
 * and as confined (cs_init_confine ran before either). */
static void __attribute__((noreturn)) become_reaper(int fd)
{
	char *argv[] = { "cs-init", NULL }, *envp[] = { NULL };

	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	reap_forever();
}

static int pid1(struct cs_init_opts *o)
{
	/* Opened before the new root hides the host's tree: the reaper root
	 * installed, not whatever a path inside the sandbox names later. */
	int reaper = open(CS_REAPER_PATH, O_PATH | O_CLOEXEC);

	if (reaper < 0)
		return cs_fail(errno, "open %s", CS_REAPER_PATH);
	if (cs_rootfs_setup(o) < 0)
		return -1;
	if (sethostname(o->hostname, strlen(o->hostname)) < 0)
		return cs_fail(errno, "sethostname %s", o->hostname);
	/* Last, once nothing more is mounted or set in U1's namespaces:
	 * from here on the tree cannot be remounted or unmounted. */
	if (cs_lock_mounts() < 0)
		return -1;
	if (chdir("/") < 0)
		return cs_fail(errno, "chdir /");
	prctl(PR_SET_NAME, "cs-init", 0, 0, 0);
	/* Before "ready", so that a PID 1 that cannot give up its privileges
	 * refuses the login, and before the exec, so that the reaper and the
	 * fallback loop both run without them. */
	if (cs_init_confine() < 0)
		return -1;
	if (dprintf(cs_report_fd, "ready\n") < 0)
		return cs_fail(errno, "report");
	close(cs_report_fd);
	cs_report_fd = -1;
	become_reaper(reaper);
}

int cs_init_main(int argc, char **argv)
{
	struct cs_init_opts o;
	int flags;
	pid_t child;

	/* The module hands us the report pipe on fd 3 and nothing else. */
	if (fcntl(3, F_GETFD) < 0) {
		cs_fail(EBADF, "init must be started by pam_containsession");
		return 2;
	}
	cs_report_fd = 3;
	if (fcntl(3, F_SETFD, FD_CLOEXEC) < 0)
		return cs_fail(errno, "fcntl"), 1;
	if (parse_opts(argc, argv, &o) < 0)
		return 1;
	if (getuid() != o.uid || geteuid() != o.uid || getgid() != o.gid || o.uid == 0) {
		cs_fail(EPERM, "init runs as uid %u, expected uid %u", (unsigned)getuid(),
			(unsigned)o.uid);
		return 1;
	}
	if (cs_oom_prefer_sandbox() < 0)
		return 1;
	if ((o.netns && cs_net_check(o.netns) < 0) || (o.tmp_cwd && check_tmp_cwd() < 0))
		return 1;
	if (unshare(CLONE_NEWUSER) < 0) {
		int e = errno;
		char label[256];

		if ((e == EACCES || e == EPERM) && cs_apparmor_confined(label, sizeof(label)))
			return cs_fail(e, "unshare user namespace: AppArmor profile '%s' confines "
				       "the helper without allowing userns (install the shipped "
				       "profile, apparmor/containsession-helper)", label), 1;
		return cs_fail(e, "unshare user namespace"), 1;
	}
	/* U1, where the tree is built, maps the user to itself; U2 (locked.c)
	 * maps 0 to it. So inside, /proc/self/uid_map reads "0 <uid> 1", the
	 * real uid, as it did before the tree was locked. */
	if (cs_userns_map(o.uid, o.uid, o.gid, o.gid) < 0)
		return 1;
	flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWCGROUP;
	if (unshare(flags) < 0)
		return cs_fail(errno, "unshare namespaces"), 1;
	/* The kernel moved the working directory to our copy of its mount:
	 * this fd is the tmpfs as the new mount namespace has it. */
	o.tmpfd = -1;
	if (o.tmp_cwd && (o.tmpfd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return cs_fail(errno, "open the sandbox's /tmp"), 1;
	child = fork();
	if (child < 0)
		return cs_fail(errno, "fork into the PID namespace"), 1;
	if (child == 0) {
		/* PID 1 reports "ready" itself, or here why it is not. */
		pid1(&o);
		cs_fail_report();
		_exit(1);
	}
	/* Our pid namespace is the module's: this is the pid it records. */
	if (dprintf(cs_report_fd, "pid=%d\n", (int)child) < 0)
		return 1;
	return 0;
}
