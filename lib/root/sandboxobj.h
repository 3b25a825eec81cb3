/* SPDX-License-Identifier: MIT */
/*
 * What root makes for a sandbox besides the init, kept below the root-only
 * state directory for as long as the sandbox lives:
 *
 *   STATE/<uid>.tmp  a tmpfs (nosuid, nodev, mode 1777, bounded): the
 *                    sandbox's /tmp, also bound over /tmp in every login's
 *                    session mount namespace, so what sshd's post-auth
 *                    child makes there (the forwarded agent's socket,
 *                    streamlocal listeners) is the sandbox's own file;
 *   STATE/<uid>.net  a bind of the network namespace of a `network = none`
 *                    sandbox, made by root (owned by the initial user
 *                    namespace), which sshd's post-auth child enters so
 *                    that its forwarding happens on the sandbox's loopback;
 *   STATE/<uid>.home a read-only clone of the persistent home image's mount
 *                    (lib/root/homeimg.h), which, unlike the other two,
 *                    outlives the sandbox: until `containsession stop` or
 *                    the next `containsession gc`.
 *
 * All are reached only through the state directory's fd (root's, 0700),
 * never through a path the user could change. Shared by the module and the
 * CLI; everything here runs as root.
 */
#ifndef CS_SANDBOXOBJ_H
#define CS_SANDBOXOBJ_H

#include <stdint.h>
#include <sys/types.h>

#include "lib/err.h"

/* Mount the tmpfs; bytes is its size bound. */
int cs_tmp_create(int statefd, uid_t uid, uint64_t bytes, struct cs_err *err);
/* An O_PATH fd of the tmpfs' root, checked to be that mount (not the bare
 * directory under it), root's and mode 1777. Open it in the mount namespace
 * that will bind it. */
int cs_tmp_open(int statefd, uid_t uid, struct cs_err *err);

/* Make the network namespace with loopback up and the sysctls of a
 * one-user namespace (see netns.c), and bind it below the state directory.
 * The calling process's own network namespace is the same afterwards.
 * Returns an fd of the namespace; *ino is its inode. */
int cs_netns_create(int statefd, uid_t uid, gid_t gid, unsigned long long *ino,
		    struct cs_err *err);
/* An fd of the bound namespace, checked to be a network namespace owned by
 * the caller's (initial) user namespace. */
int cs_netns_open(int statefd, uid_t uid, unsigned long long *ino, struct cs_err *err);

/* Remove the /tmp and the network namespace (whatever exists of them): at
 * teardown, and before a new sandbox replaces one whose init died. Not the
 * home image's pin, which is kept for the next sandbox. */
int cs_sandbox_objs_remove(int statefd, uid_t uid, struct cs_err *err);

/* Remove STATE/<uid>.<suffix>: a detached unmount of whatever is mounted
 * there, then the name (rmflag: AT_REMOVEDIR for a directory). Gone
 * already is success. */
int cs_state_obj_remove(int statefd, uid_t uid, const char *suffix, int rmflag,
			struct cs_err *err);

#endif
