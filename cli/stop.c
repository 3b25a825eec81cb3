/* SPDX-License-Identifier: MIT */
/*
 * containsession stop USER: end USER's sandbox now, under the registry lock
 * the module uses, so no login can join it halfway through. Killing the init
 * ends the PID namespace and every process in it; the user's logins then end
 * as their shells die. Their sshd [priv] processes close their PAM sessions
 * and find the entry gone, which the module takes as "already torn down".
 * A sandbox started by an older containsession (a version-1 entry, which
 * no login can join) is ended the same way, from what that entry holds.
 * The user's home image, kept mounted between sandboxes, is let go too
 * (an admin stops a user to check or resize it), also when no sandbox
 * runs. A kept mount needs no lock: no sandbox depends on it (each has
 * its own mount of the image), so a login racing this one at worst
 * mounts the image afresh.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/root/homeimg.h"
#include "lib/root/teardown.h"

/* How long the logins' own processes get to leave the cgroup by themselves
 * before what is left is killed (see cs_sandbox_teardown). */
#define STOP_GRACE_MS 3000

/* Let the kept home image go; 1 when there was one, -1 on error. */
static int release_image(int statefd, uid_t uid, const char *user)
{
	char name[32];
	struct cs_err err = { "" };
	bool had;

	snprintf(name, sizeof(name), "%u." CS_HOME_PIN, (unsigned)uid);
	had = faccessat(statefd, name, F_OK, AT_EACCESS | AT_SYMLINK_NOFOLLOW) == 0;
	if (cs_home_unpin(statefd, uid, &err) < 0) {
		cli_err("release the home image of %s: %s", user, err.msg);
		return -1;
	}
	return had;
}

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
	fputs("stopped sandbox of ", stdout);
	cli_text_path(stdout, u.name);
	printf(" (init pid %d%s)\n", (int)e.init_pid,
	       e.version == 1 ? ", started by an older containsession" : "");
	ret = release_image(statefd, u.uid, u.name) < 0 ? CLI_FAIL : CLI_OK;
	goto out;
none:
	/* Still "nothing was running" (exit 1), as scripts expect; what was
	 * let go is said. */
	if (statefd >= 0 && (r = release_image(statefd, u.uid, u.name)) != 0) {
		if (r > 0)
			cli_err("no sandbox running for %s (released its home image, kept mounted "
				"since its last sandbox)", u.name);
		goto out;
	}
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
