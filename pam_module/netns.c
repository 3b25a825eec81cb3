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
 * The handler is forkfd.c's (slot CS_FORKFD_NETNS), which also says why
 * no fork after pam_end can run it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include "pam_module/forkfd.h"
#include "pam_module/module.h"

/* In the child, right after fork: async-signal-safe calls only. */
static void enter_in_child(int netfd)
{
	if (setns(netfd, CLONE_NEWNET) < 0)
		_exit(1);
}

int cs_netns_arm(int netfd, struct cs_err *err)
{
	/* Close-on-exec: no program a later module runs inherits it. */
	int fd = fcntl(netfd, F_DUPFD_CLOEXEC, 3), r;

	if (fd < 0) {
		r = errno;
		cs_netns_disarm();
		return cs_err_set(err, r, "dup the network namespace's fd");
	}
	if ((r = cs_forkfd_arm(CS_FORKFD_NETNS, fd, enter_in_child, err)) < 0)
		close(fd);
	return r;
}

void cs_netns_disarm(void)
{
	cs_forkfd_disarm(CS_FORKFD_NETNS);
}
