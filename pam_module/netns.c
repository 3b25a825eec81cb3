/* SPDX-License-Identifier: MIT */
/*
 * Forking sshd's post-auth child into the sandbox's network namespace
 * (network = none; the namespace is root's, lib/root/netns.c).
 *
 * sshd forks the post-auth child right after pam_open_session returns, and
 * that child does every forwarding: to land on the sandbox's loopback it
 * must be in the namespace from its first instruction. Two ways: this
 * [priv] process joins the namespace itself, or only the children it forks
 * from now on are moved there, by a pthread_atfork child handler. The
 * second is what is done, because this process goes on being the host's:
 *   - the PAM modules after this one in the session stack, and everything
 *     at pam_close_session, run here (pam_systemd, pam_lastlog, an LDAP or
 *     Kerberos module that dials a server): in the sandbox's namespace they
 *     would find only its loopback;
 *   - sshd's monitor writes the login's audit records here, over an audit
 *     netlink socket, which is per network namespace: auditd listens in
 *     the host's, so they would be lost;
 *   - abstract unix sockets (the session bus of some hosts, nscd-like
 *     services) are per network namespace too.
 * A child that cannot enter the namespace exits before it runs anything:
 * a post-auth child on the host's network would forward around the
 * profile.
 *
 * The handler lives in this shared object, which pam_end() dlclose()s.
 * glibc ties a handler registered from a shared object to that object
 * (pthread_atfork passes __dso_handle) and removes it when the object is
 * unloaded, so no fork after pam_end can jump into unmapped code; and the
 * handler does nothing once disarmed (close_session, pam_end's cleanup).
 * Registered once per process: every later login in it rearms the one
 * handler.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <unistd.h>

#include "pam_module/module.h"

static int child_netfd = -1;
static bool registered;

/* In the child, right after fork: async-signal-safe calls only. */
static void enter_in_child(void)
{
	if (child_netfd < 0)
		return;
	if (setns(child_netfd, CLONE_NEWNET) < 0)
		_exit(1);
	close(child_netfd);
	child_netfd = -1;
}

int cs_netns_arm(int netfd, struct cs_err *err)
{
	int r;

	if (!registered) {
		if ((r = pthread_atfork(NULL, NULL, enter_in_child)) != 0)
			return cs_err_set(err, r, "pthread_atfork");
		registered = true;
	}
	cs_netns_disarm();
	/* Close-on-exec: no program a later module runs inherits it. */
	child_netfd = fcntl(netfd, F_DUPFD_CLOEXEC, 3);
	if (child_netfd < 0)
		return cs_err_set(err, errno, "dup the network namespace's fd");
	return 0;
}

void cs_netns_disarm(void)
{
	if (child_netfd >= 0)
		close(child_netfd);
	child_netfd = -1;
}
