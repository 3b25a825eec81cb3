/* SPDX-License-Identifier: MIT */
/*
 * Every privilege transition of root-side code, in one place: the drop to
 * the user for good before the helper runs (the module's spawn of the
 * sandbox init, `containsession enter`, doctor's probe as nobody), the reset
 * of what a forked child inherits from its root parent's signal state, and
 * the checks that the helper root hands a login to is root's alone.
 *
 * cs_priv_drop, cs_priv_verify and cs_priv_reset_signals run between fork
 * and exec: async-signal-safe, no allocation, no stdio.
 */
#ifndef CS_PRIVILEGES_H
#define CS_PRIVILEGES_H

#include <stddef.h>
#include <sys/types.h>

#include "lib/err.h"
#include "lib/proc.h"

/*
 * Become uid:gid with exactly these supplementary groups, for good: groups,
 * then all three gids, then all three uids (the order that still has the
 * privilege for each step), then cs_priv_verify. uid 0 is refused: nothing
 * root-side drops to root. 0, or a negative errno (-EPERM when the drop did
 * not hold); the caller must not go on after a failure.
 */
int cs_priv_drop(uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups);

/*
 * The checks OpenSSH makes after its one permanently_set_uid: real,
 * effective and saved ids are all the target's, the supplementary groups
 * are as many as were set, and neither root (old_uid) nor the old gid can
 * be had back. 0 or -EPERM.
 */
int cs_priv_verify(uid_t uid, gid_t gid, size_t ngroups, uid_t old_uid, gid_t old_gid);

/* Every signal handler back to the default and an empty mask: a child of
 * sshd or of root's shell must not carry their handlers, ignored signals
 * or blocked set into the user's processes. 0 or -errno. One copy for root's
 * side and the helper's (which links lib/, not lib/root/): cs_signals_reset
 * in lib/proc.c. */
static inline int cs_priv_reset_signals(void)
{
	return cs_signals_reset();
}

/*
 * Open the helper at path (absolute) for use by root: every directory
 * from / down is root-owned and not writable by group or others (unless
 * sticky), no component is a symlink, and the file is a regular file owned
 * by root, not writable by group or others, neither setuid nor setgid.
 * Returns an O_PATH fd of the checked file (so what was checked is what is
 * used), or a negative errno with the reason in err.
 */
int cs_priv_open_helper(const char *path, struct cs_err *err);

#endif
