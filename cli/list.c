/* SPDX-License-Identifier: MIT */
/*
 * containsession list [--json]: the running sandboxes, from the registry.
 * First it ends what is due (cli_gc_pass, as `gc` does), so what it lists
 * is what really runs. Each entry is then read under its lock (so never
 * half-written) and only read: holders that died are left out of the count
 * here, but pruning the file is the module's job, at the next login or
 * logout.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/root/cgstat.h"
#include "lib/proc.h"
#include "lib/root/teardown.h"

#define LIST_LOCK_WAIT_MS 2000

struct row {
	struct cs_reg_entry e;
	size_t sessions;
	bool init_alive;
	bool have_mem, have_tasks;
	uint64_t mem, tasks;
	long long age;
	char lifetime[32];
	long long ends_at;        /* epoch seconds, or -1 */
};

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	return x->e.uid < y->e.uid ? -1 : x->e.uid > y->e.uid;
}

static void human_bytes(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGTP";
	double d = (double)v;
	int u = -1;

	if (v < 1024) {
		snprintf(buf, len, "%" PRIu64 "B", v);
		return;
	}
	while (d >= 1024 && u < 4) {
		d /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f%c", d, units[u]);
}

static void human_age(long long s, char *buf, size_t len)
{
	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(buf, len, "%llds", s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
}

static void print_table(const struct row *rows, size_t n)
{
	if (!n) {
		printf("no sandbox is running\n");
		return;
	}
	printf("%-16s %7s %-12s %8s %8s %9s %6s %8s %8s %-10s %s\n", "USER", "UID", "PROFILE",
	       "INIT", "SESSIONS", "MEMORY", "TASKS", "AGE", "IDLE", "LIFETIME", "ENDS");
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		char mem[32] = "-", tasks[32] = "-", age[32], init[32], idle[32] = "-";
		char ends[48], user[CLI_ESC_SIZE(sizeof(r->e.user))];
		char profile[CLI_ESC_SIZE(sizeof(r->e.rec.profile))];
		long long now = (long long)time(NULL);

		if (r->have_mem)
			human_bytes(r->mem, mem, sizeof(mem));
		if (r->have_tasks)
			snprintf(tasks, sizeof(tasks), "%" PRIu64, r->tasks);
		if (r->age >= 0)
			human_age(r->age, age, sizeof(age));
		else
			snprintf(age, sizeof(age), "-");
		if (r->e.idle_since > 0)
			human_age(now - r->e.idle_since, idle, sizeof(idle));
		/* When it ends: with the last logout, when its processes have
		 * gone, or in so long (a grace that is running). */
		if (r->e.version == 1)
			snprintf(ends, sizeof(ends), "%s",
				 r->sessions > 0 ? "at stop (older containsession)" : "at next gc");
		else if (r->sessions > 0)
			snprintf(ends, sizeof(ends), "%s",
				 r->e.rec.lifetime == CS_LIFE_LOGOUT ? "at last logout" :
				 r->e.rec.lifetime == CS_LIFE_PROCESSES ? "after logout, when processes exit" :
				 "after logout + grace");
		else if (r->ends_at >= 0) {
			char in[32];
			human_age(r->ends_at - now, in, sizeof(in));
			snprintf(ends, sizeof(ends), "in %s", in);
		} else
			snprintf(ends, sizeof(ends), "%s",
				 r->e.rec.lifetime == CS_LIFE_PROCESSES ? "when its processes exit" : "now");
		/* An init that died (killed, OOM) leaves a stale entry until
		 * the next login replaces it or the last logout removes it. */
		snprintf(init, sizeof(init), "%d%s", (int)r->e.init_pid, r->init_alive ? "" : "!");
		/* The name is NSS's and the profile the registry's: escaped
		 * before the widths pad them (the escapes are ASCII, so a
		 * padded column stays as wide as it says). */
		printf("%-16s %7u %-12s %8s %8zu %9s %6s %8s %8s %-10s %s\n",
		       cli_text_esc(user, sizeof(user), r->e.user), (unsigned)r->e.uid,
		       r->e.version == 1 ? "(older)" :
		       cli_text_esc(profile, sizeof(profile), r->e.rec.profile),
		       init, r->sessions, mem, tasks, age, idle, r->lifetime, ends);
	}
	for (size_t i = 0; i < n; i++)
		if (!rows[i].init_alive) {
			printf("(!: that init is gone; the entry goes at the next login or logout)\n");
			break;
		}
	for (size_t i = 0; i < n; i++)
		if (rows[i].e.version == 1) {
			printf("((older): started by an older containsession; no login can join it, "
			       "`containsession stop USER` ends it)\n");
			break;
		}
}

static void print_json(const struct row *rows, size_t n)
{
	printf("[");
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &rows[i];

		printf("%s\n  {\"user\": ", i ? "," : "");
		cli_json_str(stdout, r->e.user);
		printf(", \"uid\": %u, \"version\": %d, \"profile\": ", (unsigned)r->e.uid,
		       r->e.version);
		if (r->e.version == 1)
			printf("null");
		else
			cli_json_str(stdout, r->e.rec.profile);
		printf(", \"init_pid\": %d, \"sessions\": %zu, ", (int)r->e.init_pid, r->sessions);
		if (r->have_mem)
			printf("\"memory_bytes\": %" PRIu64 ", ", r->mem);
		else
			printf("\"memory_bytes\": null, ");
		if (r->have_tasks)
			printf("\"tasks\": %" PRIu64 ", ", r->tasks);
		else
			printf("\"tasks\": null, ");
		if (r->e.version == 1)
			printf("\"age_seconds\": null, \"lifetime\": null");
		else {
			printf("\"age_seconds\": %lld, \"lifetime\": ", r->age < 0 ? 0 : r->age);
			cli_json_str(stdout, r->lifetime);
		}
		if (r->e.idle_since > 0)
			printf(", \"idle_since\": %lld", r->e.idle_since);
		else
			printf(", \"idle_since\": null");
		if (r->ends_at >= 0)
			printf(", \"ends_at\": %lld", r->ends_at);
		else
			printf(", \"ends_at\": null");
		printf(", \"home\": ");
		if (r->e.version == 1)
			printf("null");
		else
			cli_json_str(stdout, cs_record_home_name(&r->e.rec));
		printf(", \"cgroups\": [");
		for (size_t j = 0; j < r->e.rec.ncgroups; j++) {
			printf("%s", j ? ", " : "");
			cli_json_str(stdout, r->e.rec.cgroups[j]);
		}
		printf("]}");
	}
	printf("%s]\n", n ? "\n" : "");
}

/* Read one entry under its lock; 1 with *row filled, 0 when it is gone or
 * empty, <0 on error. */
static int read_row(int statefd, uid_t uid, struct row *row, struct cs_err *err)
{
	struct cs_reg reg = { .fd = -1 };
	/* Bounded: a login of that user may hold the lock for long (its
	 * helper stopped by the user), and list must still answer for the
	 * others. Such an entry is named in a warning, not waited for. */
	int r = cs_reg_lock_existing_within(statefd, uid, LIST_LOCK_WAIT_MS, &reg, err);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	/* An older containsession's sandbox is listed as such (its entry
	 * holds no record), not refused. */
	r = cs_reg_read_old(&reg, &row->e, err);
	cs_reg_unlock(&reg);
	if (r < 0)
		return r;
	if (!row->e.present)
		return 0;
	/* Counted on a copy: the file itself is left as it is. */
	row->sessions = cs_reg_prune(&row->e);
	row->init_alive = cs_proc_alive(row->e.init_pid, row->e.init_start);
	row->have_mem = cs_cgroup_memory_current(row->e.rec.cgroups, row->e.rec.ncgroups, &row->mem) == 0;
	row->have_tasks = cs_cgroup_tasks_current(row->e.rec.cgroups, row->e.rec.ncgroups, &row->tasks) == 0;
	row->age = (long long)time(NULL) - row->e.created;
	if (row->e.version == 1) {
		/* Its creation time and lifetime are not read. */
		row->age = -1;
		snprintf(row->lifetime, sizeof(row->lifetime), "-");
	}
	else if (cs_lifetime_format(row->e.rec.lifetime, row->e.rec.lifetime_s, row->lifetime,
			       sizeof(row->lifetime)) < 0)
		snprintf(row->lifetime, sizeof(row->lifetime), "?");
	row->ends_at = cs_sandbox_ends_at(&row->e);
	if (row->sessions > 0)
		row->ends_at = -1;
	return 1;
}

int cli_list(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cs_policy *pol = NULL;
	struct cs_err err = { "" };
	struct row *rows = NULL;
	uid_t *uids = NULL;
	size_t nuids = 0, n = 0;
	bool json = false;
	int opt, r, statefd, ret = CLI_FAIL;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 'j')
			json = true;
		else if ((r = cli_common_opt(c, "list", opt, optarg)) >= 0)
			return r;
	}
	if (optind != argc)
		return cli_usage("list", "no arguments expected");
	if (cli_load_policy(c, true, &pol) < 0)
		return CLI_FAIL;
	/* What is due ends first (what failed to end is said on stderr and
	 * still listed). */
	cli_gc_pass(pol, true);
	statefd = cli_open_state_dir(pol, &err);
	if (statefd == -ENOENT) {
		/* No state dir: no sandbox has run since boot. */
		ret = CLI_OK;
		goto out;
	}
	if (statefd < 0) {
		cli_err("%s", err.msg);
		goto out;
	}
	if (cs_reg_list(statefd, &uids, &nuids, &err) < 0) {
		cli_err("%s", err.msg);
		goto out_close;
	}
	rows = calloc(nuids ? nuids : 1, sizeof(*rows));
	if (!rows) {
		cli_err("out of memory");
		goto out_close;
	}
	for (size_t i = 0; i < nuids; i++) {
		r = read_row(statefd, uids[i], &rows[n], &err);
		if (r < 0)
			cli_warn("%s", err.msg);
		else if (r > 0)
			n++;
	}
	qsort(rows, n, sizeof(*rows), cmp_row);
	ret = CLI_OK;
out_close:
	close(statefd);
out:
	if (ret == CLI_OK) {
		if (json)
			print_json(rows, n);
		else
			print_table(rows, n);
	}
	for (size_t i = 0; i < n; i++)
		cs_reg_entry_free(&rows[i].e);
	free(rows);
	free(uids);
	cs_policy_free(pol);
	return ret;
}
