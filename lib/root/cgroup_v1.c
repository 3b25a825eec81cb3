/* SPDX-License-Identifier: MIT */
/* cgroup v1: one directory per controller hierarchy (memory, pids, cpu,
 * blkio), limits translated to the v1 files. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "lib/root/cgroup.h"

static bool has_ctrl(const char *opts, const char *c)
{
	return cs_word_in(opts, c, ',');
}

/* One directory per mounted hierarchy that holds one of the controllers
 * the limits need (a hierarchy mounted twice counts once). */
static int v1_resolve(const struct cs_cgroup_host *h, const char *root, uid_t uid,
		      struct cs_cgroup *cg, struct cs_err *err)
{
	static const char *const known[] = { "memory", "pids", "cpu", "blkio" };
	int r = 0;

	memset(cg, 0, sizeof(*cg));
	cg->backend = &cs_cgroup_v1;
	for (size_t i = 0; i < h->mounts.n && r == 0; i++) {
		const struct cs_cgmount *m = &h->mounts.m[i];
		bool wanted = false, dup = false;
		for (size_t k = 0; k < CS_ARRAY_SIZE(known); k++)
			wanted |= !m->v2 && has_ctrl(m->opts, known[k]);
		for (size_t j = 0; wanted && j < cg->n; j++)
			dup |= !strcmp(cg->ctrl[j], m->opts);
		if (wanted && !dup)
			r = cs_cgroupfs_add_dir(cg, h, m, root, uid, err);
	}
	if (r == 0 && cg->n == 0)
		r = cs_err_set(err, ENOENT, "cgroup = v1 but no v1 controller hierarchy is mounted");
	return r;
}

static void fmt_limit(char *buf, size_t len, uint64_t v)
{
	cs_cgroup_fmt_limit(buf, len, v, "-1");
}

static int v1_setup(const struct cs_cgroup *cg, const struct cs_profile *p,
		    const struct cs_log *log, struct cs_err *err)
{
	bool done[CS_K_COUNT] = { false };
	char v[64];
	int r;

	for (size_t i = 0; i < cg->n; i++) {
		const char *d = cg->dirs[i], *c = cg->ctrl[i];

		if ((r = cs_cgroup_mkdirs(cg->base[i], d, err)) < 0)
			return r;
		if (has_ctrl(c, "memory")) {
			if (p->set[CS_K_MEMORY_MAX]) {
				fmt_limit(v, sizeof(v), p->memory_max);
				if ((r = cs_cgroup_write(d, "memory.limit_in_bytes", v)) < 0)
					return cs_err_set(err, -r, "%s/memory.limit_in_bytes", d);
				done[CS_K_MEMORY_MAX] = true;
			}
			/* v1 counts memory+swap together; only expressible
			 * when the memory limit itself is finite. */
			if (p->set[CS_K_MEMORY_SWAP_MAX] && p->memory_max != CS_UNLIMITED) {
				uint64_t t = p->memory_swap_max == CS_UNLIMITED ? CS_UNLIMITED :
					     p->memory_max + p->memory_swap_max;
				fmt_limit(v, sizeof(v), t);
				if (cs_cgroup_write(d, "memory.memsw.limit_in_bytes", v) == 0)
					done[CS_K_MEMORY_SWAP_MAX] = true;
			}
		}
		if (has_ctrl(c, "pids") && p->set[CS_K_PIDS_MAX]) {
			cs_cgroup_fmt_limit(v, sizeof(v), p->pids_max, "max");
			if ((r = cs_cgroup_write(d, "pids.max", v)) < 0)
				return cs_err_set(err, -r, "%s/pids.max", d);
			done[CS_K_PIDS_MAX] = true;
		}
		if (has_ctrl(c, "cpu")) {
			if (p->set[CS_K_CPU_MAX]) {
				snprintf(v, sizeof(v), "%" PRIu64, p->cpu_period_us);
				r = cs_cgroup_write(d, "cpu.cfs_period_us", v);
				fmt_limit(v, sizeof(v), p->cpu_quota_us);
				if (r == 0)
					r = cs_cgroup_write(d, "cpu.cfs_quota_us", v);
				if (r < 0)
					return cs_err_set(err, -r, "%s/cpu.cfs_quota_us", d);
				done[CS_K_CPU_MAX] = true;
			}
			if (p->set[CS_K_CPU_WEIGHT]) {
				/* weight 100 is the v1 default of 1024 shares */
				uint64_t shares = (uint64_t)p->cpu_weight * 1024 / 100;
				snprintf(v, sizeof(v), "%" PRIu64, shares < 2 ? 2 : shares);
				if ((r = cs_cgroup_write(d, "cpu.shares", v)) < 0)
					return cs_err_set(err, -r, "%s/cpu.shares", d);
				done[CS_K_CPU_WEIGHT] = true;
			}
		}
		if (has_ctrl(c, "blkio") && p->set[CS_K_IO_WEIGHT]) {
			/* v1 weights run 10..1000 where v2's run 1..10000 */
			unsigned w = p->io_weight / 10;
			snprintf(v, sizeof(v), "%u", w < 10 ? 10 : w > 1000 ? 1000 : w);
			if (cs_cgroup_write(d, "blkio.weight", v) == 0 ||
			    cs_cgroup_write(d, "blkio.bfq.weight", v) == 0)
				done[CS_K_IO_WEIGHT] = true;
		}
	}
	for (int k = CS_K_MEMORY_MAX; k <= CS_K_IO_WEIGHT; k++)
		if (p->set[k] && !done[k] &&
		    (r = cs_cgroup_unapplied((enum cs_key)k, "on this cgroup v1 host", p, log, err)) < 0)
			return r;
	return 0;
}

const struct cs_cgroup_backend cs_cgroup_v1 = {
	.name = "v1",
	.resolve = v1_resolve,
	.setup = v1_setup,
	CS_CGROUPFS_OPS,
};
