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
 *
 * The entry is the sandbox's record (lib/root/record.h: what it was built
 * with, written once at creation) and what changes while it runs (its
 * holders, since when it is idle), one key=value file (lib/kv.h).
 * An entry of the release before the record (version 1) can only be ended
 * (`containsession stop`, `gc`), never joined.
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
#include "lib/root/record.h"

#define CS_REG_MAX_CGROUPS CS_RECORD_MAX_CGROUPS

struct cs_holder {
	pid_t pid;
	unsigned long long start;
};

struct cs_reg_entry {
	bool present;             /* false: empty file, no sandbox */
	/* CS_RECORD_VERSION (0 in one being made); or 1: the entry of a sandbox started by the
	 * release before the record (cs_reg_read_old), of which only what
	 * ends it is read: user, uid, gid, init_pid/init_start, holders and
	 * rec.cgroups. The rest of rec is empty, and such an entry is never
	 * joined nor written back. */
	int version;
	uid_t uid;
	gid_t gid;
	char user[64];
	struct cs_record rec;     /* what it was built with */
	pid_t init_pid;           /* in the host's PID namespace */
	unsigned long long init_start;
	long long created;        /* epoch seconds */
	/* Since when it has had no login (0: logins are open); what ends it
	 * then is rec.lifetime. */
	long long idle_since;
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

/* Read the entry. One of version 1 (a sandbox started by the previous
 * release) is refused with a message that says so and names the command
 * that ends it: a login never joins it. */
int cs_reg_read(struct cs_reg *reg, struct cs_reg_entry *e, struct cs_err *err);
/* The same, but an entry of version 1 is read (e->version = 1) for what
 * ends it: `stop`, `gc` and `list`, never a login. */
int cs_reg_read_old(struct cs_reg *reg, struct cs_reg_entry *e, struct cs_err *err);
int cs_reg_write(struct cs_reg *reg, const struct cs_reg_entry *e,
		 struct cs_err *err);
/* Remove the entry (while still holding its lock) and unlock. */
int cs_reg_remove(struct cs_reg *reg, struct cs_err *err);

/* Parse/format the text form (exposed for tests). why (may be NULL) gets
 * what is wrong with a text that does not parse. */
int cs_reg_parse(const char *text, size_t len, struct cs_reg_entry *e, char *why, size_t whylen);
char *cs_reg_format(const struct cs_reg_entry *e);
/* A version-1 text, strictly (every key that release wrote, once, and no
 * other), for its teardown fields only. */
int cs_reg_parse_v1(const char *text, size_t len, struct cs_reg_entry *e, char *why, size_t whylen);

void cs_reg_entry_free(struct cs_reg_entry *e);

/* Holders. */
int cs_reg_add_holder(struct cs_reg_entry *e, pid_t pid, unsigned long long start);
bool cs_reg_del_holder(struct cs_reg_entry *e, pid_t pid, unsigned long long start);
/* Drop holders that are no longer alive; returns how many remain. */
size_t cs_reg_prune(struct cs_reg_entry *e);

/* List the uids that have an entry (CLI). Caller frees *uids. */
int cs_reg_list(int statefd, uid_t **uids, size_t *n, struct cs_err *err);

#endif
