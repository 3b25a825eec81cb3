/* SPDX-License-Identifier: MIT */
/*
 * The session mount namespace. sshd execs the user's shell after PAM is
 * done, and no PAM call can change what it execs. So this [priv] process
 * moves into a mount namespace of its own (root-owned, as pam_namespace
 * does), where the helper stands at the user's shell and at /bin/sh (which
 * sshd uses for ~/.ssh/rc and xauth). The user's child inherits the
 * namespace, execs "the shell", and so runs the helper, which joins the
 * sandbox. The host never sees these mounts.
 *
 * Nothing here is mounted on a file the host may replace. The kernel
 * detaches every mount on a file that is renamed over or unlinked, in
 * every namespace: a helper bound over /usr/bin/bash itself would vanish
 * with the next upgrade of bash, and every later channel of a long-lived
 * connection (ControlMaster) would run the real shell outside the sandbox.
 * Instead each program's directory gets a read-only overlay: the host's
 * directory as its lower layer, so everything else in it stays as it is
 * for sshd and for root's later PAM modules, and on top a layer of our own
 * tmpfs holding one empty placeholder per program name, over which the
 * helper is bound. Those dentries are the overlay's, not the host file
 * system's, and nothing can unlink them: the host renames and unlinks only
 * in the layer below. The placeholders have no exec bits, so if the bind
 * were ever gone exec fails instead of finding the real shell.
 *
 * The helper learns what to join from files root writes on a read-only
 * tmpfs in this namespace (lib/sessionfile.h, lib/intercept.h), never from
 * its environment or argv.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "lib/intercept.h"
#include "lib/root/privileges.h"
#include "lib/sessionfile.h"
#include "pam_module/module.h"

#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif

#define SESSION_TMPFS_OPTS "mode=0755,size=64k,nr_inodes=32"

/* What goes where: the programs and their (resolved) directories. */
struct plan {
	struct cs_intercepts ic;
	char dirs[CS_INTERCEPT_MAX][PATH_MAX];
	size_t ndirs;
};

/* Add the program sshd names path. Resolved in the host namespace, from
 * passwd (root's data) and a fixed path; only the directory is resolved:
 * the last component is intercepted by its own name, so a host that points
 * the /usr/bin/sh symlink elsewhere later still finds the helper there. */
static int plan_add(struct plan *pl, const char *path, struct cs_err *err)
{
	char dir[PATH_MAX], real[PATH_MAX], at[PATH_MAX];
	const char *name = strrchr(path, '/');
	struct stat st;
	size_t i, d;

	if (path[0] != '/' || strlen(path) >= sizeof(dir) || strpbrk(path, "\t\n"))
		return cs_err_set(err, EINVAL, "program %s: not an absolute path of a file", path);
	name++;
	if (!*name || !strcmp(name, ".") || !strcmp(name, "..") || strlen(name) > NAME_MAX)
		return cs_err_set(err, EINVAL, "program %s: not a file name", path);
	memcpy(dir, path, (size_t)(name - path));
	dir[name - path] = '\0';
	if (!realpath(dir, real))
		return cs_err_set(err, errno, "directory of %s", path);
	/* Overlay's option syntax gives ',' ':' and '\\' meaning: such
	 * directories are refused, not escaped. An overlay on / would be one
	 * on everything. */
	if (!strcmp(real, "/") || strpbrk(real, ",:\\\t\n"))
		return cs_err_set(err, EINVAL, "program %s: its directory %s cannot take an overlay",
				  path, real);
	if (snprintf(at, sizeof(at), "%s/%s", real, name) >= (int)sizeof(at))
		return cs_err_set(err, ENAMETOOLONG, "program %s", path);
	if (stat(at, &st) < 0)
		return cs_err_set(err, errno, "program %s", path);
	if (!S_ISREG(st.st_mode))
		return cs_err_set(err, EINVAL, "program %s is not a file", path);
	for (i = 0; i < pl->ic.n; i++)
		if (!strcmp(pl->ic.p[i].at, at))
			return 0; /* the same place by two names: /bin/sh as the shell */
	for (d = 0; d < pl->ndirs && strcmp(pl->dirs[d], real); d++)
		;
	if (d == pl->ndirs)
		strcpy(pl->dirs[pl->ndirs++], real);
	struct cs_intercept *p = &pl->ic.p[pl->ic.n++];
	p->dir = (unsigned)d;
	strcpy(p->at, at);
	strcpy(p->path, path);
	return 0;
}

/* Create a root-owned file in the session tmpfs (O_EXCL: nothing there yet
 * but what we made) with text, or empty with text NULL. */
static int put_file(int dfd, const char *name, mode_t mode, const char *text, struct cs_err *err)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	int r = 0;

	if (fd < 0)
		return cs_err_set(err, errno, "create %s in %s", name, CS_SESSION_DIR);
	if (text && (r = cs_write_all(fd, text, strlen(text))) < 0)
		cs_err_set(err, -r, "write %s in %s", name, CS_SESSION_DIR);
	close(fd);
	return r;
}

/* What the shell joins with: the running sandbox's record, as sandbox.c
 * put it in s->info, never the policy of the day. */
static int write_session_file(int dfd, const struct cs_session *s, struct cs_err *err)
{
	char text[1024];

	if (cs_session_info_format(&s->info, text, sizeof(text)) < 0)
		return cs_err_set(err, ENOSPC, "session file");
	return put_file(dfd, "session", 0444, text, err);
}

/* Lay out programs, layer/N and host/N (lib/intercept.h) on the session
 * tmpfs, dfd. host/N is the host's directory N itself, bound before the
 * overlay covers it: non-recursive, so it never takes in this tmpfs when
 * the directory is an ancestor of it. */
static int lay_out(int dfd, const struct plan *pl, struct cs_err *err)
{
	char text[sizeof(struct cs_intercepts)], rel[NAME_MAX + 32], dst[PATH_MAX];
	int r;

	if (cs_intercepts_format(&pl->ic, text, sizeof(text)) < 0)
		return cs_err_set(err, ENOSPC, "programs file");
	if ((r = put_file(dfd, "programs", 0444, text, err)) < 0)
		return r;
	if (mkdirat(dfd, "layer", 0755) < 0 || mkdirat(dfd, "host", 0755) < 0)
		return cs_err_set(err, errno, "mkdir in %s", CS_SESSION_DIR);
	for (size_t d = 0; d < pl->ndirs; d++) {
		snprintf(rel, sizeof(rel), "layer/%zu", d);
		if (mkdirat(dfd, rel, 0755) < 0)
			return cs_err_set(err, errno, "mkdir %s/%s", CS_SESSION_DIR, rel);
		snprintf(rel, sizeof(rel), "host/%zu", d);
		if (mkdirat(dfd, rel, 0755) < 0)
			return cs_err_set(err, errno, "mkdir %s/%s", CS_SESSION_DIR, rel);
		snprintf(dst, sizeof(dst), "%s/%zu", CS_SESSION_HOST, d);
		if (mount(pl->dirs[d], dst, NULL, MS_BIND, NULL) < 0)
			return cs_err_set(err, errno, "bind %s on %s", pl->dirs[d], dst);
		if (mount(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NODEV, NULL) < 0)
			return cs_err_set(err, errno, "remount %s read-only", dst);
	}
	/* Mode 0: exec of a placeholder is EACCES, never a shell. */
	for (size_t i = 0; i < pl->ic.n; i++) {
		snprintf(rel, sizeof(rel), "layer/%u/%s", pl->ic.p[i].dir, cs_intercept_name(&pl->ic.p[i]));
		if ((r = put_file(dfd, rel, 0, NULL, err)) < 0)
			return r;
	}
	return 0;
}

/* A read-only overlay on directory d: our placeholders over the host's
 * directory. Shorter paths first, so an overlay on a directory below
 * another lands on the outer overlay, not under it. */
static int mount_overlays(const struct plan *pl, struct cs_err *err)
{
	size_t order[CS_INTERCEPT_MAX], n = pl->ndirs;
	char opts[PATH_MAX];

	for (size_t i = 0; i < n; i++)
		order[i] = i;
	if (n == 2 && strlen(pl->dirs[1]) < strlen(pl->dirs[0]))
		order[0] = 1, order[1] = 0;
	for (size_t i = 0; i < n; i++) {
		size_t d = order[i];
		if (snprintf(opts, sizeof(opts), "lowerdir=%s/%zu:%s/%zu", CS_SESSION_LAYER, d,
			     CS_SESSION_HOST, d) >= (int)sizeof(opts))
			return cs_err_set(err, ENAMETOOLONG, "overlay options");
		if (mount("containsession", pl->dirs[d], "overlay", MS_RDONLY, opts) < 0)
			return cs_err_set(err, errno, "mount overlay on %s", pl->dirs[d]);
	}
	return 0;
}

/* A program directory that is an ancestor of CS_SESSION_DIR (a shell in
 * PREFIX/libexec) now covers the session tmpfs with the host's empty
 * directory: move the tmpfs (held by sessfd) back on top. */
static int uncover_session_dir(int sessfd, struct cs_err *err)
{
	struct stat want, got;

	if (fstat(sessfd, &want) < 0)
		return cs_err_set(err, errno, "stat %s", CS_SESSION_DIR);
	if (stat(CS_SESSION_DIR, &got) < 0)
		return cs_err_set(err, errno, "stat %s", CS_SESSION_DIR);
	if (got.st_dev == want.st_dev && got.st_ino == want.st_ino)
		return 0;
	if (syscall(SYS_move_mount, sessfd, "", AT_FDCWD, CS_SESSION_DIR, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return cs_err_set(err, errno, "move the session tmpfs back onto %s", CS_SESSION_DIR);
	return 0;
}

/* Bind the helper (held open by fd, so the file we checked is the file we
 * mount) read-only over the placeholder at. */
static int bind_helper(int helperfd, const char *at, struct cs_err *err)
{
	char src[64];

	snprintf(src, sizeof(src), "/proc/self/fd/%d", helperfd);
	if (mount(src, at, NULL, MS_BIND, NULL) < 0)
		return cs_err_set(err, errno, "bind helper over %s", at);
	if (mount(NULL, at, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0)
		return cs_err_set(err, errno, "remount %s read-only", at);
	return 0;
}

int cs_session_ns(struct cs_login *l, const struct cs_session *s, struct cs_err *err)
{
	struct plan pl = { 0 };
	_cleanup_close_ int helperfd = -1, sessfd = -1;
	int r;

	if ((r = plan_add(&pl, l->shell, err)) < 0 || (r = plan_add(&pl, "/bin/sh", err)) < 0)
		return r;

	if (unshare(CLONE_NEWNS) < 0)
		return cs_err_set(err, errno, "unshare mount namespace");
	/* The helper must be root's and nobody else's to change, and never
	 * setuid: it runs as the user and needs no privilege. Opened in the
	 * new namespace: a bind mount's source must be in the same one. */
	helperfd = cs_priv_open_helper(l->helper, err);
	if (helperfd < 0)
		return helperfd;

	/* Slave, not private: mounts the admin makes on the host still reach
	 * this login, while ours never propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return cs_err_set(err, errno, "make / a slave mount");
	if ((r = cs_session_tmp(s, err)) < 0)
		return r;
	/* noexec: nothing on it is run from it; the overlays and binds made
	 * from its directories are mounts with their own flags. */
	if (mount("containsession", CS_SESSION_DIR, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  SESSION_TMPFS_OPTS) < 0)
		return cs_err_set(err, errno, "mount tmpfs on %s", CS_SESSION_DIR);
	sessfd = open(CS_SESSION_DIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sessfd < 0)
		return cs_err_set(err, errno, "open %s", CS_SESSION_DIR);
	if ((r = write_session_file(sessfd, s, err)) < 0 || (r = lay_out(sessfd, &pl, err)) < 0 ||
	    (r = mount_overlays(&pl, err)) < 0 || (r = uncover_session_dir(sessfd, err)) < 0)
		return r;
	for (size_t i = 0; i < pl.ic.n; i++)
		if ((r = bind_helper(helperfd, pl.ic.p[i].at, err)) < 0)
			return r;
	if (mount(NULL, CS_SESSION_DIR, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  SESSION_TMPFS_OPTS) < 0)
		return cs_err_set(err, errno, "remount %s read-only", CS_SESSION_DIR);
	return 0;
}
