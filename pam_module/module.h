/* SPDX-License-Identifier: MIT */
/* Internal interface of pam_containsession.so. Everything here runs as root
 * in sshd's privileged per-connection process. */
#ifndef CS_MODULE_H
#define CS_MODULE_H

#include <stdbool.h>
#include <sys/types.h>
#include <security/pam_modules.h>

#include "config/policy.h"
#include "lib/root/cgroup.h"
#include "lib/err.h"
#include "lib/root/registry.h"
#include "lib/sessionfile.h"

/* The login being opened: who, and what the policy says for them (prof:
 * read only to make a new sandbox's record, sandbox.c). */
struct cs_login {
	pam_handle_t *pamh;
	bool debug;
	const char *helper;
	char *user;
	uid_t uid;
	gid_t gid;
	char *home;
	char *shell;
	gid_t *gids;
	int ngids;
	struct cs_policy *pol;
	const struct cs_profile *prof;
	struct cs_log log;
	/* For the init's spawn (sandbox.c sets them): the sandbox's /tmp
	 * (root's tmpfs, O_PATH) and network namespace, or -1. */
	int spawn_tmpfd;
	int spawn_netfd;
	/* home = overlay: the detached mount of the home's image
	 * (lib/root/homeimg.h), or -1. */
	int spawn_homefd;
	unsigned long long netns_ino;
};

/* What open_session leaves for close_session (pam_set_data). */
struct cs_session {
	uid_t uid;
	char *user;
	char *profile;
	char *state_dir;
	pid_t self_pid;                 /* this [priv] process: the holder */
	unsigned long long self_start;
	pid_t init_pid;
	unsigned long long init_start;
	bool created;
	struct cs_cgroup cg;            /* the sandbox's cgroup, through its
					   recorded backend; self: where to
					   move back at close */
	bool tmp_shared;                /* /tmp is root's tmpfs STATE/<uid>.tmp */
	int netfd;                      /* network = none: root's netns, else -1 */
	unsigned long long netns_ino;
	struct cs_session_info info;    /* the session file: from the record */
};

/* sandbox.c: start or join the user's sandbox under the registry lock, and
 * leave it (tearing down after the last session). */
int cs_sandbox_open(struct cs_login *l, struct cs_session *s, struct cs_err *err);
int cs_sandbox_close(struct cs_session *s, const struct cs_log *log,
		     struct cs_err *err);
void cs_session_free(struct cs_session *s);

/* spawn.c: start the sandbox init as the user, built as rec says; returns
 * its host pid. */
int cs_spawn_init(struct cs_login *l, const struct cs_record *rec, const char *data_user_dir,
		  pid_t *pid, unsigned long long *start, struct cs_err *err);

/* sessionns.c: the root-owned mount namespace of this login in which the
 * helper stands in for the user's shell. */
int cs_session_ns(struct cs_login *l, const struct cs_session *s,
		  struct cs_err *err);

/* pwstable.c: 0 when the passwd entry read now is the one sshd copied at
 * authentication (the shell it will exec), else an error to refuse with. */
int cs_passwd_stable(struct cs_err *err);

/* sessiontmp.c: bind the sandbox's /tmp over /tmp in the session mount
 * namespace (called from cs_session_ns, inside it). */
int cs_session_tmp(const struct cs_session *s, struct cs_err *err);

/* netns.c: every child forked from now on enters netfd (and only the
 * children); disarm stops it. */
int cs_netns_arm(int netfd, struct cs_err *err);
void cs_netns_disarm(void);

/* childcg.c: every child forked from now on moves itself into the cgroup
 * whose cgroup.procs procsfd is (taken over, O_CLOEXEC); disarm stops it. */
int cs_childcg_arm(int procsfd, struct cs_err *err);
void cs_childcg_disarm(void);

#endif
