/* SPDX-License-Identifier: MIT */
/*
 * What the sandbox's PID 1 keeps (helper/initprivs.c), in a child that is
 * uid 0 of a user namespace of its own with every capability there, as
 * PID 1 is once it has locked the mounts: after cs_init_confine it is not
 * dumpable, its securebits are set and locked, every reaper system call
 * gets past the filter, and a program it execs as uid 0 starts with no
 * capability in any set, no_new_privs and the filter.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/securebits.h>
#include <cmocka.h>

#include "helper/caps.c"
#include "helper/initprivs.c"
#include "helper/seccomp.c"
#include "helper/userns.c"
#include "tests/unit/child.h"

/* The status lines an exec after the confinement must show, all of them. */
static const char confined_status[] =
	"grep -c -x -e 'CapInh:\t0000000000000000' -e 'CapPrm:\t0000000000000000' "
	"-e 'CapEff:\t0000000000000000' -e 'CapBnd:\t0000000000000000' "
	"-e 'CapAmb:\t0000000000000000' -e 'NoNewPrivs:\t1' -e 'Seccomp:\t2' "
	"/proc/self/status | grep -qx 7 && [ \"$(id -u)\" = 0 ]";

#define EXPECT(cond) do { if (!(cond)) _exit(__LINE__ & 0xff ? __LINE__ & 0xff : 1); } while (0)

/* Exits with the failing line, or with the exec'd check's status. */
static int confined_child(const void *arg)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	unsigned long mask = 1UL << (SIGCHLD - 1);
	struct timespec zero = { 0, 0 };
	char *argv[] = { "sh", "-c", (char *)confined_status, NULL };

	(void)arg;
	EXPECT(unshare(CLONE_NEWUSER) == 0);
	EXPECT(cs_userns_map(0, uid, 0, gid) == 0);
	EXPECT(getuid() == 0);
	EXPECT(cs_init_confine() == 0);
	EXPECT(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0);
	EXPECT(prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) ==
	       (SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |
		SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
		SECBIT_NO_SETUID_FIXUP_LOCKED));
	/* Locked: not even clearing them is allowed. */
	EXPECT(prctl(PR_SET_SECUREBITS, 0, 0, 0, 0) < 0 && errno == EPERM);
	/* What the reaper and reap_forever call, as they call it: none is
	 * refused by the filter (EPERM). */
	EXPECT(prctl(PR_SET_NAME, "cs-init", 0, 0, 0) == 0);
	EXPECT(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &mask, NULL, sizeof(mask)) == 0);
	EXPECT(syscall(SYS_wait4, -1, NULL, WNOHANG, NULL) < 0 && errno == ECHILD);
	EXPECT(syscall(SYS_rt_sigtimedwait, &mask, NULL, &zero, sizeof(mask)) < 0 &&
	       errno == EAGAIN);
	execv("/bin/sh", argv);
	_exit(99);
}

static void test_confined(void **state)
{
	(void)state;
	assert_int_equal(run_in_child(confined_child, NULL), 0);
}

/* Control: the same child without cs_init_confine execs with every
 * capability, so the check above can tell the two apart. */
static int unconfined_child(const void *arg)
{
	char *argv[] = { "sh", "-c", (char *)confined_status, NULL };
	uid_t uid = getuid();
	gid_t gid = getgid();

	(void)arg;
	EXPECT(unshare(CLONE_NEWUSER) == 0);
	EXPECT(cs_userns_map(0, uid, 0, gid) == 0);
	execv("/bin/sh", argv);
	_exit(99);
}

static void test_control(void **state)
{
	(void)state;
	assert_int_equal(run_in_child(unconfined_child, NULL), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_confined),
		cmocka_unit_test(test_control),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
