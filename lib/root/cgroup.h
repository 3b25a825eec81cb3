/* SPDX-License-Identifier: MIT */
/*
 * The per-user cgroup: <hierarchy>/<cgroup_root>/user-<uid>, on cgroupfs v2
 * (one unified hierarchy) or v1 (one directory per controller hierarchy);
 * or, with systemd, the user's own user-<uid>.slice, which systemd manages;
 * or none (cgroup = off).
 *
 * A backend is a table of functions, one per operation. It is chosen once,
 * when a sandbox is made (cs_cgroup_resolve), and recorded with the
 * directories in the registry entry; everything done later with that
 * sandbox (joining it, leaving it, destroying it) goes through the recorded
 * backend (cs_cgroup_from_record), never through the policy of the day or a
 * guess from a directory's name.
 */
#ifndef CS_CGROUP_H
#define CS_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config/policy.h"
#include "lib/root/cgparse.h"
#include "lib/err.h"
#include "lib/root/registry.h"

struct cs_cgroup;

/* What the host shows of its cgroups, read once per operation. */
struct cs_cgroup_host {
	struct cs_cgmounts mounts; /* /proc/self/mountinfo */
	struct cs_proccgs self;    /* /proc/self/cgroup */
	bool systemd;              /* systemd is PID 1 (/run/systemd/system) */
};

struct cs_cgroup_backend {
	const char *name; /* as recorded: "v1", "v2", "systemd", "off" */
	/* Find the user's cgroup on this host (dirs, self, base, ctrl);
	 * -ENOENT with the reason when this backend cannot serve here. */
	int (*resolve)(const struct cs_cgroup_host *h, const char *root, uid_t uid,
		       struct cs_cgroup *cg, struct cs_err *err);
	/* Create the parents and the user's directory, enable what must be
	 * enabled, write the profile's limits. Limits the host cannot apply
	 * are logged, never fatal. */
	int (*setup)(const struct cs_cgroup *cg, const struct cs_profile *p,
		     const struct cs_log *log, struct cs_err *err);
	/* Move pid into the user's cgroup. */
	int (*attach)(const struct cs_cgroup *cg, pid_t pid, struct cs_err *err);
	/* Move pid out again, back to where it was (self). */
	int (*leave)(const struct cs_cgroup *cg, pid_t pid, struct cs_err *err);
	/* At the last logout: end what is left and remove (or reset) the
	 * user's cgroup. */
	int (*destroy)(const struct cs_cgroup *cg, struct cs_err *err);
	/* SIGKILL every process in the user's cgroup (not the caller). */
	void (*kill)(const struct cs_cgroup *cg);
	/* Optional (NULL: nothing to do). Right after the init is spawned,
	 * alone in its PID namespace: give the sandbox a unit of its own
	 * (systemd: a transient scope, see cgroup_systemd.c). Never fatal:
	 * what cannot be done is logged, and the sandbox stays where the
	 * init was forked. */
	void (*adopt)(const struct cs_cgroup *cg, uid_t uid, const char *user, pid_t init,
		      const struct cs_log *log);
	/* Optional. An O_WRONLY|O_CLOEXEC fd on cgroup.procs of the unit
	 * adopt made for the sandbox of init, where a login's processes are
	 * to go; -ENOENT when there is none. */
	int (*unit_procs)(const struct cs_cgroup *cg, uid_t uid, pid_t init);
};

struct cs_cgroup {
	const struct cs_cgroup_backend *backend; /* NULL only when zeroed */
	size_t n;
	/* the user's cgroup, per hierarchy; systemd: the one directory of
	 * user-<uid>.slice in the hierarchy systemd tracks (self and base
	 * are the same directory there) */
	char *dirs[CS_REG_MAX_CGROUPS];
	char *self[CS_REG_MAX_CGROUPS];    /* our cgroup there before attach;
					      NULL: unknown (from a record) */
	char *base[CS_REG_MAX_CGROUPS];    /* where cgroup_root starts */
	char *ctrl[CS_REG_MAX_CGROUPS];    /* v1: controllers of that hierarchy */
	/* cgroup = auto found no usable hierarchy: backend off, and setup
	 * treats each limit the profile sets as one it cannot apply. */
	bool none_usable;
};

/* Pick the backend for mode on this host and resolve the user's cgroup. */
int cs_cgroup_resolve(enum cs_cgroup_mode mode, const char *root, uid_t uid,
		      struct cs_cgroup *cg, const struct cs_log *log,
		      struct cs_err *err);
/* The same on a host already read (cs_cgroup_host_read; a test's fixture). */
int cs_cgroup_resolve_on(enum cs_cgroup_mode mode, const struct cs_cgroup_host *h,
			 const char *root, uid_t uid, struct cs_cgroup *cg,
			 const struct cs_log *log, struct cs_err *err);

/* The backend of that name, or NULL. */
const struct cs_cgroup_backend *cs_cgroup_backend_by_name(const char *name);

/* The cgroup of a recorded sandbox: its backend (by name, which it must
 * have) and directories; self is where this process is now in each
 * directory's hierarchy. */
int cs_cgroup_from_record(const char *name, char *const *dirs, size_t n,
			  struct cs_cgroup *cg, struct cs_err *err);
void cs_cgroup_free(struct cs_cgroup *cg);
/* The backend that made the directories of a version-1 registry entry
 * (which does not name it), as that release told: for its teardown only.
 * NULL when they are in no hierarchy mounted here. */
const char *cs_cgroup_backend_of_v1_entry(char *const *dirs, size_t n);

/* The operations, through cg's backend (a zeroed cg is cgroup = off). */
int cs_cgroup_setup(const struct cs_cgroup *cg, const struct cs_profile *p,
		    const struct cs_log *log, struct cs_err *err);
int cs_cgroup_attach(const struct cs_cgroup *cg, pid_t pid, struct cs_err *err);
int cs_cgroup_leave(const struct cs_cgroup *cg, pid_t pid, struct cs_err *err);
int cs_cgroup_destroy(const struct cs_cgroup *cg, struct cs_err *err);
void cs_cgroup_kill(const struct cs_cgroup *cg);
void cs_cgroup_adopt(const struct cs_cgroup *cg, uid_t uid, const char *user, pid_t init,
		     const struct cs_log *log);
int cs_cgroup_unit_procs(const struct cs_cgroup *cg, uid_t uid, pid_t init);

int cs_cgroup_host_read(struct cs_cgroup_host *h, struct cs_err *err);
void cs_cgroup_host_free(struct cs_cgroup_host *h);

/* Is dir a systemd user slice (.../user-<uid>.slice)? The cgroupfs
 * backends name theirs user-<uid>, never *.slice. Only for version-1
 * entries, which do not name their backend. */
bool cs_cgroup_is_systemd(const char *dir);

/* ---- shared by the backends -------------------------------------------- */

/* cgroupfs (v1 and v2): the user's directory in the hierarchy mounted at
 * m, below root ("./NAME": below our own cgroup there). */
int cs_cgroupfs_add_dir(struct cs_cgroup *cg, const struct cs_cgroup_host *h,
			const struct cs_cgmount *m, const char *root, uid_t uid,
			struct cs_err *err);
int cs_cgroupfs_attach(const struct cs_cgroup *cg, pid_t pid, struct cs_err *err);
int cs_cgroupfs_leave(const struct cs_cgroup *cg, pid_t pid, struct cs_err *err);
int cs_cgroupfs_destroy(const struct cs_cgroup *cg, struct cs_err *err);
void cs_cgroupfs_kill(const struct cs_cgroup *cg);
int cs_cgroup_mkdirs(const char *base_parent, const char *dir, struct cs_err *err);
int cs_cgroup_write(const char *dir, const char *file, const char *value);
/* A limit as the kernel file takes it: unlimited is `inf` ("max", "-1"). */
void cs_cgroup_fmt_limit(char *buf, size_t len, uint64_t v, const char *inf);

/*
 * A limit the profile sets that this hierarchy cannot apply (its controller
 * missing or not enabled). memory.max and pids.max are what keeps one user
 * from exhausting the host's memory or its pids for everyone else: then the
 * login is refused, with err naming the key, the cgroup and the profile.
 * Any other (memory.high, memory.swap.max, cpu.max, the weights) shapes how
 * the user shares the host and is only logged: "not enforced".
 */
int cs_cgroup_unapplied(enum cs_key k, const char *where, const struct cs_profile *p,
			const struct cs_log *log, struct cs_err *err);

/* v1 and v2 differ only in resolve and setup. */
#define CS_CGROUPFS_OPS                                                       \
	.attach = cs_cgroupfs_attach, .leave = cs_cgroupfs_leave,             \
	.destroy = cs_cgroupfs_destroy, .kill = cs_cgroupfs_kill

extern const struct cs_cgroup_backend cs_cgroup_v1;
extern const struct cs_cgroup_backend cs_cgroup_v2;
extern const struct cs_cgroup_backend cs_cgroup_systemd;
extern const struct cs_cgroup_backend cs_cgroup_off;

#endif
