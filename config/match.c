/* SPDX-License-Identifier: MIT */
/*
 * Which rule applies to a login: the first, in policy order, whose pattern
 * is the user's name, one of the user's groups, or "*".
 *
 * Called at every login, possibly over thousands of rules: the user's groups
 * go into a small hash table first, so each @group rule costs one lookup
 * instead of a pass over the group list.
 */
#include <string.h>

#include "config/internal.h"

#define FEW_GROUPS 4 /* below this, scanning the list beats hashing it */

static bool in_list(const char *g, const char *const *groups, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (groups[i] && !strcmp(groups[i], g))
			return true;
	return false;
}

const struct cs_rule *cs_policy_match(const struct cs_policy *p, uid_t uid,
				      const char *user,
				      const char *const *groups, size_t ngroups)
{
	struct cs_nametab set = { 0 };
	const struct cs_rule *found = NULL;
	bool hashed = false;

	/* Root is never confined: root must always be able to log in and
	 * repair a policy, and no rule (not even "*") may lock it out. */
	if (!p || uid == 0)
		return NULL;
	if (!groups)
		ngroups = 0;
	if (ngroups > FEW_GROUPS) {
		hashed = true;
		for (size_t i = 0; i < ngroups && hashed; i++)
			if (groups[i] && cs_nametab_put(&set, groups[i], i, NULL) < 0)
				hashed = false; /* out of memory: the scan is as right */
	}
	for (size_t i = 0; i < p->nrules && !found; i++) {
		const struct cs_rule *r = &p->rules[i];
		if (r->is_any)
			found = r;
		else if (r->is_group)
			found = (hashed ? cs_nametab_get(&set, r->pattern, NULL)
				 : in_list(r->pattern, groups, ngroups)) ? r : NULL;
		else if (user && !strcmp(r->pattern, user))
			found = r;
	}
	cs_nametab_free(&set);
	return found;
}
