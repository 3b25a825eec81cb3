/* SPDX-License-Identifier: MIT */
#include "lib/root/user.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

int cs_nss_grow(int (*fn)(void *ctx, char *buf, size_t len), void *ctx,
		size_t start, char **bufp)
{
	size_t len = start ? start : 1024;

	*bufp = NULL;
	for (;;) {
		char *buf = malloc(len);
		int r;

		if (!buf)
			return -ENOMEM;
		r = fn(ctx, buf, len);
		if (r == 0) {
			*bufp = buf;
			return 0;
		}
		free(buf);
		/* A big group (thousands of members) does not fit a fixed
		 * buffer: ERANGE means "try larger", never "no such group". */
		if (r != ERANGE)
			return r > 0 ? -r : -EIO;
		if (len >= CS_NSS_BUF_MAX)
			return -ERANGE;
		len = len * 2 > CS_NSS_BUF_MAX ? CS_NSS_BUF_MAX : len * 2;
	}
}

bool cs_user_text_ok(const char *s)
{
	if (!s || !*s)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

struct pw_call {
	const char *name;
	struct passwd pw, *res;
};

static int pw_fn(void *ctx, char *buf, size_t len)
{
	struct pw_call *c = ctx;

	/* glibc returns 0 with res NULL for "no such user"; an error number
	 * is a failed lookup (an NSS source that is down), not an answer. */
	return getpwnam_r(c->name, &c->pw, buf, len, &c->res);
}

struct gr_call {
	gid_t gid;
	struct group gr, *res;
};

static int gr_fn(void *ctx, char *buf, size_t len)
{
	struct gr_call *c = ctx;

	return getgrgid_r(c->gid, &c->gr, buf, len, &c->res);
}

struct grnam_call {
	const char *name;
	struct group *gr, *res;
};

static int grnam_fn(void *ctx, char *buf, size_t len)
{
	struct grnam_call *c = ctx;

	return getgrnam_r(c->name, c->gr, buf, len, &c->res);
}

int cs_group_lookup(const char *name, struct group *gr, char **bufp)
{
	struct grnam_call c = { .name = name, .gr = gr };
	int r;

	if ((r = cs_nss_grow(grnam_fn, &c, 16384, bufp)) < 0)
		return r;
	if (!c.res) {
		free(*bufp);
		*bufp = NULL;
		return -ENOENT;
	}
	return 0;
}

int cs_user_lookup_passwd(const char *name, struct cs_user *u)
{
	struct pw_call c = { .name = name };
	char *buf;
	int r;

	memset(u, 0, sizeof(*u));
	if ((r = cs_nss_grow(pw_fn, &c, 4096, &buf)) < 0)
		return r;
	if (!c.res) {
		free(buf);
		return -ENOENT;
	}
	/* The name, home and shell go into the registry (one key=value per
	 * line), syslog lines and the helper's argv: a newline or escape
	 * from a hostile NSS source must not reach any of them. */
	if (!cs_user_text_ok(c.pw.pw_name) || !cs_user_text_ok(c.pw.pw_dir) ||
	    (c.pw.pw_shell[0] && !cs_user_text_ok(c.pw.pw_shell))) {
		free(buf);
		return -EINVAL;
	}
	u->name = strdup(c.pw.pw_name);
	u->uid = c.pw.pw_uid;
	u->gid = c.pw.pw_gid;
	u->home = strdup(c.pw.pw_dir);
	u->shell = strdup(c.pw.pw_shell[0] ? c.pw.pw_shell : "/bin/sh");
	free(buf);
	if (!u->name || !u->home || !u->shell) {
		cs_user_free(u);
		return -ENOMEM;
	}
	return 0;
}

int cs_user_lookup_groups(struct cs_user *u)
{
	int ng = 64;

	/* getgrouplist cannot say that a source failed (glibc goes on to
	 * the next one): the list is what NSS answers, and no decision rests
	 * on it alone (cs_user_match asks for each group a rule names). */
	for (;;) {
		gid_t *g = realloc(u->gids, (size_t)ng * sizeof(gid_t));
		int n = ng;

		if (!g) {
			cs_user_free(u);
			return -ENOMEM;
		}
		u->gids = g;
		if (getgrouplist(u->name, u->gid, u->gids, &n) >= 0) {
			u->ngids = n;
			return 0;
		}
		if (n <= ng || n > 65536) {
			cs_user_free(u);
			return -EIO;
		}
		ng = n;
	}
}

int cs_user_group_names(struct cs_user *u)
{
	int r = -ENOMEM;

	u->gnames = calloc((size_t)u->ngids + 1, sizeof(char *));
	if (!u->gnames)
		goto fail;
	for (int i = 0; i < u->ngids; i++) {
		struct gr_call c = { .gid = u->gids[i] };
		char *buf;

		if ((r = cs_nss_grow(gr_fn, &c, 16384, &buf)) < 0)
			goto fail;
		if (!c.res) {
			/* A gid with no group entry (a primary gid never put
			 * in /etc/group) has no name to show. */
			free(buf);
			continue;
		}
		if (!cs_user_text_ok(c.gr.gr_name)) {
			free(buf);
			r = -EINVAL;
			goto fail;
		}
		u->gnames[u->ngnames] = strdup(c.gr.gr_name);
		free(buf);
		if (!u->gnames[u->ngnames]) {
			r = -ENOMEM;
			goto fail;
		}
		u->ngnames++;
	}
	return 0;
fail:
	cs_user_free(u);
	return r;
}

int cs_user_lookup(const char *name, struct cs_user *u)
{
	int r = cs_user_lookup_passwd(name, u);

	return r < 0 ? r : cs_user_lookup_groups(u);
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
