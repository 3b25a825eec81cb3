/* SPDX-License-Identifier: MIT */
/*
 * The sandbox's file system, built by its PID 1 inside its own user and
 * mount namespaces: every mount here is made with the user's rights only,
 * so a symlink the user planted can only lead to what they could reach
 * anyway.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <linux/magic.h>

#include "helper/helper.h"

#define MNT_FLAGS (MS_NOSUID | MS_NODEV)

/* Can a user.* xattr be set on fd's file system? (Any error but "not
 * supported" is no answer and lets the mount itself decide.) */
static bool xattrs_work(int fd)
{
	static const char probe[] = "user.containsession.probe";
	if (fsetxattr(fd, probe, "1", 1, 0) < 0)
		return errno != EOPNOTSUPP;
	(void)fremovexattr(fd, probe);
	return true;
}

/* Overlay on the real home's own path (in this mount namespace), so that
 * its options name real paths: lowerdir is the home, upper and work live
 * in dir (the home image or a tmpfs mounted over DATA/<user>: the latter
 * volatile_upper). legacyfd: an upper layer from before the image (see
 * cs_home_prepare), stacked read-only above the home, or -1. */
static int mount_overlay(const struct cs_init_opts *o, const char *dir, bool volatile_upper,
			 int legacyfd)
{
	char opts[4096], legacy[40] = "";
	int dfd;

	/* As the user, with O_NOFOLLOW: DATA/<user> is theirs. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return cs_fail(errno, "open %s", dir);
	if ((mkdirat(dfd, "upper", 0700) < 0 && errno != EEXIST) ||
	    (mkdirat(dfd, "work", 0700) < 0 && errno != EEXIST)) {
		close(dfd);
		return cs_fail(errno, "create upper and work in %s", dir);
	}
	/* upper and work must be real directories of the user's. A symlink
	 * (say to /etc) would make the overlay write through it; the helper
	 * has only the user's rights, so that could never reach a file the
	 * user cannot write, but the login would get a home over a foreign
	 * tree. Refused instead, as a clear error. */
	static const char *const sub[] = { "upper", "work" };
	for (size_t i = 0; i < 2; i++) {
		struct stat st;
		int fd = openat(dfd, sub[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0 || st.st_uid != getuid()) {
			int e = fd < 0 ? errno : EPERM;
			if (fd >= 0)
				close(fd);
			close(dfd);
			return cs_fail(e == ELOOP ? ENOTDIR : e,
				       "%s/%s is not a directory of the user's (symlinks are refused)",
				       dir, sub[i]);
		}
		close(fd);
	}
	/* overlayfs in a user namespace records removed and replaced
	 * directories in user.* xattrs on the upper file system (dir's: upper
	 * and work are plain directories in it, checked above; for a
	 * persistent home the image's ext4, which has them). Where it has
	 * none (tmpfs before Linux 6.6), removing a directory of the real
	 * home fails with EIO and its content comes back: a persistent home
	 * must not be built on that. The tmpfs of overlay-tmpfs is discarded
	 * anyway and has nothing better on such a kernel: allowed, with that
	 * limit (containsession.conf(5)). */
	if (!volatile_upper && !xattrs_work(dfd)) {
		close(dfd);
		return cs_fail(EOPNOTSUPP,
			       "%s is on a file system without user extended attributes "
			       "(tmpfs before Linux 6.6): overlayfs could not record removed "
			       "directories there; put data_dir on a disk file system", dir);
	}
	close(dfd);
	/* Overlay's option syntax gives ',' ':' and '\\' meaning; such paths
	 * are refused, not escaped. userxattr: metadata goes to user.*
	 * xattrs, the only ones an unprivileged mount may write. */
	if (strpbrk(o->home, ",:\\") || strpbrk(dir, ",:\\"))
		return cs_fail(EINVAL, "%s or %s has a character overlayfs cannot take", o->home, dir);
	if (legacyfd >= 0)
		snprintf(legacy, sizeof(legacy), "/proc/self/fd/%d:", legacyfd);
	if (snprintf(opts, sizeof(opts), "lowerdir=%s%s,upperdir=%s/upper,workdir=%s/work,userxattr",
		     legacy, o->home, dir, dir) >= (int)sizeof(opts))
		return cs_fail(ENAMETOOLONG, "overlay options");
	if (mount("overlay", o->home, "overlay", MNT_FLAGS, opts) < 0)
		return cs_fail(errno, "mount overlay on %s (upper in %s)", o->home, dir);
	return 0;
}

/*
 * home = overlay: the home image root mounted (lib/root/homeimg.h) goes
 * over DATA/<user> in this mount namespace only, and the overlay's upper
 * and work are made in it: what the home can hold is the image's size,
 * home.max, whatever the file system of data_dir has free. Without the
 * image the home is refused, never built unbounded.
 *
 * A home from before the image (an upper directory DATA/<user>/upper of
 * its own) is not copied and not lost: it becomes a read-only layer
 * between the real home and the image's upper, so the user sees every
 * file as before and new writes go to the image. *legacyfd: that
 * directory, opened before the image covers it, or -1.
 */
static int image_over_data(const struct cs_init_opts *o, int *legacyfd)
{
	struct statfs sfs;
	struct stat st;
	int dfd;

	*legacyfd = -1;
	if (o->imagefd < 0)
		return cs_fail(EINVAL, "home = overlay needs the home image the module mounts "
			       "(home.max): started without it");
	/* What root handed us: ext4, its root ours. */
	if (fstatfs(o->imagefd, &sfs) < 0 || fstat(o->imagefd, &st) < 0)
		return cs_fail(errno, "the home image");
	if (sfs.f_type != EXT4_SUPER_MAGIC || !S_ISDIR(st.st_mode) || st.st_uid != getuid())
		return cs_fail(EPERM, "the home image is not an ext4 whose root is the user's");
	/* As the user, with O_NOFOLLOW: DATA/<user> is theirs. */
	dfd = open(o->data, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return cs_fail(errno, "open %s", o->data);
	*legacyfd = openat(dfd, "upper", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	close(dfd);
	if (*legacyfd < 0 && errno != ENOENT)
		return cs_fail(errno == ELOOP ? ENOTDIR : errno,
			       "%s/upper is not a directory of the user's (symlinks are refused)",
			       o->data);
	if (move_mount(o->imagefd, "", AT_FDCWD, o->data, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return cs_fail(errno, "mount the home image on %s", o->data);
	return 0;
}

/*
 * Build the home of o in place, before the new root is staged: the
 * overlay (or tmpfs) is mounted over the real home's path in this mount
 * namespace, and rootfs.c binds it into the new root afterwards. What the
 * overlay references (the real home, DATA/<user>) stays pinned by the mount
 * itself and is unreachable by any path once the old root is detached.
 */
int cs_home_prepare(const struct cs_init_opts *o)
{
	char opts[64];

	/* home.max: the tmpfs's size, enforced by the kernel (ENOSPC). */
	snprintf(opts, sizeof(opts), "mode=0700,size=%llu", o->home_max);
	if (!strcmp(o->home_mode, "bind"))
		return 0; /* the real home, read-write */
	if (!strcmp(o->home_mode, "tmpfs")) {
		if (mount("tmpfs", o->home, "tmpfs", MNT_FLAGS, opts) < 0)
			return cs_fail(errno, "mount tmpfs on %s", o->home);
		return 0;
	}
	if (!o->data)
		return cs_fail(EINVAL, "home mode %s needs a data directory", o->home_mode);
	if (!strcmp(o->home_mode, "overlay-tmpfs")) {
		/* The upper layer on a tmpfs over DATA/<user> in this mount
		 * namespace only: discarded with the sandbox. */
		if (mount("tmpfs", o->data, "tmpfs", MNT_FLAGS, opts) < 0)
			return cs_fail(errno, "mount tmpfs on %s", o->data);
	} else if (strcmp(o->home_mode, "overlay")) {
		return cs_fail(EINVAL, "unknown home mode %s", o->home_mode);
	}
	int agentfd = cs_agent_dir_open(o->home), legacyfd = -1, r;

	r = !strcmp(o->home_mode, "overlay") ? image_over_data(o, &legacyfd) : 0;
	if (r == 0)
		r = mount_overlay(o, o->data, !strcmp(o->home_mode, "overlay-tmpfs"), legacyfd);
	if (r == 0 && agentfd >= 0)
		r = cs_agent_dir_bind(agentfd, o->home);
	if (agentfd >= 0)
		close(agentfd);
	if (legacyfd >= 0)
		close(legacyfd);
	return r;
}
