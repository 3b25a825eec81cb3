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
#include "lib/registry.h"

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

#endif
