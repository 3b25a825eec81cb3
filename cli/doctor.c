/* SPDX-License-Identifier: MIT */
/*
 * containsession doctor: can this host run sandboxes, and does anything let
 * a login get around them? Host side here (kernel, user namespaces, overlay,
 * cgroups, policy, helper); the PAM stacks are in doctor_stack.c, sshd's
 * settings in doctor_sshd.c. Every finding is one line, and every problem says how to
 * fix it. doctor changes nothing on the host: the overlay probe runs in a
 * child's own user and mount namespaces, as nobody.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <dirent.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/root/cgroup.h"
#include "lib/fsutil.h"
#include "lib/root/privileges.h"
#include "lib/proc.h"

#define NOBODY 65534

void cli_report(struct cli_doctor *d, enum cli_finding kind, const char *fix,
		const char *fmt, ...)
{
	static const char *const label[] = { "ok", "warning", "problem" };
	va_list ap;

	/* A finding names sshd's settings, PAM files, users, groups, what
	 * the probe said: escaped as a whole, so each line is one finding
	 * and only what it says. */
	printf("%s: ", label[kind]);
	va_start(ap, fmt);
	cli_text_vprintf(stdout, fmt, ap);
	va_end(ap);
	if (fix && kind != CLI_OK_FINDING) {
		fputs(" (fix: ", stdout);
		cli_text_path(stdout, fix);
		fputs(")", stdout);
	}
	printf("\n");
	if (kind == CLI_PROBLEM)
		d->problems++;
	else if (kind == CLI_WARNING)
		d->warnings++;
}

const struct cs_profile **cli_ruled_profiles(const struct cs_policy *pol,
					     bool (*pick)(const struct cs_profile *p), size_t *n)
{
	const struct cs_profile **out = calloc(pol->nrules + 1, sizeof(*out));

	*n = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < pol->nrules; i++) {
		const struct cs_profile *p = pol->rules[i].profile ?
					     cs_policy_profile(pol, pol->rules[i].profile) : NULL;
		bool seen = false;

		if (!p || !pick(p))
			continue;
		for (size_t j = 0; j < *n && !seen; j++)
			seen = out[j] == p;
		if (!seen)
			out[(*n)++] = p;
	}
	return out;
}

/* A sysctl as a number; false when the file is not there. */
static bool sysctl_num(const char *path, long *v)
{
	char buf[64];

	if (cs_read_small(AT_FDCWD, path, buf, sizeof(buf)) < 0)
		return false;
	*v = strtol(buf, NULL, 10);
	return true;
}

static void check_kernel(struct cli_doctor *d)
{
	struct utsname un;
	unsigned maj = 0, min = 0;
	int fd;

	if (uname(&un) == 0 && sscanf(un.release, "%u.%u", &maj, &min) == 2) {
		if (maj > 5 || (maj == 5 && min >= 12))
			cli_report(d, CLI_OK_FINDING, NULL, "kernel %s (5.12+: overlayfs in user "
				   "namespaces, mount_setattr, setns on pidfds)", un.release);
		else
			cli_report(d, CLI_PROBLEM, "run Linux 5.12 or later",
				   "kernel %s is older than 5.12: the helper needs mount_setattr "
				   "(5.12), overlayfs in user namespaces (5.11) and setns on a "
				   "pidfd (5.8)", un.release);
	}
	fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (fd >= 0) {
		close(fd);
		cli_report(d, CLI_OK_FINDING, NULL, "pidfd_open works");
	} else {
		cli_report(d, CLI_PROBLEM, "run Linux 5.8 or later",
			   "pidfd_open fails: %s", strerror(errno));
	}
}

/* Is there an AppArmor profile that names the helper? */
static char *apparmor_profile_for_helper(void)
{
	DIR *dir = opendir("/etc/apparmor.d");
	struct dirent *de;
	char *found = NULL;

	if (!dir)
		return NULL;
	while (!found && (de = readdir(dir))) {
		char path[512], *line = NULL;
		size_t cap = 0;
		FILE *f;

		if (de->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), "/etc/apparmor.d/%s", de->d_name) >= (int)sizeof(path))
			continue;
		if (!(f = fopen(path, "re")))
			continue;
		while (!found && getline(&line, &cap, f) > 0)
			if (line[strspn(line, " \t")] != '#' && strstr(line, CS_HELPER_PATH) &&
			    strstr(line, "profile"))
				found = strdup(path);
		free(line);
		fclose(f);
	}
	closedir(dir);
	return found;
}

static void check_userns(struct cli_doctor *d)
{
	long v;
	char *prof;

	if (!sysctl_num("/proc/sys/user/max_user_namespaces", &v))
		cli_report(d, CLI_PROBLEM, "build the kernel with CONFIG_USER_NS=y",
			   "no /proc/sys/user/max_user_namespaces: no user namespaces");
	else if (v <= 0)
		cli_report(d, CLI_PROBLEM, "sysctl -w user.max_user_namespaces=15000, and set it "
			   "in /etc/sysctl.d/", "user.max_user_namespaces = %ld: user namespaces "
			   "are disabled", v);
	else
		cli_report(d, CLI_OK_FINDING, NULL, "user.max_user_namespaces = %ld", v);

	/* Debian's and older Ubuntu's switch for unprivileged ones. */
	if (sysctl_num("/proc/sys/kernel/unprivileged_userns_clone", &v)) {
		if (v == 1)
			cli_report(d, CLI_OK_FINDING, NULL, "kernel.unprivileged_userns_clone = 1");
		else
			cli_report(d, CLI_PROBLEM, "sysctl -w kernel.unprivileged_userns_clone=1, and "
				   "set it in /etc/sysctl.d/", "kernel.unprivileged_userns_clone = %ld: "
				   "the helper (run as the user) cannot make a user namespace", v);
	}
	/* Ubuntu 24.04+: unprivileged user namespaces only for programs
	 * whose AppArmor profile grants "userns". */
	if (sysctl_num("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", &v)) {
		if (v == 0) {
			cli_report(d, CLI_OK_FINDING, NULL,
				   "kernel.apparmor_restrict_unprivileged_userns = 0");
		} else if ((prof = apparmor_profile_for_helper())) {
			cli_report(d, CLI_OK_FINDING, NULL, "kernel.apparmor_restrict_unprivileged_userns "
				   "= %ld, and %s has a profile for %s", v, prof, CS_HELPER_PATH);
			free(prof);
		} else {
			cli_report(d, CLI_PROBLEM, "add /etc/apparmor.d/containsession-helper with "
				   "'abi <abi/4.0>, include <tunables/global> profile containsession-helper "
				   CS_HELPER_PATH " flags=(unconfined) { userns, }' and run "
				   "apparmor_parser -r on it",
				   "kernel.apparmor_restrict_unprivileged_userns = %ld and no AppArmor "
				   "profile grants userns to %s", v, CS_HELPER_PATH);
		}
	}
}

/*
 * The overlay probe: a child that does what the helper does, in miniature,
 * as nobody (root's doctor) or as the caller. Every mount is in the child's
 * own mount namespace, which dies with it.
 *
 * Run by root, the child is uid 65534 for its life (bounded by
 * PROBE_TIMEOUT_MS), and so in reach of every other process of that uid: a
 * daemon running as nobody, or whoever took one over. It must hold nothing
 * of root's by then (probe_let_go), and it is never dumpable: its ids in its
 * user namespace are mapped by the parent (probe_map), where the helper
 * writes its own. The kernel allows the same one-id map from either side,
 * so what is probed (unshare as an unprivileged user, tmpfs and overlay in
 * that namespace) is the same.
 */
#define PROBE_TIMEOUT_MS 10000
/* The child's fds once it has let go of root's: 0-2 are /dev/null. */
#define PROBE_REPORT_FD 3 /* its message to the parent, on failure */
#define PROBE_SYNC_FD 4   /* "unshared, map me" and the parent's "mapped" */

/* In the probe child, before anything else: give up what the probe does
 * not need, which whoever gets hold of the probe would get otherwise. 0 or
 * -errno. */
static int probe_let_go(int report, int sync)
{
	int nul;

	/* A session of its own: root's terminal is not its controlling tty,
	 * through which TIOCSTI would type commands into root's shell. */
	if (setsid() < 0)
		return -errno;
	/* Both above 4 first, so that moving them to 3 and 4 cannot
	 * overwrite one with the other. */
	if ((report = fcntl(report, F_DUPFD_CLOEXEC, PROBE_SYNC_FD + 1)) < 0 ||
	    (sync = fcntl(sync, F_DUPFD_CLOEXEC, PROBE_SYNC_FD + 1)) < 0)
		return -errno;
	/* stdin, stdout and stderr are root's terminal, mostly: the keys
	 * root types, and writes (escape sequences) to root's screen. */
	if ((nul = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		return -errno;
	if (dup2(nul, 0) < 0 || dup2(nul, 1) < 0 || dup2(nul, 2) < 0 ||
	    dup2(report, PROBE_REPORT_FD) < 0 || dup2(sync, PROBE_SYNC_FD) < 0)
		return -errno;
	/* And every other fd doctor had, its own or inherited from root's
	 * shell or whatever ran it. */
	if (syscall(SYS_close_range, PROBE_SYNC_FD + 1, ~0U, 0) < 0)
		return -errno;
	return 0;
}

/* The probe itself, after probe_let_go. Returns a message on failure,
 * NULL on success. */
static const char *overlay_probe(char *msg, size_t len)
{
	char c;
	int r;

	/* Run by root: become nobody, as the helper runs as the user, and
	 * not dumpable whatever fs.suid_dumpable says (1 would keep us
	 * dumpable through the uid change): a process of uid 65534 can
	 * neither ptrace us nor read our memory, a copy of root's doctor.
	 * Run by anyone else: already unprivileged, and dumpable, so that
	 * the parent, of the same uid, may write our id maps. */
	if (geteuid() == 0) {
		if ((r = cs_priv_drop(NOBODY, NOBODY, NULL, 0)) < 0)
			return snprintf(msg, len, "drop to uid %d: %s", NOBODY, strerror(-r)), msg;
		if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
			return snprintf(msg, len, "PR_SET_DUMPABLE: %s", strerror(errno)), msg;
	}
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return snprintf(msg, len, "unshare(CLONE_NEWUSER|CLONE_NEWNS) as uid %u: %s",
				(unsigned)getuid(), strerror(errno)), msg;
	/* Unmapped, we could create no file; the parent says when it has
	 * mapped us (or, closing its end, that it could not). */
	if (write(PROBE_SYNC_FD, "u", 1) != 1 || read(PROBE_SYNC_FD, &c, 1) != 1)
		return snprintf(msg, len, "doctor did not map the probe's ids"), msg;
	/* Private, so not even an event of ours reaches the host's mounts. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return snprintf(msg, len, "make / private: %s", strerror(errno)), msg;
	if (mount("cs-doctor", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") < 0)
		return snprintf(msg, len, "mount tmpfs in the user namespace: %s", strerror(errno)), msg;
	if (mkdir("/tmp/l", 0700) < 0 || mkdir("/tmp/u", 0700) < 0 ||
	    mkdir("/tmp/w", 0700) < 0 || mkdir("/tmp/m", 0700) < 0)
		return snprintf(msg, len, "prepare the probe's directories: %s", strerror(errno)), msg;
	if (mount("overlay", "/tmp/m", "overlay", 0,
		  "lowerdir=/tmp/l,upperdir=/tmp/u,workdir=/tmp/w,userxattr") < 0)
		return snprintf(msg, len, "mount overlay (userxattr) in the user namespace: %s",
				strerror(errno)), msg;
	int fd = open("/tmp/m/probe", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return snprintf(msg, len, "write through the overlay: %s", strerror(errno)), msg;
	close(fd);
	if (access("/tmp/u/probe", F_OK) < 0)
		return snprintf(msg, len, "a file written through the overlay is not in its "
				"upper layer"), msg;
	return NULL;
}

static _Noreturn void probe_child(int report, int sync)
{
	char msg[256];
	const char *m;
	int r = probe_let_go(report, sync);

	if (r < 0) {
		m = msg;
		snprintf(msg, sizeof(msg), "give up doctor's terminal and fds: %s", strerror(-r));
	} else {
		report = PROBE_REPORT_FD;
		m = overlay_probe(msg, sizeof(msg));
	}
	if (m)
		(void)!write(report, m, strlen(m));
	_exit(m ? 1 : 0);
}

/* The child's ids in its new user namespace, the one-id map the helper
 * writes for itself: 0 there is uid (gid) there in ours. Safe as root: it
 * maps our child's namespace only (we have not reaped it, so the pid is
 * still its), and only to the ids the child already has (65534). 0 or
 * -errno, with *what naming the file. */
static int probe_map(pid_t pid, unsigned uid, unsigned gid, const char **what)
{
	/* setgroups first: an unprivileged gid_map needs it denied. */
	static const char *const file[] = { "setgroups", "uid_map", "gid_map" };
	char path[64], map[3][64] = { "deny" };
	int r;

	snprintf(map[1], sizeof(map[1]), "0 %u 1", uid);
	snprintf(map[2], sizeof(map[2]), "0 %u 1", gid);
	for (size_t i = 0; i < CS_ARRAY_SIZE(file); i++) {
		*what = file[i];
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file[i]);
		if ((r = cs_write_str(AT_FDCWD, path, map[i])) < 0)
			return r;
	}
	return 0;
}

/* What is left of the probe's one bound (from its fork), never negative:
 * poll takes a negative timeout as none. */
static int probe_left(const struct timespec *t0)
{
	long left = cs_ms_left(t0, PROBE_TIMEOUT_MS);

	return left > 0 ? (int)left : 0;
}

static void check_overlay(struct cli_doctor *d)
{
	unsigned probe_uid = geteuid() == 0 ? NOBODY : (unsigned)getuid();
	unsigned probe_gid = geteuid() == 0 ? NOBODY : (unsigned)getgid();
	char msg[256] = "";
	const char *what;
	int p[2], s[2], status, r;
	bool stuck = false;
	struct timespec t0;
	ssize_t n;
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC) < 0) {
		cli_report(d, CLI_WARNING, NULL, "overlay probe not run: pipe: %s", strerror(errno));
		return;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s) < 0) {
		cli_report(d, CLI_WARNING, NULL, "overlay probe not run: socketpair: %s",
			   strerror(errno));
		close(p[0]);
		close(p[1]);
		return;
	}
	fflush(NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		close(s[0]);
		probe_child(p[1], s[1]);
	}
	close(p[1]);
	close(s[1]);
	if (pid < 0) {
		close(p[0]);
		close(s[0]);
		cli_report(d, CLI_WARNING, NULL, "overlay probe not run: fork: %s", strerror(errno));
		return;
	}
	/* Every wait within one bound: the probe runs as uid 65534, and any
	 * other process of that uid (a daemon running as nobody) could stop
	 * it. Its "u" once it has unshared; nothing (end of file) if it
	 * failed before. */
	struct pollfd pf = { .fd = s[0], .events = POLLIN };
	if (poll(&pf, 1, probe_left(&t0)) <= 0)
		stuck = true;
	else if (read(s[0], &c, 1) == 1) {
		if ((r = probe_map(pid, probe_uid, probe_gid, &what)) < 0)
			snprintf(msg, sizeof(msg), "write /proc/%d/%s: %s", (int)pid, what,
				 strerror(-r));
		else if (write(s[0], "m", 1) != 1)
			snprintf(msg, sizeof(msg), "tell it its ids are mapped: %s", strerror(errno));
	}
	close(s[0]);
	/* Ours, if we failed it; else its own, if it failed. */
	pf.fd = p[0];
	if (!stuck && !msg[0] && poll(&pf, 1, probe_left(&t0)) > 0 &&
	    (n = read(p[0], msg, sizeof(msg) - 1)) > 0)
		msg[n] = '\0';
	close(p[0]);
	if (cs_child_reap(pid, stuck ? 0 : probe_left(&t0), &status) < 0) {
		cs_child_kill(pid, &status);
		snprintf(msg, sizeof(msg), "it did not finish within %d s (killed)",
			 PROBE_TIMEOUT_MS / 1000);
		status = -1;
	}
	if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		cli_report(d, CLI_OK_FINDING, NULL, "an unprivileged user (uid %u) can make a user "
			   "and mount namespace and mount overlayfs (userxattr) in it", probe_uid);
	else
		cli_report(d, CLI_PROBLEM, "see the findings above about user namespaces and the "
			   "kernel version", "overlay probe as uid %u failed: %s", probe_uid,
			   msg[0] ? msg : "the probe died");
}

/* ---- cgroups ------------------------------------------------------------ */

struct layout {
	char v2_point[256];
	char v1[512];      /* "memory pids ..." */
	bool v1_memory, v1_pids, v1_cpu, v1_blkio;
};

/* What the module's own parser sees in our mountinfo. */
static void read_layout(struct layout *l)
{
	static const char *const known[] = { "memory", "pids", "cpu", "blkio" };
	bool *flag[] = { &l->v1_memory, &l->v1_pids, &l->v1_cpu, &l->v1_blkio };
	struct cs_cgroup_host h;
	struct cs_err err;
	const struct cs_cgmount *m;

	memset(l, 0, sizeof(*l));
	if (cs_cgroup_host_read(&h, &err) < 0)
		return;
	if ((m = cs_cgmounts_find(&h.mounts, NULL)))
		snprintf(l->v2_point, sizeof(l->v2_point), "%s", m->point);
	for (size_t i = 0; i < CS_ARRAY_SIZE(known); i++) {
		if (!cs_cgmounts_find(&h.mounts, known[i]))
			continue;
		*flag[i] = true;
		size_t used = strlen(l->v1);
		snprintf(l->v1 + used, sizeof(l->v1) - used, "%s%s", used ? " " : "", known[i]);
	}
	cs_cgroup_host_free(&h);
}

static void log_to_warning(void *ctx, int prio, const char *msg)
{
	cli_report(ctx, CLI_WARNING, NULL, "%s", msg);
}

static void check_cgroups(struct cli_doctor *d, const struct cs_policy *pol)
{
	struct layout l;
	char ctrls[256] = "";
	struct cs_cgroup cg;
	struct cs_err err = { "" };
	struct cs_log log = { log_to_warning, d };

	read_layout(&l);
	if (l.v2_point[0]) {
		char path[300];
		snprintf(path, sizeof(path), "%s/cgroup.controllers", l.v2_point);
		if (cs_read_small(AT_FDCWD, path, ctrls, sizeof(ctrls)) < 0)
			ctrls[0] = '\0';
		ctrls[strcspn(ctrls, "\n")] = '\0';
	}
	if (l.v2_point[0] && !l.v1[0])
		cli_report(d, CLI_OK_FINDING, NULL, "cgroup v2 (unified) at %s; controllers: %s",
			   l.v2_point, ctrls[0] ? ctrls : "none");
	else if (l.v2_point[0])
		cli_report(d, CLI_OK_FINDING, NULL, "cgroup hybrid: v1 controllers %s, and v2 at %s "
			   "(controllers: %s)", l.v1, l.v2_point, ctrls[0] ? ctrls : "none");
	else if (l.v1[0])
		cli_report(d, CLI_OK_FINDING, NULL, "cgroup v1: controllers %s", l.v1);
	else
		cli_report(d, CLI_WARNING, "mount cgroup2 on /sys/fs/cgroup", "no cgroup "
			   "hierarchy is mounted: no limit of the policy can be applied");

	if (!pol)
		return;
	if (pol->cgroup == CS_CG_OFF) {
		cli_report(d, CLI_OK_FINDING, NULL, "cgroup = off in the policy: no limits are applied");
		return;
	}
	/* What the module would pick, for a made-up uid. With a "./" root
	 * the directory is relative to the login's cgroup (sshd's), shown
	 * here relative to ours. */
	if (cs_cgroup_resolve(pol->cgroup, pol->cgroup_root, NOBODY, &cg, &log, &err) < 0) {
		cli_report(d, CLI_PROBLEM, "set cgroup in [global] to what the host has (auto, "
			   "v2, v1 or off)", "the module cannot use this host's cgroups: %s", err.msg);
		return;
	}
	if (cg.backend == &cs_cgroup_off) {
		cli_report(d, CLI_WARNING, NULL, "the module would apply no cgroup limits here");
		return;
	}
	cli_report(d, CLI_OK_FINDING, NULL, "the module would use the %s backend: %s%s "
		   "(for uid %d)", cg.backend->name, cg.dirs[0], cg.n > 1 ? ", ..." : "", NOBODY);
	bool v2 = !strcmp(cg.backend->name, "v2");
	struct { const char *ctrl; bool v1; const char *keys; } need[] = {
		{ "memory", l.v1_memory, "memory.max, memory.high, memory.swap.max" },
		{ "pids", l.v1_pids, "pids.max" },
		{ "cpu", l.v1_cpu, "cpu.max, cpu.weight" },
		{ v2 ? "io" : "blkio", l.v1_blkio, "io.weight" },
	};
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		bool have = v2 ? cs_word_in(ctrls, need[i].ctrl, ' ') : need[i].v1;
		if (!have)
			cli_report(d, CLI_WARNING, v2 ? "enable it in the parent's cgroup.subtree_control"
				   : "mount its v1 hierarchy", "no %s controller: %s cannot be applied "
				   "(the module logs it at each login that sets one)", need[i].ctrl,
				   need[i].keys);
	}
	cs_cgroup_free(&cg);
}

/* ---- policy and installation ------------------------------------------ */

static struct cs_policy *check_policy(struct cli_doctor *d, const struct cli *c)
{
	struct cs_diag diag = { 0 };
	struct cs_policy *pol = NULL;
	bool any = false;

	if (cs_policy_load(c->conf, c->confdir, &pol, &diag) < 0) {
		cli_report(d, CLI_PROBLEM, "run containsession check and correct what it reports",
			   "the policy does not load (%s%s): the module refuses every login it "
			   "would handle", diag.nerrors ? diag.errors[0] : c->conf,
			   diag.nerrors > 1 ? ", and more" : "");
		cs_diag_free(&diag);
		return NULL;
	}
	cli_report(d, CLI_OK_FINDING, NULL, "the policy %s loads (%zu file%s, %zu profile%s, "
		   "%zu rule%s)", c->conf, pol->nfiles, pol->nfiles == 1 ? "" : "s",
		   pol->nprofiles, pol->nprofiles == 1 ? "" : "s", pol->nrules,
		   pol->nrules == 1 ? "" : "s");
	for (size_t i = 0; i < diag.nwarnings; i++)
		cli_report(d, CLI_WARNING, "remove or move the rule", "%s", diag.warnings[i]);
	for (size_t i = 0; i < pol->nrules; i++)
		any |= pol->rules[i].profile != NULL;
	if (!any)
		cli_report(d, CLI_WARNING, "enable a rule in [rules]", "no rule of the policy "
			   "sandboxes anyone");
	cs_diag_free(&diag);
	return pol;
}

static void check_dir(struct cli_doctor *d, const char *what, const char *path, mode_t mode)
{
	struct cs_err err = { "" };
	int fd = cs_open_root_dir(path, false, mode, &err);

	if (fd >= 0) {
		close(fd);
		cli_report(d, CLI_OK_FINDING, NULL, "%s %s is root-owned and private enough", what, path);
	} else if (fd == -ENOENT) {
		cli_report(d, CLI_OK_FINDING, NULL, "%s %s does not exist yet (made at the first "
			   "login)", what, path);
	} else {
		cli_report(d, CLI_PROBLEM, "make every component root-owned and not writable by "
			   "group or others", "%s: %s (the module refuses logins)", what, err.msg);
	}
}

/* The module's own check (lib/root/privileges.c), which it makes at each login. */
static void check_helper(struct cli_doctor *d)
{
	struct cs_err err;
	struct stat st;
	int fd = cs_priv_open_helper(CS_HELPER_PATH, &err);

	if (fd < 0) {
		cli_report(d, CLI_PROBLEM, fd == -ENOENT ? "make install" : "chown root:root and chmod "
			   "0755 it and every directory above it", "%s", err.msg);
		return;
	}
	if (fstat(fd, &st) == 0)
		cli_report(d, CLI_OK_FINDING, NULL, "helper %s is root-owned, mode %04o, not setuid",
			   CS_HELPER_PATH, st.st_mode & 07777);
	close(fd);
}

int cli_doctor(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sshd-config", required_argument, NULL, 's' },
		{ "pam-dir", required_argument, NULL, 'p' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_doctor d = { 0 };
	const char *sshd_config = NULL, *pamdir = "/etc/pam.d";
	struct cs_policy *pol;
	int opt, r;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 's')
			sshd_config = optarg;
		else if (opt == 'p')
			pamdir = optarg;
		else if ((r = cli_common_opt(c, "doctor", opt, optarg)) >= 0)
			return r;
	}
	if (optind != argc)
		return cli_usage("doctor", "no arguments expected");

	check_kernel(&d);
	check_userns(&d);
	check_overlay(&d);
	pol = check_policy(&d, c);
	check_cgroups(&d, pol);
	check_helper(&d);
	if (pol) {
		check_dir(&d, "state_dir", pol->state_dir, 0700);
		check_dir(&d, "data_dir", pol->data_dir, 0755);
	}
	cli_doctor_pam(&d, pamdir);
	if (pol) {
		cli_doctor_bind_home(&d, pol);
		cli_doctor_bounds(&d, pol);
		cli_doctor_net_none(&d, pol);
	}
	cli_doctor_sshd(&d, sshd_config, pamdir, pol);
	cs_policy_free(pol);
	fflush(stdout);
	return d.problems ? CLI_FAIL : CLI_OK;
}
