/* SPDX-License-Identifier: MIT */
/* The error convention (lib/err.h): a negative errno, a message, and
 * context added in front on the way up. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/err.h"

static int inner(struct cs_err *err)
{
	return cs_err_set(err, ENOENT, "open %s", "/run/x");
}

static int middle(struct cs_err *err)
{
	int r = inner(err);

	return r < 0 ? cs_err_wrap(err, r, "registry entry %u", 1000u) : 0;
}

static void test_set(void **state)
{
	struct cs_err err = { 0 };

	(void)state;
	assert_int_equal(cs_err_set(&err, EACCES, "write %s", "f"), -EACCES);
	assert_string_equal(err.msg, "write f: Permission denied");
	/* errnum 0: a failure all the same, without strerror. */
	assert_int_equal(cs_err_set(&err, 0, "corrupt"), -EIO);
	assert_string_equal(err.msg, "corrupt");
	assert_int_equal(cs_err_set(NULL, EPERM, "x"), -EPERM);
}

static void test_wrap(void **state)
{
	struct cs_err err = { 0 };

	(void)state;
	/* The errno comes up unchanged; each level adds its context. */
	assert_int_equal(cs_err_wrap(&err, middle(&err), "sandbox of %s", "alice"), -ENOENT);
	assert_string_equal(err.msg,
			    "sandbox of alice: registry entry 1000: open /run/x: No such file or directory");
	/* Nothing said yet: the context alone. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(cs_err_wrap(&err, -EINVAL, "bad"), -EINVAL);
	assert_string_equal(err.msg, "bad");
	/* Not a failure passed in: still reported as one. */
	assert_int_equal(cs_err_wrap(&err, 0, "ctx"), -EIO);
	assert_int_equal(cs_err_wrap(NULL, -EPERM, "ctx"), -EPERM);
}

static void test_wrap_cut(void **state)
{
	struct cs_err err = { 0 };
	char big[600];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cs_err_set(&err, 0, "%s", big);
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
	assert_int_equal(cs_err_wrap(&err, -E2BIG, "ctx"), -E2BIG);
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
	assert_memory_equal(err.msg, "ctx: aaa", 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_wrap_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
