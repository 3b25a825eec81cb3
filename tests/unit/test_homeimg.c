/* SPDX-License-Identifier: MIT */
/* The home image's tool runs (lib/root/homeimg.c, compiled in for its
 * static run_tool): a tool that says more than run_tool keeps must still
 * run to its end, not block on a full pipe until it is killed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <time.h>
#include <cmocka.h>

#include "lib/root/homeimg.c"

static void test_chatty_tool(void **state)
{
	/* 200 KiB on stderr, three times a pipe's buffer, then exit 0. */
	char *argv[] = { "/bin/sh", "-c", "head -c 204800 /dev/zero | tr '\\0' x >&2", NULL };
	struct timespec t0, t1;
	struct cs_err err = { 0 };
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(run_tool(argv, fd, 0, "test", &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* Well inside the 30 s a stuck tool is given. */
	assert_true(t1.tv_sec - t0.tv_sec < 10);
	close(fd);
}

static void test_failing_tool_says_why(void **state)
{
	char *argv[] = { "/bin/sh", "-c", "echo 'bad superblock' >&2; head -c 204800 /dev/zero >&2; exit 8", NULL };
	struct cs_err err = { 0 };
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_true(run_tool(argv, fd, 1, "test", &err) < 0);
	assert_non_null(strstr(err.msg, "exit 8"));
	assert_non_null(strstr(err.msg, "bad superblock"));
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chatty_tool),
		cmocka_unit_test(test_failing_tool_says_why),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
