/* SPDX-License-Identifier: MIT */
/*
 * The per-user cgroup: <hierarchy>/<cgroup_root>/user-<uid>, on cgroupfs v2
 * (one unified hierarchy) or v1 (one directory per controller hierarchy).
 * A backend is a table of functions, picked once by cs_cgroup_resolve.
 */
#ifndef CS_CGROUP_H
#define CS_CGROUP_H

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
	char *dirs[CS_REG_MAX_CGROUPS];    /* the user's cgroup, per hierarchy */
	char *self[CS_REG_MAX_CGROUPS];    /* our current cgroup there */
	char *base[CS_REG_MAX_CGROUPS];    /* where cgroup_root starts */
	char *ctrl[CS_REG_MAX_CGROUPS];    /* v1: controllers of that hierarchy */
};

int cs_cgroup_resolve(enum cs_cgroup_mode mode, const char *root, uid_t uid,
		      struct cs_cgroup *cg, const struct cs_log *log,
		      struct cs_err *err);
void cs_cgroup_free(struct cs_cgroup *cg);

/* Move pid into the user's cgroup, or back to where it was (self). */
int cs_cgroup_attach(char *const *dirs, size_t n, pid_t pid, struct cs_err *err);

/* Kill what is left in the user's directories and remove them; retries
 * while the kernel still counts exiting tasks. */
int cs_cgroup_destroy(char *const *dirs, size_t n, struct cs_err *err);

/* Shared by the backends. */
int cs_cgroup_mkdirs(const char *base_parent, const char *dir, struct cs_err *err);
int cs_cgroup_write(const char *dir, const char *file, const char *value);
void cs_cgroup_kill_procs(const char *dir);

extern const struct cs_cgroup_backend cs_cgroup_v1;
extern const struct cs_cgroup_backend cs_cgroup_v2;

#endif
