/* SPDX-License-Identifier: MIT */
/* cs_relay_copy (lib/fsutil.c): the one copy step of both pty relays. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/fsutil.h"

static void test_copy(void **state)
{
	int a[2], b[2];
	char got[16] = { 0 };

	(void)state;
	assert_int_equal(pipe2(a, O_CLOEXEC), 0);
	assert_int_equal(pipe2(b, O_CLOEXEC), 0);
	assert_int_equal(write(a[1], "hello", 5), 5);
	assert_int_equal(cs_relay_copy(a[0], b[1]), 1);
	assert_int_equal(read(b[0], got, sizeof(got)), 5);
	assert_string_equal(got, "hello");
	/* Nothing there yet on a non-blocking fd: go on. */
	assert_int_equal(fcntl(a[0], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(cs_relay_copy(a[0], b[1]), 1);
	/* The writer closed: that side has ended. */
	close(a[1]);
	assert_int_equal(cs_relay_copy(a[0], b[1]), 0);
	close(a[0]);
	close(b[0]);
	close(b[1]);
}

static void test_write_fails(void **state)
{
	int a[2], b[2];

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe2(a, O_CLOEXEC), 0);
	assert_int_equal(pipe2(b, O_CLOEXEC), 0);
	close(b[0]);
	assert_int_equal(write(a[1], "x", 1), 1);
	assert_int_equal(cs_relay_copy(a[0], b[1]), -EPIPE);
	close(a[0]);
	close(a[1]);
	close(b[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_write_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
