/* SPDX-License-Identifier: MIT */
/* A user as the policy sees them: the passwd entry and the full group list
 * (primary included) by id and by name, for @group rules. One lookup for
 * the module and the CLI, so `containsession explain` decides exactly as a
 * login does. */
#ifndef CS_USER_H
#define CS_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct cs_user {
	char *name;
	uid_t uid;
	gid_t gid;
	char *home;
	char *shell;     /* "/bin/sh" when passwd has none */
	gid_t *gids;
	int ngids;
	char **gnames;   /* names of the groups in gids that have one */
	size_t ngnames;
};

/*
 * Both halves below: 0, -ENOENT for an unknown user, -EINVAL for a name,
 * home, shell or group name the registry and the logs cannot carry
 * (cs_user_text_ok), another negative errno when a lookup failed. Every
 * failure fails the whole lookup: a partial group list could make an @group
 * rule miss, and the login would then fall through to a laxer rule.
 */
int cs_user_lookup(const char *name, struct cs_user *u);
/* The halves, for the module: it needs the uid alone first (uid 0 is
 * never sandboxed, whatever its groups look like). */
int cs_user_lookup_passwd(const char *name, struct cs_user *u);
int cs_user_lookup_groups(struct cs_user *u);
void cs_user_free(struct cs_user *u);

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
