/* SPDX-License-Identifier: MIT */
/*
 * The programs the helper stands in for in a login's session mount
 * namespace (the user's shell and /bin/sh), as root lays them out on the
 * session tmpfs (CS_SESSION_DIR):
 *
 *   programs      this table, one "DIR<TAB>AT<TAB>PATH" line per program
 *   layer/DIR/    the top layer of the overlay on the program's directory:
 *                 one empty, non-executable placeholder per program name,
 *                 which the helper is bound over
 *   host/DIR/     the host's own directory, bound here before the overlay
 *                 covered it: where anyone but the sandboxed user finds the
 *                 real program
 *
 * AT is where the helper is bound (the program's directory, resolved, and
 * its name); PATH is the program as sshd names it, which the helper execs
 * inside the sandbox. Written by the module, read by the helper.
 */
#ifndef CS_INTERCEPT_H
#define CS_INTERCEPT_H

#include <limits.h>
#include <stddef.h>

#include "lib/sessionfile.h"

#define CS_SESSION_PROGRAMS CS_SESSION_DIR "/programs"
#define CS_SESSION_LAYER CS_SESSION_DIR "/layer"
#define CS_SESSION_HOST CS_SESSION_DIR "/host"

/* The shell and /bin/sh: at most two programs, in at most two directories. */
#define CS_INTERCEPT_MAX 2

struct cs_intercept {
	unsigned dir;          /* index of its directory (layer/DIR, host/DIR) */
	char at[PATH_MAX];     /* where the helper is bound */
	char path[PATH_MAX];   /* the program as sshd execs it */
};

struct cs_intercepts {
	size_t n;
	struct cs_intercept p[CS_INTERCEPT_MAX];
};

/* 0, or -ENOSPC when buf is too small. */
int cs_intercepts_format(const struct cs_intercepts *ic, char *buf, size_t len);

/* 0, or -EINVAL for anything but well-formed lines: absolute paths without
 * tab or newline, DIR below CS_INTERCEPT_MAX, at most CS_INTERCEPT_MAX
 * lines, at least one. */
int cs_intercepts_parse(const char *text, struct cs_intercepts *ic);

/* The program whose place is exe (readlink of /proc/self/exe), or NULL.
 * Once the installed helper is replaced, the bound one is an unlinked file
 * and the kernel appends " (deleted)" to the link: that matches too (the
 * candidates are root's list, never a path the caller names). */
const struct cs_intercept *cs_intercepts_find(const struct cs_intercepts *ic, const char *exe);

/* The program's name: the last component of at. */
const char *cs_intercept_name(const struct cs_intercept *p);

#endif
