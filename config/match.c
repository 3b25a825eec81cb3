/* SPDX-License-Identifier: MIT */
/*
 * Which rule applies to a login: the first, in policy order, whose pattern
 * is the user's name, a group the user is in, or "*".
 *
 * Membership is asked of the caller, one group at a time and only for the
 * @group rules the match reaches: at a login that is NSS (lib/root), which
 * can fail or be down, and a group it cannot answer for must stop the match
 * there. Going on would fail open: the next rule may be laxer ("@strict =
 * strict" before "* = default") or there may be none (not sandboxed).
 */
#include <string.h>

#include "config/internal.h"

int cs_policy_match(const struct cs_policy *p, uid_t uid, const char *user,
		    cs_group_member_fn *member, void *ctx, const struct cs_rule **rule)
{
	*rule = NULL;
	/* Root is never confined: root must always be able to log in and
	 * repair a policy, and no rule (not even "*") may lock it out. */
	if (!p || uid == 0)
		return 0;
	for (size_t i = 0; i < p->nrules; i++) {
		const struct cs_rule *r = &p->rules[i];
		int in;

		if (r->is_any || (!r->is_group && user && !strcmp(r->pattern, user))) {
			*rule = r;
			return 0;
		}
		if (!r->is_group)
			continue;
		in = member ? member(ctx, r->pattern) : 0;
		if (in < 0) {
			*rule = r;
			return in;
		}
		if (in) {
			*rule = r;
			return 0;
		}
	}
	return 0;
}

int cs_group_names_member(void *ctx, const char *group)
{
	const struct cs_group_names *g = ctx;

	for (size_t i = 0; g && i < g->n; i++)
		if (g->names[i] && !strcmp(g->names[i], group))
			return 1;
	return 0;
}
