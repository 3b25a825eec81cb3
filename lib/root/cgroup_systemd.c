/* SPDX-License-Identifier: MIT */
/*
 * cgroup = systemd: the limits go on user-<uid>.slice as runtime unit
 * properties, set through systemd's D-Bus API (what `systemctl
 * set-property --runtime` does). pam_systemd, earlier in the stack, has
 * already put sshd's [priv] process into logind's session scope below
 * that slice; the sandbox gets a transient scope of its own beside it,
 * containsession-<uid>-<init pid>.scope (adopt: StartTransientUnit with
 * the init's pid, what `systemd-run --scope` does), and every login's
 * processes go there too (unit_procs: sshd's post-auth child moves itself
 * in, see pam_module/childcg.c). So systemd's own view — systemctl status,
 * systemd-cgls — stays the truth, systemd, the owner of the tree, is the
 * only one making cgroups in it (writing cgroupfs behind its back would be
 * undone at its next realize), and logind, which stops a session's scope
 * at logout with KillUserProcesses=yes, never ends a sandbox whose
 * lifetime keeps it, nor the sandbox of the user's other logins with the
 * login that happened to start it. The scope is collected by systemd once
 * it is empty, that is once the init has exited.
 *
 * Runtime properties persist as drop-ins in /run/systemd/system.control
 * until reboot, even after the slice is gone; the last logout therefore
 * sets them back to the values the slice had before the first sandbox
 * (save_defaults) and removes exactly the drop-ins these properties make,
 * so the next load of the slice sees the distribution's defaults
 * (user-.slice's TasksMax=33%, say) again.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "lib/root/cgroup.h"

#define USEC_PER_SEC 1000000ULL

/* D-Bus property, and the name of the drop-in systemd writes for it
 * (/run/systemd/system.control/UNIT.d/50-NAME.conf). */
static const struct {
	enum cs_key k;
	const char *prop;
	const char *dropin;
} props[] = {
	{ CS_K_MEMORY_MAX, "MemoryMax", "MemoryMax" },
	{ CS_K_MEMORY_HIGH, "MemoryHigh", "MemoryHigh" },
	{ CS_K_MEMORY_SWAP_MAX, "MemorySwapMax", "MemorySwapMax" },
	{ CS_K_PIDS_MAX, "TasksMax", "TasksMax" },
	{ CS_K_CPU_MAX, "CPUQuotaPerSecUSec", "CPUQuota" },
	{ CS_K_CPU_MAX, "CPUQuotaPeriodUSec", "CPUQuotaPeriodSec" },
	{ CS_K_CPU_WEIGHT, "CPUWeight", "CPUWeight" },
	{ CS_K_IO_WEIGHT, "IOWeight", "IOWeight" },
};

/* The value of props[i] for profile p; UINT64_MAX is systemd's "infinity"
 * for limits and "unset, use the default" for weights and the period. */
static uint64_t value(const struct cs_profile *p, size_t i)
{
	switch (props[i].k) {
	case CS_K_MEMORY_MAX: return p->memory_max;
	case CS_K_MEMORY_HIGH: return p->memory_high;
	case CS_K_MEMORY_SWAP_MAX: return p->memory_swap_max;
	case CS_K_PIDS_MAX: return p->pids_max;
	case CS_K_CPU_WEIGHT: return p->cpu_weight;
	case CS_K_IO_WEIGHT: return p->io_weight;
	default: break;
	}
	if (!strcmp(props[i].prop, "CPUQuotaPeriodUSec"))
		return p->cpu_period_us;
	if (p->cpu_quota_us == CS_UNLIMITED || p->cpu_period_us == 0)
		return UINT64_MAX;
	/* systemd takes the quota per second of wall time */
	return p->cpu_quota_us * USEC_PER_SEC / p->cpu_period_us;
}

static const char *unit_of(const char *dir)
{
	const char *u = strrchr(dir, '/');
	return u ? u + 1 : dir;
}

static int open_bus(sd_bus **bus, struct cs_err *err)
{
	int r = sd_bus_open_system(bus);
	return r < 0 ? cs_err_set(err, -r, "connect to the system bus (systemd)") : 0;
}

/* SetUnitProperties(unit, runtime=true, [(name, t value)...]) for the
 * entries of props[] that want[] selects, with vals[]. */
static int set_props(sd_bus *bus, const char *unit, const bool *want, const uint64_t *vals,
		     struct cs_err *err)
{
	sd_bus_message *m = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	r = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1",
					   "/org/freedesktop/systemd1",
					   "org.freedesktop.systemd1.Manager",
					   "SetUnitProperties");
	if (r >= 0)
		r = sd_bus_message_append(m, "sb", unit, 1);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "(sv)");
	for (size_t i = 0; r >= 0 && i < CS_ARRAY_SIZE(props); i++)
		if (want[i])
			r = sd_bus_message_append(m, "(sv)", props[i].prop, "t", vals[i]);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r < 0) {
		r = cs_err_set(err, -r, "build the D-Bus call for %s", unit);
		goto out;
	}
	r = sd_bus_call(bus, m, 0, &e, NULL);
	if (r < 0)
		r = cs_err_set(err, -r, "systemd: SetUnitProperties %s: %s", unit,
			       e.message ? e.message : "failed");
out:
	sd_bus_error_free(&e);
	sd_bus_message_unref(m);
	return r;
}

/*
 * The slice's own values, read before the first sandbox sets its limits,
 * are kept on the slice's cgroup directory as a trusted.* xattr (only
 * root can write it, and it goes away with the slice), so that the last
 * logout puts exactly them back while the slice stays loaded: a lingering
 * user, or one with a console session too. An existing record is kept:
 * it was made before any of our limits.
 */
#define SAVED_XATTR "trusted.containsession.defaults"

static void save_defaults(sd_bus *bus, const char *unit, const char *dir,
			  const struct cs_log *log)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	char *obj = NULL, buf[32 * CS_ARRAY_SIZE(props)];
	size_t len = 0;
	int r;

	if (getxattr(dir, SAVED_XATTR, NULL, 0) >= 0 || errno != ENODATA)
		return;
	r = sd_bus_path_encode("/org/freedesktop/systemd1/unit", unit, &obj);
	for (size_t i = 0; r >= 0 && i < CS_ARRAY_SIZE(props); i++) {
		uint64_t v;
		r = sd_bus_get_property_trivial(bus, "org.freedesktop.systemd1", obj,
						"org.freedesktop.systemd1.Slice", props[i].prop,
						&e, 't', &v);
		if (r >= 0)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%" PRIu64,
						i ? " " : "", v);
	}
	if (r < 0)
		cs_logf(log, LOG_WARNING, "%s: cannot read its properties (%s): after the last "
			"logout it keeps the sandbox's limits until it is next loaded", unit, e.message ? e.message : strerror(-r));
	else if (setxattr(dir, SAVED_XATTR, buf, len, XATTR_CREATE) < 0 && errno != EEXIST)
		cs_logf(log, LOG_WARNING, "%s: cannot record its properties on %s: %s (after the "
			"last logout it keeps the sandbox's limits until it is next loaded)", unit, dir,
			strerror(errno));
	sd_bus_error_free(&e);
	free(obj);
}

/* What save_defaults recorded on dir, into vals; false if nothing usable. */
static bool saved_defaults(const char *dir, uint64_t *vals)
{
	char buf[32 * CS_ARRAY_SIZE(props) + 1], *p = buf, *end;
	ssize_t n = getxattr(dir, SAVED_XATTR, buf, sizeof(buf) - 1);

	if (n <= 0)
		return false;
	buf[n] = '\0';
	for (size_t i = 0; i < CS_ARRAY_SIZE(props); i++, p = end) {
		errno = 0;
		vals[i] = strtoull(p, &end, 10);
		if (end == p || errno)
			return false;
	}
	return *p == '\0';
}

/*
 * The directory of user-<uid>.slice, when systemd is PID 1 and we are in a
 * logind session scope of that uid — where pam_systemd, earlier in this
 * stack, has put sshd's [priv] process. That is how "pam_systemd ran
 * before us" is seen without reading PAM files. Hybrid hosts track units
 * in the unified hierarchy, legacy ones in name=systemd. -ENOENT and the
 * reason when this is no such login.
 */
static int systemd_resolve(const struct cs_cgroup_host *h, const char *root, uid_t uid,
			   struct cs_cgroup *cg, struct cs_err *err)
{
	char slice[64], *sliced = NULL;

	memset(cg, 0, sizeof(*cg));
	cg->backend = &cs_cgroup_systemd;
	if (!h->systemd)
		return cs_err_set(err, ENOENT, "systemd is not running (no /run/systemd/system)");
	snprintf(slice, sizeof(slice), "/user-%u.slice/", (unsigned)uid);
	for (size_t i = 0; i < h->mounts.n && !sliced; i++) {
		const struct cs_cgmount *m = &h->mounts.m[i];
		if (!m->v2 && !cs_word_in(m->opts, "name=systemd", ','))
			continue;
		const struct cs_proccg *c = cs_proccg_for(&h->self, m);
		const char *p = c ? strstr(c->path, slice) : NULL;
		if (!p)
			continue;
		/* .../user-<uid>.slice/session-<id>.scope, and we are in the
		 * scope itself, not below it */
		const char *scope = p + strlen(slice);
		size_t sl = strlen(scope);
		if (strncmp(scope, "session-", 8) || strchr(scope, '/') || sl < 6 ||
		    strcmp(scope + sl - 6, ".scope"))
			continue;
		char *path = strndup(c->path, (size_t)(p - c->path) + strlen(slice) - 1);
		if (!path)
			return cs_err_set(err, ENOMEM, "cgroup paths");
		sliced = cs_cgmount_dir(m, path);
		if (!sliced) {
			cs_err_set(err, ENOENT, "%s is not below the mount at %s", path, m->point);
			free(path);
			return -ENOENT;
		}
		free(path);
	}
	if (!sliced)
		return cs_err_set(err, ENOENT, "this login is not in a logind session scope of uid %u "
				  "(is pam_systemd before pam_containsession in the session stack?)",
				  (unsigned)uid);
	cg->dirs[0] = sliced;
	cg->self[0] = strdup(sliced);
	cg->base[0] = strdup(sliced);
	cg->ctrl[0] = strdup("");
	cg->n = 1;
	if (!cg->self[0] || !cg->base[0] || !cg->ctrl[0])
		return cs_err_set(err, ENOMEM, "cgroup paths");
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

static int systemd_setup(const struct cs_cgroup *cg, const struct cs_profile *p,
			 const struct cs_log *log, struct cs_err *err)
{
	bool want[CS_ARRAY_SIZE(props)];
	uint64_t vals[CS_ARRAY_SIZE(props)];
	bool any = false;

	for (size_t i = 0; i < CS_ARRAY_SIZE(props); i++) {
		want[i] = p->set[props[i].k];
		vals[i] = value(p, i);
		any |= want[i];
	}
	if (!any)
		return 0;
	const char *unit = unit_of(cg->dirs[0]);
	sd_bus *bus = NULL;
	int r = open_bus(&bus, err);
	if (r == 0) {
		save_defaults(bus, unit, cg->dirs[0], log);
		r = set_props(bus, unit, want, vals, err);
	}
	sd_bus_flush_close_unref(bus);
	return r;
}

static int reset(const char *dir, struct cs_err *err)
{
	const char *unit = unit_of(dir);
	bool want[CS_ARRAY_SIZE(props)];
	uint64_t vals[CS_ARRAY_SIZE(props)];
	char path[4096];
	int r;

	/* The live unit first, to the values it had before the sandbox,
	 * then the drop-ins, so its next load starts from the unit files
	 * alone. Only the files named after these properties are removed: an
	 * admin's own runtime settings of other properties stay. Without a
	 * record (it could not be made, or the slice was stopped and loaded
	 * again, our drop-ins with it) the live unit keeps the sandbox's
	 * values until it is next loaded: no value is better than the
	 * profile's, and "infinity" would lift the admin's own limits from a
	 * slice that stays (a lingering user, a console session). */
	bool saved = saved_defaults(dir, vals);
	r = 0;
	if (saved) {
		sd_bus *bus = NULL;

		for (size_t i = 0; i < CS_ARRAY_SIZE(props); i++)
			want[i] = true;
		r = open_bus(&bus, err);
		if (r == 0)
			r = set_props(bus, unit, want, vals, err);
		sd_bus_flush_close_unref(bus);
	}
	if (r == 0 && saved && removexattr(dir, SAVED_XATTR) < 0 && errno != ENODATA)
		r = cs_err_set(err, errno, "remove %s from %s", SAVED_XATTR, dir);
	for (size_t i = 0; i < CS_ARRAY_SIZE(props); i++) {
		snprintf(path, sizeof(path), "/run/systemd/system.control/%s.d/50-%s.conf",
			 unit, props[i].dropin);
		if (unlink(path) < 0 && errno != ENOENT && r == 0)
			r = cs_err_set(err, errno, "unlink %s", path);
	}
	/* the directory too, when nothing else is in it */
	snprintf(path, sizeof(path), "/run/systemd/system.control/%s.d", unit);
	rmdir(path);
	return r;
}

/* Never kill or remove the slice: it holds the user's other, unsandboxed
 * sessions too, and logind removes it. The sandbox itself died with its
 * init. Its limits are put back instead. */
static int systemd_destroy(const struct cs_cgroup *cg, struct cs_err *err)
{
	int r = 0;

	for (size_t i = 0; i < cg->n; i++) {
		int rr = reset(cg->dirs[i], err);
		if (rr < 0 && r == 0)
			r = rr;
	}
	return r;
}

/* The [priv] process is never moved: it stays in logind's session scope,
 * which is the session (a process written into the slice itself would
 * also be an internal process of a cgroup with children: EBUSY on v2).
 * The sandbox's processes go to its own scope: adopt and unit_procs. */
static int systemd_move(const struct cs_cgroup *cg, pid_t pid, struct cs_err *err)
{
	return 0;
}

/* The slice is never killed (see systemd_destroy); the sandbox's scope
 * empties when its init exits (PID 1 of a namespace takes everything in
 * it along), and systemd collects it. */
static void systemd_kill(const struct cs_cgroup *cg)
{
}

#define SCOPE_WAIT_MS 5000
#define SCOPE_POLL_MS 20

static void scope_name(char *buf, size_t len, uid_t uid, pid_t init)
{
	snprintf(buf, len, "containsession-%u-%d.scope", (unsigned)uid, (int)init);
}

/* Is pid in slice/unit (in any hierarchy: the unified one, or hybrid's
 * name=systemd where systemd tracks units)? */
static bool pid_in_unit(pid_t pid, const char *slice, const char *unit)
{
	char path[64], want[256], line[4096];
	bool in = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	snprintf(want, sizeof(want), "/%s/%s", slice, unit);
	if (!(f = fopen(path, "re")))
		return false;
	size_t wl = strlen(want);
	while (!in && fgets(line, sizeof(line), f)) {
		size_t l = strcspn(line, "\n");
		line[l] = '\0';
		in = l >= wl && !strcmp(line + l - wl, want);
	}
	fclose(f);
	return in;
}

/*
 * A transient scope for the sandbox, in the user's slice, with the init
 * (alone in its PID namespace: it only reaps once it said "ready", so
 * moving it moves the whole sandbox). The name carries the init's pid,
 * so a new sandbox never collides with the scope of one that is still
 * emptying. systemd moves the pid when the job runs, after the reply:
 * the wait for it is bounded.
 */
static void systemd_adopt(const struct cs_cgroup *cg, uid_t uid, const char *user, pid_t init,
			  const struct cs_log *log)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	struct cs_err err = { "" };
	char unit[96], desc[160];
	sd_bus *bus = NULL;
	int r;

	if (cg->n < 1 || !cg->dirs[0] || init <= 1)
		return;
	const char *slice = unit_of(cg->dirs[0]);
	scope_name(unit, sizeof(unit), uid, init);
	snprintf(desc, sizeof(desc), "containsession sandbox of %s", user);
	r = open_bus(&bus, &err);
	if (r == 0)
		r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
				       "org.freedesktop.systemd1.Manager", "StartTransientUnit",
				       &e, NULL, "ssa(sv)a(sa(sv))", unit, "fail", 5,
				       "Slice", "s", slice,
				       "Description", "s", desc,
				       "PIDs", "au", 1, (uint32_t)init,
				       "CollectMode", "s", "inactive-or-failed",
				       /* A process the OOM killer ends (the
					* slice's memory.max) must not stop
					* the whole sandbox, systemd's default
					* for a unit (DefaultOOMPolicy=stop);
					* logind's session scopes continue too. */
				       "OOMPolicy", "s", "continue",
				       0);
	for (int waited = 0; r >= 0 && !pid_in_unit(init, slice, unit); waited += SCOPE_POLL_MS) {
		if (waited >= SCOPE_WAIT_MS) {
			r = -ETIMEDOUT;
			break;
		}
		nanosleep(&(struct timespec){ 0, SCOPE_POLL_MS * 1000 * 1000 }, NULL);
	}
	if (r < 0)
		cs_logf(log, LOG_WARNING, "cannot make %s in %s for the sandbox of %s (%s): it stays "
			"in the login's session scope, where logind's KillUserProcesses=yes ends it "
			"with that login", unit, slice, user,
			e.message ? e.message : err.msg[0] ? err.msg : strerror(-r));
	sd_bus_error_free(&e);
	sd_bus_flush_close_unref(bus);
}

/* cgroup.procs of the sandbox's scope, for a login's post-auth child to
 * move itself into; only when the init is there (a sandbox adopt could
 * not move stays in a session scope, and its logins in theirs). */
static int systemd_unit_procs(const struct cs_cgroup *cg, uid_t uid, pid_t init)
{
	char unit[96], path[4096];
	int fd;

	if (cg->n < 1 || !cg->dirs[0] || init <= 1)
		return -ENOENT;
	scope_name(unit, sizeof(unit), uid, init);
	if (!pid_in_unit(init, unit_of(cg->dirs[0]), unit))
		return -ENOENT;
	if (snprintf(path, sizeof(path), "%s/%s/cgroup.procs", cg->dirs[0], unit) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	/* cgroupfs, root's: the path is the slice's directory (resolved
	 * from our own cgroup) and a name we made. */
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	return fd < 0 ? -errno : fd;
}

const struct cs_cgroup_backend cs_cgroup_systemd = {
	.name = "systemd",
	.resolve = systemd_resolve,
	.setup = systemd_setup,
	.attach = systemd_move,
	.leave = systemd_move,
	.destroy = systemd_destroy,
	.kill = systemd_kill,
	.adopt = systemd_adopt,
	.unit_procs = systemd_unit_procs,
};
