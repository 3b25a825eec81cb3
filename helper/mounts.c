/* SPDX-License-Identifier: MIT */
/*
 * The sandbox's file system, built by its PID 1 inside its own user and
 * mount namespaces: every mount here is made with the user's rights only,
 * so a symlink the user planted can only lead to what they could reach
 * anyway.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helper/helper.h"

#define MNT_FLAGS (MS_NOSUID | MS_NODEV)

/* Overlay with the real home as the read-only lower layer and DATA's
 * upper/work as the writable one. Every path is given through an fd opened
 * before the new root covered anything (/proc/self/fd/N). */
static int mount_overlay(const struct cs_init_opts *o, int upperfd, const char *target)
{
	char opts[512];

	if ((mkdirat(upperfd, "upper", 0700) < 0 && errno != EEXIST) ||
	    (mkdirat(upperfd, "work", 0700) < 0 && errno != EEXIST))
		return cs_fail(errno, "create upper and work for %s", o->home);
	/* userxattr: overlay metadata goes to user.* xattrs, the only ones
	 * an unprivileged mount may write. */
	snprintf(opts, sizeof(opts),
		 "lowerdir=/proc/self/fd/%d,upperdir=/proc/self/fd/%d/upper,"
		 "workdir=/proc/self/fd/%d/work,userxattr", o->homefd, upperfd, upperfd);
	if (mount("overlay", target, "overlay", MNT_FLAGS, opts) < 0)
		return cs_fail(errno, "mount overlay on %s (upper in %s)", o->home,
			       o->data ? o->data : "tmpfs");
	return 0;
}

/* A tmpfs that is attached nowhere: the overlay's reference keeps it alive,
 * no path leads to it, and it is gone with the sandbox. */
static int detached_tmpfs(void)
{
	int fs = fsopen("tmpfs", FSOPEN_CLOEXEC), mnt;

	if (fs < 0)
		return cs_fail(errno, "fsopen tmpfs");
	if (fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0700", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		close(fs);
		return cs_fail(errno, "create tmpfs");
	}
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	close(fs);
	return mnt < 0 ? cs_fail(errno, "fsmount tmpfs") : mnt;
}

/* Mount the home of o on target (its place in the new root). */
int cs_home_mount(const struct cs_init_opts *o, const char *target)
{
	char src[64];
	int r, fd;

	snprintf(src, sizeof(src), "/proc/self/fd/%d", o->homefd);
	if (!strcmp(o->home_mode, "bind")) {
		/* The real home, read-write. */
		if (mount(src, target, NULL, MS_BIND | MS_REC, NULL) < 0)
			return cs_fail(errno, "bind %s", o->home);
		return 0;
	}
	if (!strcmp(o->home_mode, "tmpfs")) {
		if (mount("tmpfs", target, "tmpfs", MNT_FLAGS, "mode=0700") < 0)
			return cs_fail(errno, "mount tmpfs on %s", o->home);
		return 0;
	}
	if (!strcmp(o->home_mode, "overlay-tmpfs")) {
		if ((fd = detached_tmpfs()) < 0)
			return -1;
		r = mount_overlay(o, fd, target);
		close(fd);
		return r;
	}
	if (strcmp(o->home_mode, "overlay"))
		return cs_fail(EINVAL, "unknown home mode %s", o->home_mode);
	if (o->datafd < 0)
		return cs_fail(EINVAL, "home mode overlay needs a data directory");
	return mount_overlay(o, o->datafd, target);
}
