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

static int mount_overlay(const char *home, const char *target, const char *data)
{
	char opts[4096];
	int dfd;

	/* DATA/<user> is the user's own directory in a root-owned DATA. */
	dfd = open(data, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return cs_fail(errno, "open %s", data);
	if ((mkdirat(dfd, "upper", 0700) < 0 && errno != EEXIST) ||
	    (mkdirat(dfd, "work", 0700) < 0 && errno != EEXIST)) {
		close(dfd);
		return cs_fail(errno, "create upper and work in %s", data);
	}
	close(dfd);
	/* userxattr: overlay metadata goes to user.* xattrs, the only ones
	 * an unprivileged mount may write. Overlay's option syntax treats
	 * ',' ':' and '\' specially; such paths are refused, not escaped. */
	if (strpbrk(home, ",:\\") || strpbrk(data, ",:\\"))
		return cs_fail(EINVAL, "home %s or %s has a character overlayfs cannot take", home, data);
	if (snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s/upper,workdir=%s/work,userxattr",
		     home, data, data) >= (int)sizeof(opts))
		return cs_fail(ENAMETOOLONG, "overlay options");
	if (mount("overlay", target, "overlay", MNT_FLAGS, opts) < 0)
		return cs_fail(errno, "mount overlay on %s (upper %s/upper)", home, data);
	return 0;
}

/* Mount the home of o on target (its place in the new root). Paths of the
 * host (the real home, DATA/<user>) are still reachable here: the old root
 * is detached only afterwards, and the mounts keep what they reference. */
int cs_home_mount(const struct cs_init_opts *o, const char *target)
{
	if (!strcmp(o->home_mode, "bind")) {
		/* The real home, read-write. */
		if (mount(o->home, target, NULL, MS_BIND | MS_REC, NULL) < 0)
			return cs_fail(errno, "bind %s", o->home);
		return 0;
	}
	if (!strcmp(o->home_mode, "tmpfs")) {
		if (mount("tmpfs", target, "tmpfs", MNT_FLAGS, "mode=0700") < 0)
			return cs_fail(errno, "mount tmpfs on %s", o->home);
		return 0;
	}
	if (!o->data)
		return cs_fail(EINVAL, "home mode %s needs a data directory", o->home_mode);
	if (!strcmp(o->home_mode, "overlay-tmpfs")) {
		/* The upper layer on a tmpfs over DATA/<user> in this mount
		 * namespace only: unreachable once the old root is detached,
		 * and discarded with the sandbox. */
		if (mount("tmpfs", o->data, "tmpfs", MNT_FLAGS, "mode=0700") < 0)
			return cs_fail(errno, "mount tmpfs on %s", o->data);
	} else if (strcmp(o->home_mode, "overlay")) {
		return cs_fail(EINVAL, "unknown home mode %s", o->home_mode);
	}
	return mount_overlay(o->home, target, o->data);
}
