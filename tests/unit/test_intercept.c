/* SPDX-License-Identifier: MIT */
/* The table of programs the helper stands in for (lib/intercept.c): round
 * trip, malformed tables refused, and which exe path names which program
 * (including the kernel's " (deleted)" once the helper was replaced). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "lib/intercept.h"

static void test_round_trip(void **state)
{
	struct cs_intercepts a = { .n = 2 }, b;
	char text[sizeof(a)];

	a.p[0] = (struct cs_intercept){ .dir = 0, .at = "/usr/bin/bash", .path = "/bin/bash" };
	a.p[1] = (struct cs_intercept){ .dir = 1, .at = "/usr/local/bin/sh", .path = "/usr/local/bin/sh" };
	assert_int_equal(cs_intercepts_format(&a, text, sizeof(text)), 0);
	assert_string_equal(text, "0\t/usr/bin/bash\t/bin/bash\n1\t/usr/local/bin/sh\t/usr/local/bin/sh\n");
	assert_int_equal(cs_intercepts_parse(text, &b), 0);
	assert_int_equal(b.n, 2);
	assert_int_equal(b.p[1].dir, 1);
	assert_string_equal(b.p[0].at, "/usr/bin/bash");
	assert_string_equal(b.p[0].path, "/bin/bash");
	assert_string_equal(cs_intercept_name(&b.p[1]), "sh");
	assert_int_equal(cs_intercepts_format(&a, text, 20), -ENOSPC);
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"",                                  /* no program */
		"0\t/usr/bin/bash\t/bin/bash",       /* no newline */
		"2\t/usr/bin/bash\t/bin/bash\n",     /* directory index out of range */
		"x\t/usr/bin/bash\t/bin/bash\n",
		"-1\t/usr/bin/bash\t/bin/bash\n",
		"0\tusr/bin/bash\t/bin/bash\n",      /* relative */
		"0\t/usr/bin/bash\tbash\n",
		"0\t/usr/bin/bash\n",                /* a field missing */
		"0\t/usr/bin/bash\t/bin/bash\tx\n",  /* one too many */
		"0\t/usr/bin/\t/bin/bash\n",         /* no name */
		"0\t/usr/bin/..\t/bin/bash\n",
		"0\t/a\t/a\n0\t/b\t/b\n0\t/c\t/c\n", /* more than two */
	};
	struct cs_intercepts ic;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (cs_intercepts_parse(bad[i], &ic) != -EINVAL)
			fail_msg("accepted: '%s'", bad[i]);
	}
}

static void test_find(void **state)
{
	struct cs_intercepts ic;

	assert_int_equal(cs_intercepts_parse("0\t/usr/bin/bash\t/bin/bash\n0\t/usr/bin/sh\t/bin/sh\n", &ic), 0);
	assert_ptr_equal(cs_intercepts_find(&ic, "/usr/bin/bash"), &ic.p[0]);
	assert_ptr_equal(cs_intercepts_find(&ic, "/usr/bin/sh"), &ic.p[1]);
	assert_ptr_equal(cs_intercepts_find(&ic, "/usr/bin/sh (deleted)"), &ic.p[1]);
	assert_null(cs_intercepts_find(&ic, "/usr/bin/bash2"));
	assert_null(cs_intercepts_find(&ic, "/usr/bin/bas"));
	assert_null(cs_intercepts_find(&ic, "/usr/bin/bash (deleted) "));
	assert_null(cs_intercepts_find(&ic, "/usr/local/libexec/containsession/containsession-helper"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
