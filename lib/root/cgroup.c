/* SPDX-License-Identifier: MIT */
/* Choosing the backend, once, and sending every operation through it. */
#include "lib/root/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/fsutil.h"

/* The whole of a /proc text file; the caller frees *text. That text holds
 * no NUL, so one getdelim reads all of it. */
static int read_text(const char *path, char **text)
{
	FILE *f = fopen(path, "re");
	size_t cap = 0;
	ssize_t n;
	int e;

	*text = NULL;
	if (!f)
		return -errno;
	n = getdelim(text, &cap, '\0', f);
	e = ferror(f) ? errno : 0;
	fclose(f);
	if (n >= 0)
		return 0;
	free(*text);
	*text = e ? NULL : strdup("");
	return e ? -e : *text ? 0 : -ENOMEM;
}

int cs_cgroup_host_read(struct cs_cgroup_host *h, struct cs_err *err)
{
	_cleanup_free_ char *mi = NULL;
	_cleanup_free_ char *pc = NULL;
	int r;

	memset(h, 0, sizeof(*h));
	if ((r = read_text("/proc/self/mountinfo", &mi)) < 0)
		return cs_err_set(err, -r, "read /proc/self/mountinfo");
	if ((r = read_text("/proc/self/cgroup", &pc)) < 0)
		return cs_err_set(err, -r, "read /proc/self/cgroup");
	if (cs_cgmounts_parse(mi, &h->mounts) < 0 || cs_proccg_parse(pc, &h->self) < 0) {
		cs_cgroup_host_free(h);
		return cs_err_set(err, ENOMEM, "cgroup mounts");
	}
	h->systemd = access("/run/systemd/system", F_OK) == 0;
	return 0;
}

void cs_cgroup_host_free(struct cs_cgroup_host *h)
{
	cs_cgmounts_free(&h->mounts);
	cs_proccg_free(&h->self);
}

/* A hybrid host has a unified mount with no controllers: the limits live
 * in the v1 hierarchies there. */
static bool v2_usable(const struct cs_cgroup_host *h)
{
	const struct cs_cgmount *m = cs_cgmounts_find(&h->mounts, NULL);
	char path[4096], buf[512];

	if (!m || snprintf(path, sizeof(path), "%s/cgroup.controllers", m->point) >= (int)sizeof(path) ||
	    cs_read_small(AT_FDCWD, path, buf, sizeof(buf)) < 0)
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	return cs_word_in(buf, "memory", ' ') || cs_word_in(buf, "pids", ' ');
}

static bool have_v1(const struct cs_cgroup_host *h)
{
	static const char *const known[] = { "memory", "pids", "cpu", "blkio" };
	for (size_t i = 0; i < CS_ARRAY_SIZE(known); i++)
		if (cs_cgmounts_find(&h->mounts, known[i]))
			return true;
	return false;
}

/* cgroup = auto: systemd's slice where the login is in a logind session,
 * else v2 where it has controllers, else v1, else none. */
static int resolve_auto(const struct cs_cgroup_host *h, const char *root, uid_t uid,
			struct cs_cgroup *cg, const struct cs_log *log, struct cs_err *err)
{
	struct cs_err why;
	int r = cs_cgroup_systemd.resolve(h, root, uid, cg, &why);

	if (r == 0)
		return 0;
	if (r != -ENOENT) {
		*err = why;
		return r;
	}
	if (v2_usable(h))
		return cs_cgroup_v2.resolve(h, root, uid, cg, err);
	if (have_v1(h))
		return cs_cgroup_v1.resolve(h, root, uid, cg, err);
	cs_logf(log, 4, "no usable cgroup hierarchy: no cgroup for the sandbox");
	r = cs_cgroup_off.resolve(h, root, uid, cg, err);
	cg->none_usable = true;
	return r;
}

static const struct { enum cs_cgroup_mode mode; const struct cs_cgroup_backend *b; } by_mode[] = {
	{ CS_CG_SYSTEMD, &cs_cgroup_systemd },
	{ CS_CG_V2, &cs_cgroup_v2 },
	{ CS_CG_V1, &cs_cgroup_v1 },
	{ CS_CG_OFF, &cs_cgroup_off },
};

int cs_cgroup_resolve(enum cs_cgroup_mode mode, const char *root, uid_t uid,
		      struct cs_cgroup *cg, const struct cs_log *log,
		      struct cs_err *err)
{
	struct cs_cgroup_host h;
	int r;

	memset(cg, 0, sizeof(*cg));
	if (mode == CS_CG_OFF)
		return cs_cgroup_off.resolve(NULL, root, uid, cg, err);
	if ((r = cs_cgroup_host_read(&h, err)) < 0)
		return r;
	r = cs_cgroup_resolve_on(mode, &h, root, uid, cg, log, err);
	cs_cgroup_host_free(&h);
	return r;
}

int cs_cgroup_resolve_on(enum cs_cgroup_mode mode, const struct cs_cgroup_host *h,
			 const char *root, uid_t uid, struct cs_cgroup *cg,
			 const struct cs_log *log, struct cs_err *err)
{
	int r = -EINVAL;

	memset(cg, 0, sizeof(*cg));
	if (mode == CS_CG_AUTO) {
		r = resolve_auto(h, root, uid, cg, log, err);
	} else {
		for (size_t i = 0; i < CS_ARRAY_SIZE(by_mode); i++)
			if (by_mode[i].mode == mode)
				r = by_mode[i].b->resolve(h, root, uid, cg, err);
	}
	if (r < 0)
		cs_cgroup_free(cg);
	return r;
}

const struct cs_cgroup_backend *cs_cgroup_backend_by_name(const char *name)
{
	const struct cs_cgroup_backend *all[] = {
		&cs_cgroup_v1, &cs_cgroup_v2, &cs_cgroup_systemd, &cs_cgroup_off,
	};
	for (size_t i = 0; name && i < CS_ARRAY_SIZE(all); i++)
		if (!strcmp(all[i]->name, name))
			return all[i];
	return NULL;
}

/* A version-1 registry entry (the release before the record) names no
 * backend; that release's teardown told them apart as this does, and its
 * backends named their directories so that it could: systemd's user-<uid>.slice,
 * cgroupfs' user-<uid> in a v1 or v2 hierarchy. Only for such an entry's
 * teardown (lib/root/teardown.c); a record names its backend. */
const char *cs_cgroup_backend_of_v1_entry(char *const *dirs, size_t n)
{
	struct cs_cgroup_host h;
	const struct cs_cgmount *m;
	const char *name;

	if (n == 0)
		return cs_cgroup_off.name;
	if (cs_cgroup_is_systemd(dirs[0]))
		return cs_cgroup_systemd.name;
	if (cs_cgroup_host_read(&h, NULL) < 0)
		return NULL;
	m = cs_cgmounts_of(&h.mounts, dirs[0]);
	name = !m ? NULL : m->v2 ? cs_cgroup_v2.name : cs_cgroup_v1.name;
	cs_cgroup_host_free(&h);
	return name;
}

int cs_cgroup_from_record(const char *name, char *const *dirs, size_t n,
			  struct cs_cgroup *cg, struct cs_err *err)
{
	struct cs_cgroup_host h;
	int r;

	memset(cg, 0, sizeof(*cg));
	if (n > CS_REG_MAX_CGROUPS)
		return cs_err_set(err, EINVAL, "%zu cgroup directories in the registry", n);
	if (!name)
		return cs_err_set(err, EINVAL, "no cgroup backend recorded");
	if (n == 0 && !strcmp(name, cs_cgroup_off.name)) {
		cg->backend = &cs_cgroup_off;
		return 0;
	}
	if ((r = cs_cgroup_host_read(&h, err)) < 0)
		return r;
	cg->backend = cs_cgroup_backend_by_name(name);
	if (!cg->backend || (n && cg->backend == &cs_cgroup_off)) {
		cs_cgroup_host_free(&h);
		return cs_err_set(err, EINVAL, "cgroup backend '%s' with %zu directories in the registry",
				  name, n);
	}
	for (size_t i = 0; i < n; i++, cg->n++) {
		/* Where this process is now in dir's hierarchy, so that leave
		 * undoes attach; unknown when that hierarchy is not mounted
		 * (leave then fails, destroy does not need it). */
		const struct cs_cgmount *m = cs_cgmounts_of(&h.mounts, dirs[i]);
		const struct cs_proccg *c = m ? cs_proccg_for(&h.self, m) : NULL;
		cg->dirs[i] = strdup(dirs[i]);
		cg->self[i] = c ? cs_cgmount_dir(m, c->path) : NULL;
		cg->base[i] = strdup(dirs[i]);
		cg->ctrl[i] = strdup(m && !m->v2 ? m->opts : "");
		if (!cg->dirs[i] || !cg->base[i] || !cg->ctrl[i]) {
			cs_cgroup_host_free(&h);
			cs_cgroup_free(cg);
			return cs_err_set(err, ENOMEM, "cgroup paths");
		}
	}
	cs_cgroup_host_free(&h);
	return 0;
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

static const struct cs_cgroup_backend *backend(const struct cs_cgroup *cg)
{
	return cg->backend ? cg->backend : &cs_cgroup_off;
}

int cs_cgroup_setup(const struct cs_cgroup *cg, const struct cs_profile *p,
		    const struct cs_log *log, struct cs_err *err)
{
	return backend(cg)->setup(cg, p, log, err);
}

int cs_cgroup_attach(const struct cs_cgroup *cg, pid_t pid, struct cs_err *err)
{
	return backend(cg)->attach(cg, pid, err);
}

int cs_cgroup_leave(const struct cs_cgroup *cg, pid_t pid, struct cs_err *err)
{
	return backend(cg)->leave(cg, pid, err);
}

int cs_cgroup_destroy(const struct cs_cgroup *cg, struct cs_err *err)
{
	return backend(cg)->destroy(cg, err);
}

void cs_cgroup_kill(const struct cs_cgroup *cg)
{
	backend(cg)->kill(cg);
}

void cs_cgroup_adopt(const struct cs_cgroup *cg, uid_t uid, const char *user, pid_t init,
		     const struct cs_log *log)
{
	if (backend(cg)->adopt)
		backend(cg)->adopt(cg, uid, user, init, log);
}

int cs_cgroup_unit_procs(const struct cs_cgroup *cg, uid_t uid, pid_t init)
{
	return backend(cg)->unit_procs ? backend(cg)->unit_procs(cg, uid, init) : -ENOENT;
}

/* ---- cgroup = off: no directory, nothing to do ------------------------- */

static int off_resolve(const struct cs_cgroup_host *h, const char *root, uid_t uid,
		       struct cs_cgroup *cg, struct cs_err *err)
{
	memset(cg, 0, sizeof(*cg));
	cg->backend = &cs_cgroup_off;
	return 0;
}

static int off_setup(const struct cs_cgroup *cg, const struct cs_profile *p,
		     const struct cs_log *log, struct cs_err *err)
{
	int r;

	/* cgroup = off is the admin's choice: no limit. cgroup = auto that
	 * found nothing is not: a bound the profile sets refuses the login
	 * here, as it does where one controller is missing. */
	if (!cg->none_usable)
		return 0;
	for (int k = CS_K_MEMORY_MAX; k <= CS_K_IO_WEIGHT; k++)
		if (p->set[k] &&
		    (r = cs_cgroup_unapplied((enum cs_key)k, "on this host: cgroup = auto found "
					     "no usable cgroup hierarchy", p, log, err)) < 0)
			return r;
	return 0;
}

static int off_move(const struct cs_cgroup *cg, pid_t pid, struct cs_err *err)
{
	return 0;
}

static int off_destroy(const struct cs_cgroup *cg, struct cs_err *err)
{
	return 0;
}

static void off_kill(const struct cs_cgroup *cg)
{
}

const struct cs_cgroup_backend cs_cgroup_off = {
	.name = "off",
	.resolve = off_resolve,
	.setup = off_setup,
	.attach = off_move,
	.leave = off_move,
	.destroy = off_destroy,
	.kill = off_kill,
};
