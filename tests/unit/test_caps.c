/* SPDX-License-Identifier: MIT */
/*
 * The shell's capabilities as the helper sets them (helper/caps.c), in a
 * child that has just made a user namespace of its own and so holds every
 * capability there, as the helper's shell child does after joining: each
 * caps setting leaves exactly its set in the bounding, effective,
 * permitted and inheritable sets, as the kernel reports them in
 * /proc/self/status, for every capability this kernel knows (read from
 * cap_last_cap here, which the helper no longer reads).
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "helper/caps.c"
#include "tests/unit/child.h"

static uint64_t status_mask(const char *key)
{
	char line[256];
	uint64_t v = UINT64_MAX;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return v;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
			v = strtoull(line + strlen(key) + 1, NULL, 16);
	fclose(f);
	return v;
}

static uint64_t known_caps(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	int last = -1;

	if (!f || fscanf(f, "%d", &last) != 1)
		last = -1;
	if (f)
		fclose(f);
	return last < 0 ? 0 : last >= 63 ? UINT64_MAX : (1ULL << (last + 1)) - 1;
}

struct applied_arg {
	int caps;
	uint64_t list, want;
};

/* In the child: make a user namespace of its own, apply, then compare each
 * set with want. Returns 0, or which set differed (1-4), 10+ on setup. */
static int applied_child(const void *arg)
{
	const struct applied_arg *a = arg;
	struct cs_session_info si = { .caps = a->caps, .caps_list = a->list };
	static const char *const sets[] = { "CapBnd", "CapEff", "CapPrm", "CapInh" };

	if (unshare(CLONE_NEWUSER) < 0)
		return 10;
	if (status_mask("CapEff") != known_caps())
		return 11;
	if (cs_caps_apply(&si) < 0)
		return 12;
	for (int i = 0; i < 4; i++) {
		/* caps = all touches nothing: the inheritable set
		 * stays as it was, empty. */
		uint64_t w = (a->caps == CS_CAPS_ALL && i == 3) ? 0 : a->want;
		if (status_mask(sets[i]) != w)
			return 1 + i;
	}
	return 0;
}

static int applied(int caps, uint64_t list, uint64_t want)
{
	struct applied_arg a = { .caps = caps, .list = list, .want = want };

	return run_in_child(applied_child, &a);
}

static void test_default(void **state)
{
	(void)state;
	assert_int_equal(applied(CS_CAPS_DEFAULT, 0, cs_caps_default_mask() & known_caps()), 0);
}

static void test_none(void **state)
{
	(void)state;
	assert_int_equal(applied(CS_CAPS_NONE, 0, 0), 0);
}

static void test_all(void **state)
{
	(void)state;
	assert_int_equal(applied(CS_CAPS_ALL, 0, known_caps()), 0);
}

/* A list naming a capability this kernel does not know (bit 62): the
 * known ones are kept, the unknown one cannot be held and is absent. */
static void test_list(void **state)
{
	uint64_t list = (1ULL << CAP_KILL) | (1ULL << CAP_NET_BIND_SERVICE) | (1ULL << 62);

	(void)state;
	assert_int_equal(applied(CS_CAPS_LIST, list, list & known_caps()), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_all),
		cmocka_unit_test(test_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
