/* SPDX-License-Identifier: MIT */
/*
 * End a running sandbox given its registry entry: kill its init (and with it
 * the whole PID namespace), then remove the per-user cgroup. The caller holds
 * the entry's lock and removes the entry afterwards. Shared by the module
 * (last session closed) and `containsession stop`.
 */
#ifndef CS_TEARDOWN_H
#define CS_TEARDOWN_H

#include "lib/err.h"
#include "lib/root/registry.h"

/*
 * grace_ms: after the init is gone, how long to let the cgroup empty by
 * itself before killing what is left in it. Processes outside the PID
 * namespace are in the cgroup too: sshd's [priv] and user processes of
 * every login, and the helper's waiting parents. With the init dead their
 * sessions end, and [priv] leaves the cgroup on its own to close the PAM
 * session cleanly; 0 kills at once (the module: the last session is
 * closing already).
 */
int cs_sandbox_teardown(const struct cs_reg_entry *e, int grace_ms, struct cs_err *err);
/* The same, and then what root made for the sandbox below the state
 * directory statefd, its /tmp and network namespace (lib/root/sandboxobj.h),
 * which nothing holds once the init is gone. What every caller uses. */
int cs_sandbox_end(int statefd, const struct cs_reg_entry *e, int grace_ms, struct cs_err *err);

/*
 * Is the sandbox of e (its holders pruned) due to end at time now? NULL
 * when not; otherwise why, for a log line. Due: its init has exited; or no
 * login holds it and its lifetime is over: logout at once, a grace period
 * that has passed since idle_since, or (processes) nothing but its init is
 * left in its PID namespace; a version-1 entry (an older containsession's,
 * which no login can join) as soon as no login holds it. The one rule the module (at login and logout)
 * and `containsession gc` / `list` all follow. A holder-less entry whose
 * idle_since is 0 (its logins died without closing) counts as idle from
 * now: the caller records that (cs_sandbox_mark_idle).
 */
const char *cs_sandbox_due(const struct cs_reg_entry *e, long long now);
/* Set idle_since to now if no login holds e and it is not set yet;
 * true when e changed (the caller writes it back). */
bool cs_sandbox_mark_idle(struct cs_reg_entry *e, long long now);
/* When (epoch seconds) a grace lifetime ends the idle sandbox of e; -1
 * when no time is set (logins open, or another lifetime). */
long long cs_sandbox_ends_at(const struct cs_reg_entry *e);

#endif
