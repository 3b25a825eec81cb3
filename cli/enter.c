/* SPDX-License-Identifier: MIT */
/*
 * containsession enter USER [CMD...]: run CMD as USER inside USER's running
 * sandbox, the way a login's shell gets there.
 *
 * Root never joins the sandbox: the sandbox's namespaces are owned by the
 * user, and a root process inside them could be led to act on the host
 * through whatever the user mounted there. So root only reads the registry,
 * forks, and the child drops to the user for good before it execs the
 * helper's `join` mode, which does the setns with the user's own rights (the
 * same code path as a login's shell). What to join comes on fd 3 from root,
 * never from argv or the environment. Root's own terminal never reaches the
 * program: it runs in a session of its own on a fresh pty, or on pipes,
 * relayed by root (cli/ptyrelay.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/ptyrelay.h"
#include "lib/root/cgroup.h"
#include "lib/root/privileges.h"
#include "lib/root/sandboxobj.h"
#include "lib/sessionfile.h"

/* What the helper joins with: the running sandbox's record (its network,
 * seccomp, no_new_privs and capabilities), as a login joining it gets, and
 * never the policy of the day. */
static void session_info(const struct cs_reg_entry *e, struct cs_session_info *si)
{
	*si = (struct cs_session_info){
		.uid = e->uid,
		.init_pid = e->init_pid,
		.init_start = e->init_start,
	};
	cs_record_session(&e->rec, si);
}

/* The helper must be root's and nobody else's to change, and never setuid,
 * as the module requires. Returns an O_PATH fd of the checked file. */
static int open_helper(void)
{
	struct cs_err err;
	int fd = cs_priv_open_helper(CS_HELPER_PATH, &err);

	if (fd < 0)
		cli_err("%s", err.msg);
	return fd < 0 ? -1 : fd;
}

/* In the child: into the sandbox's cgroup (its limits cover what CMD does),
 * drop to the user for good, exec the helper. Never returns. */
static void __attribute__((noreturn))
child(const struct cs_user *u, const struct cs_reg_entry *e, struct cs_reg *reg,
      struct cli_relay *relay, int infofd, int helperfd, int netfd, char **cmd)
{
	const char *term = getenv("TERM"), *path = getenv("PATH");
	char *env[8], **argv;
	size_t ncmd = 0, k = 0;
	struct cs_err err;

	int r = cs_priv_reset_signals();
	if (r < 0) {
		cli_err("reset signals: %s", strerror(-r));
		_exit(126);
	}
	/* First of all, before anything of the user's runs: a session of
	 * its own on the fresh pty (or pipes), so root's terminal is never
	 * the program's stdio nor its controlling tty. */
	if (cli_relay_child(relay) < 0) {
		cli_err("set up the session's terminal: %s", strerror(errno));
		_exit(126);
	}
	struct cs_cgroup cg;
	if (cs_cgroup_from_record(e->rec.cgroup, e->rec.cgroups, e->rec.ncgroups, &cg, &err) < 0 ||
	    cs_cgroup_attach(&cg, getpid(), &err) < 0) {
		cli_err("%s", err.msg);
		_exit(126);
	}
	cs_cgroup_free(&cg);
	/* Attached while the lock is still held: no teardown can remove the
	 * cgroup in between. The parent lets go of its copy at the same time. */
	cs_reg_unlock(reg);

	/* fd 3 is the description and nothing else crosses the exec: the
	 * fds move above 3 first, so none can be dup2's target. */
	infofd = fcntl(infofd, F_DUPFD_CLOEXEC, 10);
	helperfd = fcntl(helperfd, F_DUPFD_CLOEXEC, 10);
	if (netfd >= 0 && (netfd = fcntl(netfd, F_DUPFD_CLOEXEC, 10)) < 0)
		infofd = -1;
	if (infofd < 0 || helperfd < 0 || dup2(infofd, 3) < 0 ||
	    syscall(SYS_close_range, 4, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		cli_err("pass the session description: %s", strerror(errno));
		_exit(126);
	}
	/* As a login: with network = none into the sandbox's network
	 * namespace, root's (so root enters nothing of the user's), where
	 * the helper checks it is before it joins the rest. */
	if (netfd >= 0 && setns(netfd, CLONE_NEWNET) < 0) {
		cli_err("enter the sandbox's network namespace: %s", strerror(errno));
		_exit(126);
	}
	/* Drop to the user for good, and prove it (lib/root/privileges.c). */
	r = cs_priv_drop(u->uid, u->gid, u->gids, (size_t)u->ngids);
	if (r == -EPERM) {
		cli_err("privileges were not dropped to %s: refusing to go on", u->name);
		_exit(126);
	} else if (r < 0) {
		cli_err("drop privileges to %s: %s", u->name, strerror(-r));
		_exit(126);
	}
	/* The helper carries the working directory into the sandbox, which
	 * has the home at the same path; as for sshd, "/" if the user cannot
	 * reach it. */
	if (chdir(u->home) < 0 && chdir("/") < 0)
		_exit(126);

	while (cmd[ncmd])
		ncmd++;
	argv = calloc(ncmd + 4, sizeof(*argv));
	if (!argv)
		_exit(126);
	argv[0] = "containsession-helper";
	argv[1] = "join";
	argv[2] = "--";
	if (ncmd)
		memcpy(argv + 3, cmd, ncmd * sizeof(*argv));
	else
		argv[3] = u->shell;
	/* A fresh environment: the user's identity, the caller's PATH and
	 * TERM. Nothing of root's session leaks in. */
	if (asprintf(&env[k++], "HOME=%s", u->home) < 0 ||
	    asprintf(&env[k++], "USER=%s", u->name) < 0 ||
	    asprintf(&env[k++], "LOGNAME=%s", u->name) < 0 ||
	    asprintf(&env[k++], "SHELL=%s", u->shell) < 0 ||
	    asprintf(&env[k++], "PATH=%s", path ? path : "/usr/local/bin:/usr/bin:/bin") < 0 ||
	    (term && asprintf(&env[k++], "TERM=%s", term) < 0))
		_exit(126);
	env[k] = NULL;
	syscall(SYS_execveat, helperfd, "", argv, env, AT_EMPTY_PATH);
	cli_err("exec %s: %s", CS_HELPER_PATH, strerror(errno));
	_exit(127);
}

int cli_enter(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
	struct cs_reg reg = { .fd = -1 };
	struct cs_reg_entry e = { 0 };
	struct cs_session_info si;
	struct cs_policy *pol = NULL;
	struct cs_user u = { 0 };
	struct cli_relay relay = { .master = -1, .slave = -1, .in = { -1, -1 },
				   .out = { -1, -1 }, .err = { -1, -1 } };
	bool relaying = false;
	char text[1024];
	int opt, r, statefd = -1, helperfd = -1, netfd = -1, pipefd[2] = { -1, -1 }, ret = CLI_FAIL;
	pid_t pid;

	/* '+': options end at USER; CMD's options are CMD's. */
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1)
		if ((r = cli_common_opt(c, "enter", opt, optarg)) >= 0)
			return r;
	if (optind >= argc)
		return cli_usage("enter", "USER is missing");
	if (cli_user_get(argv[optind], &u))
		return CLI_FAIL;
	if (u.uid == 0) {
		cli_err("uid 0 is never sandboxed");
		goto out;
	}
	if (cli_load_policy(c, true, &pol) < 0 || (helperfd = open_helper()) < 0)
		goto out;

	r = cli_lock_entry(pol, u.uid, false, &statefd, &reg, &e);
	if (r < 0)
		goto out;
	if (r == 0)
		goto none;
	session_info(&e, &si);
	if (si.net_none) {
		struct cs_err err;
		if ((netfd = cs_netns_open(statefd, u.uid, &si.netns, &err)) < 0) {
			cli_err("%s", err.msg);
			goto out;
		}
	}
	if (cs_session_info_format(&si, text, sizeof(text)) < 0) {
		cli_err("session description too long");
		goto out;
	}
	/* The whole description fits the pipe's buffer: written before the
	 * fork, read by the helper once. */
	if (pipe2(pipefd, O_CLOEXEC) < 0 || write(pipefd[1], text, strlen(text)) != (ssize_t)strlen(text)) {
		cli_err("pipe: %s", strerror(errno));
		goto out;
	}
	close(pipefd[1]);
	pipefd[1] = -1;
	fflush(NULL);
	relaying = true;
	if (cli_relay_prepare(&relay, u.uid) < 0)
		goto out;
	pid = fork();
	if (pid < 0) {
		cli_err("fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0)
		child(&u, &e, &reg, &relay, pipefd[0], helperfd, netfd, argv + optind + 1);
	/* The lock is held only while reading: CMD may run for hours, and
	 * logins and logouts of the user must not wait for it. */
	cs_reg_unlock(&reg);
	ret = cli_relay_run(&relay, pid);
	goto out;
none:
	cli_err("no sandbox running for %s", u.name);
out:
	if (relaying)
		cli_relay_close(&relay);
	cs_reg_unlock(&reg);
	cs_reg_entry_free(&e);
	for (int i = 0; i < 2; i++)
		if (pipefd[i] >= 0)
			close(pipefd[i]);
	if (helperfd >= 0)
		close(helperfd);
	if (netfd >= 0)
		close(netfd);
	if (statefd >= 0)
		close(statefd);
	cs_policy_free(pol);
	cs_user_free(&u);
	return ret;
}
