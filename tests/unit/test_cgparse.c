/* SPDX-License-Identifier: MIT */
/*
 * lib/cgparse and the backends' resolve over it, from fixtures in
 * tests/unit/fixtures/cgroup: the mountinfo and /proc/self/cgroup of a
 * hybrid host without systemd (this project's build host), Debian 12's pure
 * v2 with a logind session, Debian 10's hybrid with systemd, and a legacy v1
 * container with the odd cases (a subtree mount, an escaped space, a named
 * hierarchy without controllers, lines cut short). Then exact membership:
 * user-1000 is not user-10000 (issue 13 item 8).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/root/cgroup.h"

static char *fixture(const char *name)
{
	const char *top = getenv("CS_TOP");
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/tests/unit/fixtures/cgroup/%s", top ? top : ".", name);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "cannot open %s (run from the top of the tree or set CS_TOP)\n", path);
		fail();
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* A host as the backends see it, from two fixtures. */
static void host(struct cs_cgroup_host *h, const char *name, bool systemd)
{
	char mi[64], pc[64];
	snprintf(mi, sizeof(mi), "%s.mountinfo", name);
	snprintf(pc, sizeof(pc), "%s.cgroup", name);
	char *a = fixture(mi), *b = fixture(pc);
	memset(h, 0, sizeof(*h));
	assert_int_equal(cs_cgmounts_parse(a, &h->mounts), 0);
	assert_int_equal(cs_proccg_parse(b, &h->self), 0);
	h->systemd = systemd;
	free(a);
	free(b);
}

static void test_mountinfo_hybrid(void **state)
{
	struct cs_cgroup_host h;
	host(&h, "hybrid", false);
	/* nine v1 hierarchies and the unified one; tmpfs, proc, sysfs skipped */
	assert_int_equal(h.mounts.n, 10);
	const struct cs_cgmount *m = cs_cgmounts_find(&h.mounts, NULL);
	assert_non_null(m);
	assert_true(m->v2);
	assert_string_equal(m->point, "/sys/fs/cgroup/unified");
	m = cs_cgmounts_find(&h.mounts, "memory");
	assert_string_equal(m->point, "/sys/fs/cgroup/memory");
	assert_string_equal(m->opts, "rw,memory");
	assert_false(m->v2);
	/* "cpu" is not "cpuacct" nor "cpuset" */
	assert_string_equal(cs_cgmounts_find(&h.mounts, "cpu")->point, "/sys/fs/cgroup/cpu");
	assert_string_equal(cs_cgmounts_find(&h.mounts, "name=systemd")->point,
			    "/sys/fs/cgroup/systemd");
	assert_null(cs_cgmounts_find(&h.mounts, "io"));
	/* the mount a directory is on: the longest point, whole components */
	assert_string_equal(cs_cgmounts_of(&h.mounts, "/sys/fs/cgroup/pids/a/user-1")->point,
			    "/sys/fs/cgroup/pids");
	assert_null(cs_cgmounts_of(&h.mounts, "/sys/fs/cgroup/pidsx/a"));
	assert_null(cs_cgmounts_of(&h.mounts, "/tmp"));
	cs_cgroup_host_free(&h);
}

static void test_proc_cgroup_hybrid(void **state)
{
	struct cs_cgroup_host h;
	host(&h, "hybrid", false);
	assert_int_equal(h.self.n, 10);
	const struct cs_proccg *c = cs_proccg_for(&h.self, cs_cgmounts_find(&h.mounts, "memory"));
	assert_non_null(c);
	assert_int_equal(c->id, 4);
	assert_string_equal(c->path, "/process_api/99f935057dfb21817abed47594ce5b0a");
	assert_false(c->deleted);
	/* the unified hierarchy's line: id 0, empty controller list */
	c = cs_proccg_for(&h.self, cs_cgmounts_find(&h.mounts, NULL));
	assert_int_equal(c->id, 0);
	assert_string_equal(c->ctrls, "");
	assert_string_equal(c->path, "/");
	c = cs_proccg_for(&h.self, cs_cgmounts_find(&h.mounts, "name=systemd"));
	assert_int_equal(c->id, 9);
	cs_cgroup_host_free(&h);
}

static void test_odd_lines(void **state)
{
	struct cs_cgroup_host h;
	host(&h, "v1-odd", false);
	/* the two lines cut short are not mounts */
	assert_int_equal(h.mounts.n, 5);
	assert_null(cs_cgmounts_find(&h.mounts, NULL));
	/* \040 is a space */
	const struct cs_cgmount *named = cs_cgmounts_find(&h.mounts, "name=cstest");
	assert_non_null(named);
	assert_string_equal(named->point, "/run/cs test");
	/* optional fields (shared:, master:) before " - " */
	assert_string_equal(cs_cgmounts_find(&h.mounts, "pids")->opts, "rw,pids");
	/* a named hierarchy without controllers still finds its line */
	const struct cs_proccg *c = cs_proccg_for(&h.self, named);
	assert_non_null(c);
	assert_int_equal(c->id, 6);
	/* "garbage" and "7:x" are not lines of /proc/PID/cgroup */
	assert_int_equal(h.self.n, 5);
	/* cpu,cpuacct: either controller names the hierarchy */
	const struct cs_cgmount *cpu = cs_cgmounts_find(&h.mounts, "cpuacct");
	assert_ptr_equal(cpu, cs_cgmounts_find(&h.mounts, "cpu"));
	assert_int_equal(cs_proccg_for(&h.self, cpu)->id, 4);
	/* a subtree mount: hierarchy paths map below its root only */
	const struct cs_cgmount *mem = cs_cgmounts_find(&h.mounts, "memory");
	assert_string_equal(mem->root, "/docker/abc");
	char *d = cs_cgmount_dir(mem, "/docker/abc/inner");
	assert_string_equal(d, "/sys/fs/cgroup/memory/inner");
	free(d);
	assert_null(cs_cgmount_dir(mem, "/docker/abcd/inner"));
	assert_null(cs_cgmount_dir(mem, "/other"));
	char *p = cs_cgmount_path(mem, "/sys/fs/cgroup/memory/cs/user-1000");
	assert_string_equal(p, "/docker/abc/cs/user-1000");
	free(p);
	p = cs_cgmount_path(mem, "/sys/fs/cgroup/memory");
	assert_string_equal(p, "/docker/abc");
	free(p);
	cs_cgroup_host_free(&h);
}

static void test_deleted_and_odd_ids(void **state)
{
	struct cs_proccgs pc;
	assert_int_equal(cs_proccg_parse("0::/cs/user-1000 (deleted)\n"
					 "13::/no-controllers\n"
					 "12:memory:/a:b\n"
					 "x:memory:/bad-id\n"
					 "11:pids:relative\n", &pc), 0);
	assert_int_equal(pc.n, 3);
	assert_string_equal(pc.c[0].path, "/cs/user-1000");
	assert_true(pc.c[0].deleted);
	/* an empty controller list is the unified hierarchy only with id 0 */
	struct cs_cgmount v2 = { .root = "/", .point = "/sys/fs/cgroup", .opts = "rw", .v2 = true };
	assert_ptr_equal(cs_proccg_for(&pc, &v2), &pc.c[0]);
	/* a ':' in the path is the path's */
	assert_string_equal(pc.c[2].path, "/a:b");
	cs_proccg_free(&pc);
	assert_int_equal(cs_proccg_parse("", &pc), 0);
	assert_int_equal(pc.n, 0);
	assert_null(cs_proccg_for(&pc, &v2));
}

/* ---- the backends' resolve over these hosts ---------------------------- */

static void test_systemd_slice_v2(void **state)
{
	struct cs_cgroup_host h;
	struct cs_cgroup cg;
	struct cs_err err;

	host(&h, "v2-systemd", true);
	assert_int_equal(cs_cgroup_systemd.resolve(&h, "containsession", 1000, &cg, &err), 0);
	assert_ptr_equal(cg.backend, &cs_cgroup_systemd);
	assert_int_equal(cg.n, 1);
	assert_string_equal(cg.dirs[0], "/sys/fs/cgroup/user.slice/user-1000.slice");
	cs_cgroup_free(&cg);
	/* another uid's login, and no systemd: not this backend's */
	assert_int_equal(cs_cgroup_systemd.resolve(&h, "containsession", 100, &cg, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "pam_systemd"));
	cs_cgroup_free(&cg);
	h.systemd = false;
	assert_int_equal(cs_cgroup_systemd.resolve(&h, "containsession", 1000, &cg, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "systemd is not running"));
	cs_cgroup_free(&cg);
	cs_cgroup_host_free(&h);

	/* uid 100 is not found in user-1000's scope, nor 1000 below the scope */
	struct cs_cgroup_host h2 = { .systemd = true };
	assert_int_equal(cs_cgmounts_parse(
		"27 21 0:24 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n", &h2.mounts), 0);
	assert_int_equal(cs_proccg_parse("0::/user.slice/user-1000.slice/session-3.scope/app\n",
					 &h2.self), 0);
	assert_int_equal(cs_cgroup_systemd.resolve(&h2, "x", 1000, &cg, &err), -ENOENT);
	cs_cgroup_free(&cg);
	cs_proccg_free(&h2.self);
	assert_int_equal(cs_proccg_parse("0::/user.slice/user-10000.slice/session-3.scope\n",
					 &h2.self), 0);
	assert_int_equal(cs_cgroup_systemd.resolve(&h2, "x", 1000, &cg, &err), -ENOENT);
	cs_cgroup_free(&cg);
	cs_cgroup_host_free(&h2);
}

static void test_systemd_slice_hybrid_and_legacy(void **state)
{
	struct cs_cgroup_host h;
	struct cs_cgroup cg;
	struct cs_err err;

	/* hybrid: the unified mount (listed first) tracks the units */
	host(&h, "hybrid-systemd", true);
	assert_int_equal(cs_cgroup_systemd.resolve(&h, "cs", 1000, &cg, &err), 0);
	assert_string_equal(cg.dirs[0], "/sys/fs/cgroup/unified/user.slice/user-1000.slice");
	cs_cgroup_free(&cg);
	cs_cgroup_host_free(&h);
	/* legacy: name=systemd */
	host(&h, "v1-odd", true);
	assert_int_equal(cs_cgroup_systemd.resolve(&h, "cs", 1000, &cg, &err), 0);
	assert_string_equal(cg.dirs[0], "/sys/fs/cgroup/systemd/user.slice/user-1000.slice");
	cs_cgroup_free(&cg);
	cs_cgroup_host_free(&h);
	/* this host: no logind session at all */
	host(&h, "hybrid", true);
	assert_int_equal(cs_cgroup_systemd.resolve(&h, "cs", 1000, &cg, &err), -ENOENT);
	cs_cgroup_free(&cg);
	cs_cgroup_host_free(&h);
}

static void test_cgroupfs_resolve(void **state)
{
	struct cs_cgroup_host h;
	struct cs_cgroup cg;
	struct cs_err err;

	host(&h, "hybrid", false);
	/* v1: the hierarchies of memory, pids, cpu and blkio; "./" below
	 * our own cgroup in each */
	assert_int_equal(cs_cgroup_v1.resolve(&h, "./cstest-1", 1000, &cg, &err), 0);
	assert_int_equal(cg.n, 4);
	const char *want[] = {
		"/sys/fs/cgroup/cpu/cstest-1/user-1000",
		"/sys/fs/cgroup/memory/process_api/99f935057dfb21817abed47594ce5b0a/cstest-1/user-1000",
		"/sys/fs/cgroup/blkio/cstest-1/user-1000",
		"/sys/fs/cgroup/pids/cstest-1/user-1000",
	};
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(cg.dirs[i], want[i]);
	assert_string_equal(cg.self[1],
			    "/sys/fs/cgroup/memory/process_api/99f935057dfb21817abed47594ce5b0a");
	assert_string_equal(cg.base[1], cg.self[1]);
	assert_string_equal(cg.ctrl[1], "rw,memory");
	cs_cgroup_free(&cg);
	/* anything else is relative to the hierarchy's root */
	assert_int_equal(cs_cgroup_v2.resolve(&h, "containsession", 1000, &cg, &err), 0);
	assert_int_equal(cg.n, 1);
	assert_string_equal(cg.dirs[0], "/sys/fs/cgroup/unified/containsession/user-1000");
	assert_string_equal(cg.base[0], "/sys/fs/cgroup/unified");
	assert_string_equal(cg.self[0], "/sys/fs/cgroup/unified");
	cs_cgroup_free(&cg);
	cs_cgroup_host_free(&h);

	/* no cgroup2 mounted; cpu,cpuacct is one hierarchy; a subtree mount */
	host(&h, "v1-odd", false);
	assert_int_equal(cs_cgroup_v2.resolve(&h, "cs", 1000, &cg, &err), -ENOENT);
	cs_cgroup_free(&cg);
	assert_int_equal(cs_cgroup_v1.resolve(&h, "./cs", 1000, &cg, &err), 0);
	assert_int_equal(cg.n, 3);
	assert_string_equal(cg.dirs[0], "/sys/fs/cgroup/memory/inner/cs/user-1000");
	assert_string_equal(cg.dirs[1], "/sys/fs/cgroup/cpu,cpuacct/cs/user-1000");
	assert_string_equal(cg.ctrl[1], "rw,cpu,cpuacct");
	cs_cgroup_free(&cg);
	cs_cgroup_host_free(&h);
}

static void test_backend_by_name(void **state)
{
	assert_ptr_equal(cs_cgroup_backend_by_name("v1"), &cs_cgroup_v1);
	assert_ptr_equal(cs_cgroup_backend_by_name("v2"), &cs_cgroup_v2);
	assert_ptr_equal(cs_cgroup_backend_by_name("systemd"), &cs_cgroup_systemd);
	assert_ptr_equal(cs_cgroup_backend_by_name("off"), &cs_cgroup_off);
	assert_null(cs_cgroup_backend_by_name("auto"));
	assert_null(cs_cgroup_backend_by_name(NULL));
	/* every backend has every operation */
	const struct cs_cgroup_backend *all[] = { &cs_cgroup_v1, &cs_cgroup_v2,
						  &cs_cgroup_systemd, &cs_cgroup_off };
	for (size_t i = 0; i < 4; i++) {
		assert_non_null(all[i]->resolve);
		assert_non_null(all[i]->setup);
		assert_non_null(all[i]->attach);
		assert_non_null(all[i]->leave);
		assert_non_null(all[i]->destroy);
		assert_non_null(all[i]->kill);
	}
}

/* ---- exact membership (issue 13 item 8) --------------------------------- */

static void test_member_exact(void **state)
{
	struct cs_cgmount v2 = { .root = "/", .point = "/sys/fs/cgroup", .opts = "rw", .v2 = true };
	const char *dir = "/sys/fs/cgroup/cstest-1/user-1000";

	assert_true(cs_cgroup_member("0::/cstest-1/user-1000\n", &v2, dir));
	/* uid 10000's cgroup contains "/user-1000" */
	assert_false(cs_cgroup_member("0::/cstest-1/user-10000\n", &v2, dir));
	/* a cgroup that merely contains the name */
	assert_false(cs_cgroup_member("0::/evil/user-1000\n", &v2, dir));
	assert_false(cs_cgroup_member("0::/cstest-1/user-1000-x\n", &v2, dir));
	assert_false(cs_cgroup_member("0::/cstest-1/user-1000/sub\n", &v2, dir));
	assert_false(cs_cgroup_member("0::/cstest-1\n", &v2, dir));
	/* a deleted cgroup of the same name is not this one */
	assert_false(cs_cgroup_member("0::/cstest-1/user-1000 (deleted)\n", &v2, dir));
	/* the name in another hierarchy's line does not count */
	assert_false(cs_cgroup_member("4:memory:/cstest-1/user-1000\n0::/\n", &v2, dir));
	assert_false(cs_cgroup_member("", &v2, dir));
	/* a directory on another mount */
	assert_false(cs_cgroup_member("0::/cstest-1/user-1000\n", &v2, "/elsewhere/user-1000"));

	struct cs_cgmount mem = { .root = "/docker/abc", .point = "/sys/fs/cgroup/memory",
				  .opts = "rw,memory" };
	const char *mdir = "/sys/fs/cgroup/memory/cs/user-1000";
	const char *in = "3:pids:/x\n4:memory:/docker/abc/cs/user-1000\n0::/\n";
	assert_true(cs_cgroup_member(in, &mem, mdir));
	assert_false(cs_cgroup_member("4:memory:/docker/abc/cs/user-10000\n", &mem, mdir));
	assert_false(cs_cgroup_member("3:pids:/docker/abc/cs/user-1000\n", &mem, mdir));
	assert_false(cs_cgroup_member("4:memory:/cs/user-1000\n", &mem, mdir));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mountinfo_hybrid),
		cmocka_unit_test(test_proc_cgroup_hybrid),
		cmocka_unit_test(test_odd_lines),
		cmocka_unit_test(test_deleted_and_odd_ids),
		cmocka_unit_test(test_systemd_slice_v2),
		cmocka_unit_test(test_systemd_slice_hybrid_and_legacy),
		cmocka_unit_test(test_cgroupfs_resolve),
		cmocka_unit_test(test_backend_by_name),
		cmocka_unit_test(test_member_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
