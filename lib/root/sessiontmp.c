/* SPDX-License-Identifier: MIT */
/*
 * The sandbox's /tmp, made by root (lib/root/sandboxobj.h). It is one tmpfs
 * seen at /tmp by the sandbox and by every login's session mount namespace,
 * because a unix socket can only be reached through its own file system:
 * sshd's post-auth child binds the forwarded agent's socket (and any
 * streamlocal listener) in /tmp, and the sandbox must connect to exactly
 * that inode. Root mounts it and never looks inside: the user's files in it
 * are reached by the user only, from the sandbox or a session namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "lib/root/sandboxobj.h"

#define TMPFS_MAGIC 0x01021994

/* Mount targets through the state directory's fd: the path has no
 * component the user can change. */
static void obj_path(int statefd, uid_t uid, const char *suffix, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d/%u.%s", statefd, (unsigned)uid, suffix);
}

int cs_tmp_create(int statefd, uid_t uid, uint64_t bytes, struct cs_err *err)
{
	char name[32], path[96], opts[64];

	snprintf(name, sizeof(name), "%u.tmp", (unsigned)uid);
	obj_path(statefd, uid, "tmp", path, sizeof(path));
	if (mkdirat(statefd, name, 0700) < 0)
		return cs_err_set(err, errno, "create the sandbox's /tmp %s", name);
	/* nosuid, nodev: the user writes here and root's session namespace
	 * shows it; no setuid file or device node of theirs may mean
	 * anything. The size bounds what a user can pin in memory outside
	 * their cgroup's accounting of the pages they write. */
	snprintf(opts, sizeof(opts), "mode=1777,size=%" PRIu64, bytes);
	if (mount("containsession-tmp", path, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0) {
		int e = errno;
		unlinkat(statefd, name, AT_REMOVEDIR);
		return cs_err_set(err, e, "mount the sandbox's /tmp on %s", name);
	}
	return 0;
}

int cs_tmp_open(int statefd, uid_t uid, struct cs_err *err)
{
	char name[32];
	struct stat st, sst;
	struct statfs sfs;
	int fd;

	snprintf(name, sizeof(name), "%u.tmp", (unsigned)uid);
	fd = openat(statefd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return cs_err_set(err, errno, "open the sandbox's /tmp %s", name);
	/* The mount itself, not the directory it covers (left over when a
	 * mount went away): another device than the state directory's. */
	if (fstat(fd, &st) < 0 || fstat(statefd, &sst) < 0 || fstatfs(fd, &sfs) < 0 ||
	    sfs.f_type != TMPFS_MAGIC || st.st_dev == sst.st_dev || st.st_uid != 0 ||
	    (st.st_mode & 07777) != 01777) {
		close(fd);
		return cs_err_set(err, EPERM, "%s is not the sandbox's /tmp (root's tmpfs, mode 1777)", name);
	}
	return fd;
}

int cs_state_obj_remove(int statefd, uid_t uid, const char *suffix, int rmflag, struct cs_err *err)
{
	char name[32], path[96];

	snprintf(name, sizeof(name), "%u.%s", (unsigned)uid, suffix);
	obj_path(statefd, uid, suffix, path, sizeof(path));
	/* Detached: a process that still has a file open there (a socket's
	 * peer in a dying session) does not keep the name in place. EINVAL:
	 * nothing mounted there. */
	if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
		return cs_err_set(err, errno, "unmount %s", name);
	if (unlinkat(statefd, name, rmflag) < 0 && errno != ENOENT)
		return cs_err_set(err, errno, "remove %s", name);
	return 0;
}

int cs_sandbox_objs_remove(int statefd, uid_t uid, struct cs_err *err)
{
	/* Both are tried; the first failure is the one reported. */
	int r = cs_state_obj_remove(statefd, uid, "tmp", AT_REMOVEDIR, err);
	struct cs_err later;
	int r2 = cs_state_obj_remove(statefd, uid, "net", 0, r < 0 ? &later : err);

	return r < 0 ? r : r2;
}
