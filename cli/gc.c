/* SPDX-License-Identifier: MIT */
/*
 * containsession gc: end every sandbox that is due (lib/root/teardown.c says
 * when: an init that has exited, a lifetime that is over) when no PAM
 * session is left to do it, and remove its cgroup, mounts (they go with its
 * mount namespace, i.e. with its init) and registry entry. The same
 * teardown as `stop` and the module's, under the same per-user lock, so a
 * login arriving meanwhile either joins before or starts afresh after.
 * Run by containsession-gc.timer, from cron, and by `list` before it lists.
 * Not from list: it also lets go of the home images kept mounted for users
 * with no sandbox (lib/root/homeimg.h), so a user's image is mounted from
 * their first sandbox until the first gc after their last one.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/root/homeimg.h"
#include "lib/root/teardown.h"

/* Processes of the sandbox outside its PID namespace (a login's helper
 * whose sshd was killed) get this long to leave before they are killed. */
#define GC_GRACE_MS 1000
/* How long gc waits for an entry's lock; from list, much less. */
#define GC_LOCK_WAIT_MS 30000
#define GC_LIST_LOCK_WAIT_MS 1000

/* 1 when uid's sandbox was ended, 0 when nothing was due, -1 on error. */
static int gc_one(int statefd, uid_t uid, bool quiet, struct cs_err *err)
{
	struct cs_reg reg = { .fd = -1 };
	struct cs_reg_entry e = { 0 };
	long long now = (long long)time(NULL);
	const char *due;
	/* Bounded (a login may hold the lock for long: its helper stopped by
	 * the user). From list (quiet) briefly, and a busy entry is simply
	 * not due yet: list names it itself, the next gc ends it. */
	int r = cs_reg_lock_existing_within(statefd, uid, quiet ? GC_LIST_LOCK_WAIT_MS :
					    GC_LOCK_WAIT_MS, &reg, err);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r == -EBUSY && quiet ? 0 : -1;
	/* An older containsession's entry too: gc ends it once no login
	 * holds it (cs_sandbox_due). */
	if ((r = cs_reg_read_old(&reg, &e, err)) < 0)
		goto out;
	if (!e.present) {
		/* Empty: a login that failed before it wrote anything. */
		r = cs_reg_remove(&reg, err) < 0 ? -1 : 0;
		goto out;
	}
	cs_reg_prune(&e);
	/* Logins that died without closing leave no idle time: from now. */
	if (e.version != 1 && cs_sandbox_mark_idle(&e, now) &&
	    cs_reg_write(&reg, &e, err) < 0) {
		r = -1;
		goto out;
	}
	if (!(due = cs_sandbox_due(&e, now))) {
		r = 0;
		goto out;
	}
	if (cs_sandbox_end(reg.statefd, &e, GC_GRACE_MS, err) < 0 || cs_reg_remove(&reg, err) < 0) {
		r = -1;
		goto out;
	}
	if (!quiet) {
		fputs("ended sandbox of ", stdout);
		cli_text_path(stdout, e.user);
		printf(" (uid %u, init pid %d): %s\n", (unsigned)e.uid, (int)e.init_pid, due);
	}
	r = 1;
out:
	cs_reg_unlock(&reg);
	cs_reg_entry_free(&e);
	return r;
}

/*
 * The kept home images of users with no registry entry, i.e. no sandbox:
 * unmounted (the ext4 and the loop device go with the last mount). No
 * lock: a kept mount is only a cache, which no sandbox depends on (each
 * has its own mount of the image); a login racing this mounts the image
 * afresh, at worst.
 */
static int gc_images(int statefd)
{
	int fd = openat(statefd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = 0;
	struct cs_err err = { "" };
	struct dirent *de;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		cli_err("gc: open the state directory: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((de = readdir(d))) {
		char entry[32];
		unsigned uid;
		int end = 0;

		/* <digits>.home exactly (sscanf's %u alone would take a
		 * sign or spaces). */
		if (!isdigit((unsigned char)de->d_name[0]) ||
		    sscanf(de->d_name, "%u." CS_HOME_PIN "%n", &uid, &end) != 1 || end == 0 ||
		    de->d_name[end])
			continue;
		snprintf(entry, sizeof(entry), "%u", uid);
		if (faccessat(statefd, entry, F_OK, AT_EACCESS | AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		if (cs_home_unpin(statefd, (uid_t)uid, &err) < 0) {
			cli_err("gc: uid %u: %s", uid, err.msg);
			ret = -1;
		}
	}
	closedir(d);
	return ret;
}

int cli_gc_pass(const struct cs_policy *pol, bool quiet)
{
	struct cs_err err = { "" };
	uid_t *uids = NULL;
	size_t n = 0;
	int statefd = cli_open_state_dir(pol, &err), ret = 0;

	if (statefd == -ENOENT)
		return 0; /* no sandbox has run since boot */
	if (statefd < 0) {
		cli_err("%s", err.msg);
		return -1;
	}
	if (cs_reg_list(statefd, &uids, &n, &err) < 0) {
		cli_err("%s", err.msg);
		close(statefd);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (gc_one(statefd, uids[i], quiet, &err) < 0) {
			/* One entry that cannot be ended does not stop the rest. */
			cli_err("gc: uid %u: %s", (unsigned)uids[i], err.msg);
			ret = -1;
		}
	}
	free(uids);
	if (!quiet && gc_images(statefd) < 0)
		ret = -1;
	close(statefd);
	return ret;
}

int cli_gc(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
	struct cs_policy *pol = NULL;
	int opt, r;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		if ((r = cli_common_opt(c, "gc", opt, optarg)) >= 0)
			return r;
	if (optind != argc)
		return cli_usage("gc", "no arguments expected");
	if (cli_load_policy(c, true, &pol) < 0)
		return CLI_FAIL;
	r = cli_gc_pass(pol, false);
	cs_policy_free(pol);
	return r < 0 ? CLI_FAIL : CLI_OK;
}
