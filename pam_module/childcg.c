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
 * The handler's lifetime rules are netns.c's: tied to this shared object
 * by glibc, registered once per process, disarmed at close_session and
 * pam_end's cleanup.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>

#include "pam_module/module.h"

static int child_cgfd = -1;
static bool registered;

/* In the child, right after fork: async-signal-safe calls only. */
static void move_in_child(void)
{
	if (child_cgfd < 0)
		return;
	if (write(child_cgfd, "0", 1) < 0) {
		/* stays in the session scope (see above) */
	}
	close(child_cgfd);
	child_cgfd = -1;
}

int cs_childcg_arm(int procsfd, struct cs_err *err)
{
	int r;

	if (!registered) {
		if ((r = pthread_atfork(NULL, NULL, move_in_child)) != 0)
			return cs_err_set(err, r, "pthread_atfork");
		registered = true;
	}
	cs_childcg_disarm();
	child_cgfd = procsfd;
	return 0;
}

void cs_childcg_disarm(void)
{
	if (child_cgfd >= 0)
		close(child_cgfd);
	child_cgfd = -1;
}
