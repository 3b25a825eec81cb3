/* SPDX-License-Identifier: MIT */
#include "lib/intercept.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cs_intercepts_format(const struct cs_intercepts *ic, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ic->n; i++) {
		const struct cs_intercept *p = &ic->p[i];
		int n = snprintf(buf + off, len - off, "%u\t%s\t%s\n", p->dir, p->at, p->path);
		if (n < 0 || (size_t)n >= len - off)
			return -ENOSPC;
		off += (size_t)n;
	}
	return 0;
}

/* Copy field [s, e) into dst as an absolute path. */
static int take_path(const char *s, const char *e, char *dst, size_t len)
{
	size_t l = (size_t)(e - s);

	if (l == 0 || l >= len || s[0] != '/' || memchr(s, '\t', l))
		return -EINVAL;
	memcpy(dst, s, l);
	dst[l] = '\0';
	return 0;
}

int cs_intercepts_parse(const char *text, struct cs_intercepts *ic)
{
	memset(ic, 0, sizeof(*ic));
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n'), *t1, *t2;
		struct cs_intercept *c;
		unsigned long d;
		char *end;

		if (!nl || ic->n == CS_INTERCEPT_MAX)
			return -EINVAL;
		c = &ic->p[ic->n];
		errno = 0;
		d = strtoul(p, &end, 10);
		if (errno || end == p || *end != '\t' || d >= CS_INTERCEPT_MAX)
			return -EINVAL;
		t1 = end;
		t2 = memchr(t1 + 1, '\t', (size_t)(nl - t1 - 1));
		if (!t2 || take_path(t1 + 1, t2, c->at, sizeof(c->at)) < 0 ||
		    take_path(t2 + 1, nl, c->path, sizeof(c->path)) < 0)
			return -EINVAL;
		/* The name below layer/DIR and host/DIR must be one
		 * component. */
		const char *name = cs_intercept_name(c);
		if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
			return -EINVAL;
		c->dir = (unsigned)d;
		ic->n++;
		p = nl + 1;
	}
	return ic->n ? 0 : -EINVAL;
}

const struct cs_intercept *cs_intercepts_find(const struct cs_intercepts *ic, const char *exe)
{
	static const char deleted[] = " (deleted)";

	for (size_t i = 0; i < ic->n; i++) {
		size_t l = strlen(ic->p[i].at);
		if (!strncmp(exe, ic->p[i].at, l) && (!exe[l] || !strcmp(exe + l, deleted)))
			return &ic->p[i];
	}
	return NULL;
}

const char *cs_intercept_name(const struct cs_intercept *p)
{
	return strrchr(p->at, '/') + 1;
}
