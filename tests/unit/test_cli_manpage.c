/* SPDX-License-Identifier: MIT */
/*
 * containsession.conf(5) and the parser's keyword table agree: the keys
 * documented under GLOBAL KEYS and PROFILE KEYS (".It Cm KEY" items) are
 * exactly the keys of cs_keywords[] for that section, each item states a
 * default, and every single-word alternative of an enumerated value
 * ("auto | v2 | ...") appears in the item. A key added to the parser and not
 * to the man page, or the other way round, fails here.
 *
 * Run from the top of the tree (make check-unit does), or with CS_TOP set.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config/policy.h"

#define MAX_ITEMS 64

struct item {
	char key[64];
	char section[16]; /* "global" or "profile" */
	char *text;       /* the item's lines, up to the next .It or .El */
};

static struct item items[MAX_ITEMS];
static size_t nitems;

static char *read_page(void)
{
	const char *top = getenv("CS_TOP");
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/man/containsession.conf.5", top ? top : ".");
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "cannot open %s (run from the top of the tree or set CS_TOP)\n", path);
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static void append(char **dst, const char *line)
{
	size_t a = *dst ? strlen(*dst) : 0, b = strlen(line);
	char *n = realloc(*dst, a + b + 2);

	assert_non_null(n);
	memcpy(n + a, line, b);
	n[a + b] = '\n';
	n[a + b + 1] = '\0';
	*dst = n;
}

static int parse_page(void **state)
{
	char *page = read_page(), *save = NULL;
	const char *section = NULL;
	struct item *cur = NULL;

	if (!page)
		return -1;
	for (char *line = strtok_r(page, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, ".Sh ", 4)) {
			section = !strcmp(line + 4, "GLOBAL KEYS") ? "global" :
				  !strcmp(line + 4, "PROFILE KEYS") ? "profile" : NULL;
			cur = NULL;
			continue;
		}
		if (!section)
			continue;
		if (!strncmp(line, ".It Cm ", 7)) {
			if (nitems == MAX_ITEMS)
				return -1;
			cur = &items[nitems++];
			sscanf(line + 7, "%63s", cur->key);
			snprintf(cur->section, sizeof(cur->section), "%s", section);
			append(&cur->text, line);
		} else if (!strncmp(line, ".It", 3) || !strncmp(line, ".El", 3)) {
			cur = NULL;
		} else if (cur) {
			append(&cur->text, line);
		}
	}
	free(page);
	return 0;
}

static int free_items(void **state)
{
	for (size_t i = 0; i < nitems; i++)
		free(items[i].text);
	return 0;
}

static const struct item *find_item(const char *key)
{
	for (size_t i = 0; i < nitems; i++)
		if (!strcmp(items[i].key, key))
			return &items[i];
	return NULL;
}

static void test_every_key_documented(void **state)
{
	for (size_t i = 0; i < cs_nkeywords; i++) {
		const struct item *it = find_item(cs_keywords[i].name);
		if (!it)
			fail_msg("key '%s' ([%s]) is not documented in containsession.conf(5)",
				 cs_keywords[i].name, cs_keywords[i].section);
		if (strcmp(it->section, cs_keywords[i].section))
			fail_msg("key '%s' is documented under %s keys, the parser has it in [%s]",
				 cs_keywords[i].name, it->section, cs_keywords[i].section);
	}
}

static void test_every_documented_key_exists(void **state)
{
	assert_true(nitems > 0);
	for (size_t i = 0; i < nitems; i++) {
		bool found = false;
		for (size_t k = 0; k < cs_nkeywords; k++)
			found |= !strcmp(items[i].key, cs_keywords[k].name) &&
				 !strcmp(items[i].section, cs_keywords[k].section);
		if (!found)
			fail_msg("containsession.conf(5) documents '%s' (%s keys), which the "
				 "parser does not know", items[i].key, items[i].section);
	}
	assert_int_equal(nitems, cs_nkeywords);
}

static void test_defaults_stated(void **state)
{
	for (size_t i = 0; i < nitems; i++)
		if (!strstr(items[i].text, "Default"))
			fail_msg("containsession.conf(5): '%s' does not state its default", items[i].key);
}

/* Is s one word of [a-z0-9-]? */
static bool one_word(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}

static void test_enumerated_values_documented(void **state)
{
	for (size_t i = 0; i < cs_nkeywords; i++) {
		const char *v = cs_keywords[i].values;
		const struct item *it = find_item(cs_keywords[i].name);

		if (!it || !strstr(v, " | "))
			continue;
		for (const char *p = v; *p;) {
			size_t n = strcspn(p, "|");
			const char *w = p;
			size_t wl = n;
			char word[64];

			while (wl && *w == ' ')
				w++, wl--;
			while (wl && w[wl - 1] == ' ')
				wl--;
			if (one_word(w, wl) && wl < sizeof(word)) {
				snprintf(word, sizeof(word), "%.*s", (int)wl, w);
				if (!strstr(it->text, word))
					fail_msg("containsession.conf(5): value '%s' of '%s' is not "
						 "documented", word, cs_keywords[i].name);
			}
			p += n;
			if (*p)
				p++;
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_key_documented),
		cmocka_unit_test(test_every_documented_key_exists),
		cmocka_unit_test(test_defaults_stated),
		cmocka_unit_test(test_enumerated_values_documented),
	};
	return cmocka_run_group_tests(tests, parse_page, free_items);
}
