/* SPDX-License-Identifier: MIT */
#include "lib/root/privileges.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fsutil.h"

int cs_priv_verify(uid_t uid, gid_t gid, size_t ngroups, uid_t old_uid, gid_t old_gid)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (getresuid(&ru, &eu, &su) < 0 || ru != uid || eu != uid || su != uid)
		return -EPERM;
	if (getresgid(&rg, &eg, &sg) < 0 || rg != gid || eg != gid || sg != gid)
		return -EPERM;
	int n = getgroups(0, NULL);
	if (n < 0 || (size_t)n != ngroups)
		return -EPERM;
	/* Had anything been kept (a saved uid, CAP_SETUID), these would
	 * succeed; they must fail. */
	if (uid != old_uid && (setuid(old_uid) == 0 || seteuid(old_uid) == 0))
		return -EPERM;
	if (gid != old_gid && (setgid(old_gid) == 0 || setegid(old_gid) == 0))
		return -EPERM;
	return 0;
}

int cs_priv_drop(uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups)
{
	uid_t old_uid = geteuid();
	gid_t old_gid = getegid();

	if (uid == 0)
		return -EINVAL;
	/* Groups and gids first, while we may still change them. */
	if (setgroups(ngroups, groups) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0)
		return -errno;
	return cs_priv_verify(uid, gid, ngroups, old_uid, old_gid);
}

int cs_priv_open_helper(const char *path, struct cs_err *err)
{
	char dir[PATH_MAX];
	const char *leaf = strrchr(path, '/');
	struct stat st;
	int dfd, fd;

	if (path[0] != '/' || !leaf || !leaf[1] || (size_t)(leaf - path) >= sizeof(dir))
		return cs_err_set(err, EINVAL, "helper %s: not an absolute file path", path);
	snprintf(dir, sizeof(dir), "%.*s", (int)(leaf - path), path);
	/* Whoever could rename a directory on the way could swap the
	 * helper: every one of them is root's. */
	dfd = cs_open_root_dir(dir[0] ? dir : "/", false, 0755, err);
	if (dfd < 0)
		return dfd;
	fd = openat(dfd, leaf + 1, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	close(dfd);
	if (fd < 0)
		return cs_err_set(err, errno, "helper %s", path);
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return cs_err_set(err, e, "helper %s", path);
	}
	/* It runs as the user and needs no privilege: never setuid. */
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022) ||
	    (st.st_mode & (S_ISUID | S_ISGID))) {
		close(fd);
		return cs_err_set(err, EPERM, "helper %s must be a root-owned, not group/world-writable, "
				  "non-setuid file (mode %04o, owner %u)", path,
				  (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
	}
	return fd;
}
