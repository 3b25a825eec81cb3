/* SPDX-License-Identifier: MIT */
/*
 * lib/root/usermatch.c: the rule for a login, with each group a rule names
 * asked of NSS by name. getgrnam_r is replaced below (the test binary's
 * definition wins over libc's for the library code linked into it), so an
 * NSS source that is down, fails, or answers a big entry can be played.
 */
#include <errno.h>
#include <grp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/root/user.h"
#include "tests/unit/policy_test.h"

static char *staff_mem[] = { "alice", NULL };
static char *no_mem[] = { NULL };

/* What the fake NSS knows. "down" and "broken" are the groups of a source
 * that is unreachable (glibc: no such group) or fails (an errno). */
static const struct fake_group {
	const char *name;
	gid_t gid;
	char **mem;
	int err;    /* returned as is */
	size_t need; /* ERANGE below this many bytes */
} fake_groups[] = {
	{ "staff", 5000, staff_mem, 0, 0 },
	{ "dev", 5001, no_mem, 0, 0 },
	{ "big", 5002, no_mem, 0, 100000 },
	{ "broken", 0, NULL, EIO, 0 },
};

static int lookups;
static char looked_up[8][32];

int getgrnam_r(const char *name, struct group *gr, char *buf, size_t len, struct group **res)
{
	if (lookups < 8)
		snprintf(looked_up[lookups], sizeof(looked_up[0]), "%s", name);
	lookups++;
	*res = NULL;
	for (size_t i = 0; i < sizeof(fake_groups) / sizeof(fake_groups[0]); i++) {
		const struct fake_group *f = &fake_groups[i];

		if (strcmp(f->name, name))
			continue;
		if (f->err)
			return f->err;
		if (len < f->need)
			return ERANGE;
		memset(gr, 0, sizeof(*gr));
		gr->gr_name = (char *)f->name;
		gr->gr_passwd = buf;
		gr->gr_gid = f->gid;
		gr->gr_mem = f->mem;
		*res = gr;
		return 0;
	}
	return 0; /* not found: what glibc says for a source that is down, too */
}

static gid_t own_gids[] = { 1000 };
static gid_t dev_gids[] = { 1000, 5001 };

static const struct cs_user alice = { .name = "alice", .uid = 1000, .gid = 1000,
				      .gids = own_gids, .ngids = 1 };
static const struct cs_user bob = { .name = "bob", .uid = 1001, .gid = 1000,
				    .gids = dev_gids, .ngids = 2 };
static const struct cs_user carol = { .name = "carol", .uid = 1002, .gid = 5001,
				      .gids = own_gids, .ngids = 1 };

static const struct cs_rule *must_match(const struct cs_policy *p, const struct cs_user *u)
{
	const struct cs_rule *r = (const struct cs_rule *)1;
	struct cs_err err = { "" };

	lookups = 0;
	assert_int_equal(cs_user_match(p, u, &r, &err), 0);
	return r;
}

static void must_refuse(const struct cs_policy *p, const struct cs_user *u, int want,
			unsigned line, const char *msg)
{
	const struct cs_rule *r = NULL;
	struct cs_err err = { "" };

	lookups = 0;
	assert_int_equal(cs_user_match(p, u, &r, &err), want);
	assert_non_null(r);
	assert_true(r->is_group);
	assert_int_equal(r->line, line);
	if (!strstr(err.msg, msg))
		fprintf(stderr, "message: %s\n", err.msg);
	assert_non_null(strstr(err.msg, msg));
}

/* Member through the entry's member list, the gid list or the primary
 * gid: the getgrouplist answer need not hold the group (alice's does not
 * hold staff's gid), the entry looked up by name decides too. */
static void test_member_three_ways(void **state)
{
	struct cs_policy *p = load_ok("[profile p]\n[rules]\n@staff = p\n@dev = p\n");

	assert_int_equal(must_match(p, &alice)->line, 3);
	assert_int_equal(lookups, 1);
	assert_int_equal(must_match(p, &bob)->line, 4);
	assert_int_equal(lookups, 2);
	assert_int_equal(must_match(p, &carol)->line, 4);
	cs_policy_free(p);

	p = load_ok("[profile p]\n[rules]\n@dev = p\n");
	assert_null(must_match(p, &alice));
	cs_policy_free(p);
}

/* The review finding: a directory group whose source is down. Before,
 * getgrouplist's short list made "@down = strict" miss and "* = off" or
 * nothing match; now the login is refused at that rule. */
static void test_group_down_refuses(void **state)
{
	struct cs_policy *p = load_ok("[profile strict]\n[profile lax]\n[rules]\n"
				      "@down = strict\n* = lax\n");

	must_refuse(p, &alice, -ENOENT, 4,
		    "t.conf:4: rule '@down': NSS has no group 'down' (no such group, "
		    "or its source is down), so it cannot tell whether alice is in it");
	cs_policy_free(p);

	p = load_ok("[profile p]\n[rules]\n@down = p\n");
	must_refuse(p, &bob, -ENOENT, 3, "no group 'down'");
	cs_policy_free(p);

	p = load_ok("[profile p]\n[rules]\n@dev = off\n@broken = p\n* = p\n");
	must_refuse(p, &alice, -EIO, 4, "t.conf:4: rule '@broken': look up group 'broken': ");
	/* bob is matched by @dev first: the broken group is never asked. */
	assert_null(must_match(p, &bob)->profile);
	assert_int_equal(lookups, 1);
	cs_policy_free(p);
}

/* Only the @group rules reached are looked up: none for a rule by name or
 * '*', none after the rule that applies, none for root. */
static void test_lookups_only_where_needed(void **state)
{
	struct cs_policy *p = load_ok("[profile p]\n[rules]\n"
				      "alice = p\n@dev = p\n@staff = off\nerin = p\n@down = p\n* = p\n");
	const struct cs_user root = { .name = "root", .uid = 0, .gid = 0 };
	const struct cs_user erin = { .name = "erin", .uid = 1003, .gid = 1003,
				      .gids = own_gids, .ngids = 1 };

	assert_int_equal(must_match(p, &alice)->line, 3);
	assert_int_equal(lookups, 0);
	assert_int_equal(must_match(p, &erin)->line, 6);
	assert_int_equal(lookups, 2);
	assert_string_equal(looked_up[0], "dev");
	assert_string_equal(looked_up[1], "staff");
	assert_null(must_match(p, &root));
	assert_int_equal(lookups, 0);
	cs_policy_free(p);
}

/* An entry larger than the first buffer is grown into, not taken for a
 * failure or a missing group. */
static void test_big_entry(void **state)
{
	struct cs_policy *p = load_ok("[profile p]\n[rules]\n@big = p\n");
	struct cs_user dave = { .name = "dave", .uid = 1004, .gid = 5002 };

	assert_int_equal(must_match(p, &dave)->line, 3);
	assert_true(lookups > 1);
	cs_policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_member_three_ways),
		cmocka_unit_test(test_group_down_refuses),
		cmocka_unit_test(test_lookups_only_where_needed),
		cmocka_unit_test(test_big_entry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
