/* SPDX-License-Identifier: MIT */
/*
 * lib/privileges: the drop to the user holds and is proven (a complete drop
 * to nobody passes the checks; a drop that keeps a saved uid, the gid,
 * supplementary groups or CAP_SETUID is caught), the signal reset, and the
 * helper-file checks. The drops run in forked children, as root (make
 * check runs the unit tests as root); as anyone else they are skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cap-ng.h>
#include <cmocka.h>

#include "lib/root/privileges.h"

#define NOBODY 65534

/* Run fn in a child; its exit status. */
static int in_child(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void need_root(void)
{
	if (geteuid() != 0)
		skip();
}

static int full_drop(void)
{
	gid_t g[] = { 100 };
	uid_t r, e, s;

	if (cs_priv_drop(NOBODY, NOBODY, g, 1) != 0)
		return 1;
	if (getresuid(&r, &e, &s) < 0 || r != NOBODY || e != NOBODY || s != NOBODY)
		return 2;
	if (getgid() != NOBODY || getgroups(0, NULL) != 1)
		return 3;
	/* what the verification proved, once more by hand */
	if (setuid(0) == 0 || setgid(0) == 0)
		return 4;
	return 0;
}

static void test_drop_to_nobody(void **state)
{
	need_root();
	assert_int_equal(in_child(full_drop), 0);
	/* nothing drops to root */
	assert_int_equal(cs_priv_drop(0, 0, NULL, 0), -EINVAL);
}

/* setresuid keeping root as the saved uid: the ids read back betray it */
static int saved_uid_kept(void)
{
	if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, 0) < 0)
		return 10;
	return cs_priv_verify(NOBODY, NOBODY, 0, 0, 0) == -EPERM ? 0 : 1;
}

/* the gid never dropped (spawn.c did not check it before) */
static int gid_kept(void)
{
	if (setgroups(0, NULL) < 0 || setresuid(NOBODY, NOBODY, NOBODY) < 0)
		return 10;
	return cs_priv_verify(NOBODY, NOBODY, 0, 0, 0) == -EPERM ? 0 : 1;
}

/* root's supplementary groups kept */
static int groups_kept(void)
{
	gid_t g[] = { 0, 4 };
	if (setgroups(2, g) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) < 0)
		return 10;
	return cs_priv_verify(NOBODY, NOBODY, 0, 0, 0) == -EPERM ? 0 : 1;
}

/* every id is nobody's, but CAP_SETUID (or CAP_SETGID) survived
 * (keepcaps): only trying to get root's ids back shows it */
static int cap_kept(unsigned cap)
{
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 || setgroups(0, NULL) < 0 ||
	    setresgid(NOBODY, NOBODY, NOBODY) < 0 || setresuid(NOBODY, NOBODY, NOBODY) < 0)
		return 10;
	if (capng_get_caps_process() < 0)
		return 13;
	if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE, cap) < 0 || capng_apply(CAPNG_SELECT_CAPS) < 0)
		return 11;
	uid_t r, e, s;
	if (getresuid(&r, &e, &s) < 0 || r != NOBODY || e != NOBODY || s != NOBODY)
		return 12;
	return cs_priv_verify(NOBODY, NOBODY, 0, 0, 0) == -EPERM ? 0 : 1;
}

static int setuid_kept(void)
{
	return cap_kept(CAP_SETUID);
}

static int setgid_kept(void)
{
	return cap_kept(CAP_SETGID);
}

static void test_incomplete_drop_detected(void **state)
{
	need_root();
	assert_int_equal(in_child(saved_uid_kept), 0);
	assert_int_equal(in_child(gid_kept), 0);
	assert_int_equal(in_child(groups_kept), 0);
	assert_int_equal(in_child(setuid_kept), 0);
	assert_int_equal(in_child(setgid_kept), 0);
}

static void on_usr1(int sig)
{
}

static int reset_child(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 }, got;
	sigset_t block, now;

	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, NULL);
	if (cs_priv_reset_signals() != 0)
		return 1;
	for (int sig = 1; sig < 32; sig++)
		if (sigaction(sig, NULL, &got) == 0 && got.sa_handler != SIG_DFL)
			return 2;
	if (sigprocmask(SIG_SETMASK, NULL, &now) < 0)
		return 3;
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&now, sig) == 1)
			return 4;
	return 0;
}

static void test_reset_signals(void **state)
{
	assert_int_equal(in_child(reset_child), 0);
}

static void test_open_helper(void **state)
{
	char dir[] = "/tmp/cs-priv-XXXXXX", file[64], link[64], sub[64], subfile[80];
	struct cs_err err;
	int fd;

	need_root();
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/helper", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(subfile, sizeof(subfile), "%s/helper", sub);
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0755);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(chmod(file, 0755), 0);

	fd = cs_priv_open_helper(file, &err);
	assert_true(fd >= 0);
	close(fd);
	/* group/world-writable, setuid, setgid, not root's */
	static const mode_t bad[] = { 0775, 0757, 04755, 02755 };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(chmod(file, bad[i]), 0);
		assert_int_equal(cs_priv_open_helper(file, &err), -EPERM);
	}
	assert_int_equal(chmod(file, 0755), 0);
	assert_int_equal(chown(file, NOBODY, 0), 0);
	assert_int_equal(cs_priv_open_helper(file, &err), -EPERM);
	assert_non_null(strstr(err.msg, "root-owned"));
	assert_int_equal(chown(file, 0, 0), 0);
	/* a symlink is not followed, even to a good helper */
	assert_int_equal(symlink(file, link), 0);
	assert_true(cs_priv_open_helper(link, &err) < 0);
	/* every directory on the way: one owned by nobody, or group-writable */
	assert_int_equal(mkdir(sub, 0755), 0);
	fd = open(subfile, O_WRONLY | O_CREAT | O_EXCL, 0755);
	assert_true(fd >= 0);
	close(fd);
	fd = cs_priv_open_helper(subfile, &err);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(chown(sub, NOBODY, 0), 0);
	assert_int_equal(cs_priv_open_helper(subfile, &err), -EPERM);
	assert_int_equal(chown(sub, 0, 0), 0);
	assert_int_equal(chmod(sub, 0775), 0);
	assert_int_equal(cs_priv_open_helper(subfile, &err), -EPERM);
	/* not absolute, missing */
	assert_int_equal(cs_priv_open_helper("helper", &err), -EINVAL);
	assert_int_equal(cs_priv_open_helper("/nonexistent-cs/helper", &err), -ENOENT);

	unlink(subfile);
	rmdir(sub);
	unlink(link);
	unlink(file);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drop_to_nobody),
		cmocka_unit_test(test_incomplete_drop_detected),
		cmocka_unit_test(test_reset_signals),
		cmocka_unit_test(test_open_helper),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
