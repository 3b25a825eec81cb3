/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the policy unit tests (test_values.c, test_parse.c,
 * test_inherit.c, test_match.c, test_files.c). Header-only because the
 * Makefile builds each tests/unit/test_*.c into its own binary.
 *
 * Policies are loaded from memory under the name "t.conf", so messages read
 * "t.conf:LINE: ...".
 */
#ifndef CS_TEST_POLICY_H
#define CS_TEST_POLICY_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config/policy.h"

static inline void dump_diag(const struct cs_diag *d)
{
	for (size_t i = 0; i < d->nerrors; i++)
		fprintf(stderr, "  error[%zu]: %s\n", i, d->errors[i]);
	for (size_t i = 0; i < d->nwarnings; i++)
		fprintf(stderr, "  warning[%zu]: %s\n", i, d->warnings[i]);
}

/* Loads text that must be valid, with no warnings. */
static inline struct cs_policy *load_ok(const char *text)
{
	struct cs_policy *p = NULL;
	struct cs_diag d = { 0 };
	int r = cs_policy_load_buffer("t.conf", text, strlen(text), &p, &d);

	if (r != 0 || d.nerrors || d.nwarnings) {
		fprintf(stderr, "unexpected diagnostics for:\n%s\n", text);
		dump_diag(&d);
	}
	assert_int_equal(r, 0);
	assert_non_null(p);
	assert_int_equal(d.nerrors, 0);
	assert_int_equal(d.nwarnings, 0);
	cs_diag_free(&d);
	return p;
}

/* Loads text that must fail with exactly these errors (NULL-terminated
 * list), in this order. */
static inline void expect_errors_v(const char *text, const char *const *want)
{
	struct cs_policy *p = (struct cs_policy *)1;
	struct cs_diag d = { 0 };
	size_t n = 0;
	int r = cs_policy_load_buffer("t.conf", text, strlen(text), &p, &d);

	while (want[n])
		n++;
	if (d.nerrors != n) {
		fprintf(stderr, "for:\n%s\nwanted %zu errors, got:\n", text, n);
		dump_diag(&d);
	}
	assert_int_equal(r, -EINVAL);
	assert_null(p);
	assert_int_equal(d.nerrors, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(d.errors[i], want[i]);
	cs_diag_free(&d);
}

#define expect_errors(text, ...) \
	expect_errors_v((text), (const char *const[]){ __VA_ARGS__, NULL })

/* Loads text that must succeed with exactly these warnings. */
static inline struct cs_policy *expect_warnings_v(const char *text, const char *const *want)
{
	struct cs_policy *p = NULL;
	struct cs_diag d = { 0 };
	size_t n = 0;
	int r = cs_policy_load_buffer("t.conf", text, strlen(text), &p, &d);

	while (want[n])
		n++;
	if (r != 0 || d.nwarnings != n) {
		fprintf(stderr, "for:\n%s\nwanted %zu warnings, got:\n", text, n);
		dump_diag(&d);
	}
	assert_int_equal(r, 0);
	assert_int_equal(d.nerrors, 0);
	assert_int_equal(d.nwarnings, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(d.warnings[i], want[i]);
	cs_diag_free(&d);
	return p;
}

#define expect_warnings(text, ...) \
	expect_warnings_v((text), (const char *const[]){ __VA_ARGS__, NULL })

/* The one profile in a policy that must have it. */
static inline const struct cs_profile *must_profile(const struct cs_policy *p, const char *name)
{
	const struct cs_profile *pr = cs_policy_profile(p, name);

	if (!pr)
		fprintf(stderr, "no profile '%s'\n", name);
	assert_non_null(pr);
	return pr;
}

/* The rule a user with these group names matches (NULL: none), through
 * cs_policy_match and the list-backed membership test, which never fails. */
static inline const struct cs_rule *match_names(const struct cs_policy *p, uid_t uid,
						const char *user, const char *const *groups,
						size_t n)
{
	struct cs_group_names g = { groups, groups ? n : 0 };
	const struct cs_rule *r = (const struct cs_rule *)1;

	assert_int_equal(cs_policy_match(p, uid, user, cs_group_names_member, &g, &r), 0);
	return r;
}

/* "[profile x]\nKEY = VALUE\n" loaded; the caller frees. */
static inline struct cs_policy *load_one(const char *key, const char *value)
{
	char text[8192];

	snprintf(text, sizeof(text), "[profile x]\n%s = %s\n", key, value);
	return load_ok(text);
}

/* "[profile x]\nKEY = VALUE\n" must fail with this one message (without
 * the "t.conf:2: " prefix, added here). */
static inline void expect_bad_value(const char *key, const char *value, const char *msg)
{
	char text[8192], want[8192];

	snprintf(text, sizeof(text), "[profile x]\n%s = %s\n", key, value);
	snprintf(want, sizeof(want), "t.conf:2: %s", msg);
	expect_errors(text, want);
}

#endif
