/* SPDX-License-Identifier: MIT */
/*
 * containsession-helper: runs as the user, never setuid.
 *   init   the sandbox's PID 1 (started by the PAM module)
 *   shell  everything else: sshd execs it in place of the user's shell
 * Facilities live in their own files; init.c and join.c order them.
 */
#ifndef CS_HELPER_H
#define CS_HELPER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <termios.h>
#include <sys/ioctl.h>

#include "lib/err.h"
#include "lib/sessionfile.h"

struct cs_init_opts {
	const char *user;
	uid_t uid;
	gid_t gid;
	const char *home;
	const char *home_mode; /* overlay | overlay-tmpfs | bind | tmpfs */
	const char *data;      /* DATA/<user>, or NULL */
	bool tmp_cwd;          /* /tmp: root's tmpfs, our working directory at exec */
	unsigned long long netns; /* root's network namespace we run in, or 0 (host) */
	const char *hostname;
	/* Bytes: size= of the home's tmpfs (overlay-tmpfs, tmpfs) and of each
	 * private tmpfs (/tmp, /run, /dev/shm); the profile's home.max and
	 * tmp.max, always finite. */
	unsigned long long home_max;
	unsigned long long tmp_max;
	/* home = overlay: the detached mount of the home's image (root's
	 * ext4 of home.max bytes, lib/root/homeimg.h) on fd 4, or -1. */
	int imagefd;
	/* Opened before the new root is staged (which may cover them). */
	int homefd;            /* the prepared home (overlay, tmpfs or real), O_PATH */
	int tmpfd;             /* what becomes /tmp (root's tmpfs or the host's) */
};

/*
 * The helper's errors, as everywhere in the tree (lib/err.h): a function
 * fails with a negative errno, and the message says what failed. The helper
 * is one thread, so it keeps one message, cs_helper_err: cs_fail sets it to
 * "MSG[: strerror(errnum)]" and returns -errnum (-EIO for 0); a caller that
 * knows more adds its context with cs_err_wrap(&cs_helper_err, r, ...).
 * Nothing below the entry points prints: main(), the init's PID 1 child and
 * a forked child that fails to exec call cs_fail_report, which prints the
 * message once (to stderr, or in the init to the module over cs_report_fd,
 * which logs it in its one line about the refused login) and clears it.
 */
extern int cs_report_fd;
extern struct cs_err cs_helper_err;
int cs_fail(int errnum, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cs_fail_report(void);

/* init.c */
int cs_init_main(int argc, char **argv);

/* apparmor.c: under the shipped profile, have every exec leave it (0, or
 * -1 and run nothing); the profile confining the helper, if any. */
int cs_apparmor_label(char *buf, size_t len);
int cs_apparmor_leave_on_exec(void);
int cs_apparmor_confined(char *buf, size_t len);

/* userns.c: map in_uid/in_gid in the new user namespace to the caller's
 * out_uid/out_gid in the parent, and nothing else. */
int cs_userns_map(uid_t in_uid, uid_t out_uid, gid_t in_gid, gid_t out_gid);

/* rootfs.c: the sandbox's new root, entered with pivot_root (run as its
 * PID 1); mounts.c: the home in it. */
int cs_rootfs_setup(struct cs_init_opts *o);
int cs_home_prepare(const struct cs_init_opts *o);
/* agentdir.c: the real ~/.ssh/agent (OpenSSH 10.1+'s agent sockets) over
 * the overlay's: open before the overlay is mounted, bind after. */
int cs_agent_dir_open(const char *home);
int cs_agent_dir_bind(int realfd, const char *home);

/* net.c: are we in root's network namespace of inode ino? (network =
 * none: sshd's post-auth child and the init are put there by root.) */
int cs_net_check(unsigned long long ino);

/* join.c: the shell path, and `join` for containsession enter. */
int cs_shell_main(int argc, char **argv);
int cs_join_main(int argc, char **argv);
int cs_join_exec(const struct cs_session_info *si, const char *path, char **argv);
/* locked.c: the init locks the built tree (a nested user and mount
 * namespace); a join enters the namespaces in the order that needs. */
int cs_lock_mounts(void);
int cs_join_namespaces(int pidfd, pid_t pid);

/* pty.c: a terminal of the sandbox's own devpts for a login that has one
 * (see there why). open after joining, child in the forked shell before
 * exec, raw + pump + restore in the parent. */
struct cs_pty {
	int master, slave;
	bool is_tty[3];        /* which of fds 0..2 are the login's terminal */
	bool raw;              /* the host side was put in raw mode */
	struct termios host_tio;
	struct winsize ws;
};
bool cs_pty_wanted(void);
int cs_pty_open(struct cs_pty *p);
int cs_pty_child(const struct cs_pty *p);
void cs_pty_raw(struct cs_pty *p);
int cs_pty_pump(struct cs_pty *p, pid_t child);
void cs_pty_winch(const struct cs_pty *p);
void cs_pty_restore(struct cs_pty *p);

/* relay.c: wait for the shell, passing signals on (and, with pty, copying
 * its terminal); returns its status the way the caller should exit (never
 * returns for a signal death). */
int cs_relay_wait(pid_t child, struct cs_pty *pty);

/* privs.c: what the shell may keep (capabilities, no_new_privs). */
int cs_privs_apply(const struct cs_session_info *si);
#define CS_OOM_SCORE_ADJ 500
int cs_oom_prefer_sandbox(void);

/* initprivs.c: PID 1 gives up everything before it becomes the reaper
 * (no capability, no_new_privs, the default filter, not dumpable). */
int cs_init_confine(void);

/* caps.c, seccomp.c */
int cs_caps_apply(const struct cs_session_info *si);
uint64_t cs_caps_default_mask(void);
int cs_seccomp_apply(void);

#endif
