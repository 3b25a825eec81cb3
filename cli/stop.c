/* SPDX-License-Identifier: MIT */
/*
 * containsession stop USER: end USER's sandbox now, under the registry lock
 * the module uses, so no login can join it halfway through. Killing the init
 * ends the PID namespace and every process in it; the user's logins then end
 * as their shells die. Their sshd [priv] processes close their PAM sessions
 * and find the entry gone, which the module takes as "already torn down".
 * A sandbox started by an older containsession (a version-1 entry, which
 * no login can join) is ended the same way, from what that entry holds.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/root/teardown.h"

/* How long the logins' own processes get to leave the cgroup by themselves
 * before what is left is killed (see cs_sandbox_teardown). */
#define STOP_GRACE_MS 3000

int cli_stop(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
	struct cs_reg reg = { .fd = -1 };
	struct cs_reg_entry e = { 0 };
	struct cs_policy *pol = NULL;
	struct cs_err err = { "" };
	struct cs_user u = { 0 };
	int opt, r, statefd = -1, ret = CLI_FAIL;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		if ((r = cli_common_opt(c, "stop", opt, optarg)) >= 0)
			return r;
	if (argc - optind != 1)
		return cli_usage("stop", "exactly one USER");
	if (cli_user_get(argv[optind], &u))
		return CLI_FAIL;
	if (cli_load_policy(c, true, &pol) < 0)
		goto out;

	r = cli_lock_entry(pol, u.uid, true, &statefd, &reg, &e);
	if (r < 0)
		goto out;
	if (r == 0) {
		/* An empty entry is a login creating one right now that
		 * failed, or ours to clean: either way nothing runs. */
		if (reg.fd >= 0)
			cs_reg_remove(&reg, NULL);
		goto none;
	}
	if (cs_sandbox_end(statefd, &e, STOP_GRACE_MS, &err) < 0) {
		cli_err("stop sandbox of %s: %s", u.name, err.msg);
		goto out;
	}
	if (cs_reg_remove(&reg, &err) < 0) {
		cli_err("%s", err.msg);
		goto out;
	}
	printf("stopped sandbox of %s (init pid %d%s)\n", u.name, (int)e.init_pid,
	       e.version == 1 ? ", started by an older containsession" : "");
	ret = CLI_OK;
	goto out;
none:
	cli_err("no sandbox running for %s", u.name);
out:
	cs_reg_unlock(&reg);
	cs_reg_entry_free(&e);
	if (statefd >= 0)
		close(statefd);
	cs_policy_free(pol);
	cs_user_free(&u);
	return ret;
}
