/* SPDX-License-Identifier: MIT */
/* Rules: parsing, warnings, and which rule a login matches. Also the size
 * the policy must handle quickly (10,000 rules, 1,000 profiles). */
#include <time.h>

#include "tests/unit/policy_test.h"

static const char base[] =
	"[profile p]\n"       /* 1 */
	"[profile q]\n"       /* 2 */
	"[rules]\n"           /* 3 */
	"alice = q\n"         /* 4 */
	"@staff = off\n"      /* 5 */
	"@dev = p\n"          /* 6 */
	"bob = off\n"         /* 7 */
	"* = p\n";            /* 8 */

static const struct cs_rule *m(const struct cs_policy *p, uid_t uid, const char *user,
			       const char *const *groups, size_t n)
{
	return match_names(p, uid, user, groups, n);
}

static void test_rules_parsed(void **state)
{
	struct cs_policy *p = load_ok(base);

	assert_int_equal(p->nrules, 5);
	assert_string_equal(p->rules[0].pattern, "alice");
	assert_false(p->rules[0].is_group);
	assert_false(p->rules[0].is_any);
	assert_string_equal(p->rules[0].profile, "q");
	assert_string_equal(p->rules[0].file, "t.conf");
	assert_int_equal(p->rules[0].line, 4);
	assert_string_equal(p->rules[1].pattern, "staff");
	assert_true(p->rules[1].is_group);
	assert_null(p->rules[1].profile);
	assert_true(p->rules[4].is_any);
	assert_string_equal(p->rules[4].pattern, "*");
	assert_int_equal(p->rules[4].line, 8);
	cs_policy_free(p);
}

static void test_first_match_wins(void **state)
{
	struct cs_policy *p = load_ok(base);
	const char *dev[] = { "users", "dev" };
	const char *both[] = { "dev", "staff" };
	const struct cs_rule *r;

	/* The user's own rule comes before any group's. */
	r = m(p, 1000, "alice", both, 2);
	assert_non_null(r);
	assert_int_equal(r->line, 4);
	assert_string_equal(r->profile, "q");
	/* @staff (line 5) comes before @dev (line 6), whatever the order of
	 * the user's groups. */
	r = m(p, 1001, "carol", both, 2);
	assert_int_equal(r->line, 5);
	assert_null(r->profile);
	r = m(p, 1001, "carol", dev, 2);
	assert_int_equal(r->line, 6);
	assert_string_equal(r->profile, "p");
	/* Off by name. */
	r = m(p, 1002, "bob", NULL, 0);
	assert_int_equal(r->line, 7);
	assert_null(r->profile);
	/* Everyone else: '*'. */
	r = m(p, 1003, "dave", NULL, 0);
	assert_int_equal(r->line, 8);
	assert_true(r->is_any);
	cs_policy_free(p);
}

static void test_root_never(void **state)
{
	struct cs_policy *p = load_ok("[profile p]\n[rules]\nroot = p\n@root = p\n* = p\n");
	const char *g[] = { "root" };

	assert_null(m(p, 0, "root", g, 1));
	assert_null(m(p, 0, "anyone", NULL, 0));
	/* The same name with another uid is just a name. */
	assert_non_null(m(p, 1000, "root", g, 1));
	cs_policy_free(p);
}

static void test_no_match(void **state)
{
	struct cs_policy *p = load_ok("[profile p]\n[rules]\nalice = p\n@dev = p\n");
	const char *g[] = { "alice", "developers", "de" };

	assert_null(m(p, 1000, "bob", NULL, 0));
	/* A group named like a user rule is not that user, and vice versa. */
	assert_null(m(p, 1000, "dev", g, 3));
	assert_null(m(p, 1000, "Alice", NULL, 0));
	assert_null(m(p, 1000, NULL, NULL, 0));
	assert_null(m(NULL, 1000, "alice", NULL, 0));
	cs_policy_free(p);

	/* No rules at all: nobody is sandboxed. */
	p = load_ok("[profile p]\n");
	assert_null(m(p, 1000, "alice", NULL, 0));
	cs_policy_free(p);
}

/* The whole group list counts, not only the primary group, wherever the
 * group stands in it. */
static void test_group_list(void **state)
{
	struct cs_policy *p = load_ok("[profile p]\n[profile q]\n[rules]\n@wheel = q\n@g7 = p\n");
	const char *groups[40];
	char names[40][8];
	const struct cs_rule *r;

	for (int i = 0; i < 40; i++) {
		snprintf(names[i], sizeof(names[i]), "g%d", i + 10);
		groups[i] = names[i];
	}
	for (size_t n = 1; n <= 40; n++) {
		assert_null(m(p, 1000, "u", groups, n));
		/* wheel at the end of n groups. */
		const char *saved = groups[n - 1];
		groups[n - 1] = "wheel";
		r = m(p, 1000, "u", groups, n);
		assert_non_null(r);
		assert_string_equal(r->profile, "q");
		/* g7 anywhere, wheel too: the earlier rule wins. */
		groups[0] = n > 1 ? "g7" : groups[0];
		r = m(p, 1000, "u", groups, n);
		assert_string_equal(r->profile, "q");
		groups[n - 1] = saved;
		if (n > 1) {
			r = m(p, 1000, "u", groups, n);
			assert_string_equal(r->profile, "p");
		}
		groups[0] = names[0];
	}
	/* NULL entries in the list are skipped. */
	const char *holes[] = { NULL, "x", NULL, "y", "z", "w", NULL, "g7" };
	r = m(p, 1000, "u", holes, 8);
	assert_non_null(r);
	assert_string_equal(r->profile, "p");
	r = m(p, 1000, "u", holes, 3);
	assert_null(r);
	cs_policy_free(p);
}

/* Stands in for the group database: "down" cannot be answered (err),
 * "in" is a group the user is in; counts what it was asked. */
struct fake_db {
	int err;
	int calls;
	const char *asked[8];
};

static int fake_member(void *ctx, const char *group)
{
	struct fake_db *db = ctx;

	if (db->calls < 8)
		db->asked[db->calls] = group;
	db->calls++;
	if (!strcmp(group, "down"))
		return db->err;
	return !strcmp(group, "in");
}

/* A group that cannot be looked up ends the match at its rule with the
 * error: the rules after it (a laxer profile, "off", or none at all) are
 * never reached, so an NSS outage cannot hand out less than the policy
 * says. Only @group rules are asked about, in order. */
static void test_member_error_stops(void **state)
{
	struct cs_policy *p = load_ok("[profile strict]\n[profile lax]\n[rules]\n"
				      "alice = lax\n@down = strict\n@in = off\n* = lax\n");
	struct fake_db db = { .err = -ENOENT };
	const struct cs_rule *r = NULL;

	assert_int_equal(cs_policy_match(p, 1000, "bob", fake_member, &db, &r), -ENOENT);
	assert_non_null(r);
	assert_int_equal(r->line, 5);
	assert_int_equal(db.calls, 1);
	db = (struct fake_db){ .err = -EIO };
	assert_int_equal(cs_policy_match(p, 1000, "bob", fake_member, &db, &r), -EIO);
	assert_int_equal(r->line, 5);
	/* A rule by name before it: no lookup at all. */
	db = (struct fake_db){ .err = -EIO };
	assert_int_equal(cs_policy_match(p, 1000, "alice", fake_member, &db, &r), 0);
	assert_int_equal(r->line, 4);
	assert_int_equal(db.calls, 0);
	/* Root: never matched, never looked up. */
	assert_int_equal(cs_policy_match(p, 0, "root", fake_member, &db, &r), 0);
	assert_null(r);
	assert_int_equal(db.calls, 0);
	/* Answered: the match goes on in order. */
	db = (struct fake_db){ .err = 0 };
	assert_int_equal(cs_policy_match(p, 1000, "bob", fake_member, &db, &r), 0);
	assert_int_equal(r->line, 6);
	assert_int_equal(db.calls, 2);
	assert_string_equal(db.asked[0], "down");
	assert_string_equal(db.asked[1], "in");
	cs_policy_free(p);

	/* The finding's own shape: "@down = strict" and no other rule. */
	p = load_ok("[profile strict]\n[rules]\n@down = strict\n");
	db = (struct fake_db){ .err = -ENOENT };
	assert_int_equal(cs_policy_match(p, 1000, "bob", fake_member, &db, &r), -ENOENT);
	assert_int_equal(r->line, 3);
	cs_policy_free(p);
}

static void test_rule_patterns(void **state)
{
	char text[256];
	struct cs_policy *p;

	p = load_ok("[profile p]\n[rules]\nmachine$ = p\n_svc-1.x = p\n@a_b.c-d = p\n"
		    "abcdefghijklmnopqrstuvwxyz012345 = p\n-x = p\n@-g = p\n");
	assert_int_equal(p->nrules, 6);
	assert_string_equal(p->rules[0].pattern, "machine$");
	assert_non_null(m(p, 1000, "machine$", NULL, 0));
	cs_policy_free(p);

	static const char *const bad[] = {
		"al ice", "@", "$x", "abcdefghijklmnopqrstuvwxyz0123456", "x*", "@@g", "**",
		"a/b", "a:b", "@g$x:",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[256];
		snprintf(text, sizeof(text), "[profile p]\n[rules]\n%s = p\n", bad[i]);
		snprintf(want, sizeof(want),
			 "t.conf:3: invalid pattern '%s': a user name, @group or *", bad[i]);
		expect_errors(text, want);
	}
	expect_errors("[rules]\nalice =\n", "t.conf:2: empty value for rule 'alice'");
	expect_errors("[rules]\nalice\n", "t.conf:2: missing '=' in 'alice'");
}

static void test_rule_unknown_profile(void **state)
{
	expect_errors(
		"[profile p]\n"         /* 1 */
		"[rules]\n"             /* 2 */
		"alice = nope\n"        /* 3 */
		"@staff = P\n"          /* 4 */
		"* = p\n"               /* 5 */
		"bob = strict\n",       /* 6 */
		"t.conf:3: rule for 'alice' names unknown profile 'nope'",
		"t.conf:4: rule for '@staff' names unknown profile 'P'",
		"t.conf:6: rule for 'bob' names unknown profile 'strict'");
}

/* Rules keep policy order across [rules] sections, and may name profiles
 * defined after them. */
static void test_rule_order(void **state)
{
	struct cs_policy *p = load_ok(
		"[rules]\n"
		"a = later\n"
		"[profile later]\n"
		"[rules]\n"
		"b = off\n"
		"[global]\n"
		"[rules]\n"
		"c = later\n");

	assert_int_equal(p->nrules, 3);
	assert_string_equal(p->rules[0].pattern, "a");
	assert_string_equal(p->rules[1].pattern, "b");
	assert_string_equal(p->rules[2].pattern, "c");
	assert_int_equal(p->rules[2].line, 8);
	assert_non_null(cs_policy_profile(p, p->rules[0].profile));
	cs_policy_free(p);
}

static void test_warnings(void **state)
{
	struct cs_policy *p = expect_warnings(
		"[profile p]\n"         /* 1 */
		"[rules]\n"             /* 2 */
		"alice = p\n"           /* 3 */
		"@alice = off\n"        /* 4: a group, not the same pattern */
		"alice = off\n"         /* 5: same pattern as 3 */
		"@alice = p\n"          /* 6: same pattern as 4 */
		"* = p\n"               /* 7 */
		"bob = off\n"           /* 8: after '*' */
		"[rules]\n"             /* 9 */
		"* = off\n",            /* 10: after '*' too */
		"t.conf:5: rule for 'alice' can never match: same pattern as the rule at t.conf:3",
		"t.conf:6: rule for '@alice' can never match: same pattern as the rule at t.conf:4",
		"t.conf:8: rule for 'bob' can never match: shadowed by '*' at t.conf:7",
		"t.conf:10: rule for '*' can never match: shadowed by '*' at t.conf:7");
	const struct cs_rule *r = m(p, 1000, "alice", NULL, 0);

	/* The first of the duplicates is the one that applies. */
	assert_int_equal(r->line, 3);
	r = m(p, 1000, "bob", NULL, 0);
	assert_int_equal(r->line, 7);
	cs_policy_free(p);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 10,000 rules over 1,000 profiles with inherit chains. The bounds are
 * loose (ASan and slow CI machines); they are there to catch a quadratic
 * algorithm, which would take seconds here. */
static void test_large_policy(void **state)
{
	const int nprof = 1000, nrules = 10000;
	size_t cap = 2 * 1024 * 1024, n = 0;
	char *text = malloc(cap);
	struct fake_db db = { 0 };
	struct cs_policy *p;
	double t0, t_load, t_match;
	const struct cs_rule *r = NULL;

	assert_non_null(text);
	for (int i = 0; i < nprof; i++) {
		n += (size_t)snprintf(text + n, cap - n, "[profile prof%04d]\n", i);
		if (i)
			n += (size_t)snprintf(text + n, cap - n, "inherit = prof%04d\n", (i * 7) % i);
		n += (size_t)snprintf(text + n, cap - n, "memory.max = %dM\npids.max = %d\n",
				      100 + i, 10 + i);
	}
	n += (size_t)snprintf(text + n, cap - n, "[rules]\n");
	for (int i = 0; i < nrules; i++)
		n += (size_t)snprintf(text + n, cap - n, "%suser%05d = prof%04d\n",
				      i % 3 ? "" : "@", i, i % nprof);
	assert_true(n < cap - 1);

	/* Best of three: the first also pays for faulting in fresh memory. */
	t_load = 1e9;
	for (int i = 0; i < 3; i++) {
		t0 = now();
		p = load_ok(text);
		if (now() - t0 < t_load)
			t_load = now() - t0;
		if (i < 2)
			cs_policy_free(p);
	}
	assert_int_equal(p->nprofiles, nprof);
	assert_int_equal(p->nrules, nrules);

	/* Worst case: no rule matches, so every @group rule is asked about
	 * (the matcher's own cost: at a login each is a getgrnam_r). */
	t0 = now();
	for (int i = 0; i < 100; i++)
		assert_int_equal(cs_policy_match(p, 1000, "nobody-here", fake_member, &db, &r), 0);
	t_match = (now() - t0) / 100;
	assert_null(r);
	assert_int_equal(db.calls, 100 * ((nrules + 2) / 3));
	/* The last rule, by group. */
	const char *last[] = { "user09999" };
	r = m(p, 1000, "x", last, 1);
	assert_non_null(r);
	/* 4 lines a profile (3 for the first), [rules], then one a rule. */
	assert_int_equal(r->line, (unsigned)(nprof * 4 - 1 + 1 + nrules));
	assert_non_null(cs_policy_profile(p, r->profile));

	print_message("load %.2f ms, match %.3f ms (10,000 rules, 1,000 profiles)\n",
		      t_load * 1e3, t_match * 1e3);
	assert_true(t_load < 2.0);
	assert_true(t_match < 0.05);
	cs_policy_free(p);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_parsed),
		cmocka_unit_test(test_first_match_wins),
		cmocka_unit_test(test_root_never),
		cmocka_unit_test(test_no_match),
		cmocka_unit_test(test_group_list),
		cmocka_unit_test(test_member_error_stops),
		cmocka_unit_test(test_rule_patterns),
		cmocka_unit_test(test_rule_unknown_profile),
		cmocka_unit_test(test_rule_order),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_large_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
