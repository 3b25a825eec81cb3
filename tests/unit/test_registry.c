/* SPDX-License-Identifier: MIT */
/* The registry: text round trip, holders, locking across an unlink, and the
 * root-safe directory walk it lives under. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/fsutil.h"
#include "lib/proc.h"
#include "lib/root/registry.h"
#include "lib/sessionfile.h"
#include "lib/root/teardown.h"

static char tmpdir[64];

static int setup_dir(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/cstest-unit-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	return chmod(tmpdir, 0700);
}

static int teardown_dir(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A record as the module makes one (tests/unit/test_record.c tests it). */
static void fill_rec(struct cs_record *r, const char *cgroup)
{
	memset(r, 0, sizeof(*r));
	strcpy(r->profile, "strict");
	strcpy(r->hostname, "box");
	strcpy(r->cgroup, cgroup);
	r->home_max = r->tmp_max = 1 << 20;
}

static int parse(const char *text, struct cs_reg_entry *e)
{
	return cs_reg_parse(text, strlen(text), e, NULL, 0);
}

static void test_round_trip(void **state)
{
	struct cs_reg_entry e = { 0 }, back;
	char *text;

	e.present = true;
	e.uid = 1234;
	e.gid = 99;
	strcpy(e.user, "alice");
	fill_rec(&e.rec, "v1");
	e.rec.network = CS_NET_NONE;
	e.init_pid = 4242;
	e.init_start = 987654321ULL;
	e.created = 1700000000;
	e.rec.cgroups[0] = strdup("/sys/fs/cgroup/memory/x/user-1234");
	e.rec.cgroups[1] = strdup("/sys/fs/cgroup/pids/x/user-1234");
	e.rec.ncgroups = 2;
	assert_int_equal(cs_reg_add_holder(&e, 100, 5), 0);
	assert_int_equal(cs_reg_add_holder(&e, 101, 6), 0);
	text = cs_reg_format(&e);
	assert_non_null(text);
	assert_int_equal(parse(text, &back), 0);
	assert_true(back.present);
	assert_int_equal(back.uid, 1234);
	assert_int_equal(back.gid, 99);
	assert_string_equal(back.user, "alice");
	assert_string_equal(back.rec.profile, "strict");
	assert_int_equal(back.rec.network, CS_NET_NONE);
	assert_int_equal(back.init_pid, 4242);
	assert_true(back.init_start == 987654321ULL);
	assert_int_equal(back.rec.ncgroups, 2);
	assert_string_equal(back.rec.cgroups[1], "/sys/fs/cgroup/pids/x/user-1234");
	assert_int_equal(back.nholders, 2);
	assert_int_equal(back.holders[1].pid, 101);
	assert_int_equal(back.rec.lifetime, CS_LIFE_LOGOUT);
	free(text);
	cs_reg_entry_free(&back);

	/* The lifetime and idle time travel with the entry. */
	e.rec.lifetime = CS_LIFE_GRACE;
	e.rec.lifetime_s = 900;
	e.idle_since = 1700000123;
	assert_non_null(text = cs_reg_format(&e));
	assert_non_null(strstr(text, "lifetime=900\n"));
	assert_int_equal(parse(text, &back), 0);
	assert_int_equal(back.rec.lifetime, CS_LIFE_GRACE);
	assert_int_equal(back.rec.lifetime_s, 900);
	assert_true(back.idle_since == 1700000123);
	free(text);
	cs_reg_entry_free(&back);
	e.rec.lifetime = CS_LIFE_PROCESSES;
	assert_non_null(text = cs_reg_format(&e));
	assert_int_equal(parse(text, &back), 0);
	assert_int_equal(back.rec.lifetime, CS_LIFE_PROCESSES);
	free(text);
	cs_reg_entry_free(&back);
	cs_reg_entry_free(&e);
}

/* When a sandbox is due (lib/root/teardown.c), with this test process standing
 * in for a live init and a reaped child for one that exited. */
static void test_due(void **state)
{
	struct cs_reg_entry e = { 0 };
	long long now = 1800000000;
	pid_t child;

	strcpy(e.user, "alice");
	e.init_pid = getpid();
	assert_int_equal(cs_proc_starttime(e.init_pid, &e.init_start), 0);
	e.rec.lifetime = CS_LIFE_LOGOUT;
	assert_string_equal(cs_sandbox_due(&e, now), "no login is left");
	assert_int_equal(cs_reg_add_holder(&e, getppid(), 1), 0);
	assert_null(cs_sandbox_due(&e, now));
	assert_false(cs_sandbox_mark_idle(&e, now));
	e.nholders = 0;

	e.rec.lifetime = CS_LIFE_GRACE;
	e.rec.lifetime_s = 30;
	assert_null(cs_sandbox_due(&e, now)); /* no idle time yet */
	assert_true(cs_sandbox_mark_idle(&e, now));
	assert_false(cs_sandbox_mark_idle(&e, now + 5)); /* kept, not moved */
	assert_true(cs_sandbox_ends_at(&e) == now + 30);
	assert_null(cs_sandbox_due(&e, now + 29));
	assert_string_equal(cs_sandbox_due(&e, now + 30), "its grace after the last logout is over");

	/* This process' PID namespace (the host's) has others in it. */
	e.rec.lifetime = CS_LIFE_PROCESSES;
	assert_null(cs_sandbox_due(&e, now));
	assert_true(cs_sandbox_ends_at(&e) == -1);

	child = fork();
	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	e.init_pid = child;
	assert_int_equal(cs_proc_starttime(child, &e.init_start), 0);
	assert_int_equal(waitpid(child, NULL, 0), child);
	assert_string_equal(cs_sandbox_due(&e, now), "its init has exited");
	cs_reg_entry_free(&e);
}

/* The entry around a good record, with extra lines. */
static int parse_with(const char *extra)
{
	static const char rec[] =
		"version=2\nprofile=p\nhostname=h\nhome=bind\ntmp=host\nnetwork=host\n"
		"capabilities=none\ncapabilities.list=0\nseccomp=1\nno_new_privs=1\n"
		"home.max=1024\ntmp.max=1024\nlifetime=logout\ncgroup=off\n"
		"uid=1\ngid=1\ninit_start=1\ncreated=1\nidle_since=0\n";
	struct cs_reg_entry e;
	char text[1024];
	int r;

	snprintf(text, sizeof(text), "%s%s", rec, extra);
	r = parse(text, &e);
	cs_reg_entry_free(&e);
	return r;
}

static void test_parse_rejects(void **state)
{
	/* unknown key, pid 1, no user, bad holder, negative pid */
	assert_true(parse_with("user=a\ninit_pid=5\nbogus=1\n") < 0);
	assert_true(parse_with("user=a\ninit_pid=1\n") < 0);
	assert_true(parse_with("init_pid=5\n") < 0);
	assert_true(parse_with("user=a\ninit_pid=5\nholder=12\n") < 0);
	assert_true(parse_with("user=a\ninit_pid=5\nholder=0 1\n") < 0);
	assert_true(parse_with("user=a\ninit_pid=-5\n") < 0);
	assert_true(parse_with("user=a\ninit_pid=5\nuid=2\n") < 0); /* twice */
	assert_int_equal(parse_with("user=a\ninit_pid=5\nholder=12 3\nholder=13 4\n"), 0);
}

/* A name from a hostile NSS source: "alice\nuid=0" would add a line of
 * its own to the entry; an escape would reach root's terminal in list. */
static void test_control_chars_refused(void **state)
{
	static const char *const bad[] = { "alice\nuid=0", "al\x1b[2Jice", "bob\r", "x\x7f", "t\tab" };
	struct cs_reg_entry e = { 0 };
	char *text;

	e.present = true;
	e.uid = 1000;
	e.init_pid = 4242;
	fill_rec(&e.rec, "v2");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(e.user, sizeof(e.user), "%s", bad[i]);
		assert_null(cs_reg_format(&e));
	}
	strcpy(e.user, "alice");
	strcpy(e.rec.profile, "str\x1bict");
	assert_null(cs_reg_format(&e));
	strcpy(e.rec.profile, "strict");
	e.rec.cgroups[0] = strdup("/sys/fs/cgroup/x\x1b/user-1000");
	e.rec.ncgroups = 1;
	assert_null(cs_reg_format(&e));
	free(e.rec.cgroups[0]);
	e.rec.ncgroups = 0;
	assert_non_null(text = cs_reg_format(&e));
	free(text);
	/* And read back: a file with such a field is corrupt. */
	assert_true(parse_with("user=al\x1bice\ninit_pid=5\n") < 0);
	assert_true(parse_with("user=a\ninit_pid=5\ncgroup.dir=/x\x07\n") < 0);
}

static void test_holders_prune(void **state)
{
	struct cs_reg_entry e = { 0 };
	unsigned long long me;
	pid_t dead;

	assert_int_equal(cs_proc_starttime(getpid(), &me), 0);
	dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	assert_int_equal(cs_reg_add_holder(&e, getpid(), me), 0);
	assert_int_equal(cs_reg_add_holder(&e, dead, 1), 0);
	/* alive pid, wrong start time: a recycled pid is not a holder */
	assert_int_equal(cs_reg_add_holder(&e, getpid(), me + 1), 0);
	assert_int_equal(cs_reg_prune(&e), 1);
	assert_int_equal(e.holders[0].pid, getpid());
	assert_false(cs_reg_del_holder(&e, getpid(), me + 1));
	assert_true(cs_reg_del_holder(&e, getpid(), me));
	assert_int_equal(e.nholders, 0);
	cs_reg_entry_free(&e);
}

/* A lock held for long (a login whose helper was stopped) is waited for
 * within the caller's bound, then -EBUSY; a stopped child is reaped within
 * its bound, by SIGKILL (#13 item 7). */
static void test_bounded_waits(void **state)
{
	struct cs_err err;
	struct cs_reg reg, reg2;
	struct timespec t0, t1;
	int statefd = cs_open_root_dir(tmpdir, false, 0700, &err), status;
	pid_t c;
	long ms;

	assert_true(statefd >= 0);
	assert_int_equal(cs_reg_lock(statefd, 78, &reg, &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Another open file description: flock excludes it. */
	assert_int_equal(cs_reg_lock_existing_within(statefd, 78, 300, &reg2, &err), -EBUSY);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 290 && ms < 2000);
	assert_non_null(strstr(err.msg, "not free within"));
	cs_reg_unlock(&reg);
	assert_int_equal(cs_reg_lock_existing_within(statefd, 78, 300, &reg2, &err), 0);
	cs_reg_unlock(&reg2);
	close(statefd);

	c = fork();
	if (c == 0) {
		raise(SIGSTOP);
		_exit(0);
	}
	assert_int_equal(cs_child_reap(c, 200, &status), -ETIMEDOUT);
	assert_int_equal(cs_child_kill(c, &status), 0);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	c = fork();
	if (c == 0)
		_exit(3);
	assert_int_equal(cs_child_reap(c, 5000, &status), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 3);
}

static void test_lock_write_remove(void **state)
{
	struct cs_err err;
	struct cs_reg reg, reg2;
	struct cs_reg_entry e = { 0 }, r;
	int statefd = cs_open_root_dir(tmpdir, false, 0700, &err);

	assert_true(statefd >= 0);
	/* no entry yet: lock_existing says so, lock creates an empty one */
	assert_int_equal(cs_reg_lock_existing(statefd, 77, &reg, &err), -ENOENT);
	assert_int_equal(cs_reg_lock(statefd, 77, &reg, &err), 0);
	assert_int_equal(cs_reg_read(&reg, &r, &err), 0);
	assert_false(r.present);
	e.uid = 77;
	strcpy(e.user, "bob");
	fill_rec(&e.rec, "off");
	e.init_pid = 999;
	assert_int_equal(cs_reg_write(&reg, &e, &err), 0);
	cs_reg_unlock(&reg);

	/* a second lock sees what the first wrote */
	assert_int_equal(cs_reg_lock_existing(statefd, 77, &reg2, &err), 0);
	assert_int_equal(cs_reg_read(&reg2, &r, &err), 0);
	assert_true(r.present);
	assert_string_equal(r.user, "bob");
	cs_reg_entry_free(&r);

	/* while we hold the lock, a child blocks; we remove the entry; the
	 * child must end up on a fresh, empty entry, not the dead inode */
	pid_t c = fork();
	if (c == 0) {
		struct cs_reg cr;
		struct cs_reg_entry ce;
		/* flock belongs to the open file description: the copy we
		 * inherited would keep the parent's lock alive. */
		close(reg2.fd);
		if (cs_reg_lock(statefd, 77, &cr, &err) < 0 || cs_reg_read(&cr, &ce, &err) < 0)
			_exit(2);
		_exit(ce.present ? 3 : 0);
	}
	usleep(100000);
	assert_int_equal(cs_reg_remove(&reg2, &err), 0);
	int st;
	assert_int_equal(waitpid(c, &st, 0), c);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	close(statefd);
	cs_reg_entry_free(&e);
}

static void test_open_root_dir(void **state)
{
	struct cs_err err;
	char path[128], link[128];
	int fd;

	snprintf(path, sizeof(path), "%s/state/deeper", tmpdir);
	fd = cs_open_root_dir(path, true, 0700, &err);
	assert_true(fd >= 0);
	close(fd);
	/* a symlink anywhere in the path is refused, never followed */
	snprintf(link, sizeof(link), "%s/link", tmpdir);
	assert_int_equal(symlink("/etc", link), 0);
	snprintf(path, sizeof(path), "%s/link/x", tmpdir);
	fd = cs_open_root_dir(path, true, 0700, &err);
	assert_true(fd < 0);
	assert_non_null(strstr(err.msg, "symlinks are not followed"));
	assert_int_equal(access("/etc/x", F_OK), -1);
	/* a leaf that is too open is refused */
	snprintf(path, sizeof(path), "%s/open", tmpdir);
	assert_int_equal(mkdir(path, 0777), 0);
	assert_int_equal(chmod(path, 0777), 0);
	fd = cs_open_root_dir(path, false, 0700, &err);
	assert_true(fd < 0);
	assert_non_null(strstr(err.msg, "too open"));
	/* a component owned by someone else is refused */
	snprintf(path, sizeof(path), "%s/owned", tmpdir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(chown(path, 65534, 65534), 0);
	snprintf(path, sizeof(path), "%s/owned/x", tmpdir);
	fd = cs_open_root_dir(path, true, 0700, &err);
	assert_true(fd < 0);
	assert_non_null(strstr(err.msg, "not owned by root"));
}

/* In a child with its own mount namespace: a registry on a tmpfs of four
 * pages holds a small entry; the rest of the tmpfs is filled; a write of an
 * entry that needs more pages than are free must fail and leave the old
 * entry readable. Truncating first would leave an empty file, read as "no
 * sandbox": the running one unrecorded, and a second one made. Exit codes
 * name the step that failed. */
static int full_write_child(void)
{
	struct cs_reg_entry e = { 0 }, r;
	struct cs_holder many[400];
	struct cs_err err;
	struct cs_reg reg;
	char fill[4096];
	int statefd, fd;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return 10;
	if (mount("cstest", tmpdir, "tmpfs", MS_NOSUID | MS_NODEV, "size=16k,mode=0700") < 0)
		return 11;
	statefd = cs_open_root_dir(tmpdir, false, 0700, &err);
	if (statefd < 0 || cs_reg_lock(statefd, 77, &reg, &err) < 0)
		return 12;
	e.uid = 77;
	strcpy(e.user, "bob");
	fill_rec(&e.rec, "off");
	e.init_pid = 999;
	if (cs_reg_write(&reg, &e, &err) < 0)
		return 13;
	/* The rest of the tmpfs, to the last page. */
	fd = openat(statefd, "filler", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return 14;
	memset(fill, 'x', sizeof(fill));
	while (write(fd, fill, sizeof(fill)) > 0)
		;
	if (errno != ENOSPC)
		return 15;
	close(fd);
	for (size_t i = 0; i < sizeof(many) / sizeof(many[0]); i++)
		many[i] = (struct cs_holder){ .pid = 100000 + (pid_t)i, .start = 123456789ULL };
	e.holders = many;
	e.nholders = sizeof(many) / sizeof(many[0]);
	if (cs_reg_write(&reg, &e, &err) == 0)
		return 16; /* nothing to prove: it fitted */
	if (cs_reg_read(&reg, &r, &err) < 0)
		return 17;
	if (!r.present || r.init_pid != 999 || r.nholders != 0)
		return 18;
	cs_reg_entry_free(&r);
	cs_reg_unlock(&reg);
	return 0;
}

static void test_write_when_full(void **state)
{
	pid_t pid;
	int st;

	if (geteuid() != 0) {
		print_message("skipped: mounting a tmpfs needs root\n");
		skip();
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(full_write_child());
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_user_dir(void **state)
{
	struct cs_err err;
	struct stat st;
	char path[128];
	int dfd = cs_open_root_dir(tmpdir, false, 0700, &err), fd;

	assert_true(dfd >= 0);
	fd = cs_open_user_dir(dfd, "carol", 4321, 4321, &err);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_uid, 4321);
	assert_int_equal(st.st_mode & 07777, 0700);
	close(fd);
	/* someone else's entry is refused, a symlink is not followed */
	assert_true(cs_open_user_dir(dfd, "carol", 1000, 1000, &err) < 0);
	snprintf(path, sizeof(path), "%s/dave", tmpdir);
	assert_int_equal(symlink("/etc", path), 0);
	assert_true(cs_open_user_dir(dfd, "dave", 1000, 1000, &err) < 0);
	assert_true(cs_open_user_dir(dfd, "../x", 1000, 1000, &err) < 0);

	/* A user whose name is one of root's own dot-entries (.images holds
	 * every user's home image) must not be given it. */
	snprintf(path, sizeof(path), "%s/.images", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_true(cs_open_user_dir(dfd, ".images", 1000, 1000, &err) < 0);
	assert_non_null(strstr(err.msg, "dot"));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_uid, 0);

	/* A root directory already there with something in it is not the
	 * empty one a crash before the chown leaves: refused, not adopted. */
	snprintf(path, sizeof(path), "%s/erin", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/erin/admin-notes", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_true(cs_open_user_dir(dfd, "erin", 1000, 1000, &err) < 0);
	assert_non_null(strstr(err.msg, "not empty"));
	snprintf(path, sizeof(path), "%s/erin", tmpdir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_uid, 0);
	/* The empty one a crash leaves is taken over. */
	snprintf(path, sizeof(path), "%s/frank", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	fd = cs_open_user_dir(dfd, "frank", 4321, 4321, &err);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_uid, 4321);
	close(fd);
	close(dfd);
}

static void test_session_info(void **state)
{
	struct cs_session_info si = { .uid = 1000, .init_pid = 55, .init_start = 9,
				      .net_none = true, .netns = 4026532999ULL,
				      .seccomp = true, .caps = 3,
				      .caps_list = 1ULL << 13 }, back;
	char buf[512];

	assert_int_equal(cs_session_info_format(&si, buf, sizeof(buf)), 0);
	assert_int_equal(cs_session_info_parse(buf, &back), 0);
	assert_int_equal(back.uid, 1000);
	assert_int_equal(back.init_pid, 55);
	assert_true(back.net_none);
	assert_true(back.netns == 4026532999ULL);
	assert_false(back.no_new_privs);
	assert_true(back.caps_list == 1ULL << 13);
	/* Every key, once, and nothing else (lib/kv.h). */
	assert_true(cs_session_info_parse("uid=1\ninit_pid=5\n", &back) < 0);
	assert_true(cs_session_info_parse(strcat(strcpy(buf + 256, buf), "x=1\n"), &back) < 0);
	assert_true(cs_session_info_parse(strcat(strcpy(buf + 256, buf), "uid=0\n"), &back) < 0);
	si.init_pid = 1;
	assert_int_equal(cs_session_info_format(&si, buf, 256), 0);
	assert_true(cs_session_info_parse(buf, &back) < 0);
	/* network = none without the namespace to check against */
	si.init_pid = 55;
	si.netns = 0;
	assert_int_equal(cs_session_info_format(&si, buf, 256), 0);
	assert_true(cs_session_info_parse(buf, &back) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_due),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_control_chars_refused),
		cmocka_unit_test(test_holders_prune),
		cmocka_unit_test(test_session_info),
		cmocka_unit_test_setup_teardown(test_lock_write_remove, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_bounded_waits, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_open_root_dir, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_user_dir, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_write_when_full, setup_dir, teardown_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
