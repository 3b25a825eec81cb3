/* SPDX-License-Identifier: MIT */
/*
 * The kernel's text about cgroups, parsed: which cgroup hierarchies are
 * mounted where (/proc/PID/mountinfo) and which cgroup a process is in, per
 * hierarchy (/proc/PID/cgroup). Pure functions over text: no file is read
 * here, so every odd case the kernel can print is a unit-test fixture
 * (tests/unit/test_cgparse.c), and the module, the CLI and `doctor` read one
 * parser.
 */
#ifndef CS_CGPARSE_H
#define CS_CGPARSE_H

#include <stdbool.h>
#include <stddef.h>

/* One cgroup or cgroup2 mount. Paths are unescaped (mountinfo writes a
 * space as \040). */
struct cs_cgmount {
	char *root;  /* what of the hierarchy is mounted ("/" or a subtree) */
	char *point; /* where */
	char *opts;  /* super options: v1's controllers ("rw,cpu,cpuacct"),
			named hierarchies ("rw,name=systemd") */
	bool v2;
};

struct cs_cgmounts {
	struct cs_cgmount *m;
	size_t n;
};

/* The cgroup mounts of a mountinfo text, in its order; other mounts and
 * malformed lines are skipped. 0 or -ENOMEM. */
int cs_cgmounts_parse(const char *text, struct cs_cgmounts *out);
void cs_cgmounts_free(struct cs_cgmounts *ms);

/* The first mount of the unified hierarchy, or the first v1 mount whose
 * super options name ctrl ("memory", "name=systemd"); NULL if none. */
const struct cs_cgmount *cs_cgmounts_find(const struct cs_cgmounts *ms, const char *ctrl);
/* The mount whose point is the longest whole-component prefix of dir. */
const struct cs_cgmount *cs_cgmounts_of(const struct cs_cgmounts *ms, const char *dir);

/* One line of /proc/PID/cgroup: "ID:CONTROLLERS:PATH". */
struct cs_proccg {
	unsigned id;   /* 0: the unified hierarchy */
	char *ctrls;   /* "memory", "cpu,cpuacct", "name=systemd"; "" for 0 */
	char *path;    /* relative to the reader's cgroup namespace */
	bool deleted;  /* the kernel appended " (deleted)": the cgroup is gone */
};

struct cs_proccgs {
	struct cs_proccg *c;
	size_t n;
};

int cs_proccg_parse(const char *text, struct cs_proccgs *out);
void cs_proccg_free(struct cs_proccgs *pc);

/* The line of the hierarchy mounted at m (v2: the "0::" line; v1: the
 * line naming one of m's controllers), or NULL. */
const struct cs_proccg *cs_proccg_for(const struct cs_proccgs *pc, const struct cs_cgmount *m);

/* The directory of hierarchy path `path` under mount m, or NULL when m
 * does not show that part of the hierarchy (or no memory). Caller frees. */
char *cs_cgmount_dir(const struct cs_cgmount *m, const char *path);
/* The inverse: dir's path in its hierarchy, or NULL when dir is not at or
 * below m's point. Caller frees. */
char *cs_cgmount_path(const struct cs_cgmount *m, const char *dir);

/* Is the process whose /proc/PID/cgroup text this is in exactly dir (not
 * below it, not in a cgroup whose name merely starts alike, not in a
 * deleted one)? m is the mount dir is on. */
bool cs_cgroup_member(const char *proc_cgroup, const struct cs_cgmount *m, const char *dir);

/* Is word one of the sep-separated items of list? */
bool cs_word_in(const char *list, const char *word, char sep);

#endif
