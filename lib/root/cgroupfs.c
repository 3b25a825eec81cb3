/* SPDX-License-Identifier: MIT */
/*
 * What the cgroupfs backends (v1 and v2) share: the user's directories, and
 * moving processes, killing and removing there. Nothing in cgroupfs can be a
 * symlink and every directory here is root-owned, so plain paths are safe to
 * use as root.
 */
#include "lib/root/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "lib/proc.h"

int cs_cgroupfs_add_dir(struct cs_cgroup *cg, const struct cs_cgroup_host *h,
			const struct cs_cgmount *m, const char *root, uid_t uid,
			struct cs_err *err)
{
	const struct cs_proccg *self = cs_proccg_for(&h->self, m);
	char *selfdir, *dir = NULL;
	const char *base;

	if (!self)
		return cs_err_set(err, ENOENT, "no %s cgroup in /proc/self/cgroup",
				  m->v2 ? "unified" : m->opts);
	/* /proc/self/cgroup is relative to the hierarchy root; the mount may
	 * show only a subtree of it. */
	if (!(selfdir = cs_cgmount_dir(m, self->path)))
		return cs_err_set(err, ENOENT, "our cgroup is not below %s", m->point);
	/* "./NAME" nests below the cgroup we are in (delegated subtrees,
	 * tests); anything else is relative to the hierarchy's root. */
	base = !strncmp(root, "./", 2) ? selfdir : m->point;
	if (asprintf(&dir, "%s/%s/user-%u", base, root + (base == selfdir ? 2 : 0),
		     (unsigned)uid) < 0)
		dir = NULL;
	if (!dir || cg->n >= CS_REG_MAX_CGROUPS) {
		free(selfdir);
		free(dir);
		return cs_err_set(err, ENOMEM, "cgroup paths");
	}
	cg->base[cg->n] = strdup(base);
	cg->self[cg->n] = selfdir;
	cg->dirs[cg->n] = dir;
	cg->ctrl[cg->n] = strdup(m->v2 ? "" : m->opts);
	cg->n++;
	if (!cg->base[cg->n - 1] || !cg->ctrl[cg->n - 1])
		return cs_err_set(err, ENOMEM, "cgroup paths");
	return 0;
}

int cs_cgroup_write(const char *dir, const char *file, const char *value)
{
	char path[4096];
	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return cs_write_str(AT_FDCWD, path, value);
}

void cs_cgroup_fmt_limit(char *buf, size_t len, uint64_t v, const char *inf)
{
	if (v == CS_UNLIMITED)
		snprintf(buf, len, "%s", inf);
	else
		snprintf(buf, len, "%" PRIu64, v);
}

int cs_cgroup_unapplied(enum cs_key k, const char *where, const struct cs_profile *p,
			const struct cs_log *log, struct cs_err *err)
{
	if (k == CS_K_MEMORY_MAX || k == CS_K_PIDS_MAX)
		return cs_err_set(err, EOPNOTSUPP, "%s cannot be applied %s (profile %s): a bound "
				  "is never left out; enable its controller, or take %s out of "
				  "the profile", cs_key_name(k), where, p->name, cs_key_name(k));
	cs_logf(log, LOG_WARNING, "%s cannot be applied %s (profile %s): not enforced",
		cs_key_name(k), where, p->name);
	return 0;
}

int cs_cgroup_mkdirs(const char *base, const char *dir, struct cs_err *err)
{
	char path[4096];
	size_t bl = strlen(base), dl = strlen(dir);

	if (strncmp(dir, base, bl) || dir[bl] != '/' || dl >= sizeof(path))
		return cs_err_set(err, EINVAL, "cgroup %s is not below %s", dir, base);
	memcpy(path, dir, dl + 1);
	/* Each component below base, the last one included. */
	for (size_t i = bl + 1; i <= dl; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return cs_err_set(err, errno, "mkdir %s", path);
		path[i] = dir[i];
	}
	return 0;
}

/* Whether the calling process has exactly one thread. Only its own code
 * could start another, and nothing here does, so the answer holds until the
 * caller's moves are done. */
static bool self_single_threaded(void)
{
	char buf[8192];
	const char *t;

	if (cs_read_small(AT_FDCWD, "/proc/self/status", buf, sizeof(buf)) < 0)
		return false;
	t = strstr(buf, "\nThreads:");
	return t && strtol(t + 9, NULL, 10) == 1;
}

/* Whether moves of pid into cg's hierarchy i can take the v1 fast path:
 * pid is the caller, single-threaded, and i is a v1 hierarchy. */
static bool self_fast(const struct cs_cgroup *cg, pid_t pid)
{
	bool v1 = false;

	for (size_t i = 0; i < cg->n; i++)
		v1 |= cg->ctrl[i] && cg->ctrl[i][0];
	return v1 && pid == getpid() && self_single_threaded();
}

/* Move pid into dir. A write to cgroup.procs takes the kernel's global
 * threadgroup lock for writing, which waits for an RCU grace period
 * (8-15 ms each on the 2-core bench host, once per burst of moves; at
 * login and at logout, inside sshd). On v1, "0" written to tasks moves
 * just the calling thread and skips that lock: for a process with one
 * thread that is the whole process, the same result. v2 domain cgroups
 * have no tasks file, and another process or a threaded caller takes
 * cgroup.procs. */
static int move_to(const struct cs_cgroup *cg, size_t i, const char *dir, pid_t pid, bool fast)
{
	char v[32];

	if (fast && cg->ctrl[i] && cg->ctrl[i][0])
		return cs_cgroup_write(dir, "tasks", "0");
	snprintf(v, sizeof(v), "%d", (int)pid);
	return cs_cgroup_write(dir, "cgroup.procs", v);
}

int cs_cgroupfs_attach(const struct cs_cgroup *cg, pid_t pid, struct cs_err *err)
{
	bool fast = self_fast(cg, pid);

	for (size_t i = 0; i < cg->n; i++) {
		int r = move_to(cg, i, cg->dirs[i], pid, fast);
		if (r < 0)
			return cs_err_set(err, -r, "move %d into %s", (int)pid, cg->dirs[i]);
	}
	return 0;
}

/* Past the top of the hierarchy: dir exists and is not cgroupfs. A
 * directory that is gone (the session scope, and with the user's last
 * session the slice above it) is still inside it. */
static bool above_cgroupfs(const char *dir)
{
	struct statfs sf;
	if (statfs(dir, &sf) < 0)
		return errno != ENOENT;
	return sf.f_type != CGROUP2_SUPER_MAGIC && sf.f_type != CGROUP_SUPER_MAGIC;
}

/* Back to self; where self is gone (a systemd session scope is removed
 * once the login has left it) or refuses a process (v2: it now has
 * children with controllers), to the nearest ancestor in the same
 * hierarchy that takes it. */
int cs_cgroupfs_leave(const struct cs_cgroup *cg, pid_t pid, struct cs_err *err)
{
	char dir[4096];
	bool fast = self_fast(cg, pid);

	for (size_t i = 0; i < cg->n; i++) {
		if (!cg->self[i])
			return cs_err_set(err, ENOENT, "where %d was before %s is unknown",
					  (int)pid, cg->dirs[i]);
		if (snprintf(dir, sizeof(dir), "%s", cg->self[i]) >= (int)sizeof(dir))
			return cs_err_set(err, ENAMETOOLONG, "cgroup path %s", cg->self[i]);
		/* Safe as root: only ever upwards from where this process
		 * was put by the system, and never past the hierarchy's
		 * root (the first directory that is not cgroupfs). */
		int r;
		for (;;) {
			r = move_to(cg, i, dir, pid, fast);
			if (r == 0 || (r != -ENOENT && r != -EBUSY && r != -EOPNOTSUPP))
				break;
			char *slash = strrchr(dir, '/');
			if (!slash || slash == dir)
				break;
			*slash = '\0';
			if (above_cgroupfs(dir))
				break;
		}
		if (r < 0)
			return cs_err_set(err, -r, "move %d back to %s or above", (int)pid, cg->self[i]);
	}
	return 0;
}

/* SIGKILL every process listed in dir/cgroup.procs. Each pid is pinned with
 * a pidfd and checked to be in exactly this cgroup (not in one whose name
 * merely contains dir's: user-10000 for user-1000) before the signal, so
 * a pid recycled in between is never hit. */
static void kill_procs(const char *dir)
{
	const struct cs_cgmount *m;
	struct cs_cgroup_host h;
	struct cs_err ignored;
	char path[4096];
	FILE *f;
	int pid;

	if (cs_cgroup_host_read(&h, &ignored) < 0)
		return;
	m = cs_cgmounts_of(&h.mounts, dir);
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = m ? fopen(path, "re") : NULL;
	while (f && fscanf(f, "%d", &pid) == 1) {
		char cgpath[64], buf[8192];
		int fd;
		/* Never ourselves: a caller still in the cgroup is a bug
		 * that cs_cgroupfs_destroy reports instead. */
		if (pid == getpid() || (fd = cs_pidfd_open(pid)) < 0)
			continue;
		snprintf(cgpath, sizeof(cgpath), "/proc/%d/cgroup", pid);
		if (cs_read_small(AT_FDCWD, cgpath, buf, sizeof(buf)) > 0 &&
		    cs_cgroup_member(buf, m, dir))
			cs_pidfd_send_signal(fd, SIGKILL);
		close(fd);
	}
	if (f)
		fclose(f);
	cs_cgroup_host_free(&h);
}

static void kill_dir(const char *dir)
{
	char path[4096];

	/* cgroup.kill (v2, 5.14+) takes the whole subtree at once, races
	 * with fork included; elsewhere each listed process. */
	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	if (cs_write_str(AT_FDCWD, path, "1") < 0)
		kill_procs(dir);
}

static bool self_in(const char *dir);

/* cgroup.kill would take the caller with it: a directory we are still in
 * is left to cs_cgroupfs_destroy, which reports it. */
void cs_cgroupfs_kill(const struct cs_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (!self_in(cg->dirs[i]))
			kill_dir(cg->dirs[i]);
}

static bool self_in(const char *dir)
{
	char path[4096];
	FILE *f;
	int pid;
	bool found = false;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (!(f = fopen(path, "re")))
		return false;
	while (!found && fscanf(f, "%d", &pid) == 1)
		found = pid == getpid();
	fclose(f);
	return found;
}

/* Kill what is left in the user's directories and remove them; retries
 * while the kernel still counts exiting tasks. */
int cs_cgroupfs_destroy(const struct cs_cgroup *cg, struct cs_err *err)
{
	int r = 0;

	for (size_t i = 0; i < cg->n; i++) {
		const char *dir = cg->dirs[i];
		if (access(dir, F_OK) < 0)
			continue; /* already gone */
		/* cgroup.kill would take the caller with it: refuse while we
		 * are still inside rather than kill ourselves. */
		if (self_in(dir)) {
			if (r == 0)
				r = cs_err_set(err, EBUSY, "still in %s, not destroying it", dir);
			continue;
		}
		/* Exiting tasks keep a cgroup busy for a moment: retry for
		 * up to 5 s, killing again in case something was forked. */
		for (int t = 0; t < 250; t++) {
			if (rmdir(dir) == 0 || errno == ENOENT)
				break;
			if (errno != EBUSY) {
				r = cs_err_set(err, errno, "rmdir %s", dir);
				break;
			}
			kill_dir(dir);
			nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
			if (t == 249)
				r = cs_err_set(err, EBUSY, "rmdir %s", dir);
		}
	}
	return r;
}
