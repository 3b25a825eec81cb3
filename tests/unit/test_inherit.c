/* SPDX-License-Identifier: MIT */
/* inherit: chains, overrides, where each value came from, unknown parents,
 * cycles, and chains deep enough that recursion would hurt. */
#include <errno.h>

#include "tests/unit/policy_test.h"

#define M (1ULL << 20)

static void test_multi_level(void **state)
{
	struct cs_policy *p = load_ok(
		"[profile c]\n"            /* 1: defined before its parents */
		"inherit = b\n"            /* 2 */
		"pids.max = 10\n"          /* 3 */
		"[profile a]\n"            /* 4 */
		"memory.max = 1G\n"        /* 5 */
		"pids.max = 100\n"         /* 6 */
		"hostname = a-%u\n"        /* 7 */
		"capabilities = chown\n"   /* 8 */
		"[profile b]\n"            /* 9 */
		"inherit = a\n"            /* 10 */
		"memory.max = 512M\n"      /* 11 */
		"network = none\n");       /* 12 */
	const struct cs_profile *a = must_profile(p, "a"), *b = must_profile(p, "b"),
				*c = must_profile(p, "c");

	/* c: own pids.max; memory.max and network from b; hostname and
	 * capabilities from a (through b); the rest built in. */
	assert_true(c->pids_max == 10);
	assert_true(c->memory_max == 512 * M);
	assert_int_equal(c->network, CS_NET_NONE);
	assert_string_equal(c->hostname, "a-%u");
	assert_int_equal(c->caps, CS_CAPS_LIST);
	assert_true(c->caps_list == 1);
	assert_int_equal(c->home, CS_HOME_OVERLAY);

	assert_true(c->set[CS_K_PIDS_MAX]);
	assert_string_equal(c->origin[CS_K_PIDS_MAX].profile, "c");
	assert_int_equal(c->origin[CS_K_PIDS_MAX].line, 3);
	assert_true(c->set[CS_K_MEMORY_MAX]);
	assert_string_equal(c->origin[CS_K_MEMORY_MAX].profile, "b");
	assert_string_equal(c->origin[CS_K_MEMORY_MAX].file, "t.conf");
	assert_int_equal(c->origin[CS_K_MEMORY_MAX].line, 11);
	assert_true(c->set[CS_K_HOSTNAME]);
	assert_string_equal(c->origin[CS_K_HOSTNAME].profile, "a");
	assert_int_equal(c->origin[CS_K_HOSTNAME].line, 7);
	assert_string_equal(c->origin[CS_K_CAPABILITIES].profile, "a");
	assert_int_equal(c->origin[CS_K_CAPABILITIES].line, 8);
	assert_false(c->set[CS_K_HOME]);
	assert_null(c->origin[CS_K_HOME].file);
	assert_null(c->origin[CS_K_HOME].profile);
	assert_false(c->set[CS_K_CPU_MAX]);

	/* inherit is each profile's own. */
	assert_string_equal(c->inherit, "b");
	assert_int_equal(c->origin[CS_K_INHERIT].line, 2);
	assert_string_equal(b->inherit, "a");
	assert_null(a->inherit);
	assert_false(a->set[CS_K_INHERIT]);

	/* b sits between: its own memory.max, a's pids.max. */
	assert_true(b->memory_max == 512 * M);
	assert_true(b->pids_max == 100);
	assert_string_equal(b->origin[CS_K_PIDS_MAX].profile, "a");
	/* The parent is untouched by its children. */
	assert_true(a->memory_max == 1024 * M);
	assert_int_equal(a->network, CS_NET_HOST);
	cs_policy_free(p);
}

/* A child can set a key back to the built-in value explicitly; then it is
 * set, and the parent's value does not leak through. */
static void test_override_with_default(void **state)
{
	struct cs_policy *p = load_ok(
		"[profile a]\nmemory.max = 1G\ncpu.max = 50%\n"
		"[profile b]\ninherit = a\nmemory.max = max\ncpu.max = max\n");
	const struct cs_profile *b = must_profile(p, "b");

	assert_true(b->memory_max == CS_UNLIMITED);
	assert_true(b->set[CS_K_MEMORY_MAX]);
	assert_string_equal(b->origin[CS_K_MEMORY_MAX].profile, "b");
	assert_true(b->cpu_quota_us == CS_UNLIMITED);
	assert_int_equal(b->cpu_period_us, 100000);
	cs_policy_free(p);
}

static void test_unknown_parent(void **state)
{
	expect_errors("[profile a]\nhome = bind\ninherit = nope\n",
		      "t.conf:3: unknown profile 'nope' in inherit");
	expect_errors("[profile a]\ninherit = off\n",
		      "t.conf:2: unknown profile 'off' in inherit");
	/* Case matters. */
	expect_errors("[profile Base]\n[profile a]\ninherit = base\n",
		      "t.conf:3: unknown profile 'base' in inherit");
}

static void test_cycles(void **state)
{
	expect_errors("[profile a]\ninherit = a\n", "t.conf:2: inherit cycle: a -> a");
	expect_errors(
		"[profile a]\n"     /* 1 */
		"inherit = b\n"     /* 2 */
		"[profile b]\n"     /* 3 */
		"home = bind\n"     /* 4 */
		"inherit = a\n",    /* 5: closes it */
		"t.conf:5: inherit cycle: a -> b -> a");
	expect_errors(
		"[profile x]\ninherit = y\n"         /* 1-2 */
		"[profile y]\ninherit = z\n"         /* 3-4 */
		"[profile z]\ninherit = x\n",        /* 5-6 */
		"t.conf:6: inherit cycle: x -> y -> z -> x");
	/* Reached from outside the cycle: the cycle is named from where it
	 * starts, and the profile leading into it is not part of it. */
	expect_errors(
		"[profile c]\ninherit = a\n"         /* 1-2 */
		"[profile a]\ninherit = b\n"         /* 3-4 */
		"[profile b]\ninherit = a\n",        /* 5-6 */
		"t.conf:6: inherit cycle: a -> b -> a");
	/* Two separate cycles: two errors. */
	expect_errors(
		"[profile a]\ninherit = a\n"
		"[profile b]\ninherit = c\n"
		"[profile c]\ninherit = b\n",
		"t.conf:2: inherit cycle: a -> a",
		"t.conf:6: inherit cycle: b -> c -> b");
}

/* A chain far deeper than any real policy: resolved without recursion,
 * and the last profile gets the root's values. */
static void test_deep_chain(void **state)
{
	const int depth = 5000;
	size_t cap = (size_t)depth * 48, n = 0;
	char *text = malloc(cap);
	struct cs_policy *p;

	assert_non_null(text);
	/* Children first, so each lookup goes forward. */
	for (int i = depth - 1; i > 0; i--)
		n += (size_t)snprintf(text + n, cap - n, "[profile p%d]\ninherit = p%d\n", i, i - 1);
	n += (size_t)snprintf(text + n, cap - n, "[profile p0]\npids.max = 7\n");
	p = load_ok(text);
	assert_int_equal(p->nprofiles, depth);
	char last[16];
	snprintf(last, sizeof(last), "p%d", depth - 1);
	const struct cs_profile *l = must_profile(p, last);
	assert_true(l->pids_max == 7);
	assert_string_equal(l->origin[CS_K_PIDS_MAX].profile, "p0");
	cs_policy_free(p);

	/* The same chain closed into a cycle. */
	n = 0;
	for (int i = depth - 1; i > 0; i--)
		n += (size_t)snprintf(text + n, cap - n, "[profile p%d]\ninherit = p%d\n", i, i - 1);
	snprintf(text + n, cap - n, "[profile p0]\ninherit = p%d\n", depth - 1);
	struct cs_diag d = { 0 };
	assert_int_equal(cs_policy_load_buffer("t.conf", text, strlen(text), &p, &d), -EINVAL);
	assert_int_equal(d.nerrors, 1);
	assert_true(strstr(d.errors[0], ": inherit cycle: p4999 -> p4998 -> ") != NULL);
	cs_diag_free(&d);
	free(text);
}

static void test_inherit_hostname_copies(void **state)
{
	/* Children hold copies of the parent's strings: each is freed once
	 * (ASan would catch a double free or a leak). */
	struct cs_policy *p = load_ok(
		"[profile a]\nhostname = h-%u\n"
		"[profile b]\ninherit = a\n"
		"[profile c]\ninherit = a\n"
		"[profile d]\ninherit = c\nhostname = d-%h\n");

	assert_string_equal(must_profile(p, "b")->hostname, "h-%u");
	assert_string_equal(must_profile(p, "c")->hostname, "h-%u");
	assert_true(must_profile(p, "b")->hostname != must_profile(p, "a")->hostname);
	assert_string_equal(must_profile(p, "d")->hostname, "d-%h");
	cs_policy_free(p);
}

/* Errors in one profile do not stop its children being checked. */
static void test_errors_in_chain(void **state)
{
	expect_errors(
		"[profile a]\n"         /* 1 */
		"inherit = missing\n"   /* 2 */
		"[profile b]\n"         /* 3 */
		"inherit = a\n"         /* 4 */
		"home = nope\n",        /* 5 */
		"t.conf:2: unknown profile 'missing' in inherit",
		"t.conf:5: invalid value 'nope' for home: overlay | overlay-tmpfs | bind | tmpfs");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multi_level),
		cmocka_unit_test(test_override_with_default),
		cmocka_unit_test(test_unknown_parent),
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_deep_chain),
		cmocka_unit_test(test_inherit_hostname_copies),
		cmocka_unit_test(test_errors_in_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
