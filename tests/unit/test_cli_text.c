/* SPDX-License-Identifier: MIT */
/*
 * cli/text.c: what the CLI prints of strings it did not write. Each must
 * come out as bytes a terminal shows and does not act on: no control (C0,
 * DEL, C1 such as U+009B, CSI), no bidi control, nothing that is not UTF-8,
 * and, cut to fit a buffer, never half an escape or half a character.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli/text.c"

static const struct {
	const char *in, *out;
} cases[] = {
	{ "alice", "alice" },
	{ "", "" },
	/* UTF-8 that is not a control stays as it is. */
	{ "j\xc3\xa9r\xc3\xb4me \xe2\x82\xac \xf0\x9f\x90\xa7", "j\xc3\xa9r\xc3\xb4me \xe2\x82\xac \xf0\x9f\x90\xa7" },
	{ "a\\b", "a\\\\b" },
	{ "a\nb\tc", "a\\nb\\tc" },
	{ "\x1b[2Jx\x07\x7f", "\\x1b[2Jx\\x07\\x7f" },
	/* C1: U+009B (CSI) and U+0085 (NEL), encoded as UTF-8. */
	{ "x\xc2\x9b" "31m", "x\\xc2\\x9b31m" },
	{ "\xc2\x85", "\\xc2\\x85" },
	/* U+00A0 is the first code point past C1: shown. */
	{ "\xc2\xa0", "\xc2\xa0" },
	/* Bidi: RLO U+202E, RLI U+2067, RLM U+200F, ALM U+061C. */
	{ "evil\xe2\x80\xaetxt.sh", "evil\\xe2\\x80\\xaetxt.sh" },
	{ "\xe2\x81\xa7" "a", "\\xe2\\x81\\xa7a" },
	{ "\xe2\x80\x8f\xd8\x9c", "\\xe2\\x80\\x8f\\xd8\\x9c" },
	/* Not UTF-8: a lone C1 byte, a stray continuation, an overlong '/',
	 * a surrogate, a sequence cut short, past U+10FFFF. */
	{ "\x9b" "2J", "\\x9b2J" },
	{ "\x80z", "\\x80z" },
	{ "\xc0\xaf", "\\xc0\\xaf" },
	{ "\xed\xa0\x80", "\\xed\\xa0\\x80" },
	{ "\xe2\x80", "\\xe2\\x80" },
	{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80" },
};

static void test_escapes(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[CLI_ESC_SIZE(16)], *mem = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&mem, &len);

		assert_non_null(f);
		cli_text_path(f, cases[i].in);
		assert_int_equal(fclose(f), 0);
		assert_string_equal(mem, cases[i].out);
		free(mem);
		/* The buffer form says the same. */
		assert_string_equal(cli_text_esc(buf, sizeof(buf), cases[i].in), cases[i].out);
	}
}

/* CLI_ESC_SIZE(n) holds any n bytes escaped: n bytes that each become
 * \xHH is the most. */
static void test_size_bound(void **state)
{
	char in[9], buf[CLI_ESC_SIZE(sizeof(in) - 1)];

	memset(in, 0x9b, sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	cli_text_esc(buf, sizeof(buf), in);
	assert_int_equal(strlen(buf), 4 * (sizeof(in) - 1));
	assert_memory_equal(buf, "\\x9b\\x9b", 8);
	/* Four bytes of a bidi control (three) and a C1 (two) mix. */
	cli_text_esc(buf, sizeof(buf), "\xe2\x80\xae\xc2\x9b\xe2\x80\xae");
	assert_string_equal(buf, "\\xe2\\x80\\xae\\xc2\\x9b\\xe2\\x80\\xae");
}

/* Cut to fit, at a whole character: never "\x9" nor half of a UTF-8
 * sequence a later byte could complete. */
static void test_cut(void **state)
{
	char buf[16];

	/* U+009B is one character, escaped whole or not at all. */
	assert_string_equal(cli_text_esc(buf, 11, "ab\xc2\x9b"), "ab\\xc2\\x9b");
	assert_string_equal(cli_text_esc(buf, 10, "ab\xc2\x9b"), "ab");
	assert_string_equal(cli_text_esc(buf, 5, "ab\x9b"), "ab");
	assert_string_equal(cli_text_esc(buf, 7, "ab\x9b"), "ab\\x9b");
	assert_string_equal(cli_text_esc(buf, 4, "a\xe2\x82\xac"), "a");
	assert_string_equal(cli_text_esc(buf, 5, "a\xe2\x82\xac"), "a\xe2\x82\xac");
	assert_string_equal(cli_text_esc(buf, 3, "a\\b"), "a");
	assert_string_equal(cli_text_esc(buf, 1, "abc"), "");
	assert_string_equal(cli_text_esc(buf, 0, "abc"), "");
}

static void vformat(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_text_vprintf(f, fmt, ap);
	va_end(ap);
}

/* A message (cli_err, cli_warn, doctor's findings) is escaped as a whole:
 * what a name carries cannot start a line of its own. */
static void test_vprintf(void **state)
{
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);

	assert_non_null(f);
	vformat(f, "no sandbox running for %s (uid %u)", "x\nok: fine\xc2\x9b", 1001u);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(mem, "no sandbox running for x\\nok: fine\\xc2\\x9b (uid 1001)");
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_size_bound),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_vprintf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
