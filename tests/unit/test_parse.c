/* SPDX-License-Identifier: MIT */
/* The reader: syntax, sections, every key with good and bad values, [global],
 * diagnostics with their exact lines, and robustness on arbitrary input. */
#include <errno.h>
#include <time.h>

#include "tests/unit/policy_test.h"

#define M (1ULL << 20)
#define G (1ULL << 30)

static void test_empty_and_comments(void **state)
{
	struct cs_policy *p = load_ok("");

	assert_int_equal(p->nprofiles, 0);
	assert_int_equal(p->nrules, 0);
	assert_int_equal(p->nfiles, 1);
	assert_string_equal(p->files[0], "t.conf");
	cs_policy_free(p);

	p = load_ok("# only\n\n   # comments\n\t\n");
	assert_int_equal(p->nprofiles, 0);
	cs_policy_free(p);
}

static void test_global_defaults(void **state)
{
	struct cs_policy *p = load_ok("[global]\n");

	assert_int_equal(p->cgroup, CS_CG_AUTO);
	assert_string_equal(p->cgroup_root, "containsession");
	assert_string_equal(p->state_dir, "/run/containsession");
	assert_string_equal(p->data_dir, "/var/lib/containsession");
	for (int i = 0; i < 4; i++) {
		assert_null(p->global_origin[i].file);
		assert_int_equal(p->global_origin[i].line, 0);
	}
	cs_policy_free(p);
}

static void test_whitespace_and_comments(void **state)
{
	struct cs_policy *p = load_ok(
		"  # indented comment\n"
		"[profile x]   # comment after a header\n"
		"\t home\t=\tbind   \n"
		"tmp=host\n"
		"network = none # trailing comment\n"
		"hostname = a-%u\t# tab before the comment\n"
		"[ profile  y ]\r\n"
		"home = tmpfs\r\n"
		"[profile z]\n"
		"home = overlay-tmpfs"); /* no final newline */
	const struct cs_profile *x = must_profile(p, "x"), *y = must_profile(p, "y");

	assert_int_equal(x->home, CS_HOME_BIND);
	assert_int_equal(x->tmp, CS_TMP_HOST);
	assert_int_equal(x->network, CS_NET_NONE);
	assert_string_equal(x->hostname, "a-%u");
	assert_int_equal(y->home, CS_HOME_TMPFS);
	assert_int_equal(must_profile(p, "z")->home, CS_HOME_OVERLAY_TMPFS);
	cs_policy_free(p);

	/* A '#' that does not follow whitespace is part of the value. */
	expect_errors("[profile x]\nhome = bind#x\n",
		      "t.conf:2: invalid value 'bind#x' for home: overlay | overlay-tmpfs | bind | tmpfs");
	expect_errors("[profile x]\nhome = # nothing\n", "t.conf:2: empty value for home");
}

/* One text with one mistake of each kind; every message with its line. */
static void test_syntax_errors(void **state)
{
	expect_errors(
		"home = overlay\n"          /* 1 */
		"# comment\n"               /* 2 */
		"[profile a]\n"             /* 3 */
		"home overlay\n"            /* 4 */
		"foo = 1\n"                 /* 5 */
		"home =\n"                  /* 6 */
		"= x\n"                     /* 7 */
		"[weird]\n"                 /* 8 */
		"anything = goes\n"         /* 9 */
		"[global\n"                 /* 10 */
		"tmp = host\n"              /* 11 */
		"[profile]\n"               /* 12 */
		"tmp = nope\n"              /* 13 */
		"[profile a]\n"             /* 14 */
		"tmp = nope2\n"             /* 15 */
		"[profile off]\n"           /* 16 */
		"[profile b!]\n"            /* 17 */
		"[global]\n"                /* 18 */
		"memory.max = 1G\n"         /* 19 */
		"cgroup = v2\n"             /* 20 */
		"cgroup = v1\n"             /* 21 */
		"[Global]\n"                /* 22 */
		"[profile a b]\n"           /* 23 */
		"[]\n",                     /* 24 */
		"t.conf:1: 'home' outside of any section",
		"t.conf:4: missing '=' in 'home overlay'",
		"t.conf:5: unknown key 'foo' in [profile a]",
		"t.conf:6: empty value for home",
		"t.conf:7: missing key before '='",
		"t.conf:8: unknown section '[weird]'",
		"t.conf:10: missing ']' in section header '[global'",
		"t.conf:12: missing profile name in [profile NAME]",
		"t.conf:13: invalid value 'nope' for tmp: private | host",
		"t.conf:14: profile 'a' already defined at t.conf:3",
		"t.conf:15: invalid value 'nope2' for tmp: private | host",
		"t.conf:16: profile name 'off' is reserved (rules use it for \"not sandboxed\")",
		"t.conf:17: invalid profile name 'b!': 1..64 characters of [A-Za-z0-9_.-]",
		"t.conf:19: unknown key 'memory.max' in [global]",
		"t.conf:21: duplicate key 'cgroup'",
		"t.conf:22: unknown section '[Global]'",
		"t.conf:23: invalid profile name 'a b': 1..64 characters of [A-Za-z0-9_.-]",
		"t.conf:24: unknown section '[]'");
}

static void test_duplicate_keys(void **state)
{
	expect_errors("[profile x]\nhome = bind\ntmp = host\nhome = bind\n",
		      "t.conf:4: duplicate key 'home'");
	/* Even when the first value was bad. */
	expect_errors("[profile x]\nhome = what\nhome = bind\n",
		      "t.conf:2: invalid value 'what' for home: overlay | overlay-tmpfs | bind | tmpfs",
		      "t.conf:3: duplicate key 'home'");
	expect_errors("[global]\nstate_dir = /a\nstate_dir = /b\n",
		      "t.conf:3: duplicate key 'state_dir'");
	/* In another section instance it is not a duplicate. */
	struct cs_policy *p = load_ok("[profile x]\nhome = bind\n[profile y]\nhome = bind\n");
	cs_policy_free(p);
}

static void test_global_override(void **state)
{
	struct cs_policy *p = load_ok(
		"[global]\n"            /* 1 */
		"cgroup = v1\n"         /* 2 */
		"state_dir = /a\n"      /* 3 */
		"[profile x]\n"         /* 4 */
		"[global]\n"            /* 5 */
		"cgroup = off\n");      /* 6 */

	assert_int_equal(p->cgroup, CS_CG_OFF);
	assert_string_equal(p->global_origin[0].file, "t.conf");
	assert_int_equal(p->global_origin[0].line, 6);
	assert_null(p->global_origin[0].profile);
	assert_string_equal(p->state_dir, "/a");
	assert_int_equal(p->global_origin[2].line, 3);
	assert_string_equal(p->data_dir, "/var/lib/containsession");
	assert_null(p->global_origin[3].file);
	cs_policy_free(p);

	/* A bad later value leaves the earlier one (and fails the load). */
	expect_errors("[global]\ncgroup = v1\n[global]\ncgroup = v3\n",
		      "t.conf:4: invalid value 'v3' for cgroup: auto | systemd | v2 | v1 | off");
}

static void test_global_cgroup(void **state)
{
	static const struct { const char *v; enum cs_cgroup_mode m; } good[] = {
		{ "auto", CS_CG_AUTO }, { "systemd", CS_CG_SYSTEMD }, { "v2", CS_CG_V2 },
		{ "v1", CS_CG_V1 }, { "off", CS_CG_OFF },
	};
	char text[128];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), "[global]\ncgroup = %s\n", good[i].v);
		struct cs_policy *p = load_ok(text);
		assert_int_equal(p->cgroup, good[i].m);
		cs_policy_free(p);
	}
	expect_errors("[global]\ncgroup = V2\n",
		      "t.conf:2: invalid value 'V2' for cgroup: auto | systemd | v2 | v1 | off");
}

static void test_global_cgroup_root(void **state)
{
	static const char *const good[] = {
		"containsession", "a/b", "./x", "./a/b", "x@y:z", "user.slice/cs-1_2-3",
		"a.b", "..a", "a..",
	};
	static const char *const bad[] = {
		"/abs", "../x", "a/../b", "..", "a/..", "a//b", "a/", "./", ".", "./../x",
		"a b", "a/./b", "./.", ".//a", "a\\b", "a*", "$x",
	};
	char text[128], want[512];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), "[global]\ncgroup_root = %s\n", good[i]);
		struct cs_policy *p = load_ok(text);
		assert_string_equal(p->cgroup_root, good[i]);
		assert_int_equal(p->global_origin[1].line, 2);
		cs_policy_free(p);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[global]\ncgroup_root = %s\n", bad[i]);
		snprintf(want, sizeof(want), "t.conf:2: invalid value '%s' for cgroup_root: "
			 "a relative path or ./path of [A-Za-z0-9_.@:-] components, "
			 "without '..', '.' or empty components", bad[i]);
		expect_errors(text, want);
	}
}

static void test_global_dirs(void **state)
{
	static const char *const good[] = { "/run/cs", "/a", "/var/lib/x.y-z_1", "/a b" };
	static const char *const bad[] = {
		"/", "run", "./run", "/a/", "/a/../b", "/..", "//a", "/a//b", "/a/./b", "/a/.",
	};
	char text[128], want[512];

	for (int k = 0; k < 2; k++) {
		const char *key = k ? "data_dir" : "state_dir";
		for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
			snprintf(text, sizeof(text), "[global]\n%s = %s\n", key, good[i]);
			struct cs_policy *p = load_ok(text);
			assert_string_equal(k ? p->data_dir : p->state_dir, good[i]);
			cs_policy_free(p);
		}
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			snprintf(text, sizeof(text), "[global]\n%s = %s\n", key, bad[i]);
			snprintf(want, sizeof(want), "t.conf:2: invalid value '%s' for %s: "
				 "an absolute path other than /, without '..', '.' or empty "
				 "components and without a trailing /", bad[i], key);
			expect_errors(text, want);
		}
	}
}

static void test_profile_names(void **state)
{
	char text[256], name[80];
	struct cs_policy *p;

	memset(name, 'n', 64);
	name[64] = '\0';
	snprintf(text, sizeof(text), "[profile %s]\n[profile A-b_c.9]\n[profile offline]\n", name);
	p = load_ok(text);
	assert_non_null(cs_policy_profile(p, name));
	assert_non_null(cs_policy_profile(p, "A-b_c.9"));
	assert_non_null(cs_policy_profile(p, "offline"));
	assert_null(cs_policy_profile(p, "a-b_c.9"));
	assert_null(cs_policy_profile(p, NULL));
	assert_null(cs_policy_profile(NULL, "x"));
	cs_policy_free(p);

	strcat(name, "n");
	snprintf(text, sizeof(text), "[profile %s]\n", name);
	char want[256];
	snprintf(want, sizeof(want),
		 "t.conf:1: invalid profile name '%.61s...': 1..64 characters of [A-Za-z0-9_.-]",
		 name);
	expect_errors(text, want);
	expect_errors("[profile a/b]\n",
		      "t.conf:1: invalid profile name 'a/b': 1..64 characters of [A-Za-z0-9_.-]");
}

/* Profiles come back sorted by name, whatever the file order. */
static void test_profiles_sorted(void **state)
{
	struct cs_policy *p = load_ok("[profile m]\n[profile b]\n[profile z]\n[profile a]\n");
	static const char *const want[] = { "a", "b", "m", "z" };

	assert_int_equal(p->nprofiles, 4);
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(p->profiles[i].name, want[i]);
	assert_int_equal(must_profile(p, "z")->line, 3);
	assert_string_equal(must_profile(p, "z")->file, "t.conf");
	cs_policy_free(p);
}

static void test_profile_defaults(void **state)
{
	struct cs_policy *p = load_ok("[profile x]\n");
	const struct cs_profile *x = must_profile(p, "x");

	assert_null(x->inherit);
	assert_string_equal(x->hostname, "sandbox-%u");
	assert_int_equal(x->home, CS_HOME_OVERLAY);
	assert_int_equal(x->tmp, CS_TMP_PRIVATE);
	assert_int_equal(x->network, CS_NET_HOST);
	assert_true(x->memory_max == CS_UNLIMITED);
	assert_true(x->memory_high == CS_UNLIMITED);
	/* memory.max is max: no swap unless given. */
	assert_true(x->memory_swap_max == 0);
	assert_true(x->pids_max == CS_UNLIMITED);
	assert_true(x->cpu_quota_us == CS_UNLIMITED);
	assert_int_equal(x->cpu_period_us, 100000);
	assert_int_equal(x->cpu_weight, 100);
	assert_int_equal(x->io_weight, 100);
	assert_int_equal(x->caps, CS_CAPS_DEFAULT);
	assert_true(x->seccomp);
	assert_true(x->no_new_privs);
	/* Finite bounds even with nothing set: 1G per tmpfs, 10G of home. */
	assert_true(x->tmp_max == 1024 * M);
	assert_true(x->home_max == 10240 * M);
	for (int k = 0; k < CS_K_COUNT; k++) {
		/* written to the cgroup like a given value, origin built-in */
		assert_int_equal(x->set[k], k == CS_K_MEMORY_SWAP_MAX);
		assert_null(x->origin[k].file);
		assert_null(x->origin[k].profile);
		assert_int_equal(x->origin[k].line, 0);
	}
	cs_policy_free(p);
}

static void test_every_key_set(void **state)
{
	struct cs_policy *p = load_ok(
		"[profile base]\n"              /* 1 */
		"[profile x]\n"                 /* 2 */
		"inherit = base\n"              /* 3 */
		"hostname = box-%h\n"           /* 4 */
		"home = bind\n"                 /* 5 */
		"tmp = host\n"                  /* 6 */
		"network = none\n"              /* 7 */
		"memory.max = 512M\n"           /* 8 */
		"memory.high = 400m\n"          /* 9 */
		"memory.swap.max = 0\n"         /* 10 */
		"pids.max = 64\n"               /* 11 */
		"cpu.max = 250%\n"              /* 12 */
		"cpu.weight = 50\n"             /* 13 */
		"io.weight = 10000\n"           /* 14 */
		"capabilities = cap_net_raw,CHOWN\n" /* 15 */
		"seccomp = off\n"               /* 16 */
		"no_new_privs = no\n"           /* 17 */
		"home.max = 3G\n"               /* 18 */
		"tmp.max = 64m\n"              /* 19 */
		"lifetime = 15m\n");           /* 20 */
	const struct cs_profile *x = must_profile(p, "x");

	assert_string_equal(x->inherit, "base");
	assert_string_equal(x->hostname, "box-%h");
	assert_int_equal(x->home, CS_HOME_BIND);
	assert_int_equal(x->tmp, CS_TMP_HOST);
	assert_int_equal(x->network, CS_NET_NONE);
	assert_true(x->memory_max == 512 * M);
	assert_true(x->memory_high == 400 * M);
	assert_true(x->memory_swap_max == 0);
	assert_true(x->pids_max == 64);
	assert_true(x->cpu_quota_us == 250000);
	assert_true(x->cpu_period_us == 100000);
	assert_int_equal(x->cpu_weight, 50);
	assert_int_equal(x->io_weight, 10000);
	assert_int_equal(x->caps, CS_CAPS_LIST);
	assert_true(x->caps_list == ((1ULL << 13) | (1ULL << 0)));
	assert_false(x->seccomp);
	assert_false(x->no_new_privs);
	assert_true(x->home_max == 3072 * M);
	assert_true(x->tmp_max == 64 * M);
	assert_int_equal(x->lifetime, CS_LIFE_GRACE);
	assert_int_equal(x->lifetime_s, 900);
	for (int k = 0; k < CS_K_COUNT; k++) {
		assert_true(x->set[k]);
		assert_string_equal(x->origin[k].file, "t.conf");
		assert_string_equal(x->origin[k].profile, "x");
		assert_int_equal(x->origin[k].line, 3 + k);
	}
	cs_policy_free(p);
}

/* home.max and tmp.max: derived from memory.max and the home mode after
 * inheritance when not given; never "max", never 0, errors at FILE:LINE. */
static void test_bounds(void **state)
{
	struct cs_policy *p = load_ok(
		"[profile small]\n"
		"memory.max = 256M\n"
		"[profile tiny]\n"
		"inherit = small\n"
		"home = overlay-tmpfs\n"
		"[profile big]\n"
		"memory.max = 64G\n"
		"home = tmpfs\n"
		"[profile given]\n"
		"inherit = small\n"
		"tmp.max = 10M\n"
		"home.max = 20M\n");
	const struct cs_profile *x = must_profile(p, "small");

	assert_true(x->tmp_max == 128 * M);
	assert_true(x->home_max == 10240 * M);
	/* memory.swap.max: half of memory.max unless given. */
	assert_true(x->memory_swap_max == 128 * M);
	assert_true(x->set[CS_K_MEMORY_SWAP_MAX]);
	assert_null(x->origin[CS_K_MEMORY_SWAP_MAX].file);
	x = must_profile(p, "tiny");
	assert_true(x->tmp_max == 128 * M);
	assert_true(x->home_max == 128 * M);
	x = must_profile(p, "big");
	assert_true(x->tmp_max == 1024 * M);
	assert_true(x->home_max == 1024 * M);
	x = must_profile(p, "given");
	assert_true(x->tmp_max == 10 * M);
	assert_true(x->home_max == 20 * M);
	cs_policy_free(p);

	static const char *const bad[][2] = {
		{ "[profile a]\ntmp.max = max\n", "t.conf:2:" },
		{ "[profile a]\nhome.max = max\n", "t.conf:2:" },
		{ "[profile a]\n\ntmp.max = 0\n", "t.conf:3:" },
		{ "[profile a]\nhome.max = 10X\n", "t.conf:2:" },
		{ "[profile a]\nhome.max =\n", "t.conf:2:" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cs_policy *q = NULL;
		struct cs_diag d = { 0 };

		assert_int_equal(cs_policy_load_buffer("t.conf", bad[i][0], strlen(bad[i][0]), &q, &d), -EINVAL);
		assert_int_equal(d.nerrors, 1);
		if (strncmp(d.errors[0], bad[i][1], strlen(bad[i][1])))
			fail_msg("for '%s': %s", bad[i][0], d.errors[0]);
		printf("    %s\n", d.errors[0]);
		cs_diag_free(&d);
	}
}

static void test_enum_keys(void **state)
{
	struct cs_policy *p;

	p = load_one("home", "overlay");
	assert_int_equal(must_profile(p, "x")->home, CS_HOME_OVERLAY);
	cs_policy_free(p);
	p = load_one("home", "overlay-tmpfs");
	assert_int_equal(must_profile(p, "x")->home, CS_HOME_OVERLAY_TMPFS);
	cs_policy_free(p);
	p = load_one("tmp", "private");
	assert_int_equal(must_profile(p, "x")->tmp, CS_TMP_PRIVATE);
	cs_policy_free(p);
	p = load_one("network", "host");
	assert_int_equal(must_profile(p, "x")->network, CS_NET_HOST);
	cs_policy_free(p);
	p = load_one("seccomp", "default");
	assert_true(must_profile(p, "x")->seccomp);
	cs_policy_free(p);
	p = load_one("no_new_privs", "yes");
	assert_true(must_profile(p, "x")->no_new_privs);
	cs_policy_free(p);

	expect_bad_value("home", "Overlay",
			 "invalid value 'Overlay' for home: overlay | overlay-tmpfs | bind | tmpfs");
	expect_bad_value("home", "overlay tmpfs",
			 "invalid value 'overlay tmpfs' for home: overlay | overlay-tmpfs | bind | tmpfs");
	expect_bad_value("tmp", "shared", "invalid value 'shared' for tmp: private | host");
	expect_bad_value("network", "bridge", "invalid value 'bridge' for network: host | none");
	expect_bad_value("seccomp", "on", "invalid value 'on' for seccomp: default | off");
	expect_bad_value("seccomp", "none", "invalid value 'none' for seccomp: default | off");
	expect_bad_value("no_new_privs", "true", "invalid value 'true' for no_new_privs: yes | no");
	expect_bad_value("no_new_privs", "YES", "invalid value 'YES' for no_new_privs: yes | no");
	for (size_t i = 0; i < 8; i++) {
		static const char *const bad[] = { "30", "0s", "31d", "-5m", "1.5h", "15 m",
						   "Processes", "1w" };
		char want[160];
		snprintf(want, sizeof(want), "invalid value '%s' for lifetime: logout | processes | "
			 "duration 1s..30d (N with s, m, h or d)", bad[i]);
		expect_bad_value("lifetime", bad[i], want);
	}
	expect_bad_value("inherit", "a b", "invalid value 'a b' for inherit: profile name");
}

static void test_memory_keys(void **state)
{
	static const char *const keys[] = { "memory.max", "memory.high", "memory.swap.max" };
	char msg[256];
	struct cs_policy *p;

	for (size_t i = 0; i < 3; i++) {
		bool swap = i == 2;
		const char *syntax = swap ? "bytes with optional K/M/G/T suffix, or max"
					  : "bytes > 0 with optional K/M/G/T suffix, or max";
		uint64_t *field;

		p = load_one(keys[i], "2G");
		field = i == 0 ? &p->profiles[0].memory_max : i == 1 ? &p->profiles[0].memory_high
			: &p->profiles[0].memory_swap_max;
		assert_true(*field == 2 * G);
		cs_policy_free(p);
		p = load_one(keys[i], "max");
		field = i == 0 ? &p->profiles[0].memory_max : i == 1 ? &p->profiles[0].memory_high
			: &p->profiles[0].memory_swap_max;
		assert_true(*field == CS_UNLIMITED);
		assert_true(p->profiles[0].set[CS_K_MEMORY_MAX + i]);
		cs_policy_free(p);

		if (swap) {
			p = load_one(keys[i], "0");
			assert_true(p->profiles[0].memory_swap_max == 0);
			cs_policy_free(p);
		} else {
			snprintf(msg, sizeof(msg), "invalid value '0' for %s: must be more than 0 "
				 "(use max for no limit)", keys[i]);
			expect_bad_value(keys[i], "0", msg);
			snprintf(msg, sizeof(msg), "invalid value '0K' for %s: must be more than 0 "
				 "(use max for no limit)", keys[i]);
			expect_bad_value(keys[i], "0K", msg);
		}
		snprintf(msg, sizeof(msg), "invalid value '1X' for %s: %s", keys[i], syntax);
		expect_bad_value(keys[i], "1X", msg);
		snprintf(msg, sizeof(msg), "invalid value '-1' for %s: %s", keys[i], syntax);
		expect_bad_value(keys[i], "-1", msg);
		snprintf(msg, sizeof(msg), "invalid value '16777216T' for %s: too large", keys[i]);
		expect_bad_value(keys[i], "16777216T", msg);
		snprintf(msg, sizeof(msg), "invalid value '99999999999999999999' for %s: too large",
			 keys[i]);
		expect_bad_value(keys[i], "99999999999999999999", msg);
	}
}

static void test_pids_cpu_weight_keys(void **state)
{
	struct cs_policy *p;

	p = load_one("pids.max", "1");
	assert_true(p->profiles[0].pids_max == 1);
	cs_policy_free(p);
	p = load_one("pids.max", "max");
	assert_true(p->profiles[0].pids_max == CS_UNLIMITED);
	cs_policy_free(p);
	expect_bad_value("pids.max", "0", "invalid value '0' for pids.max: positive number, or max");
	expect_bad_value("pids.max", "1k", "invalid value '1k' for pids.max: positive number, or max");
	expect_bad_value("pids.max", "18446744073709551615",
			 "invalid value '18446744073709551615' for pids.max: too large");

	p = load_one("cpu.max", "1000 1000000");
	assert_true(p->profiles[0].cpu_quota_us == 1000);
	assert_true(p->profiles[0].cpu_period_us == 1000000);
	cs_policy_free(p);
	p = load_one("cpu.max", "max   20000");
	assert_true(p->profiles[0].cpu_quota_us == CS_UNLIMITED);
	assert_true(p->profiles[0].cpu_period_us == 20000);
	cs_policy_free(p);
	/* 1000 CPUs at most, as N% is: a quota without a bound overflowed
	 * the systemd backend's CPUQuotaPerSecUSec (quota x 10^6 / period). */
	p = load_one("cpu.max", "100000000 100000");
	assert_true(p->profiles[0].cpu_quota_us == 100000000);
	cs_policy_free(p);
	static const char *const cpu_out_of_range[] = { "0%", "500 100000",
							 "18446744073709552 100000",
							 "100000001 100000" };
	for (size_t i = 0; i < sizeof(cpu_out_of_range) / sizeof(cpu_out_of_range[0]); i++) {
		char msg[256];

		snprintf(msg, sizeof(msg), "invalid value '%s' for cpu.max: out of range: N%% is "
			 "1..100000, QUOTA 1000..1000 x PERIOD, PERIOD 1000..1000000",
			 cpu_out_of_range[i]);
		expect_bad_value("cpu.max", cpu_out_of_range[i], msg);
	}
	expect_bad_value("cpu.max", "1.5",
			 "invalid value '1.5' for cpu.max: N% (1..100000), QUOTA PERIOD in us, "
			 "max, or max PERIOD");

	p = load_one("cpu.weight", "1");
	assert_int_equal(p->profiles[0].cpu_weight, 1);
	cs_policy_free(p);
	p = load_one("io.weight", "10000");
	assert_int_equal(p->profiles[0].io_weight, 10000);
	cs_policy_free(p);
	expect_bad_value("cpu.weight", "0", "invalid value '0' for cpu.weight: 1..10000");
	expect_bad_value("cpu.weight", "10001", "invalid value '10001' for cpu.weight: 1..10000");
	expect_bad_value("io.weight", "max", "invalid value 'max' for io.weight: 1..10000");
}

static void test_capabilities_key(void **state)
{
	struct cs_policy *p;

	p = load_one("capabilities", "none");
	assert_int_equal(p->profiles[0].caps, CS_CAPS_NONE);
	cs_policy_free(p);
	p = load_one("capabilities", "all");
	assert_int_equal(p->profiles[0].caps, CS_CAPS_ALL);
	cs_policy_free(p);
	p = load_one("capabilities", "default");
	assert_int_equal(p->profiles[0].caps, CS_CAPS_DEFAULT);
	cs_policy_free(p);
	p = load_one("capabilities", "Cap_Kill , sys_chroot,cap_sys_chroot");
	assert_int_equal(p->profiles[0].caps, CS_CAPS_LIST);
	assert_true(p->profiles[0].caps_list == ((1ULL << 5) | (1ULL << 18)));
	cs_policy_free(p);
	p = load_one("capabilities", "chown");
	assert_true(p->profiles[0].caps_list == 1);
	cs_policy_free(p);

	expect_bad_value("capabilities", "cap_net_raw,cap_foo",
			 "invalid value 'cap_net_raw,cap_foo' for capabilities: "
			 "unknown capability 'cap_foo'");
	expect_bad_value("capabilities", "12",
			 "invalid value '12' for capabilities: unknown capability '12'");
	expect_bad_value("capabilities", "cap_",
			 "invalid value 'cap_' for capabilities: unknown capability 'cap_'");
	expect_bad_value("capabilities", "chown,,kill",
			 "invalid value 'chown,,kill' for capabilities: empty name in capability list");
	expect_bad_value("capabilities", "chown,",
			 "invalid value 'chown,' for capabilities: empty name in capability list");
	expect_bad_value("capabilities", "chown kill",
			 "invalid value 'chown kill' for capabilities: unknown capability 'chown kill'");
	expect_bad_value("capabilities", "Default",
			 "invalid value 'Default' for capabilities: unknown capability 'Default'");
	expect_bad_value("capabilities", "none,chown",
			 "invalid value 'none,chown' for capabilities: unknown capability 'none'");
}

static void test_line_limits(void **state)
{
	char *text = malloc(3 * 4200);
	struct cs_policy *p = NULL;
	struct cs_diag d = { 0 };
	size_t n;

	assert_non_null(text);
	/* A 4096-byte line is fine; 4097 is not. */
	strcpy(text, "[profile x]\n#");
	n = strlen(text);
	memset(text + n, 'c', 4095);
	strcpy(text + n + 4095, "\nhome = bind\n");
	p = load_ok(text);
	assert_int_equal(must_profile(p, "x")->home, CS_HOME_BIND);
	cs_policy_free(p);

	strcpy(text, "[profile x]\nhostname = ");
	n = strlen(text);
	memset(text + n, 'a', 4097 - 11);
	strcpy(text + n + 4097 - 11, "\nhome = what\n");
	expect_errors(text, "t.conf:2: line too long (more than 4096 bytes)",
		      "t.conf:3: invalid value 'what' for home: overlay | overlay-tmpfs | bind | tmpfs");
	free(text);

	/* NUL bytes: the line is refused, reading goes on. */
	static const char nul[] = "[profile x]\nhome = bi\0nd\ntmp = nope\n";
	assert_int_equal(cs_policy_load_buffer("t.conf", nul, sizeof(nul) - 1, &p, &d), -EINVAL);
	assert_null(p);
	assert_int_equal(d.nerrors, 2);
	assert_string_equal(d.errors[0], "t.conf:2: NUL byte in line");
	assert_string_equal(d.errors[1], "t.conf:3: invalid value 'nope' for tmp: private | host");
	cs_diag_free(&d);
}

/* Control bytes never reach a log line; long values are cut. */
static void test_messages_are_sanitized(void **state)
{
	expect_errors("[profile x]\nhome = a\033[31mb\n",
		      "t.conf:2: invalid value 'a?[31mb' for home: overlay | overlay-tmpfs | bind | tmpfs");
	expect_errors("[profile x]\nfo\001o = 1\n", "t.conf:2: unknown key 'fo?o' in [profile x]");
	expect_errors("[x\x7fy]\n", "t.conf:1: unknown section '[x?y]'");
}

/* Errors come out sorted by line, though some are found only after the
 * whole policy is read. */
static void test_errors_sorted(void **state)
{
	expect_errors(
		"[profile a]\n"          /* 1 */
		"inherit = nope\n"       /* 2: found when resolving */
		"home = bad\n"           /* 3: found when reading */
		"[rules]\n"              /* 4 */
		"x = missing\n"          /* 5: found when checking rules */
		"y@ = a\n",              /* 6: found when reading */
		"t.conf:2: unknown profile 'nope' in inherit",
		"t.conf:3: invalid value 'bad' for home: overlay | overlay-tmpfs | bind | tmpfs",
		"t.conf:5: rule for 'x' names unknown profile 'missing'",
		"t.conf:6: invalid pattern 'y@': a user name, @group or *");
}

static void test_too_many_errors(void **state)
{
	size_t cap = 200 * 16, n = 0;
	char *text = malloc(cap);
	struct cs_policy *p = NULL;
	struct cs_diag d = { 0 };
	char want[64];

	assert_non_null(text);
	n += (size_t)snprintf(text + n, cap - n, "[profile x]\n");
	for (int i = 0; i < 150; i++)
		n += (size_t)snprintf(text + n, cap - n, "bad%d = 1\n", i);
	assert_int_equal(cs_policy_load_buffer("t.conf", text, n, &p, &d), -EINVAL);
	assert_int_equal(d.nerrors, 101);
	assert_string_equal(d.errors[0], "t.conf:2: unknown key 'bad0' in [profile x]");
	assert_string_equal(d.errors[99], "t.conf:101: unknown key 'bad99' in [profile x]");
	snprintf(want, sizeof(want), "t.conf:102: too many errors");
	assert_string_equal(d.errors[100], want);
	cs_diag_free(&d);
	free(text);
}

/* No state survives a load: the same text, loaded again and again,
 * gives the same result (the module reloads at every login). */
static void test_repeatable(void **state)
{
	static const char text[] =
		"[global]\ncgroup = v2\n[profile a]\nmemory.max = 1G\n"
		"[profile b]\ninherit = a\n[rules]\n@g = b\n* = a\n";

	for (int i = 0; i < 50; i++) {
		struct cs_policy *p = load_ok(text);
		assert_int_equal(p->cgroup, CS_CG_V2);
		assert_true(must_profile(p, "b")->memory_max == G);
		assert_int_equal(p->nrules, 2);
		cs_policy_free(p);
	}
	/* Diagnostics append to what the caller's diag already holds. */
	struct cs_diag d = { 0 };
	struct cs_policy *p;
	assert_int_equal(cs_policy_load_buffer("t.conf", "x\n", 2, &p, &d), -EINVAL);
	assert_int_equal(cs_policy_load_buffer("u.conf", "y\n", 2, &p, &d), -EINVAL);
	assert_int_equal(d.nerrors, 2);
	assert_string_equal(d.errors[1], "u.conf:1: 'y' outside of any section");
	cs_diag_free(&d);
	/* NULL diag and name are allowed. */
	assert_int_equal(cs_policy_load_buffer(NULL, "x\n", 2, &p, NULL), -EINVAL);
	assert_int_equal(cs_policy_load_buffer(NULL, NULL, 0, &p, NULL), 0);
	cs_policy_free(p);
	assert_int_equal(cs_policy_load_buffer("t", "", 0, NULL, NULL), -EINVAL);
	cs_diag_free(NULL);
}

static uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

/* Arbitrary input never crashes or reads out of bounds (run under ASan
 * by make check-asan): random splices of policy fragments and bytes. */
static void test_garbage(void **state)
{
	static const char *const frag[] = {
		"[global]\n", "[profile a]\n", "[profile b]\n", "[profile c]\n", "[rules]\n",
		"inherit = a\n", "inherit = b\n", "inherit = c\n", "inherit = ", "= ", "=",
		"memory.max = 1G\n", "cpu.max = 150%\n", "cpu.max = max 1000\n", "#", " # ",
		"hostname = %u-%h\n", "capabilities = chown,kill\n", "*", "@", "alice", " = a\n",
		" = off\n", "[", "]", "\n", "\r\n", "\t", "%", "cgroup_root = ./x\n",
		"state_dir = /x\n", "home = bind\n", "pids.max = max\n", "\xff", "\0",
		"[profile off]\n", "cgroup = systemd\n",
	};
	uint64_t seed = 12345;
	char buf[2048];

	for (int iter = 0; iter < 5000; iter++) {
		size_t n = 0, parts = rnd(&seed) % 40;
		struct cs_policy *p = NULL;
		struct cs_diag d = { 0 };

		for (size_t i = 0; i < parts && n < sizeof(buf) - 64; i++) {
			if (rnd(&seed) % 8 == 0) {
				buf[n++] = (char)(rnd(&seed) & 0xff);
			} else {
				size_t f = rnd(&seed) % (sizeof(frag) / sizeof(frag[0]));
				size_t l = f == sizeof(frag) / sizeof(frag[0]) - 3 ? 1 : strlen(frag[f]);
				memcpy(buf + n, frag[f], l);
				n += l;
			}
		}
		int r = cs_policy_load_buffer("g.conf", buf, n, &p, &d);
		if (r == 0) {
			assert_non_null(p);
			assert_int_equal(d.nerrors, 0);
			for (size_t i = 0; i < p->nprofiles; i++)
				for (int k = 0; k < CS_K_COUNT; k++) {
					char out[512];
					assert_int_equal(cs_profile_format(&p->profiles[i],
						(enum cs_key)k, out, sizeof(out)), 0);
				}
			const char *groups[] = { "a", "b" };
			(void)match_names(p, 1000, "alice", groups, 2);
		} else {
			assert_null(p);
			assert_true(d.nerrors >= 1 && d.nerrors <= 101);
			for (size_t i = 0; i < d.nerrors; i++)
				assert_true(!strncmp(d.errors[i], "g.conf", 6));
		}
		cs_policy_free(p);
		cs_diag_free(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_and_comments),
		cmocka_unit_test(test_global_defaults),
		cmocka_unit_test(test_whitespace_and_comments),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_global_override),
		cmocka_unit_test(test_global_cgroup),
		cmocka_unit_test(test_global_cgroup_root),
		cmocka_unit_test(test_global_dirs),
		cmocka_unit_test(test_profile_names),
		cmocka_unit_test(test_profiles_sorted),
		cmocka_unit_test(test_profile_defaults),
		cmocka_unit_test(test_every_key_set),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_enum_keys),
		cmocka_unit_test(test_memory_keys),
		cmocka_unit_test(test_pids_cpu_weight_keys),
		cmocka_unit_test(test_capabilities_key),
		cmocka_unit_test(test_line_limits),
		cmocka_unit_test(test_messages_are_sanitized),
		cmocka_unit_test(test_errors_sorted),
		cmocka_unit_test(test_too_many_errors),
		cmocka_unit_test(test_repeatable),
		cmocka_unit_test(test_garbage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
