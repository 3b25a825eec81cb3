/* SPDX-License-Identifier: MIT */
/*
 * Forking sshd's post-auth child into the sandbox's own cgroup unit
 * (cgroup = systemd: its transient scope, lib/root/cgroup_systemd.c).
 *
 * The post-auth child runs every channel of the login: its children are
 * the helper and, inside the sandbox, the user's shell and whatever it
 * starts (a tmux server, a nohup job). They belong with the sandbox, not
 * with logind's session scope, which logind stops at logout with
 * KillUserProcesses=yes: that would end a sandbox whose lifetime keeps
 * it. This [priv] process itself stays in the session scope (it is the
 * session to logind), so, as in netns.c, only the children it forks from
 * now on move, by a pthread_atfork child handler that writes "0" (the
 * writer itself) into the scope's cgroup.procs, opened here by root. A
 * child that cannot move stays in the session scope, under the same
 * slice and limits: only its lifetime is then the session's.
 *
 * The handler is forkfd.c's (slot CS_FORKFD_CGROUP), as netns.c's is:
 * tied to this shared object by glibc, registered once per process,
 * disarmed at close_session and pam_end's cleanup.
 */
#include <unistd.h>

#include "pam_module/forkfd.h"
#include "pam_module/module.h"

/* In the child, right after fork: async-signal-safe calls only. */
static void move_in_child(int procsfd)
{
	if (write(procsfd, "0", 1) < 0) {
		/* stays in the session scope (see above) */
	}
}

int cs_childcg_arm(int procsfd, struct cs_err *err)
{
	return cs_forkfd_arm(CS_FORKFD_CGROUP, procsfd, move_in_child, err);
}

void cs_childcg_disarm(void)
{
	cs_forkfd_disarm(CS_FORKFD_CGROUP);
}
