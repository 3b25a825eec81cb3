/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>

#include "helper/helper.h"
#include "lib/fsutil.h"

/* One id in the new user namespace, `in`, is the caller's own `out` in the
 * parent, and no other id exists: files of anyone else show as nobody and
 * cannot be chowned to. setgroups is denied first, as the kernel requires
 * for an unprivileged gid_map, which also keeps the user from dropping a
 * group that denies them access. */
int cs_userns_map(uid_t in_uid, uid_t out_uid, gid_t in_gid, gid_t out_gid)
{
	char map[64];
	int r;

	if ((r = cs_write_str(AT_FDCWD, "/proc/self/setgroups", "deny")) < 0)
		return cs_fail(-r, "write /proc/self/setgroups");
	snprintf(map, sizeof(map), "%u %u 1", (unsigned)in_uid, (unsigned)out_uid);
	if ((r = cs_write_str(AT_FDCWD, "/proc/self/uid_map", map)) < 0)
		return cs_fail(-r, "write uid_map");
	snprintf(map, sizeof(map), "%u %u 1", (unsigned)in_gid, (unsigned)out_gid);
	if ((r = cs_write_str(AT_FDCWD, "/proc/self/gid_map", map)) < 0)
		return cs_fail(-r, "write gid_map");
	return 0;
}
