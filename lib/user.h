/* SPDX-License-Identifier: MIT */
/* A user as the policy sees them: the passwd entry and the full group list
 * (primary included) by id and by name, for @group rules. One lookup for
 * the module and the CLI, so `containsession explain` decides exactly as a
 * login does. */
#ifndef CS_USER_H
#define CS_USER_H

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

/* 0, -ENOENT for an unknown user, -ENOMEM. A group name that cannot be
 * allocated fails the lookup: a partial list could make an @group rule
 * miss. */
int cs_user_lookup(const char *name, struct cs_user *u);
void cs_user_free(struct cs_user *u);

#endif
