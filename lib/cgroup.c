/* SPDX-License-Identifier: MIT */
/* Locating the per-user cgroup, moving processes, and teardown. Nothing in
 * cgroupfs can be a symlink and every directory here is root-owned, so plain
 * paths are safe to use as root. */
#include "lib/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "lib/proc.h"

#define V1_WANTED "memory,pids,cpu,blkio"

struct mnt {
	char *root;   /* root of the mount inside its hierarchy */
	char *point;  /* where it is mounted */
	char *opts;   /* super options: the v1 controllers */
	bool v2;
};

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *d = s;
	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

static int read_mounts(struct mnt **out, size_t *n)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		char *fields[16], *save = NULL, *sep;
		size_t nf = 0;

		sep = strstr(line, " - ");
		if (!sep)
			continue;
		*sep = '\0';
		for (char *t = strtok_r(line, " ", &save); t && nf < 6; t = strtok_r(NULL, " ", &save))
			fields[nf++] = t;
		char *fstype = strtok_r(sep + 3, " ", &save);
		strtok_r(NULL, " ", &save); /* source */
		char *super = strtok_r(NULL, " \n", &save);
		if (nf < 5 || !fstype || !super)
			continue;
		bool v2 = !strcmp(fstype, "cgroup2");
		if (!v2 && strcmp(fstype, "cgroup"))
			continue;
		struct mnt *m = realloc(*out, (*n + 1) * sizeof(*m));
		if (!m)
			break;
		*out = m;
		m += (*n)++;
		unescape(fields[3]);
		unescape(fields[4]);
		m->root = strdup(fields[3]);
		m->point = strdup(fields[4]);
		m->opts = strdup(super);
		m->v2 = v2;
	}
	free(line);
	fclose(f);
	return 0;
}

static void free_mounts(struct mnt *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].root);
		free(m[i].point);
		free(m[i].opts);
	}
	free(m);
}

static bool has_word(const char *list, const char *word, char sep)
{
	size_t wl = strlen(word);
	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, sep);
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == wl && !strncmp(p, word, wl))
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

/* Our cgroup path in the hierarchy with these controllers ("" for v2),
 * from /proc/self/cgroup. */
static char *self_path(const char *ctrls, bool v2)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char *line = NULL, *res = NULL;
	size_t cap = 0;

	if (!f)
		return NULL;
	while (!res && getline(&line, &cap, f) > 0) {
		char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
		if (!b)
			continue;
		/* "ID:CONTROLLERS:PATH"; the unified hierarchy is "0::PATH" */
		*a = '\0';
		*b = '\0';
		b[strcspn(b + 1, "\n") + 1] = '\0';
		if (v2 ? (!strcmp(line, "0") && a[1] == '\0') :
			 (a[1] && ctrls && has_word(a + 1, ctrls, ',')))
			res = strdup(b + 1);
	}
	free(line);
	fclose(f);
	return res;
}

/* First v1 controller of a mount's super options. */
static const char *first_ctrl(const char *opts, char *buf, size_t len)
{
	const char *known[] = { "memory", "pids", "cpu", "blkio" };
	for (size_t i = 0; i < CS_ARRAY_SIZE(known); i++)
		if (has_word(opts, known[i], ',')) {
			snprintf(buf, len, "%s", known[i]);
			return buf;
		}
	return NULL;
}

static int add_dir(struct cs_cgroup *cg, const struct mnt *m, const char *root,
		   uid_t uid, const char *ctrl, struct cs_err *err)
{
	char *self = self_path(ctrl, m->v2);
	char *selfdir = NULL, *dir = NULL, *base;
	const char *rel;
	size_t l;

	if (!self)
		return cs_err_set(err, ENOENT, "no %s cgroup in /proc/self/cgroup",
				  m->v2 ? "unified" : ctrl);
	/* /proc/self/cgroup is relative to the hierarchy root; the mount may
	 * show only a subtree of it. */
	rel = self;
	l = strlen(m->root);
	if (strcmp(m->root, "/")) {
		if (strncmp(self, m->root, l) || (self[l] && self[l] != '/')) {
			free(self);
			return cs_err_set(err, ENOENT, "our cgroup is not below %s", m->point);
		}
		rel = self + l;
	}
	while (*rel == '/')
		rel++;
	if (asprintf(&selfdir, "%s%s%s", m->point, *rel ? "/" : "", rel) < 0)
		selfdir = NULL;
	free(self);
	/* "./NAME" nests below the cgroup we are in (delegated subtrees,
	 * tests); anything else is relative to the hierarchy's root. */
	base = !strncmp(root, "./", 2) ? selfdir : m->point;
	if (selfdir && asprintf(&dir, "%s/%s/user-%u", base,
				root + (base == selfdir ? 2 : 0), (unsigned)uid) < 0)
		dir = NULL;
	if (!selfdir || !dir || cg->n >= CS_REG_MAX_CGROUPS) {
		free(selfdir);
		free(dir);
		return cs_err_set(err, ENOMEM, "cgroup paths");
	}
	cg->base[cg->n] = strdup(base);
	cg->self[cg->n] = selfdir;
	cg->dirs[cg->n] = dir;
	cg->ctrl[cg->n] = strdup(m->v2 ? "" : m->opts);
	cg->n++;
	return 0;
}

/* cgroup = systemd: the directory of user-<uid>.slice, when systemd is
 * PID 1 and we are in a logind session scope of that uid — where
 * pam_systemd, earlier in this stack, has put sshd's [priv] process. That
 * is how "pam_systemd ran before us" is seen without reading PAM files.
 * Hybrid hosts track units in the unified hierarchy, legacy ones in
 * name=systemd. Returns 0 and *dir, or a negative errno and *why. */
static int systemd_slice(const struct mnt *mounts, size_t nm, uid_t uid,
			 char **dir, char *why, size_t whylen)
{
	char slice[64], *self = NULL;
	const struct mnt *m = NULL;

	*dir = NULL;
	if (access("/run/systemd/system", F_OK) < 0) {
		snprintf(why, whylen, "systemd is not running (no /run/systemd/system)");
		return -ENOENT;
	}
	snprintf(slice, sizeof(slice), "/user-%u.slice/", (unsigned)uid);
	for (size_t i = 0; i < nm && !m; i++) {
		const char *c = mounts[i].v2 ? NULL : "name=systemd";
		if (!mounts[i].v2 && !has_word(mounts[i].opts, c, ','))
			continue;
		free(self);
		self = self_path(c, mounts[i].v2);
		char *p = self ? strstr(self, slice) : NULL;
		if (!p)
			continue;
		/* .../user-<uid>.slice/session-<id>.scope, and we are in the
		 * scope itself, not below it */
		const char *scope = p + strlen(slice);
		size_t sl = strlen(scope);
		if (strncmp(scope, "session-", 8) || strchr(scope, '/') || sl < 6 ||
		    strcmp(scope + sl - 6, ".scope"))
			continue;
		p[strlen(slice) - 1] = '\0';
		m = &mounts[i];
	}
	if (!m) {
		snprintf(why, whylen, "this login is not in a logind session scope of uid %u "
			 "(is pam_systemd before pam_containsession in the session stack?)",
			 (unsigned)uid);
		free(self);
		return -ENOENT;
	}
	const char *rel = self;
	size_t l = strlen(m->root);
	if (strcmp(m->root, "/")) {
		if (strncmp(self, m->root, l) || self[l] != '/') {
			snprintf(why, whylen, "%s is not below the mount at %s", self, m->point);
			free(self);
			return -ENOENT;
		}
		rel = self + l;
	}
	if (asprintf(dir, "%s%s", m->point, rel) < 0)
		*dir = NULL;
	free(self);
	if (!*dir) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static int use_systemd(struct cs_cgroup *cg, char *dir, struct cs_err *err)
{
	cg->dirs[0] = dir;
	cg->self[0] = strdup(dir);
	cg->base[0] = strdup(dir);
	cg->ctrl[0] = strdup("");
	cg->n = 1;
	if (!cg->self[0] || !cg->base[0] || !cg->ctrl[0])
		return cs_err_set(err, ENOMEM, "cgroup paths");
	cg->backend = &cs_cgroup_systemd;
	return 0;
}

static bool v2_usable(const struct mnt *m)
{
	char path[4096], buf[512];
	snprintf(path, sizeof(path), "%s/cgroup.controllers", m->point);
	if (cs_read_small(AT_FDCWD, path, buf, sizeof(buf)) < 0)
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	return has_word(buf, "memory", ' ') || has_word(buf, "pids", ' ');
}

int cs_cgroup_resolve(enum cs_cgroup_mode mode, const char *root, uid_t uid,
		      struct cs_cgroup *cg, const struct cs_log *log,
		      struct cs_err *err)
{
	struct mnt *mounts;
	size_t nm;
	int r;
	const struct mnt *v2 = NULL;
	bool have_v1 = false;

	memset(cg, 0, sizeof(*cg));
	if (mode == CS_CG_OFF)
		return 0;
	if ((r = read_mounts(&mounts, &nm)) < 0)
		return cs_err_set(err, -r, "read /proc/self/mountinfo");
	if (mode == CS_CG_SYSTEMD || mode == CS_CG_AUTO) {
		char why[256], *dir;
		r = systemd_slice(mounts, nm, uid, &dir, why, sizeof(why));
		if (r == 0) {
			free_mounts(mounts, nm);
			if ((r = use_systemd(cg, dir, err)) < 0)
				cs_cgroup_free(cg);
			return r;
		}
		if (mode == CS_CG_SYSTEMD) {
			free_mounts(mounts, nm);
			return cs_err_set(err, -r, "cgroup = systemd, but %s", why);
		}
	}
	for (size_t i = 0; i < nm; i++) {
		char c[16];
		if (mounts[i].v2 && !v2)
			v2 = &mounts[i];
		else if (!mounts[i].v2 && first_ctrl(mounts[i].opts, c, sizeof(c)))
			have_v1 = true;
	}
	if (mode == CS_CG_AUTO) {
		/* A hybrid host has a unified mount with no controllers:
		 * the limits live in the v1 hierarchies there. */
		if (v2 && v2_usable(v2))
			mode = CS_CG_V2;
		else if (have_v1)
			mode = CS_CG_V1;
		else {
			cs_logf(log, 4, "no usable cgroup hierarchy: limits will not be applied");
			free_mounts(mounts, nm);
			return 0;
		}
	}
	r = 0;
	if (mode == CS_CG_V2) {
		if (!v2)
			r = cs_err_set(err, ENOENT, "cgroup = v2 but no cgroup2 hierarchy is mounted");
		else if ((r = add_dir(cg, v2, root, uid, NULL, err)) == 0)
			cg->backend = &cs_cgroup_v2;
	} else {
		for (size_t i = 0; i < nm && r == 0; i++) {
			char c[16];
			bool dup = false;
			if (mounts[i].v2 || !first_ctrl(mounts[i].opts, c, sizeof(c)))
				continue;
			for (size_t j = 0; j < cg->n; j++)
				dup |= !strcmp(cg->ctrl[j], mounts[i].opts);
			if (!dup)
				r = add_dir(cg, &mounts[i], root, uid, c, err);
		}
		if (r == 0 && cg->n == 0)
			r = cs_err_set(err, ENOENT, "cgroup = v1 but no v1 controller hierarchy is mounted");
		if (r == 0)
			cg->backend = &cs_cgroup_v1;
	}
	free_mounts(mounts, nm);
	if (r < 0)
		cs_cgroup_free(cg);
	return r;
}

void cs_cgroup_free(struct cs_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++) {
		free(cg->dirs[i]);
		free(cg->self[i]);
		free(cg->base[i]);
		free(cg->ctrl[i]);
	}
	memset(cg, 0, sizeof(*cg));
}

int cs_cgroup_write(const char *dir, const char *file, const char *value)
{
	char path[4096];
	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return cs_write_str(AT_FDCWD, path, value);
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

bool cs_cgroup_is_systemd(const char *dir)
{
	const char *leaf = strrchr(dir, '/');
	size_t l;

	leaf = leaf ? leaf + 1 : dir;
	l = strlen(leaf);
	if (strncmp(leaf, "user-", 5) || l <= 11 || strcmp(leaf + l - 6, ".slice"))
		return false;
	return strspn(leaf + 5, "0123456789") == l - 11;
}

int cs_cgroup_attach(char *const *dirs, size_t n, pid_t pid, struct cs_err *err)
{
	char v[32];
	snprintf(v, sizeof(v), "%d", (int)pid);
	for (size_t i = 0; i < n; i++) {
		/* systemd: the login stays in logind's session scope; a
		 * process written into the slice itself would also be an
		 * internal process of a cgroup with children (EBUSY on v2). */
		if (cs_cgroup_is_systemd(dirs[i]))
			continue;
		int r = cs_cgroup_write(dirs[i], "cgroup.procs", v);
		if (r < 0)
			return cs_err_set(err, -r, "move %d into %s", (int)pid, dirs[i]);
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

int cs_cgroup_leave(char *const *self, size_t n, pid_t pid, struct cs_err *err)
{
	char v[32], dir[4096];
	snprintf(v, sizeof(v), "%d", (int)pid);
	for (size_t i = 0; i < n; i++) {
		if (cs_cgroup_is_systemd(self[i]))
			continue;
		if (snprintf(dir, sizeof(dir), "%s", self[i]) >= (int)sizeof(dir))
			return cs_err_set(err, ENAMETOOLONG, "cgroup path %s", self[i]);
		/* Safe as root: only ever upwards from where this process
		 * was put by the system, and never past the hierarchy's
		 * root (the first directory that is not cgroupfs). */
		int r;
		for (;;) {
			r = cs_cgroup_write(dir, "cgroup.procs", v);
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
			return cs_err_set(err, -r, "move %d back to %s or above", (int)pid, self[i]);
	}
	return 0;
}

/* SIGKILL every process listed in dir/cgroup.procs. Each pid is pinned with
 * a pidfd and checked to still be in this cgroup before the signal, so a
 * pid recycled in between is never hit. */
void cs_cgroup_kill_procs(const char *dir)
{
	char path[4096];
	FILE *f;
	int pid;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fscanf(f, "%d", &pid) == 1) {
		char cgpath[64], buf[4096];
		int fd;
		/* Never ourselves: a caller still in the cgroup is a bug
		 * that cs_cgroup_destroy reports instead. */
		if (pid == getpid() || (fd = cs_pidfd_open(pid)) < 0)
			continue;
		snprintf(cgpath, sizeof(cgpath), "/proc/%d/cgroup", pid);
		const char *leaf = strrchr(dir, '/');
		if (leaf && cs_read_small(AT_FDCWD, cgpath, buf, sizeof(buf)) > 0 &&
		    strstr(buf, leaf))
			cs_pidfd_send_signal(fd, SIGKILL);
		close(fd);
	}
	fclose(f);
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

int cs_cgroup_destroy(char *const *dirs, size_t n, struct cs_err *err)
{
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		if (cs_cgroup_is_systemd(dirs[i])) {
			/* Never kill or remove the slice: it holds the user's
			 * other, unsandboxed sessions too, and logind removes
			 * it. The sandbox itself died with its init. */
			int rr = cs_cgroup_systemd_reset(dirs[i], err);
			if (rr < 0 && r == 0)
				r = rr;
			continue;
		}
		char kill_path[4096];
		snprintf(kill_path, sizeof(kill_path), "%s/cgroup.kill", dirs[i]);
		if (access(dirs[i], F_OK) < 0)
			continue; /* already gone */
		/* cgroup.kill would take the caller with it: refuse while we
		 * are still inside rather than kill ourselves. */
		if (self_in(dirs[i])) {
			if (r == 0)
				r = cs_err_set(err, EBUSY, "still in %s, not destroying it", dirs[i]);
			continue;
		}
		/* Exiting tasks keep a cgroup busy for a moment: retry for
		 * up to 5 s, killing again in case something was forked. */
		for (int t = 0; t < 250; t++) {
			if (rmdir(dirs[i]) == 0 || errno == ENOENT)
				break;
			if (errno != EBUSY) {
				r = cs_err_set(err, errno, "rmdir %s", dirs[i]);
				break;
			}
			if (cs_write_str(AT_FDCWD, kill_path, "1") < 0)
				cs_cgroup_kill_procs(dirs[i]);
			nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
			if (t == 249)
				r = cs_err_set(err, EBUSY, "rmdir %s", dirs[i]);
		}
	}
	return r;
}
