/* SPDX-License-Identifier: MIT */
/* A user as the policy sees them: the passwd entry and the full group list
 * (primary included) by id and by name, for @group rules. One lookup for
 * the module and the CLI, so `containsession explain` decides exactly as a
 * login does. */
#ifndef CS_USER_H
#define CS_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <grp.h>
#include <sys/types.h>

#include "config/policy.h"
#include "lib/err.h"

struct cs_user {
	char *name;
	uid_t uid;
	gid_t gid;
	char *home;
	char *shell;     /* "/bin/sh" when passwd has none */
	gid_t *gids;
	int ngids;
	char **gnames;   /* names of the groups in gids that have one; only
			    cs_user_group_names fills it */
	size_t ngnames;
};

/*
 * Both halves below: 0, -ENOENT for an unknown user, -EINVAL for a name,
 * home or shell (or, cs_user_group_names, a group name) the registry and
 * the logs cannot carry
 * (cs_user_text_ok), another negative errno when a lookup failed. Every
 * failure fails the whole lookup. A list without a failure can still be
 * short (getgrouplist skips an NSS source that is down): @group rules are
 * decided by cs_user_match, which asks for each group by name.
 */
int cs_user_lookup(const char *name, struct cs_user *u);
/* The halves, for the module: it needs the uid alone first (uid 0 is
 * never sandboxed, whatever its groups look like). */
int cs_user_lookup_passwd(const char *name, struct cs_user *u);
int cs_user_lookup_groups(struct cs_user *u);
/* The names of u's groups, for showing them (explain): one getgrgid_r a
 * group, which no decision needs, so never on a login's path. */
int cs_user_group_names(struct cs_user *u);
void cs_user_free(struct cs_user *u);

/*
 * Group NAME, asked of NSS with its errors seen: 0 with *gr filled (its
 * strings in *buf, the caller's to free), -ENOENT when NSS knows no such
 * group, another negative errno when the lookup failed.
 */
int cs_group_lookup(const char *name, struct group *gr, char **buf);

/*
 * The rule that applies to u's login (lib/root/usermatch.c), for the module
 * and the CLI alike: cs_policy_match asking NSS, through cs_user_in_group,
 * about each @group rule it reaches. 0 with *rule (NULL: none matches), or
 * a negative errno with *rule the @group rule whose group could not be
 * looked up and err saying which (policy file and line, group, why): the
 * login must then be refused.
 */
int cs_user_match(const struct cs_policy *p, const struct cs_user *u,
		  const struct cs_rule **rule, struct cs_err *err);

/*
 * cs_group_member_fn for a struct cs_user: 1 when gr, looked up by name, is
 * u's primary group, lists u's name among its members, or is in the
 * getgrouplist answer (u->gids); 0 when none; cs_group_lookup's errors
 * otherwise, -ENOENT among them: a source that is down (sssd's socket
 * gone, say) looks to glibc exactly like a group that does not exist, so
 * "not found" cannot be read as "not a member".
 */
int cs_user_in_group(void *u, const char *group);

/* The membership test alone, on a group entry already looked up. */
bool cs_user_member_of(const struct cs_user *u, const struct group *gr);

/* A name from NSS that may go into the registry, a log line or a path:
 * not empty, no byte below 0x20 and no DEL. */
bool cs_user_text_ok(const char *s);

/*
 * Call fn(ctx, buf, len) with a buffer that doubles from `start` bytes while
 * fn returns ERANGE, up to CS_NSS_BUF_MAX. Returns fn's 0 with *bufp the
 * caller's to free, or a negative errno (-ERANGE past the cap, -ENOMEM, or
 * fn's own error). Exposed for tests.
 */
#define CS_NSS_BUF_MAX (32u << 20)
int cs_nss_grow(int (*fn)(void *ctx, char *buf, size_t len), void *ctx,
		size_t start, char **bufp);

#endif
