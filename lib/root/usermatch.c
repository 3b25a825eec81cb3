/* SPDX-License-Identifier: MIT */
/*
 * Which rule applies to a user's login, with every group the rules name
 * asked of NSS by name. The user's group list alone (getgrouplist) cannot
 * decide an @group rule: glibc skips a source that fails (sssd, LDAP,
 * winbind down) and returns what the others answer, so a member of a
 * directory group would silently match nothing, or a laxer rule further
 * down. getgrnam_r reports its errors, so a lookup error refuses the
 * login, and so does "no such group", which glibc also answers when the
 * group's source is unreachable.
 *
 * Cost: one getgrnam_r for each @group rule the match reaches before the
 * rule that applies; none for rules by name or "*".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/root/user.h"

bool cs_user_member_of(const struct cs_user *u, const struct group *gr)
{
	if (gr->gr_gid == u->gid)
		return true;
	for (int i = 0; i < u->ngids; i++)
		if (u->gids[i] == gr->gr_gid)
			return true;
	for (char **m = gr->gr_mem; m && *m; m++)
		if (u->name && !strcmp(*m, u->name))
			return true;
	return false;
}

int cs_user_in_group(void *ctx, const char *group)
{
	const struct cs_user *u = ctx;
	struct group gr;
	char *buf;
	int r = cs_group_lookup(group, &gr, &buf);

	if (r < 0)
		return r;
	r = cs_user_member_of(u, &gr) ? 1 : 0;
	free(buf);
	return r;
}

int cs_user_match(const struct cs_policy *p, const struct cs_user *u,
		  const struct cs_rule **rule, struct cs_err *err)
{
	int r = cs_policy_match(p, u->uid, u->name, cs_user_in_group, (void *)u, rule);

	/* Not strerror's "No such file or directory": say what it means. */
	if (r == -ENOENT) {
		cs_err_set(err, 0, "%s:%u: rule '@%s': NSS has no group '%s' (no such group, "
			   "or its source is down), so it cannot tell whether %s is in it",
			   (*rule)->file, (*rule)->line, (*rule)->pattern, (*rule)->pattern,
			   u->name);
		return r;
	}
	if (r < 0)
		return cs_err_set(err, -r, "%s:%u: rule '@%s': look up group '%s'",
				  (*rule)->file, (*rule)->line, (*rule)->pattern, (*rule)->pattern);
	return 0;
}
