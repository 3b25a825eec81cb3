/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>

#include "helper/helper.h"
#include "lib/fsutil.h"

/* uid 0 inside is the user outside, and no other id exists: files of
 * anyone else show as nobody and cannot be chowned to. setgroups is denied
 * first, as the kernel requires for an unprivileged gid_map, which also
 * keeps the user from dropping a group that denies them access. */
int cs_userns_map(uid_t uid, gid_t gid)
{
	char map[64];
	int r;

	if ((r = cs_write_str(AT_FDCWD, "/proc/self/setgroups", "deny")) < 0)
		return cs_fail(-r, "write /proc/self/setgroups");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	if ((r = cs_write_str(AT_FDCWD, "/proc/self/uid_map", map)) < 0)
		return cs_fail(-r, "write uid_map");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	if ((r = cs_write_str(AT_FDCWD, "/proc/self/gid_map", map)) < 0)
		return cs_fail(-r, "write gid_map");
	return 0;
}
