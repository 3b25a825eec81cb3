/* SPDX-License-Identifier: MIT */
/* The host's top-level directories a sandbox sees, bound read-only by the
 * helper (helper/rootfs.c). Anything else at the top (/root, other users'
 * homes, /boot, /mnt, /media, /sys, /proc) is not there at all. doctor
 * reads the same list for what a network = none sandbox can still reach. */
#ifndef CS_SANDBOXDIRS_H
#define CS_SANDBOXDIRS_H

#include <stddef.h>

static const char *const cs_system_dirs[] = {
	"usr", "etc", "bin", "sbin", "lib", "lib32", "lib64", "libx32",
	"opt", "srv", "var",
};
#define CS_SYSTEM_DIRS_N (sizeof(cs_system_dirs) / sizeof(cs_system_dirs[0]))

#endif
