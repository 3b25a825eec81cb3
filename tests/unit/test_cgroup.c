/* SPDX-License-Identifier: MIT */
/* lib/cgroup: which recorded directories are systemd's slices (never moved
 * into, killed or removed: their limits are reset instead), and that
 * attach through the recorded (or, for old records, inferred) backend
 * skips them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/root/cgroup.h"

static void test_is_systemd(void **state)
{
	assert_true(cs_cgroup_is_systemd("/sys/fs/cgroup/user.slice/user-1000.slice"));
	assert_true(cs_cgroup_is_systemd("/sys/fs/cgroup/systemd/user.slice/user-0.slice"));
	assert_true(cs_cgroup_is_systemd("user-42.slice"));
	/* the cgroupfs backends' per-user directories */
	assert_false(cs_cgroup_is_systemd("/sys/fs/cgroup/containsession/user-1000"));
	assert_false(cs_cgroup_is_systemd("/sys/fs/cgroup/memory/x/user-1000"));
	/* a slice that is not a user's */
	assert_false(cs_cgroup_is_systemd("/sys/fs/cgroup/user.slice"));
	assert_false(cs_cgroup_is_systemd("/sys/fs/cgroup/system.slice"));
	assert_false(cs_cgroup_is_systemd("/sys/fs/cgroup/user.slice/user-.slice"));
	assert_false(cs_cgroup_is_systemd("/sys/fs/cgroup/user.slice/user-x1.slice"));
}

static void test_attach_skips_slices(void **state)
{
	/* No write is tried: a directory that does not exist would fail. */
	char *dirs[] = { "/nonexistent/user.slice/user-1000.slice" };
	struct cs_cgroup cg;
	struct cs_err err;
	/* No name, no guess: every operation goes through the recorded
	 * backend. Only a version-1 entry's teardown derives one. */
	assert_true(cs_cgroup_from_record(NULL, dirs, 1, &cg, &err) < 0);
	assert_string_equal(cs_cgroup_backend_of_v1_entry(dirs, 1), "systemd");
	assert_string_equal(cs_cgroup_backend_of_v1_entry(dirs, 0), "off");
	assert_int_equal(cs_cgroup_from_record("systemd", dirs, 1, &cg, &err), 0);
	assert_ptr_equal(cg.backend, &cs_cgroup_systemd);
	assert_int_equal(cs_cgroup_attach(&cg, getpid(), &err), 0);
	cs_cgroup_free(&cg);
	char *bad[] = { "/nonexistent/containsession/user-1000" };
	assert_int_equal(cs_cgroup_from_record("v2", bad, 1, &cg, &err), 0);
	assert_true(cs_cgroup_attach(&cg, getpid(), &err) < 0);
	cs_cgroup_free(&cg);
	/* a recorded name wins over the directory's name */
	assert_int_equal(cs_cgroup_from_record("v2", dirs, 1, &cg, &err), 0);
	assert_ptr_equal(cg.backend, &cs_cgroup_v2);
	assert_true(cs_cgroup_attach(&cg, getpid(), &err) < 0);
	cs_cgroup_free(&cg);
	assert_true(cs_cgroup_from_record("cgroupfs", dirs, 1, &cg, &err) < 0);
	assert_true(cs_cgroup_from_record("off", dirs, 1, &cg, &err) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_systemd),
		cmocka_unit_test(test_attach_skips_slices),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
