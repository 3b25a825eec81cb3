/* SPDX-License-Identifier: MIT */
/*
 * The default seccomp filter as the helper loads it: the program genbpf
 * compiled at build time, loaded in a child process, asked about real
 * syscalls. A filter that came out empty or wrong fails here, not only in
 * the escape tests over ssh. (Other ABIs: this machine's kernel has no
 * 32-bit entry to ask; the filter's first instruction refuses them all.)
 */
#include <errno.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>

#include "helper/seccomp.c"
#include "tests/unit/child.h"

/* Run the checks with the filter loaded, in a child (run_in_child); exits
 * with the failing line (0: all held). */
#define EXPECT(cond) do { if (!(cond)) _exit(__LINE__ & 0xff ? __LINE__ & 0xff : 1); } while (0)
static int filtered_child(const void *arg)
{
	(void)arg;
	EXPECT(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
	EXPECT(cs_seccomp_apply() == 0);
	EXPECT(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2);
	/* Denied: EPERM before the kernel looks at the arguments. */
	errno = 0;
	EXPECT(syscall(SYS_keyctl, 0, 0, 0, 0, 0) == -1 && errno == EPERM);
	errno = 0;
	EXPECT(syscall(SYS_io_uring_setup, 1, NULL) == -1 && errno == EPERM);
	errno = 0;
	EXPECT(syscall(SYS_bpf, 0, NULL, 0) == -1 && errno == EPERM);
	errno = 0;
	EXPECT(syscall(SYS_finit_module, -1, "", 0) == -1 && errno == EPERM);
	errno = 0;
	EXPECT(syscall(SYS_ioctl, -1, TIOCSTI, NULL) == -1 && errno == EPERM);
	/* The kernel reads the request as 32 bits: junk above must not
	 * get TIOCSTI past the filter. */
	errno = 0;
	EXPECT(syscall(SYS_ioctl, -1, (1UL << 32) | TIOCSTI, NULL) == -1 && errno == EPERM);
	errno = 0;
	EXPECT(syscall(SYS_ioctl, -1, TIOCLINUX, NULL) == -1 && errno == EPERM);
	/* Allowed: reaches the kernel, which says EBADF. */
	errno = 0;
	EXPECT(ioctl(-1, TCGETS, NULL) == -1 && errno == EBADF);
	EXPECT(syscall(SYS_getpid) == getpid());
	return 0;
}

static void test_filter_denies_and_allows(void **state)
{
	(void)state;
	assert_int_equal(run_in_child(filtered_child, NULL), 0);
}

static void test_control_without_filter(void **state)
{
	(void)state;
	/* What the filter changes: without it keyctl is the kernel's to
	 * judge (not EPERM from us) and TIOCSTI on a bad fd is EBADF. */
	errno = 0;
	assert_int_equal(syscall(SYS_ioctl, -1, TIOCSTI, NULL), -1);
	assert_int_equal(errno, EBADF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_control_without_filter),
		cmocka_unit_test(test_filter_denies_and_allows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
