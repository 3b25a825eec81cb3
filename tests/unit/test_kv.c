/* SPDX-License-Identifier: MIT */
/* The key=value codec (lib/kv.c): what it takes, what it refuses, and that
 * the writer can never produce a text the parser reads differently. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/kv.h"

static void refused(const char *text, size_t len, const char *why_part)
{
	struct cs_kv kv;

	assert_true(cs_kv_parse(text, len, NULL, &kv) < 0);
	if (!strstr(kv.err, why_part))
		fail_msg("'%s' does not say '%s'", kv.err, why_part);
	cs_kv_free(&kv);
}

static void test_parse(void **state)
{
	static const char *const rep[] = { "r", NULL };
	const char *text = "a=1\nb.c=x y=z\nr=1\nr=2\nempty=\n";
	struct cs_kv kv;
	uint64_t n;
	size_t it = 0;

	assert_int_equal(cs_kv_parse(text, strlen(text), rep, &kv), 0);
	assert_int_equal(kv.n, 5);
	assert_int_equal(cs_kv_get_u64(&kv, "a", 10, &n), 0);
	assert_true(n == 1);
	assert_string_equal(cs_kv_get(&kv, "b.c"), "x y=z");
	assert_string_equal(cs_kv_next(&kv, "r", &it), "1");
	assert_string_equal(cs_kv_next(&kv, "r", &it), "2");
	assert_null(cs_kv_next(&kv, "r", &it));
	assert_null(cs_kv_get(&kv, "missing"));
	assert_int_equal(cs_kv_get_u64(&kv, "missing", 10, &n), -ENOENT);
	/* "empty" not taken yet: unknown */
	assert_int_equal(cs_kv_done(&kv), -EINVAL);
	assert_non_null(strstr(kv.err, "unknown key empty"));
	cs_kv_free(&kv);
	assert_int_equal(cs_kv_parse("", 0, NULL, &kv), 0);
	assert_int_equal(kv.n, 0);
	assert_int_equal(cs_kv_done(&kv), 0);
	cs_kv_free(&kv);
}

static void test_refuse(void **state)
{
	char *big;

	refused("a=1\na=2\n", 8, "line 2: a given twice");
	refused("a=1", 3, "newline");
	refused("a=1\0b=2\n", 8, "NUL");
	refused("a\n", 2, "line 1: not key=value");
	refused("=1\n", 3, "not key=value");
	refused("A=1\n", 4, "not key=value");
	refused("a b=1\n", 6, "not key=value");
	refused("a=1\n\n", 5, "line 2");
	refused("a=x\ty\n", 6, "control character");
	refused("a=\033[2J\n", 7, "control character");
	refused("a=\177\n", 4, "control character");
	big = malloc(CS_KV_MAX_LINE + 8);
	memset(big, 'x', CS_KV_MAX_LINE + 8);
	memcpy(big, "k=", 2);
	big[CS_KV_MAX_LINE + 7] = '\n';
	refused(big, CS_KV_MAX_LINE + 8, "longer than");
	free(big);
	big = calloc(1, CS_KV_MAX_TEXT + 2);
	memset(big, '\n', CS_KV_MAX_TEXT + 1);
	refused(big, CS_KV_MAX_TEXT + 1, "longer than");
	free(big);
}

static void test_numbers(void **state)
{
	const char *text = "z=0\nmax=18446744073709551615\nover=18446744073709551616\n"
			   "neg=-1\nplus=+1\nlead=01\nsp= 1\nhex=0x1\nbig=11\nnone=\n";
	struct cs_kv kv;
	uint64_t n;

	assert_int_equal(cs_kv_parse(text, strlen(text), NULL, &kv), 0);
	assert_int_equal(cs_kv_get_u64(&kv, "z", 0, &n), 0);
	assert_true(n == 0);
	assert_int_equal(cs_kv_get_u64(&kv, "max", UINT64_MAX, &n), 0);
	assert_true(n == UINT64_MAX);
	assert_int_equal(cs_kv_get_u64(&kv, "over", UINT64_MAX, &n), -EINVAL);
	assert_int_equal(cs_kv_get_u64(&kv, "neg", UINT64_MAX, &n), -EINVAL);
	assert_int_equal(cs_kv_get_u64(&kv, "plus", UINT64_MAX, &n), -EINVAL);
	assert_int_equal(cs_kv_get_u64(&kv, "lead", UINT64_MAX, &n), -EINVAL);
	assert_int_equal(cs_kv_get_u64(&kv, "sp", UINT64_MAX, &n), -EINVAL);
	assert_int_equal(cs_kv_get_u64(&kv, "hex", UINT64_MAX, &n), -EINVAL);
	assert_int_equal(cs_kv_get_u64(&kv, "big", 10, &n), -EINVAL);
	assert_int_equal(cs_kv_get_u64(&kv, "none", 10, &n), -EINVAL);
	cs_kv_free(&kv);
}

static void test_writer(void **state)
{
	struct cs_kvw w = { 0 };
	struct cs_kv kv;
	size_t len;
	char *text;

	cs_kvw_str(&w, "a", "x=y");
	cs_kvw_u64(&w, "n", UINT64_MAX);
	cs_kvw_str(&w, "e", "");
	text = cs_kvw_end(&w, &len);
	assert_string_equal(text, "a=x=y\nn=18446744073709551615\ne=\n");
	assert_int_equal(len, strlen(text));
	assert_int_equal(cs_kv_parse(text, len, NULL, &kv), 0);
	assert_string_equal(cs_kv_get(&kv, "a"), "x=y");
	cs_kv_free(&kv);
	free(text);

	/* a value with a newline would be a second line: the whole text is
	 * refused, not written without it */
	cs_kvw_str(&w, "a", "1");
	cs_kvw_str(&w, "b", "2\nnetwork=host");
	cs_kvw_str(&w, "c", "3");
	assert_null(cs_kvw_end(&w, &len));
	assert_int_equal(w.error, -EINVAL);
	w.error = 0;
	cs_kvw_str(&w, "Bad", "1");
	assert_null(cs_kvw_end(&w, NULL));
	w.error = 0;
	cs_kvw_str(&w, "user", "alice\033]0;x\007");
	assert_null(cs_kvw_end(&w, NULL));
	w.error = 0;
	/* nothing written is an empty text, not an error */
	text = cs_kvw_end(&w, &len);
	assert_non_null(text);
	assert_int_equal(len, 0);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_refuse),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_writer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
