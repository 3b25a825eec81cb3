/* SPDX-License-Identifier: MIT */
/*
 * The per-user cgroup: <hierarchy>/<cgroup_root>/user-<uid>, on cgroupfs v2
 * (one unified hierarchy) or v1 (one directory per controller hierarchy);
 * or, with systemd, the user's own user-<uid>.slice, which systemd manages.
 * A backend is a table of functions, picked once by cs_cgroup_resolve.
 *
 * The directories go into the registry, and everything done later with
 * them (attach, destroy) follows what they are, not the policy of the day:
 * a directory named user-<uid>.slice is systemd's (see
 * cs_cgroup_is_systemd), anything else is ours on cgroupfs.
 */
#ifndef CS_CGROUP_H
#define CS_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config/policy.h"
#include "lib/err.h"
#include "lib/registry.h"

struct cs_cgroup;

struct cs_cgroup_backend {
	const char *name;
	/* Create the parents and the user's directory, enable what must be
	 * enabled, write the profile's limits. Limits the host cannot apply
	 * are logged, never fatal. */
	int (*setup)(const struct cs_cgroup *cg, const struct cs_profile *p,
		     const struct cs_log *log, struct cs_err *err);
};

struct cs_cgroup {
	const struct cs_cgroup_backend *backend; /* NULL: cgroup = off */
	size_t n;
	/* the user's cgroup, per hierarchy; systemd: the one directory of
	 * user-<uid>.slice in the hierarchy systemd tracks (self and base
	 * are the same directory there) */
	char *dirs[CS_REG_MAX_CGROUPS];
	char *self[CS_REG_MAX_CGROUPS];    /* our current cgroup there */
	char *base[CS_REG_MAX_CGROUPS];    /* where cgroup_root starts */
	char *ctrl[CS_REG_MAX_CGROUPS];    /* v1: controllers of that hierarchy */
};

int cs_cgroup_resolve(enum cs_cgroup_mode mode, const char *root, uid_t uid,
		      struct cs_cgroup *cg, const struct cs_log *log,
		      struct cs_err *err);
void cs_cgroup_free(struct cs_cgroup *cg);

/* Move pid into the user's cgroup, or back to where it was (self).
 * Directories of systemd's slices are skipped: in that mode nothing is
 * moved, the login stays in logind's session scope. */
int cs_cgroup_attach(char *const *dirs, size_t n, pid_t pid, struct cs_err *err);

/* Move pid out of the user's cgroup, back to self; where self is gone
 * (a systemd session scope is removed once the login has left it) or
 * refuses a process (v2: it now has children with controllers), to the
 * nearest ancestor in the same hierarchy that takes it. */
int cs_cgroup_leave(char *const *self, size_t n, pid_t pid, struct cs_err *err);

/* At the last logout: kill what is left in the user's directories and
 * remove them; retries while the kernel still counts exiting tasks. A
 * systemd slice is neither killed nor removed (logind owns it and the
 * sessions in it): its limits are reset to the defaults instead. */
int cs_cgroup_destroy(char *const *dirs, size_t n, struct cs_err *err);

/* Is dir a systemd user slice (.../user-<uid>.slice)? The cgroupfs
 * backends name theirs user-<uid>, never *.slice. */
bool cs_cgroup_is_systemd(const char *dir);
/* Reset the properties cs_cgroup_systemd set on that slice (D-Bus). */
int cs_cgroup_systemd_reset(const char *dir, struct cs_err *err);

/* Shared by the backends. */
int cs_cgroup_mkdirs(const char *base_parent, const char *dir, struct cs_err *err);
int cs_cgroup_write(const char *dir, const char *file, const char *value);
void cs_cgroup_kill_procs(const char *dir);

extern const struct cs_cgroup_backend cs_cgroup_v1;
extern const struct cs_cgroup_backend cs_cgroup_v2;
extern const struct cs_cgroup_backend cs_cgroup_systemd;

#endif
