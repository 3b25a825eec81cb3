/* SPDX-License-Identifier: MIT */
/*
 * The shared pieces the CLI added to lib/: reading a cgroup's usage
 * (lib/root/cgstat.c) from directories laid out like cgroupfs, and tearing a
 * sandbox down from its registry entry (lib/root/teardown.c), with a child
 * process standing in for the init.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/root/cgstat.h"
#include "lib/proc.h"
#include "lib/root/teardown.h"

static char tmpdir[64];

static int setup_dir(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/cstest-cli-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *mkdir_in(const char *name)
{
	char *p;
	assert_true(asprintf(&p, "%s/%s", tmpdir, name) > 0);
	assert_int_equal(mkdir(p, 0755), 0);
	return p;
}

static void put(const char *dir, const char *file, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void test_v2_counters(void **state)
{
	char *d = mkdir_in("v2");
	uint64_t v = 0;

	put(d, "memory.current", "123456\n");
	put(d, "pids.current", "7\n");
	put(d, "cgroup.threads", "1\n2\n");
	assert_int_equal(cs_cgroup_memory_current(&d, 1, &v), 0);
	assert_int_equal(v, 123456);
	/* pids.current wins over counting the task list. */
	assert_int_equal(cs_cgroup_tasks_current(&d, 1, &v), 0);
	assert_int_equal(v, 7);
	free(d);
}

static void test_v1_hierarchies(void **state)
{
	char *dirs[3] = { mkdir_in("cpu"), mkdir_in("memory"), mkdir_in("pids") };
	uint64_t v = 0;

	put(dirs[0], "tasks", "10\n11\n12\n");
	put(dirs[1], "memory.usage_in_bytes", "4096\n");
	put(dirs[1], "tasks", "10\n11\n12\n");
	put(dirs[2], "pids.current", "3\n");
	assert_int_equal(cs_cgroup_memory_current(dirs, 3, &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(cs_cgroup_tasks_current(dirs, 3, &v), 0);
	assert_int_equal(v, 3);
	/* Without the pids hierarchy: the task list is counted. */
	assert_int_equal(cs_cgroup_tasks_current(dirs, 2, &v), 0);
	assert_int_equal(v, 3);
	for (int i = 0; i < 3; i++)
		free(dirs[i]);
}

static void test_missing_and_garbage(void **state)
{
	char *d = mkdir_in("empty"), *gone = NULL;
	uint64_t v = 99;

	assert_int_equal(cs_cgroup_memory_current(&d, 1, &v), -ENOENT);
	assert_int_equal(cs_cgroup_tasks_current(&d, 1, &v), -ENOENT);
	assert_int_equal(cs_cgroup_memory_current(&d, 0, &v), -ENOENT);
	put(d, "memory.current", "lots\n");
	assert_int_equal(cs_cgroup_memory_current(&d, 1, &v), -ENOENT);
	assert_int_equal(v, 99);
	assert_true(asprintf(&gone, "%s/nonexistent", tmpdir) > 0);
	assert_int_equal(cs_cgroup_memory_current(&gone, 1, &v), -ENOENT);
	free(gone);
	free(d);
}

/* A child plays the init: teardown must kill exactly it (pid and start
 * time), and succeed with no cgroup to remove. */
static void test_teardown_kills_init(void **state)
{
	struct cs_reg_entry e = { 0 };
	struct cs_err err = { "" };
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	strcpy(e.rec.cgroup, "off");
	e.init_pid = pid;
	assert_int_equal(cs_proc_starttime(pid, &e.init_start), 0);
	assert_int_equal(cs_sandbox_teardown(&e, 0, &err), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
}

/* A recorded start time that does not match (a recycled pid) is never
 * signalled; teardown then only removes the cgroup (here: none). */
static void test_teardown_spares_recycled_pid(void **state)
{
	struct cs_reg_entry e = { 0 };
	struct cs_err err = { "" };
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	strcpy(e.rec.cgroup, "off");
	e.init_pid = pid;
	assert_int_equal(cs_proc_starttime(pid, &e.init_start), 0);
	e.init_start += 1;
	assert_int_equal(cs_sandbox_teardown(&e, 0, &err), 0);
	assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WTERMSIG(status), SIGTERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v2_counters),
		cmocka_unit_test(test_v1_hierarchies),
		cmocka_unit_test(test_missing_and_garbage),
		cmocka_unit_test(test_teardown_kills_init),
		cmocka_unit_test(test_teardown_spares_recycled_pid),
	};
	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
