/* SPDX-License-Identifier: MIT */
/*
 * The registry of running sandboxes: one file STATE/<uid> per user, owned by
 * root in a root-only directory, so the user can neither read nor forge it.
 * The file is also the user's lock: whoever holds flock(LOCK_EX) on it may
 * create, join or tear down that user's sandbox. Shared by the module and
 * the CLI.
 *
 * Sessions are counted as a list of holders (pid and start time of each
 * sshd [priv] process that opened one), not as a counter: a holder that died
 * without closing (sshd killed) is pruned at the next look, so the count
 * cannot drift.
 */
#ifndef CS_REGISTRY_H
#define CS_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "config/policy.h"
#include "lib/err.h"

#define CS_REG_MAX_CGROUPS 8

struct cs_holder {
	pid_t pid;
	unsigned long long start;
};

struct cs_reg_entry {
	bool present;             /* false: empty file, no sandbox */
	uid_t uid;
	gid_t gid;
	char user[64];
	char profile[65];
	char home[16];            /* home mode, for the CLI */
	bool net_none;
	pid_t init_pid;           /* in the host's PID namespace */
	unsigned long long init_start;
	long long created;        /* epoch seconds */
	/* What ends it after its last login (the profile's, when it was
	 * made), and since when it has had none (0: logins are open). */
	enum cs_lifetime_mode lifetime;
	uint32_t lifetime_s;
	long long idle_since;
	char *cgroups[CS_REG_MAX_CGROUPS]; /* per-user cgroup dirs */
	size_t ncgroups;
	struct cs_holder *holders;
	size_t nholders;
};

/* A locked registry file. */
struct cs_reg {
	int fd;
	int statefd;
	uid_t uid;
};

/*
 * Lock the entry of uid, creating an empty file when there is none. Waits
 * for the lock at most CS_REG_WAIT_MS (then -EBUSY): a holder is never
 * waited for without a bound. The module holds it for at most about 25 s
 * (the helper's report, its first process' exit, an init's kill). Handles
 * the unlink race: a file that was removed by the previous holder while we
 * waited is detected and we retry.
 */
#define CS_REG_WAIT_MS 60000
int cs_reg_lock(int statefd, uid_t uid, struct cs_reg *reg, struct cs_err *err);
/* Lock without creating: -ENOENT when no entry exists (CLI). */
int cs_reg_lock_existing(int statefd, uid_t uid, struct cs_reg *reg,
			 struct cs_err *err);
/* The same with a bound of the caller's (`list` answers within seconds). */
int cs_reg_lock_existing_within(int statefd, uid_t uid, int timeout_ms, struct cs_reg *reg,
				struct cs_err *err);
void cs_reg_unlock(struct cs_reg *reg);

int cs_reg_read(struct cs_reg *reg, struct cs_reg_entry *e, struct cs_err *err);
int cs_reg_write(struct cs_reg *reg, const struct cs_reg_entry *e,
		 struct cs_err *err);
/* Remove the entry (while still holding its lock) and unlock. */
int cs_reg_remove(struct cs_reg *reg, struct cs_err *err);

/* Parse/format the text form (exposed for tests). */
int cs_reg_parse(const char *text, struct cs_reg_entry *e);
char *cs_reg_format(const struct cs_reg_entry *e);

void cs_reg_entry_free(struct cs_reg_entry *e);

/* Holders. */
int cs_reg_add_holder(struct cs_reg_entry *e, pid_t pid, unsigned long long start);
bool cs_reg_del_holder(struct cs_reg_entry *e, pid_t pid, unsigned long long start);
/* Drop holders that are no longer alive; returns how many remain. */
size_t cs_reg_prune(struct cs_reg_entry *e);

/* List the uids that have an entry (CLI). Caller frees *uids. */
int cs_reg_list(int statefd, uid_t **uids, size_t *n, struct cs_err *err);

#endif
