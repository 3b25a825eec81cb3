/* SPDX-License-Identifier: MIT */
/* Reading from disk: the main file, drop-ins in strcmp order, what is
 * skipped, what is refused (ownership, modes, symlinks, non-files), and the
 * shipped example policy. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/policy_test.h"

static char dir[64];

static int setup_dir(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/cstest-policy-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	return chmod(dir, 0755);
}

static int teardown_dir(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *path(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void write_file(const char *name, const char *text, mode_t mode)
{
	const char *p = path(name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
	/* chmod, not the umask-filtered open mode: the test decides. */
	assert_int_equal(chmod(p, mode), 0);
}

static void make_dir(const char *name, mode_t mode)
{
	assert_int_equal(mkdir(path(name), 0700), 0);
	assert_int_equal(chmod(path(name), mode), 0);
}

/* Loads with the ownership check off (these tests may run as anyone). */
static int load(const char *conf, const char *confdir, struct cs_policy **p,
		struct cs_diag *d)
{
	return cs_policy_load_flags(conf, confdir, CS_LOAD_OWNER_SKIP, p, d);
}

/* The load fails with want_r (a negative errno) and exactly the message want. */
static void expect_one_error(const char *conf, const char *confdir, unsigned flags,
			     int want_r, const char *want)
{
	struct cs_policy *p = NULL;
	struct cs_diag d = { 0 };
	int r = cs_policy_load_flags(conf, confdir, flags, &p, &d);

	if (d.nerrors != 1) {
		fprintf(stderr, "wanted: %s\n", want);
		dump_diag(&d);
	}
	assert_int_equal(r, want_r);
	assert_null(p);
	assert_int_equal(d.nerrors, 1);
	assert_string_equal(d.errors[0], want);
	cs_diag_free(&d);
}

static void test_main_only(void **state)
{
	struct cs_policy *p = NULL;
	struct cs_diag d = { 0 };

	write_file("main.conf", "[profile p]\n[rules]\nalice = p\n", 0644);
	assert_int_equal(load(path("main.conf"), NULL, &p, &d), 0);
	assert_int_equal(p->nfiles, 1);
	assert_string_equal(p->files[0], path("main.conf"));
	assert_string_equal(p->rules[0].file, path("main.conf"));
	cs_policy_free(p);
	/* A confdir that does not exist is no error. */
	assert_int_equal(load(path("main.conf"), path("no-such.d"), &p, &d), 0);
	assert_int_equal(p->nfiles, 1);
	cs_policy_free(p);
	assert_int_equal(d.nerrors, 0);
	cs_diag_free(&d);
}

static void test_missing_main(void **state)
{
	char want[512];

	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory",
		 path("absent.conf"));
	expect_one_error(path("absent.conf"), NULL, CS_LOAD_OWNER_SKIP, -ENOENT, want);
}

/* Drop-ins: *.conf only, no hidden files, in strcmp order (so "10-" before
 * "20-", and "B" before "a"), read as one policy after the main file. */
static void test_dropin_order(void **state)
{
	struct cs_policy *p = NULL;
	struct cs_diag d = { 0 };

	write_file("main.conf", "[profile base]\n[rules]\nm = base\n", 0644);
	make_dir("conf.d", 0755);
	write_file("conf.d/20-b.conf", "[profile b]\ninherit = a\n[rules]\nb = b\n", 0644);
	write_file("conf.d/10-a.conf", "[profile a]\ninherit = base\n[rules]\na = a\n", 0644);
	write_file("conf.d/B.conf", "[rules]\nupper = base\n", 0644);
	write_file("conf.d/.hidden.conf", "this is not read\n", 0644);
	write_file("conf.d/notconf.txt", "nor this\n", 0644);
	write_file("conf.d/x.conf.bak", "nor this\n", 0644);
	write_file("conf.d/.conf", "nor this\n", 0644);
	make_dir("conf.d/30-dir.conf", 0755);
	assert_int_equal(mkfifo(path("conf.d/40-fifo.conf"), 0644), 0);

	assert_int_equal(load(path("main.conf"), path("conf.d"), &p, &d), 0);
	assert_int_equal(d.nerrors, 0);
	assert_int_equal(d.nwarnings, 0);
	assert_int_equal(p->nfiles, 4);
	assert_string_equal(p->files[0], path("main.conf"));
	assert_string_equal(p->files[1], path("conf.d/10-a.conf"));
	assert_string_equal(p->files[2], path("conf.d/20-b.conf"));
	assert_string_equal(p->files[3], path("conf.d/B.conf"));
	assert_int_equal(p->nrules, 4);
	assert_string_equal(p->rules[0].pattern, "m");
	assert_string_equal(p->rules[1].pattern, "a");
	assert_string_equal(p->rules[2].pattern, "b");
	assert_string_equal(p->rules[3].pattern, "upper");
	assert_string_equal(p->rules[2].file, path("conf.d/20-b.conf"));
	assert_int_equal(p->rules[2].line, 4);
	assert_string_equal(must_profile(p, "b")->file, path("conf.d/20-b.conf"));
	cs_policy_free(p);

	/* A trailing slash on the directory makes no double slash. */
	char slash[256];
	snprintf(slash, sizeof(slash), "%s/", path("conf.d"));
	assert_int_equal(load(path("main.conf"), slash, &p, &d), 0);
	assert_string_equal(p->files[1], path("conf.d/10-a.conf"));
	cs_policy_free(p);
	cs_diag_free(&d);
}

/* Messages name the drop-in and its line; every file starts outside any
 * section; a profile defined twice across files names the first. */
static void test_dropin_errors(void **state)
{
	struct cs_policy *p = NULL;
	struct cs_diag d = { 0 };
	char want[4][512];

	write_file("main.conf", "[profile a]\n[profile z]\n", 0644);
	make_dir("d", 0755);
	write_file("d/1.conf", "home = bind\n[profile a]\nfoo = 1\n", 0644);
	write_file("d/2.conf", "[rules]\nx = nope\n", 0644);

	assert_int_equal(load(path("main.conf"), path("d"), &p, &d), -EINVAL);
	snprintf(want[0], sizeof(want[0]), "%s:1: 'home' outside of any section", path("d/1.conf"));
	snprintf(want[1], sizeof(want[1]), "%s:2: profile 'a' already defined at %s:1",
		 path("d/1.conf"), path("main.conf"));
	snprintf(want[2], sizeof(want[2]), "%s:3: unknown key 'foo' in [profile a]",
		 path("d/1.conf"));
	snprintf(want[3], sizeof(want[3]), "%s:2: rule for 'x' names unknown profile 'nope'",
		 path("d/2.conf"));
	if (d.nerrors != 4)
		dump_diag(&d);
	assert_int_equal(d.nerrors, 4);
	for (int i = 0; i < 4; i++)
		assert_string_equal(d.errors[i], want[i]);
	cs_diag_free(&d);
}

/* A later file's warnings name both places. */
static void test_dropin_warning(void **state)
{
	struct cs_policy *p = NULL;
	struct cs_diag d = { 0 };
	char want[512];

	write_file("main.conf", "[profile p]\n[rules]\n* = p\n", 0644);
	make_dir("d", 0755);
	write_file("d/a.conf", "[rules]\nalice = off\n", 0644);
	assert_int_equal(load(path("main.conf"), path("d"), &p, &d), 0);
	snprintf(want, sizeof(want), "%s:2: rule for 'alice' can never match: shadowed by '*' at %s:3",
		 path("d/a.conf"), path("main.conf"));
	assert_int_equal(d.nwarnings, 1);
	assert_string_equal(d.warnings[0], want);
	cs_policy_free(p);
	cs_diag_free(&d);
}

static void test_not_regular(void **state)
{
	char want[512];

	/* The main file a directory, a FIFO (which must not hang us), a
	 * symlink (not followed). */
	make_dir("isdir.conf", 0755);
	snprintf(want, sizeof(want), "%s: not a regular file", path("isdir.conf"));
	expect_one_error(path("isdir.conf"), NULL, CS_LOAD_OWNER_SKIP, -EINVAL, want);

	assert_int_equal(mkfifo(path("fifo.conf"), 0644), 0);
	snprintf(want, sizeof(want), "%s: not a regular file", path("fifo.conf"));
	expect_one_error(path("fifo.conf"), NULL, CS_LOAD_OWNER_SKIP, -EINVAL, want);

	write_file("real.conf", "[profile p]\n", 0644);
	assert_int_equal(symlink(path("real.conf"), path("link.conf")), 0);
	snprintf(want, sizeof(want), "%s: is a symbolic link, which is not followed",
		 path("link.conf"));
	expect_one_error(path("link.conf"), NULL, CS_LOAD_OWNER_SKIP, -ELOOP, want);

	/* A symlinked drop-in is an error, not silently left out. */
	make_dir("d", 0755);
	assert_int_equal(symlink(path("real.conf"), path("d/10-link.conf")), 0);
	snprintf(want, sizeof(want), "%s: is a symbolic link, which is not followed",
		 path("d/10-link.conf"));
	expect_one_error(path("real.conf"), path("d"), CS_LOAD_OWNER_SKIP, -ELOOP, want);

	/* So is a symlinked directory, and a confdir that is a file. */
	assert_int_equal(symlink(path("d"), path("dlink")), 0);
	snprintf(want, sizeof(want), "%s: is a symbolic link, which is not followed",
		 path("dlink"));
	expect_one_error(path("real.conf"), path("dlink"), CS_LOAD_OWNER_SKIP, -ELOOP, want);
	snprintf(want, sizeof(want), "%s: cannot open: %s", path("real.conf"), strerror(ENOTDIR));
	expect_one_error(path("real.conf"), path("real.conf"), CS_LOAD_OWNER_SKIP, -ENOTDIR, want);
}

/* As root, a policy anyone but root could change is refused: the file,
 * a drop-in, or the drop-in directory. */
static void test_ownership_as_root(void **state)
{
	char want[512];
	struct cs_policy *p = NULL;
	struct cs_diag d = { 0 };

	if (geteuid() != 0)
		skip();
	write_file("main.conf", "[profile p]\n", 0644);
	make_dir("d", 0755);
	write_file("d/a.conf", "[profile a]\n", 0644);
	assert_int_equal(cs_policy_load(path("main.conf"), path("d"), &p, &d), 0);
	cs_policy_free(p);
	cs_diag_free(&d);

	/* chmod o+w: refused. */
	assert_int_equal(chmod(path("main.conf"), 0646), 0);
	snprintf(want, sizeof(want),
		 "%s: must be owned by root and not writable by group or others",
		 path("main.conf"));
	expect_one_error(path("main.conf"), NULL, CS_LOAD_OWNER_AUTO, -EPERM, want);
	/* ... unless the caller asks for no check. */
	assert_int_equal(cs_policy_load_flags(path("main.conf"), NULL, CS_LOAD_OWNER_SKIP,
					      &p, &d), 0);
	cs_policy_free(p);
	/* g+w: refused too. */
	assert_int_equal(chmod(path("main.conf"), 0664), 0);
	expect_one_error(path("main.conf"), NULL, CS_LOAD_OWNER_AUTO, -EPERM, want);
	assert_int_equal(chmod(path("main.conf"), 0644), 0);

	/* Owned by someone else. */
	assert_int_equal(chown(path("main.conf"), 65534, 0), 0);
	expect_one_error(path("main.conf"), NULL, CS_LOAD_OWNER_AUTO, -EPERM, want);
	assert_int_equal(chown(path("main.conf"), 0, 0), 0);

	/* A drop-in. */
	assert_int_equal(chmod(path("d/a.conf"), 0666), 0);
	snprintf(want, sizeof(want),
		 "%s: must be owned by root and not writable by group or others",
		 path("d/a.conf"));
	expect_one_error(path("main.conf"), path("d"), CS_LOAD_OWNER_AUTO, -EPERM, want);
	assert_int_equal(chmod(path("d/a.conf"), 0644), 0);

	/* The directory. */
	assert_int_equal(chmod(path("d"), 0775), 0);
	snprintf(want, sizeof(want),
		 "%s: must be owned by root and not writable by group or others", path("d"));
	expect_one_error(path("main.conf"), path("d"), CS_LOAD_OWNER_AUTO, -EPERM, want);
	assert_int_equal(chmod(path("d"), 0755), 0);
	assert_int_equal(cs_policy_load(path("main.conf"), path("d"), &p, &d), 0);
	assert_int_equal(d.nerrors, 0);
	cs_policy_free(p);
	cs_diag_free(&d);
}

/* Forced on, the check applies whoever we are: as a non-root user the
 * user's own files are refused; as root, a world-writable one. */
static void test_ownership_forced(void **state)
{
	char want[512];

	write_file("main.conf", "[profile p]\n", geteuid() == 0 ? 0666 : 0644);
	snprintf(want, sizeof(want),
		 "%s: must be owned by root and not writable by group or others",
		 path("main.conf"));
	expect_one_error(path("main.conf"), NULL, CS_LOAD_OWNER_CHECK, -EPERM, want);
}

/* The shipped example: valid, silent, and sandboxes nobody. */
static void test_example_policy(void **state)
{
	struct cs_policy *p = NULL;
	struct cs_diag d = { 0 };
	const char *groups[] = { "users", "admins", "staff" };

	assert_int_equal(cs_policy_load_flags("config/containsession.conf", NULL,
					      CS_LOAD_OWNER_SKIP, &p, &d), 0);
	if (d.nerrors || d.nwarnings)
		dump_diag(&d);
	assert_int_equal(d.nerrors, 0);
	assert_int_equal(d.nwarnings, 0);
	assert_int_equal(p->nrules, 0);
	assert_null(match_names(p, 1000, "alice", groups, 3));

	const struct cs_profile *def = must_profile(p, "default");
	const struct cs_profile *strict = must_profile(p, "strict");
	assert_string_equal(strict->inherit, "default");
	assert_int_equal(strict->network, CS_NET_NONE);
	assert_string_equal(strict->hostname, def->hostname);
	assert_string_equal(strict->origin[CS_K_HOSTNAME].profile, "default");
	assert_true(strict->no_new_privs);
	assert_true(strict->seccomp);
	assert_true(def->no_new_privs);
	assert_true(def->seccomp);
	assert_int_equal(def->caps, CS_CAPS_DEFAULT);
	/* Defaults as documented in [global]. */
	assert_int_equal(p->cgroup, CS_CG_AUTO);
	assert_string_equal(p->cgroup_root, CS_DEFAULT_CGROOT);
	assert_string_equal(p->state_dir, CS_DEFAULT_STATE);
	assert_string_equal(p->data_dir, CS_DEFAULT_DATA);
	cs_policy_free(p);
	cs_diag_free(&d);
}

/* Uncommenting the example rules gives a valid policy too. */
static void test_example_rules_uncommented(void **state)
{
	FILE *f = fopen("config/containsession.conf", "re");
	char *text = NULL, line[1024];
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(f);
	assert_non_null(out);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "#alice", 6) || !strncmp(line, "#@admins", 8) ||
		    !strncmp(line, "#*", 2))
			fputs(line + 1, out);
		else
			fputs(line, out);
	}
	fclose(f);
	fclose(out);
	struct cs_policy *p = load_ok(text);
	const char *admins[] = { "admins" };
	assert_int_equal(p->nrules, 3);
	assert_string_equal(match_names(p, 1000, "alice", NULL, 0)->profile, "strict");
	assert_null(match_names(p, 1001, "bob", admins, 1)->profile);
	assert_string_equal(match_names(p, 1002, "carol", NULL, 0)->profile, "default");
	cs_policy_free(p);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_main_only, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_missing_main, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_dropin_order, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_dropin_errors, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_dropin_warning, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_not_regular, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_ownership_as_root, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_ownership_forced, setup_dir, teardown_dir),
		cmocka_unit_test(test_example_policy),
		cmocka_unit_test(test_example_rules_uncommented),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
