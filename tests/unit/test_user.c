/* SPDX-License-Identifier: MIT */
/* lib/root/user.c's pure parts: the NSS buffer that grows on ERANGE (and fails
 * on every other error), and the check that keeps control characters from
 * NSS out of the registry and the logs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/root/user.h"

/* Stands in for getgrgid_r: needs `need` bytes, says ERANGE below that,
 * or fails with `fail` once `fail_at` calls were made. */
struct fake {
	size_t need;
	int fail, fail_at;
	int calls;
	size_t last_len;
};

static int fake_fn(void *ctx, char *buf, size_t len)
{
	struct fake *f = ctx;

	f->calls++;
	f->last_len = len;
	if (f->fail && f->calls >= f->fail_at)
		return f->fail;
	if (len < f->need)
		return ERANGE;
	memset(buf, 'x', f->need);
	return 0;
}

static void test_grow_big_group(void **state)
{
	/* A 3,000-member group's entry: far more than 16 KiB. */
	struct fake f = { .need = 3000 * 24 };
	char *buf = NULL;

	assert_int_equal(cs_nss_grow(fake_fn, &f, 16384, &buf), 0);
	assert_non_null(buf);
	assert_true(f.last_len >= f.need);
	assert_int_equal(f.calls, 4); /* 16K, 32K, 64K, 128K */
	assert_int_equal(buf[f.need - 1], 'x');
	free(buf);
}

static void test_grow_error_is_error(void **state)
{
	/* An NSS source that is down: an error, never "no such group". */
	struct fake f = { .need = 1 << 20, .fail = EIO, .fail_at = 2 };
	char *buf = (char *)&f;

	assert_int_equal(cs_nss_grow(fake_fn, &f, 1024, &buf), -EIO);
	assert_null(buf);
	assert_int_equal(f.calls, 2);
}

static void test_grow_is_bounded(void **state)
{
	struct fake f = { .need = (size_t)CS_NSS_BUF_MAX + 1 };
	char *buf = NULL;

	assert_int_equal(cs_nss_grow(fake_fn, &f, 1000, &buf), -ERANGE);
	assert_null(buf);
	assert_int_equal(f.last_len, CS_NSS_BUF_MAX);
	assert_true(f.calls < 40);
}

static void test_text_ok(void **state)
{
	assert_true(cs_user_text_ok("alice"));
	assert_true(cs_user_text_ok("/home/al ice"));
	assert_true(cs_user_text_ok("gr\xc3\xa9goire")); /* UTF-8 is fine */
	assert_false(cs_user_text_ok(""));
	assert_false(cs_user_text_ok(NULL));
	assert_false(cs_user_text_ok("alice\nuid=0"));
	assert_false(cs_user_text_ok("bob\r"));
	assert_false(cs_user_text_ok("\x1b[2Jroot"));
	assert_false(cs_user_text_ok("x\x7f"));
	assert_false(cs_user_text_ok("tab\there"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grow_big_group),
		cmocka_unit_test(test_grow_error_is_error),
		cmocka_unit_test(test_grow_is_bounded),
		cmocka_unit_test(test_text_ok),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
