/* SPDX-License-Identifier: MIT */
/*
 * The persistent home's upper layer, bounded by home.max: a per-user ext4
 * image DATA/.images/<user>.img (root's, 0600, sparse, home.max bytes),
 * made by root at first need with mke2fs, attached to a loop device that
 * clears itself (LO_FLAGS_AUTOCLEAR) and mounted as a detached mount
 * (fsmount) that root hands to the sandbox init; the init moves it over
 * DATA/<user> in its own mount namespace and puts the overlay's upper and
 * work in it. That mount lives and dies with the sandbox's mount
 * namespace. A second, read-only mount of it at STATE/<uid>.home keeps the
 * file system alive between sandboxes, so that a burst of logins (git,
 * rsync, ansible) mounts and unmounts the ext4 once, not once per login:
 * `containsession stop` and the next `containsession gc` remove it, and
 * the loop device clears itself when the last mount goes. Why an image
 * rather than project quotas: docs/DESIGN.md. Runs as root.
 */
#ifndef CS_HOMEIMG_H
#define CS_HOMEIMG_H

#include <stdint.h>
#include <sys/types.h>

#include "lib/err.h"

/* The directory below data_dir holding the images (root's, 0700): a user
 * of this name cannot have a persistent home. */
#define CS_IMAGES_DIR ".images"
#define CS_IMAGE_SUFFIX ".img"
/* STATE/<uid>.home: the kept mount (see above). */
#define CS_HOME_PIN "home"
/* e2fsprogs (Priority: required in Debian), run as root by absolute path
 * with an empty environment: mke2fs makes an image, e2fsck and resize2fs
 * grow one when home.max grew. */
#define CS_MKE2FS "/usr/sbin/mke2fs"
#define CS_E2FSCK "/usr/sbin/e2fsck"
#define CS_RESIZE2FS "/usr/sbin/resize2fs"
/* How long a mount waits for the image's lock (see homeimg.c). */
#define CS_IMAGE_LOCK_MS 60000
/* Below this an ext4 image has no room for a journal and a home. */
#define CS_IMAGE_MIN_BYTES (4ull << 20)

/*
 * The image of user (uid:gid) below datafd (data_dir, opened by
 * cs_open_root_dir), made or grown to bytes, attached and mounted
 * nosuid,nodev: returns the detached mount's fd (close-on-exec), whose root
 * is a directory owned by uid; or a negative errno with err naming the
 * file. A corrupt or unmountable image fails (fail closed: no unbounded
 * fallback); one larger than bytes is used as it is, and *note says so.
 * note: a buffer for that remark (empty when there is none). bytes 0: the
 * image as it is, mounted read-only, -ENOENT when there is none (the CLI's
 * look at a user's layer: `containsession diff`): the live file system
 * when a sandbox has it, else a read-only one on a read-only loop device,
 * so that a look changes nothing in the image. statefd: the state
 * directory, whose STATE/<uid>.home keeps the file system mounted for the
 * next sandbox (a pin that fails only adds to *note); -1 for none.
 */
int cs_home_image_mount(const char *data_dir, int datafd, int statefd, const char *user,
			uid_t uid, gid_t gid, uint64_t bytes, char *note, size_t notelen,
			struct cs_err *err);
/* Remove the kept mount, if there is one: the loop device and the ext4 go
 * with it unless a sandbox still has the image mounted. */
int cs_home_unpin(int statefd, uid_t uid, struct cs_err *err);

#endif
