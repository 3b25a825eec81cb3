/* SPDX-License-Identifier: MIT */
/*
 * The reader: lines, comments, [sections] and "key = value". It records
 * what each line says (values through values.c, keys through the keyword
 * table) and checks what one line can check; whatever needs the whole
 * policy (inherit, the profiles rules name) is resolve.c's.
 *
 * On an error the line is skipped and reading goes on, so one run reports
 * every mistake. The body of a [profile] that cannot be used (bad or
 * duplicate name) is still read into a scratch profile, so its own errors
 * are reported too; the body of an unknown section is skipped silently,
 * since nothing can be said about keys of a section we do not know.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/internal.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static char *trim(char *s)
{
	char *e;

	while (is_space(*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_space(e[-1]))
		*--e = '\0';
	return s;
}

static void end_section(struct cs_build *b)
{
	if (b->have_scratch)
		cs_profile_clear(&b->scratch);
	b->have_scratch = false;
	b->seen = 0;
	b->cur = SIZE_MAX;
	b->secname[0] = '\0';
}

static struct cs_profile *new_profile(struct cs_build *b, const char *name, unsigned line)
{
	struct cs_policy *p = b->p;
	struct cs_profile *pr;
	char *copy;

	if (p->nprofiles == b->prof_cap) {
		size_t cap = b->prof_cap ? b->prof_cap * 2 : 8;
		pr = cap > SIZE_MAX / sizeof(*pr) ? NULL
		     : realloc(p->profiles, cap * sizeof(*pr));
		if (!pr)
			return NULL;
		p->profiles = pr;
		b->prof_cap = cap;
	}
	pr = &p->profiles[p->nprofiles];
	if (!(copy = strdup(name)) || cs_profile_init(pr, copy, b->file, line) < 0)
		return NULL;
	/* The table keeps pr->name, which stays put when the array moves. */
	if (cs_nametab_put(&b->profs, pr->name, p->nprofiles, NULL) < 0) {
		cs_profile_clear(pr);
		return NULL;
	}
	b->cur = p->nprofiles++;
	return pr;
}

static void profile_section(struct cs_build *b, unsigned line, const char *name)
{
	char q[CS_QUOTE_BUF];
	char *copy;
	size_t first;

	cs_quote(q, sizeof(q), name);
	snprintf(b->secname, sizeof(b->secname), "[profile %s]", q);
	b->sec = CS_SEC_PROFILE;
	if (!*name)
		cs_err(b, line, "missing profile name in [profile NAME]");
	else if (!cs_valid_profile_name(name))
		cs_err(b, line, "invalid profile name '%s': 1..%u characters of [A-Za-z0-9_.-]",
		       q, CS_MAX_NAME);
	else if (!strcmp(name, "off"))
		cs_err(b, line, "profile name 'off' is reserved (rules use it for \"not sandboxed\")");
	else if (cs_nametab_get(&b->profs, name, &first))
		cs_err(b, line, "profile '%s' already defined at %s:%u", name,
		       b->p->profiles[first].file, b->p->profiles[first].line);
	else {
		if (!new_profile(b, name, line))
			b->oom = b->stop = true;
		return;
	}
	if (!(copy = strdup(name)) || cs_profile_init(&b->scratch, copy, b->file, line) < 0) {
		b->oom = b->stop = true;
		return;
	}
	b->have_scratch = true;
}

static void section(struct cs_build *b, unsigned line, char *t)
{
	size_t n = strlen(t);
	char q[CS_QUOTE_BUF];
	char *inner;

	end_section(b);
	b->sec = CS_SEC_SKIP;
	if (t[n - 1] != ']') {
		cs_err(b, line, "missing ']' in section header '%s'", cs_quote(q, sizeof(q), t));
		return;
	}
	t[n - 1] = '\0';
	inner = trim(t + 1);
	if (!strcmp(inner, "global")) {
		b->sec = CS_SEC_GLOBAL;
		snprintf(b->secname, sizeof(b->secname), "[global]");
	} else if (!strcmp(inner, "rules")) {
		b->sec = CS_SEC_RULES;
	} else if (!strncmp(inner, "profile", 7) && (!inner[7] || is_space(inner[7]))) {
		profile_section(b, line, trim(inner + 7));
	} else {
		cs_err(b, line, "unknown section '[%s]'", cs_quote(q, sizeof(q), inner));
	}
}

static void bad_value(struct cs_build *b, unsigned line, const char *key, const char *val,
		      size_t kw, const struct cs_why *why)
{
	char q[CS_QUOTE_BUF];

	if (why->full)
		cs_err(b, line, "%s", why->msg);
	else
		cs_err(b, line, "invalid value '%s' for %s: %s", cs_quote(q, sizeof(q), val),
		       key, why->msg[0] ? why->msg : cs_keywords[kw].values);
}

static void setting(struct cs_build *b, unsigned line, const char *key, const char *val)
{
	bool global = b->sec == CS_SEC_GLOBAL;
	int kw = cs_keyword_find(key, global);
	struct cs_why why;
	int r;

	if (kw < 0) {
		char q[CS_QUOTE_BUF];
		cs_err(b, line, "unknown key '%s' in %s", cs_quote(q, sizeof(q), key), b->secname);
		return;
	}
	/* Within one section a second value is a mistake, not an override:
	 * which one wins would depend on reading order nobody sees. */
	if (b->seen & (1u << kw)) {
		cs_err(b, line, "duplicate key '%s'", key);
		return;
	}
	b->seen |= 1u << kw;
	if (!*val) {
		cs_err(b, line, "empty value for %s", key);
		return;
	}
	if (global) {
		enum cs_gkey g = (enum cs_gkey)kw;
		r = cs_global_set(b->p, g, val, &why);
		if (r == CS_VAL_OK)
			b->p->global_origin[g] = (struct cs_origin){ b->file, line, NULL };
	} else {
		enum cs_key k = (enum cs_key)((size_t)kw - CS_KW_PROFILE(0));
		struct cs_profile *pr = b->cur == SIZE_MAX ? &b->scratch
				       : &b->p->profiles[b->cur];
		r = cs_profile_set(pr, k, val, &why);
		if (r == CS_VAL_OK) {
			pr->set[k] = true;
			pr->origin[k] = (struct cs_origin){ b->file, line, pr->name };
		}
	}
	if (r == CS_VAL_NOMEM)
		b->oom = b->stop = true;
	else if (r != CS_VAL_OK)
		bad_value(b, line, key, val, (size_t)kw, &why);
}

static struct cs_rule *new_rule(struct cs_build *b)
{
	struct cs_policy *p = b->p;
	struct cs_rule *r;

	if (p->nrules == b->rule_cap) {
		size_t cap = b->rule_cap ? b->rule_cap * 2 : 16;
		r = cap > SIZE_MAX / sizeof(*r) ? NULL : realloc(p->rules, cap * sizeof(*r));
		if (!r)
			return NULL;
		p->rules = r;
		b->rule_cap = cap;
	}
	r = &p->rules[p->nrules];
	memset(r, 0, sizeof(*r));
	return r;
}

static void rule(struct cs_build *b, unsigned line, const char *pat, const char *prof)
{
	bool any = !strcmp(pat, "*"), group = pat[0] == '@';
	const char *name = group ? pat + 1 : pat;
	struct cs_rule *r;
	size_t idx, first;
	char q[CS_QUOTE_BUF];
	int put;

	if (!any && !cs_valid_user_name(name)) {
		cs_err(b, line, "invalid pattern '%s': a user name, @group or *",
		       cs_quote(q, sizeof(q), pat));
		return;
	}
	if (!*prof) {
		cs_err(b, line, "empty value for rule '%s'", pat);
		return;
	}
	if (!(r = new_rule(b)))
		goto oom;
	r->pattern = strdup(name);
	r->profile = strcmp(prof, "off") ? strdup(prof) : NULL;
	if (!r->pattern || (strcmp(prof, "off") && !r->profile)) {
		free(r->pattern);
		free(r->profile);
		goto oom;
	}
	r->is_group = group;
	r->is_any = any;
	r->file = b->file;
	r->line = line;
	idx = b->p->nrules++;

	/* First match wins, so these rules are dead: likely a mistake in
	 * order, worth a warning but not worth refusing logins over. */
	put = cs_nametab_put(group ? &b->groups : &b->users, r->pattern, idx, &first);
	if (put < 0)
		goto oom;
	if (b->star != SIZE_MAX)
		cs_warn(b, line, "rule for '%s' can never match: shadowed by '*' at %s:%u",
			pat, b->p->rules[b->star].file, b->p->rules[b->star].line);
	else if (put == 1)
		cs_warn(b, line, "rule for '%s' can never match: same pattern as the rule at %s:%u",
			pat, b->p->rules[first].file, b->p->rules[first].line);
	if (any && b->star == SIZE_MAX)
		b->star = idx;
	return;
oom:
	b->oom = b->stop = true;
}

static void key_line(struct cs_build *b, unsigned line, char *t)
{
	char *eq = strchr(t, '=');
	char q[CS_QUOTE_BUF];
	char *key, *val;

	if (b->sec == CS_SEC_SKIP)
		return;
	if (eq)
		*eq = '\0';
	key = trim(t);
	if (b->sec == CS_SEC_NONE) {
		cs_err(b, line, "'%s' outside of any section", cs_quote(q, sizeof(q), key));
		return;
	}
	if (!eq) {
		cs_err(b, line, "missing '=' in '%s'", cs_quote(q, sizeof(q), key));
		return;
	}
	val = trim(eq + 1);
	if (!*key) {
		cs_err(b, line, "missing key before '='");
		return;
	}
	if (b->sec == CS_SEC_RULES)
		rule(b, line, key, val);
	else
		setting(b, line, key, val);
}

static void one_line(struct cs_build *b, unsigned line, const char *s, size_t n)
{
	char buf[CS_MAX_LINE + 1];
	char *t;

	if (n > CS_MAX_LINE) {
		cs_err(b, line, "line too long (more than %u bytes)", CS_MAX_LINE);
		return;
	}
	if (memchr(s, '\0', n)) {
		cs_err(b, line, "NUL byte in line");
		return;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	t = trim(buf);
	if (!*t || *t == '#')
		return;
	/* Values never hold '#', but "a#b" is no comment either: only a '#'
	 * after whitespace starts one. */
	for (char *c = t + 1; *c; c++)
		if (*c == '#' && is_space(c[-1])) {
			*c = '\0';
			break;
		}
	t = trim(t);
	if (*t == '[')
		section(b, line, t);
	else
		key_line(b, line, t);
}

void cs_parse_text(struct cs_build *b, const char *text, size_t len)
{
	const char *s = text, *end = text + len;
	unsigned line = 0;

	/* Every file starts outside any section: a drop-in cannot add keys
	 * to whatever section the previous file happened to end in. */
	end_section(b);
	b->sec = CS_SEC_NONE;
	while (text && s < end && !b->stop) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;

		one_line(b, ++line, s, (size_t)(le - s));
		s = nl ? nl + 1 : end;
	}
	end_section(b);
	b->sec = CS_SEC_NONE;
}
