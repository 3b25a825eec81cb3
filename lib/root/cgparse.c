/* SPDX-License-Identifier: MIT */
#include "lib/root/cgparse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool cs_word_in(const char *list, const char *word, char sep)
{
	size_t wl = strlen(word);

	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, sep);
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == wl && !strncmp(p, word, wl))
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

/* The n-th space-separated field of line (0-based), as a new string;
 * NULL when there are fewer. */
static char *field(const char *line, size_t n)
{
	const char *p = line;

	for (size_t i = 0; i < n && p; i++) {
		p = strchr(p, ' ');
		p = p ? p + 1 : NULL;
	}
	if (!p || !*p)
		return NULL;
	return strndup(p, strcspn(p, " "));
}

/* fn on each line of text (a copy, without its newline); stops at fn's
 * first negative result. */
static int each_line(const char *text, int (*fn)(const char *line, void *ctx), void *ctx)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		char *line = strndup(p, nl ? (size_t)(nl - p) : strlen(p));
		int r = line ? fn(line, ctx) : -ENOMEM;

		free(line);
		if (r < 0)
			return r;
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

static void free_mount(struct cs_cgmount *m)
{
	free(m->root);
	free(m->point);
	free(m->opts);
}

/* One line: "ID PARENT MAJ:MIN ROOT POINT OPTS [OPTIONAL...] - TYPE SOURCE SUPER".
 * 1 for a cgroup mount, 0 for any other line, -ENOMEM. */
static int parse_mount(const char *line, struct cs_cgmount *m)
{
	const char *sep = strstr(line, " - ");
	char *type;

	memset(m, 0, sizeof(*m));
	if (!sep || !(type = field(sep + 3, 0)))
		return sep ? -ENOMEM : 0;
	m->v2 = !strcmp(type, "cgroup2");
	bool v1 = !strcmp(type, "cgroup");
	free(type);
	if (!m->v2 && !v1)
		return 0;
	/* The fields before " - " only: a line cut short there names no
	 * usable mount, whatever follows. */
	char *head = strndup(line, (size_t)(sep - line)), *mopts = head ? field(head, 5) : NULL;
	if (!head)
		return -ENOMEM;
	m->root = field(head, 3);
	m->point = field(head, 4);
	m->opts = field(sep + 3, 2);
	free(head);
	if (!m->root || !m->point || !m->opts || !mopts) {
		free(mopts);
		free_mount(m);
		return 0;
	}
	free(mopts);
	unescape(m->root);
	unescape(m->point);
	return 1;
}

static int add_mount(const char *line, void *ctx)
{
	struct cs_cgmounts *out = ctx;
	struct cs_cgmount m, *grown;
	int r = parse_mount(line, &m);

	if (r <= 0)
		return r;
	if (!(grown = realloc(out->m, (out->n + 1) * sizeof(*grown)))) {
		free_mount(&m);
		return -ENOMEM;
	}
	out->m = grown;
	out->m[out->n++] = m;
	return 0;
}

int cs_cgmounts_parse(const char *text, struct cs_cgmounts *out)
{
	out->m = NULL;
	out->n = 0;
	int r = each_line(text, add_mount, out);
	if (r < 0)
		cs_cgmounts_free(out);
	return r;
}

void cs_cgmounts_free(struct cs_cgmounts *ms)
{
	for (size_t i = 0; i < ms->n; i++)
		free_mount(&ms->m[i]);
	free(ms->m);
	ms->m = NULL;
	ms->n = 0;
}

const struct cs_cgmount *cs_cgmounts_find(const struct cs_cgmounts *ms, const char *ctrl)
{
	for (size_t i = 0; i < ms->n; i++)
		if (ctrl ? !ms->m[i].v2 && cs_word_in(ms->m[i].opts, ctrl, ',') : ms->m[i].v2)
			return &ms->m[i];
	return NULL;
}

/* Is dir at or below point, component-wise? */
static const char *below(const char *dir, const char *point)
{
	size_t l = strlen(point);

	if (!strcmp(point, "/"))
		return dir[0] == '/' ? dir : NULL;
	if (strncmp(dir, point, l) || (dir[l] && dir[l] != '/'))
		return NULL;
	return dir + l;
}

const struct cs_cgmount *cs_cgmounts_of(const struct cs_cgmounts *ms, const char *dir)
{
	const struct cs_cgmount *best = NULL;

	for (size_t i = 0; i < ms->n; i++)
		if (below(dir, ms->m[i].point) &&
		    (!best || strlen(ms->m[i].point) > strlen(best->point)))
			best = &ms->m[i];
	return best;
}

static void free_proccg(struct cs_proccg *c)
{
	free(c->ctrls);
	free(c->path);
}

/* "ID:CONTROLLERS:PATH"; the path may itself hold ':'. */
static int parse_proccg(const char *line, struct cs_proccg *c)
{
	const char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
	static const char deleted[] = " (deleted)";
	char *end;

	memset(c, 0, sizeof(*c));
	if (!b || b[1] != '/')
		return 0;
	errno = 0;
	unsigned long id = strtoul(line, &end, 10);
	if (end != a || end == line || errno || id > 0xffffffffUL)
		return 0;
	c->id = (unsigned)id;
	c->ctrls = strndup(a + 1, (size_t)(b - a - 1));
	c->path = strdup(b + 1);
	if (!c->ctrls || !c->path) {
		free_proccg(c);
		return -ENOMEM;
	}
	size_t l = strlen(c->path), dl = sizeof(deleted) - 1;
	if (l > dl && !strcmp(c->path + l - dl, deleted)) {
		c->path[l - dl] = '\0';
		c->deleted = true;
	}
	return 1;
}

static int add_proccg(const char *line, void *ctx)
{
	struct cs_proccgs *out = ctx;
	struct cs_proccg c, *grown;
	int r = parse_proccg(line, &c);

	if (r <= 0)
		return r;
	if (!(grown = realloc(out->c, (out->n + 1) * sizeof(*grown)))) {
		free_proccg(&c);
		return -ENOMEM;
	}
	out->c = grown;
	out->c[out->n++] = c;
	return 0;
}

int cs_proccg_parse(const char *text, struct cs_proccgs *out)
{
	out->c = NULL;
	out->n = 0;
	int r = each_line(text, add_proccg, out);
	if (r < 0)
		cs_proccg_free(out);
	return r;
}

void cs_proccg_free(struct cs_proccgs *pc)
{
	for (size_t i = 0; i < pc->n; i++)
		free_proccg(&pc->c[i]);
	free(pc->c);
	pc->c = NULL;
	pc->n = 0;
}

const struct cs_proccg *cs_proccg_for(const struct cs_proccgs *pc, const struct cs_cgmount *m)
{
	for (size_t i = 0; i < pc->n; i++) {
		const struct cs_proccg *c = &pc->c[i];
		if (m->v2) {
			if (c->id == 0 && !c->ctrls[0])
				return c;
			continue;
		}
		/* A v1 hierarchy's controllers all show in both texts; one
		 * in common names it, as no controller is in two. */
		for (const char *w = c->ctrls; w && *w;) {
			size_t l = strcspn(w, ",");
			char word[64];
			if (l && l < sizeof(word)) {
				memcpy(word, w, l);
				word[l] = '\0';
				if (cs_word_in(m->opts, word, ','))
					return c;
			}
			w = w[l] ? w + l + 1 : NULL;
		}
	}
	return NULL;
}

char *cs_cgmount_dir(const struct cs_cgmount *m, const char *path)
{
	const char *rel = path;
	char *dir;

	/* The mount may show only a subtree of the hierarchy. */
	if (strcmp(m->root, "/") && !(rel = below(path, m->root)))
		return NULL;
	while (*rel == '/')
		rel++;
	if (asprintf(&dir, "%s%s%s", m->point, *rel ? "/" : "", rel) < 0)
		return NULL;
	return dir;
}

char *cs_cgmount_path(const struct cs_cgmount *m, const char *dir)
{
	const char *rel = below(dir, m->point);
	char *path;

	if (!rel)
		return NULL;
	if (!strcmp(m->point, "/"))
		rel = dir;
	bool top = !strcmp(m->root, "/");
	if (asprintf(&path, "%s%s", top ? "" : m->root, rel) < 0)
		return NULL;
	if (!path[0]) {
		free(path);
		path = strdup("/");
	}
	return path;
}

bool cs_cgroup_member(const char *proc_cgroup, const struct cs_cgmount *m, const char *dir)
{
	struct cs_proccgs pc;
	char *want = cs_cgmount_path(m, dir);
	bool in = false;

	if (want && cs_proccg_parse(proc_cgroup, &pc) == 0) {
		const struct cs_proccg *c = cs_proccg_for(&pc, m);
		in = c && !c->deleted && !strcmp(c->path, want);
		cs_proccg_free(&pc);
	}
	free(want);
	return in;
}
