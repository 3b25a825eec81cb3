/* SPDX-License-Identifier: MIT */
/* lib/cgroup: which recorded directories are systemd's slices (never moved
 * into, killed or removed: their limits are reset instead), and that
 * attach through the recorded (or, for old records, inferred) backend
 * skips them. And that a bound the profile sets (memory.max, pids.max) which
 * the hierarchy cannot apply refuses the login, where a weight is only
 * logged; so does one that cgroup = auto finds no hierarchy at all for. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* A cgroup directory of regular files standing in for cgroupfs: the
 * files named exist (writable), every other is missing, as a controller's
 * files are when it is not enabled. */
static void fake_cgroup(char *base, size_t len, const char *const *files)
{
	char path[256];

	snprintf(base, len, "/tmp/cstest-cg-XXXXXX");
	assert_non_null(mkdtemp(base));
	snprintf(path, sizeof(path), "%s/u", base);
	assert_int_equal(mkdir(path, 0755), 0);
	for (; *files; files++) {
		snprintf(path, sizeof(path), "%s/u/%s", base, *files);
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		assert_true(fd >= 0);
		close(fd);
	}
}

static void rm_fake(const char *base)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	assert_int_equal(system(cmd), 0);
}

static int setup_with(const struct cs_cgroup_backend *b, const char *base, const char *ctrl,
		      const struct cs_profile *p, struct cs_err *err)
{
	char dir[256];
	struct cs_cgroup cg = { .backend = b, .n = 1 };
	struct cs_log log = { 0 };

	snprintf(dir, sizeof(dir), "%s/u", base);
	cg.dirs[0] = dir;
	cg.base[0] = (char *)base;
	cg.ctrl[0] = (char *)ctrl;
	return b->setup(&cg, p, &log, err);
}

static void test_unapplied_bound_refuses(void **state)
{
	static const char *const v2files[] = { "memory.max", "cgroup.subtree_control", NULL };
	static const char *const v1files[] = { "memory.limit_in_bytes", NULL };
	struct cs_profile p = { .name = "strict", .memory_max = 1 << 28, .pids_max = 64,
				.cpu_weight = 50 };
	struct cs_err err = { 0 };
	char base[64];

	/* v2 without the pids controller: pids.max is missing. */
	fake_cgroup(base, sizeof(base), v2files);
	p.set[CS_K_MEMORY_MAX] = p.set[CS_K_PIDS_MAX] = true;
	assert_true(setup_with(&cs_cgroup_v2, base, NULL, &p, &err) < 0);
	assert_non_null(strstr(err.msg, "pids.max"));
	assert_non_null(strstr(err.msg, "strict"));
	/* A weight that cannot be applied is only logged. */
	p.set[CS_K_PIDS_MAX] = false;
	p.set[CS_K_CPU_WEIGHT] = true;
	assert_int_equal(setup_with(&cs_cgroup_v2, base, NULL, &p, &err), 0);
	rm_fake(base);

	/* v1 with a memory hierarchy but none for pids. */
	fake_cgroup(base, sizeof(base), v1files);
	p.set[CS_K_CPU_WEIGHT] = false;
	p.set[CS_K_PIDS_MAX] = true;
	assert_true(setup_with(&cs_cgroup_v1, base, "memory", &p, &err) < 0);
	assert_non_null(strstr(err.msg, "pids.max"));
	p.set[CS_K_PIDS_MAX] = false;
	assert_int_equal(setup_with(&cs_cgroup_v1, base, "memory", &p, &err), 0);
	rm_fake(base);
}

/* cgroup = auto on a host without any cgroup hierarchy (a container with
 * no /sys/fs/cgroup): no cgroup, and a bound the profile sets refuses the
 * login as a missing controller does; cgroup = off says no limit, and is
 * taken at its word. */
static void test_auto_without_cgroups(void **state)
{
	static const char mountinfo[] =
		"22 1 0:21 / / rw,relatime - ext4 /dev/sda1 rw\n"
		"23 22 0:22 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n";
	struct cs_profile p = { .name = "strict", .memory_max = 1 << 28, .cpu_weight = 50 };
	struct cs_cgroup_host h = { .systemd = false };
	struct cs_log log = { 0 };
	struct cs_err err = { 0 };
	struct cs_cgroup cg;

	assert_int_equal(cs_cgmounts_parse(mountinfo, &h.mounts), 0);
	assert_int_equal(cs_proccg_parse("0::/\n", &h.self), 0);
	assert_int_equal(cs_cgroup_resolve_on(CS_CG_AUTO, &h, "./cs", 1000, &cg, &log, &err), 0);
	assert_ptr_equal(cg.backend, &cs_cgroup_off);
	p.set[CS_K_MEMORY_MAX] = true;
	assert_true(cg.backend->setup(&cg, &p, &log, &err) < 0);
	assert_non_null(strstr(err.msg, "memory.max"));
	assert_non_null(strstr(err.msg, "no usable cgroup hierarchy"));
	/* A weight alone is only logged. */
	p.set[CS_K_MEMORY_MAX] = false;
	p.set[CS_K_CPU_WEIGHT] = true;
	assert_int_equal(cg.backend->setup(&cg, &p, &log, &err), 0);
	cs_cgroup_free(&cg);

	p.set[CS_K_MEMORY_MAX] = true;
	assert_int_equal(cs_cgroup_resolve_on(CS_CG_OFF, &h, "./cs", 1000, &cg, &log, &err), 0);
	assert_int_equal(cg.backend->setup(&cg, &p, &log, &err), 0);
	cs_cgroup_free(&cg);
	cs_cgroup_host_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unapplied_bound_refuses),
		cmocka_unit_test(test_auto_without_cgroups),
		cmocka_unit_test(test_is_systemd),
		cmocka_unit_test(test_attach_skips_slices),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
