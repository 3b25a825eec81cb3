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

	printf("%s: ", label[kind]);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (fix && kind != CLI_OK_FINDING)
		printf(" (fix: %s)", fix);
	printf("\n");
	if (kind == CLI_PROBLEM)
		d->problems++;
	else if (kind == CLI_WARNING)
		d->warnings++;
}

const struct cs_profile **cli_ruled_profiles(const struct cs_policy *pol,
					     enum cs_home_mode home, size_t *n)
{
	const struct cs_profile **out = calloc(pol->nrules + 1, sizeof(*out));

	*n = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < pol->nrules; i++) {
		const struct cs_profile *p = pol->rules[i].profile ?
					     cs_policy_profile(pol, pol->rules[i].profile) : NULL;
		bool seen = false;

		if (!p || p->home != home)
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

static int write_file(const char *path, const char *s)
{
	return cs_write_str(AT_FDCWD, path, s);
}

/* In the probe child: what the helper does, in miniature, as nobody. Every
 * mount is in the child's own mount namespace, which dies with it. Returns
 * a message on failure, NULL on success. */
#define PROBE_TIMEOUT_MS 10000

static const char *overlay_probe_child(char *msg, size_t len)
{
	int r;

	/* Run by root: become nobody, as the helper runs as the user. Run by
	 * anyone else: already unprivileged. */
	if (geteuid() == 0 && (r = cs_priv_drop(NOBODY, NOBODY, NULL, 0)) < 0)
		return snprintf(msg, len, "drop to uid %d: %s", NOBODY, strerror(-r)), msg;
	uid_t uid = getuid();
	gid_t gid = getgid();
	char map[64];
	/* Changing uids made us non-dumpable, and /proc/self/uid_map root's. */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return snprintf(msg, len, "unshare(CLONE_NEWUSER|CLONE_NEWNS) as uid %d: %s",
				NOBODY, strerror(errno)), msg;
	if ((r = write_file("/proc/self/setgroups", "deny")) < 0 ||
	    (snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid),
	     (r = write_file("/proc/self/uid_map", map)) < 0) ||
	    (snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid),
	     (r = write_file("/proc/self/gid_map", map)) < 0))
		return snprintf(msg, len, "map ids in the user namespace: %s", strerror(-r)), msg;
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

static void check_overlay(struct cli_doctor *d)
{
	unsigned probe_uid = geteuid() == 0 ? NOBODY : (unsigned)getuid();
	char msg[256] = "";
	int p[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0) {
		cli_report(d, CLI_WARNING, NULL, "overlay probe not run: pipe: %s", strerror(errno));
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		const char *m;

		close(p[0]);
		m = overlay_probe_child(msg, sizeof(msg));
		if (m)
			(void)!write(p[1], m, strlen(m));
		_exit(m ? 1 : 0);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		cli_report(d, CLI_WARNING, NULL, "overlay probe not run: fork: %s", strerror(errno));
		return;
	}
	/* Bounded: the probe runs as uid 65534, and any other process of
	 * that uid (a daemon running as nobody) could stop it. */
	struct pollfd pf = { .fd = p[0], .events = POLLIN };
	n = poll(&pf, 1, PROBE_TIMEOUT_MS) > 0 ? read(p[0], msg, sizeof(msg) - 1) : -1;
	msg[n > 0 ? n : 0] = '\0';
	close(p[0]);
	if (cs_child_reap(pid, PROBE_TIMEOUT_MS, &status) < 0) {
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
	}
	cli_doctor_sshd(&d, sshd_config, pamdir, pol);
	cs_policy_free(pol);
	fflush(stdout);
	return d.problems ? CLI_FAIL : CLI_OK;
}
