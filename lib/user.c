/* SPDX-License-Identifier: MIT */
#include "lib/user.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

int cs_user_lookup(const char *name, struct cs_user *u)
{
	struct passwd pw, *res = NULL;
	char buf[16384];
	int ng = 64;

	memset(u, 0, sizeof(*u));
	if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 || !res)
		return -ENOENT;
	u->name = strdup(pw.pw_name);
	u->uid = pw.pw_uid;
	u->gid = pw.pw_gid;
	u->home = strdup(pw.pw_dir);
	u->shell = strdup(pw.pw_shell[0] ? pw.pw_shell : "/bin/sh");
	if (!u->name || !u->home || !u->shell)
		goto oom;
	for (;;) {
		gid_t *g = realloc(u->gids, (size_t)ng * sizeof(gid_t));
		int n = ng;

		if (!g)
			goto oom;
		u->gids = g;
		if (getgrouplist(u->name, u->gid, u->gids, &n) >= 0) {
			u->ngids = n;
			break;
		}
		if (n <= ng) {
			cs_user_free(u);
			return -EIO;
		}
		ng = n;
	}
	u->gnames = calloc((size_t)u->ngids + 1, sizeof(char *));
	if (!u->gnames)
		goto oom;
	for (int i = 0; i < u->ngids; i++) {
		struct group gr, *gres = NULL;
		char gbuf[16384];

		if (getgrgid_r(u->gids[i], &gr, gbuf, sizeof(gbuf), &gres) != 0 || !gres)
			continue;
		if (!(u->gnames[u->ngnames] = strdup(gr.gr_name)))
			goto oom;
		u->ngnames++;
	}
	return 0;
oom:
	cs_user_free(u);
	return -ENOMEM;
}

void cs_user_free(struct cs_user *u)
{
	free(u->name);
	free(u->home);
	free(u->shell);
	free(u->gids);
	for (size_t i = 0; i < u->ngnames; i++)
		free(u->gnames[i]);
	free(u->gnames);
	memset(u, 0, sizeof(*u));
}
