/* SPDX-License-Identifier: MIT */
/* cgroup v1: one directory per controller hierarchy (memory, pids, cpu,
 * blkio), limits translated to the v1 files. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "lib/cgroup.h"

static bool has_ctrl(const char *opts, const char *c)
{
	size_t l = strlen(c);
	for (const char *p = opts; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, c, l) && (p[l] == ',' || p[l] == '\0'))
			return true;
	return false;
}

static void fmt_limit(char *buf, size_t len, uint64_t v)
{
	if (v == CS_UNLIMITED)
		snprintf(buf, len, "-1");
	else
		snprintf(buf, len, "%" PRIu64, v);
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
			if (p->pids_max == CS_UNLIMITED)
				snprintf(v, sizeof(v), "max");
			else
				snprintf(v, sizeof(v), "%" PRIu64, p->pids_max);
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
		if (p->set[k] && !done[k])
			cs_logf(log, LOG_WARNING,
				"%s cannot be applied on this cgroup v1 host (profile %s): not enforced",
				cs_key_name((enum cs_key)k), p->name);
	return 0;
}

const struct cs_cgroup_backend cs_cgroup_v1 = {
	.name = "v1",
	.setup = v1_setup,
};
