/* SPDX-License-Identifier: MIT */
/* cgroup v2: one directory in the unified hierarchy; controllers are enabled
 * in subtree_control on the way down from where cgroup_root starts. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

#include "lib/root/cgroup.h"
#include "lib/fsutil.h"

static const struct {
	const char *ctrl;
	enum cs_key first, last;
} needs[] = {
	{ "memory", CS_K_MEMORY_MAX, CS_K_MEMORY_SWAP_MAX },
	{ "pids", CS_K_PIDS_MAX, CS_K_PIDS_MAX },
	{ "cpu", CS_K_CPU_MAX, CS_K_CPU_WEIGHT },
	{ "io", CS_K_IO_WEIGHT, CS_K_IO_WEIGHT },
};

static bool wanted(const struct cs_profile *p, size_t i)
{
	for (int k = (int)needs[i].first; k <= (int)needs[i].last; k++)
		if (p->set[k])
			return true;
	return false;
}

/* Enable the wanted controllers in dir's subtree_control, each on its own
 * so that one the host lacks does not hold back the others. A cgroup that
 * holds processes itself cannot (v2's "no internal processes" rule: EBUSY),
 * which is what happens with a "./" cgroup_root below sshd's own cgroup on
 * a pure v2 host; say so, the limits that need it are reported later. */
static void enable(const char *dir, const struct cs_profile *p, const struct cs_log *log)
{
	char path[4096], avail[512], v[32];

	snprintf(path, sizeof(path), "%s/cgroup.controllers", dir);
	if (cs_read_small(AT_FDCWD, path, avail, sizeof(avail)) < 0)
		return;
	for (size_t i = 0; i < CS_ARRAY_SIZE(needs); i++) {
		if (!wanted(p, i) || !strstr(avail, needs[i].ctrl))
			continue;
		snprintf(v, sizeof(v), "+%s", needs[i].ctrl);
		int r = cs_cgroup_write(dir, "cgroup.subtree_control", v);
		if (r == -EBUSY)
			cs_logf(log, LOG_WARNING,
				"cannot enable %s below %s: it holds processes (cgroup v2 allows "
				"controllers only below cgroups without processes; put cgroup_root "
				"at the hierarchy's root, not \"./\")", needs[i].ctrl, dir);
		else if (r < 0)
			cs_logf(log, LOG_WARNING, "cannot enable %s below %s: %s",
				needs[i].ctrl, dir, strerror(-r));
	}
}

static void fmt_max(char *buf, size_t len, uint64_t v)
{
	cs_cgroup_fmt_limit(buf, len, v, "max");
}

/* One directory in the (first) unified hierarchy. */
static int v2_resolve(const struct cs_cgroup_host *h, const char *root, uid_t uid,
		      struct cs_cgroup *cg, struct cs_err *err)
{
	const struct cs_cgmount *m = cs_cgmounts_find(&h->mounts, NULL);

	memset(cg, 0, sizeof(*cg));
	cg->backend = &cs_cgroup_v2;
	if (!m)
		return cs_err_set(err, ENOENT, "cgroup = v2 but no cgroup2 hierarchy is mounted");
	return cs_cgroupfs_add_dir(cg, h, m, root, uid, err);
}

static int v2_setup(const struct cs_cgroup *cg, const struct cs_profile *p,
		    const struct cs_log *log, struct cs_err *err)
{
	const char *d = cg->dirs[0];
	char path[4096], v[64];
	size_t bl = strlen(cg->base[0]);
	int r;

	if (strncmp(d, cg->base[0], bl) || strlen(d) >= sizeof(path))
		return cs_err_set(err, EINVAL, "cgroup %s", d);
	/* Walk down from base: enable the controllers in each level, then
	 * create the next one, so the user's cgroup gets them. */
	memcpy(path, cg->base[0], bl + 1);
	char rest[4096];
	memcpy(rest, d + bl, strlen(d + bl) + 1);
	char *save = NULL;
	for (char *c = strtok_r(rest, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		enable(path, p, log);
		size_t pl = strlen(path);
		if (pl + 1 + strlen(c) >= sizeof(path))
			return cs_err_set(err, ENAMETOOLONG, "cgroup %s", d);
		snprintf(path + pl, sizeof(path) - pl, "/%s", c);
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return cs_err_set(err, errno, "mkdir %s", path);
	}

	struct {
		enum cs_key k;
		const char *file;
	} files[] = {
		{ CS_K_MEMORY_MAX, "memory.max" },
		{ CS_K_MEMORY_HIGH, "memory.high" },
		{ CS_K_MEMORY_SWAP_MAX, "memory.swap.max" },
		{ CS_K_PIDS_MAX, "pids.max" },
		{ CS_K_CPU_MAX, "cpu.max" },
		{ CS_K_CPU_WEIGHT, "cpu.weight" },
		{ CS_K_IO_WEIGHT, "io.weight" },
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(files); i++) {
		enum cs_key k = files[i].k;
		if (!p->set[k])
			continue;
		switch (k) {
		case CS_K_MEMORY_MAX: fmt_max(v, sizeof(v), p->memory_max); break;
		case CS_K_MEMORY_HIGH: fmt_max(v, sizeof(v), p->memory_high); break;
		case CS_K_MEMORY_SWAP_MAX: fmt_max(v, sizeof(v), p->memory_swap_max); break;
		case CS_K_PIDS_MAX: fmt_max(v, sizeof(v), p->pids_max); break;
		case CS_K_CPU_MAX:
			fmt_max(v, sizeof(v), p->cpu_quota_us);
			snprintf(v + strlen(v), sizeof(v) - strlen(v), " %" PRIu64, p->cpu_period_us);
			break;
		case CS_K_CPU_WEIGHT: snprintf(v, sizeof(v), "%u", p->cpu_weight); break;
		default: snprintf(v, sizeof(v), "default %u", p->io_weight); break;
		}
		r = cs_cgroup_write(d, files[i].file, v);
		if (r == -ENOENT) {
			char where[4200];

			snprintf(where, sizeof(where), "here: its controller is not enabled for %s", d);
			if ((r = cs_cgroup_unapplied(k, where, p, log, err)) < 0)
				return r;
		} else if (r < 0) {
			return cs_err_set(err, -r, "write %s/%s", d, files[i].file);
		}
	}
	return 0;
}

const struct cs_cgroup_backend cs_cgroup_v2 = {
	.name = "v2",
	.resolve = v2_resolve,
	.setup = v2_setup,
	CS_CGROUPFS_OPS,
};
