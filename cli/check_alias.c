/* SPDX-License-Identifier: MIT */
/*
 * check: the uids that passwd gives two or more names (an alias such as
 * "toor", or "alice" and "alice-ci") which the policy treats differently.
 * Rules name users, but a sandbox is per uid: a login by the name that is
 * not sandboxed (or gets another profile) runs as the same uid outside the
 * sandbox, and that process owns the sandbox's user namespace (DESIGN,
 * "Rules that keep root safe"), so the sandbox holds nothing for that uid.
 *
 * It enumerates passwd (getpwent), which can be slow with a directory
 * source; check is not the login path. What a source does not enumerate
 * (sssd's enumerate = false) is not seen.
 */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* What decide() answers for no rule or "off": told apart by address. */
static const char not_sandboxed[] = "not sandboxed";

struct pwname {
	uid_t uid;
	char *name;
};

static int cmp_pwname(const void *a, const void *b)
{
	const struct pwname *x = a, *y = b;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Every (uid, name) of passwd but uid 0's, sorted; -1 when it could not be
 * read (said on stderr), with what was read before the error kept. */
static int read_passwd(struct pwname **out, size_t *n)
{
	struct pwname *v = NULL;
	size_t cap = 0;
	struct passwd *pw;
	int ret = 0;

	*n = 0;
	setpwent();
	for (;;) {
		errno = 0;
		if (!(pw = getpwent())) {
			/* glibc ends with ENOENT, or no errno, at the end. */
			if (errno && errno != ENOENT) {
				cli_warn("read passwd: %s: names after this are not compared",
					 strerror(errno));
				ret = -1;
			}
			break;
		}
		/* Root is never sandboxed, whatever its names. */
		if (pw->pw_uid == 0)
			continue;
		if (*n == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			struct pwname *nv = realloc(v, ncap * sizeof(*nv));

			if (!nv) {
				cli_warn("read passwd: out of memory");
				ret = -1;
				break;
			}
			v = nv;
			cap = ncap;
		}
		if (!(v[*n].name = strdup(pw->pw_name))) {
			cli_warn("read passwd: out of memory");
			ret = -1;
			break;
		}
		v[(*n)++].uid = pw->pw_uid;
	}
	endpwent();
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_pwname);
	*out = v;
	return ret;
}

/*
 * What the module decides for a login by name: the profile's name, "not
 * sandboxed", or NULL when it cannot be told (said on stderr: the name is
 * left out of the comparison). *where: the rule's "FILE:LINE", or "".
 */
static const char *decide(const struct cs_policy *pol, const char *name, uid_t uid,
			  char *where, size_t len)
{
	const struct cs_rule *rule = NULL;
	struct cs_err err = { "" };
	struct cs_user u;
	int r = cs_user_lookup(name, &u);

	where[0] = '\0';
	if (r < 0) {
		cli_warn("uid %u: look up user '%s': %s: not compared with its other names",
			 (unsigned)uid, name,
			 r == -EINVAL ? "a control character in its name, home or shell" :
			 r == -ENOENT ? "gone since passwd was read" : strerror(-r));
		return NULL;
	}
	/* A uid the lookup by name does not give is another entry (two
	 * sources, one name): not this uid's. */
	if (u.uid != uid) {
		cs_user_free(&u);
		return NULL;
	}
	r = cs_user_match(pol, &u, &rule, &err);
	cs_user_free(&u);
	if (r < 0) {
		/* The module refuses that name's logins: no login of it runs
		 * unsandboxed. check_groups has said why. */
		return NULL;
	}
	if (rule)
		snprintf(where, len, "%s:%u", rule->file, rule->line);
	return rule && rule->profile ? rule->profile : not_sandboxed;
}

/* One uid's names v[0..n): a warning when their decisions differ. */
static size_t check_uid(const struct cs_policy *pol, const struct pwname *v, size_t n)
{
	const char **got = calloc(n, sizeof(*got));
	char (*where)[300] = calloc(n, sizeof(*where));
	const char *first = NULL;
	bool differ = false;
	char *msg = NULL;
	size_t len = 0;
	FILE *f;

	if (!got || !where) {
		cli_warn("uid %u: out of memory: its names are not compared", (unsigned)v[0].uid);
		free(got);
		free(where);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (i && !strcmp(v[i].name, v[i - 1].name))
			continue;  /* the same name from two sources */
		got[i] = decide(pol, v[i].name, v[i].uid, where[i], sizeof(where[i]));
		if (got[i] && !first)
			first = got[i];
		else if (got[i] && (got[i] == not_sandboxed) != (first == not_sandboxed))
			differ = true;
		else if (got[i] && strcmp(got[i], first))
			differ = true;
	}
	if (differ) {
		if ((f = open_memstream(&msg, &len))) {
			for (size_t i = 0, k = 0; i < n; i++)
				if (got[i])
					fprintf(f, "%s%s (%s%s%s%s)", k++ ? ", " : "", v[i].name,
						got[i] != not_sandboxed ? "profile " : "",
						got[i], where[i][0] ? ", rule " : "", where[i]);
			if (fclose(f) != 0) {
				free(msg);
				msg = NULL;
			}
		}
		cli_warn("uid %u has names the policy treats differently: %s: a login by one "
			 "runs as uid %u outside the other's sandbox, and owns its namespaces; "
			 "give them the same profile, or remove the alias", (unsigned)v[0].uid,
			 msg ? msg : "(out of memory naming them)", (unsigned)v[0].uid);
		free(msg);
	}
	free(got);
	free(where);
	return differ;
}

size_t cli_check_aliases(const struct cs_policy *pol)
{
	struct pwname *v = NULL;
	size_t n = 0, found = 0;

	read_passwd(&v, &n);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && v[j].uid == v[i].uid; j++)
			;
		if (j - i > 1)
			found += check_uid(pol, v + i, j - i);
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	return found;
}
