/* SPDX-License-Identifier: MIT */
/* File and path primitives for code that runs as root. */
#ifndef CS_FSUTIL_H
#define CS_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/err.h"

/*
 * Open an absolute directory path as root, one component at a time with
 * O_NOFOLLOW, so no symlink anywhere in it is followed. Every component must
 * be owned by root; a component writable by group or others is accepted only
 * with the sticky bit (like /tmp), where nobody else can rename the
 * root-owned entry below it. The leaf is created with `mode` when missing and
 * create is set, and must not be writable by group or others, nor grant more
 * than `mode`. Returns an O_PATH|O_DIRECTORY fd or a negative errno.
 */
int cs_open_root_dir(const char *path, bool create, mode_t mode,
		     struct cs_err *err);

/*
 * Make sure DATA/<user> exists as a directory owned by uid:gid with mode
 * 0700, where datafd is DATA opened by cs_open_root_dir. Root creates and
 * chowns only this one entry, through an fd opened with O_NOFOLLOW: what the
 * user puts inside it is never touched by root. An existing root-owned entry
 * is taken over only when empty (what a crash before the chown leaves), and
 * names beginning with a dot (root's own entries, .images) are refused.
 * Returns an fd or -errno.
 */
int cs_open_user_dir(int datafd, const char *user, uid_t uid, gid_t gid,
		     struct cs_err *err);

/* Read at most len-1 bytes of a small file (proc, cgroupfs) and NUL
 * terminate; returns the length or -errno. dirfd may be AT_FDCWD. */
ssize_t cs_read_small(int dirfd, const char *path, char *buf, size_t len);

/* Write a string to an existing file (cgroupfs, /proc) in one write();
 * returns 0 or -errno. Never creates, never follows a final symlink. */
int cs_write_str(int dirfd, const char *path, const char *s);

/* A user or profile name that is safe as one path component. */
bool cs_safe_component(const char *name);

/* Write all of buf (retrying short writes and EINTR). */
int cs_write_all(int fd, const void *buf, size_t len);

/* One step of a byte relay (the helper's pty relay, `containsession
 * enter`'s): what one read of from gives, all written to to. 1: go on (also
 * after EINTR or EAGAIN); 0: from has ended (EOF, or EIO: the other side of
 * a pty closed); a negative errno: writing to to failed. */
int cs_relay_copy(int from, int to);

/*
 * flock(LOCK_EX) with a bound. A holder can be held up by the user (a login's
 * helper child stopped with SIGSTOP) or be stuck, and whoever waits (another
 * login, root's `list`, `stop` or `diff`) must not wait with it for ever. The
 * backoff stays short: these locks are normally held for milliseconds.
 * Returns 0, -EBUSY when timeout_ms ran out, or -errno.
 */
int cs_flock_within(int fd, int timeout_ms);

#endif
