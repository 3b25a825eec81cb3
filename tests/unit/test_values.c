/* SPDX-License-Identifier: MIT */
/* Value parsers (sizes, counts, cpu.max, weights), hostname templates,
 * the keyword table, and the format -> parse round trip of every key. */
#include <errno.h>

#include "tests/unit/policy_test.h"

#define G (1ULL << 30)

static void test_size(void **state)
{
	static const struct { const char *s; uint64_t v; } good[] = {
		{ "0", 0 }, { "1", 1 }, { "512", 512 }, { "007", 7 },
		{ "4K", 4096 }, { "4k", 4096 }, { "1M", 1 << 20 }, { "3m", 3 << 20 },
		{ "2G", 2 * G }, { "2g", 2 * G }, { "1T", 1ULL << 40 }, { "5t", 5ULL << 40 },
		{ "max", CS_UNLIMITED },
		{ "18446744073709551614", UINT64_MAX - 1 },
		{ "16777215T", 16777215ULL << 40 },
		{ "17179869183G", 17179869183ULL << 30 },
	};
	static const char *const bad[] = {
		"", "-1", "+1", " 1", "1 ", "1KB", "1KiB", "1.5G", "0x10", "K", "k",
		"maxx", "MAX", "Max", "1P", "1e3", "12 K", "\t1",
	};
	static const char *const too_big[] = {
		"18446744073709551615", /* would be CS_UNLIMITED: only "max" says that */
		"18446744073709551616", "99999999999999999999999",
		"16777216T", "17179869184G", "18014398509481984K",
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = 42;
		assert_int_equal(cs_parse_size(good[i].s, &v), 0);
		assert_true(v == good[i].v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 42;
		if (cs_parse_size(bad[i], &v) != -EINVAL)
			fail_msg("size '%s' accepted", bad[i]);
		assert_true(v == 42);
	}
	for (size_t i = 0; i < sizeof(too_big) / sizeof(too_big[0]); i++)
		if (cs_parse_size(too_big[i], &v) != -ERANGE)
			fail_msg("size '%s' accepted", too_big[i]);
	assert_int_equal(cs_parse_size(NULL, &v), -EINVAL);
}

static void test_count(void **state)
{
	uint64_t v;

	assert_int_equal(cs_parse_count("1", &v), 0);
	assert_true(v == 1);
	assert_int_equal(cs_parse_count("512", &v), 0);
	assert_true(v == 512);
	assert_int_equal(cs_parse_count("max", &v), 0);
	assert_true(v == CS_UNLIMITED);
	assert_int_equal(cs_parse_count("18446744073709551614", &v), 0);
	assert_true(v == UINT64_MAX - 1);
	assert_int_equal(cs_parse_count("0", &v), -EINVAL);
	assert_int_equal(cs_parse_count("-1", &v), -EINVAL);
	assert_int_equal(cs_parse_count("", &v), -EINVAL);
	assert_int_equal(cs_parse_count("1K", &v), -EINVAL);
	assert_int_equal(cs_parse_count(" 5", &v), -EINVAL);
	assert_int_equal(cs_parse_count("18446744073709551615", &v), -ERANGE);
}

static void test_cpu_max(void **state)
{
	static const struct { const char *s; uint64_t q, p; } good[] = {
		{ "150%", 150000, 100000 }, { "1%", 1000, 100000 },
		{ "100%", 100000, 100000 }, { "100000%", 100000000, 100000 },
		{ "50000 100000", 50000, 100000 }, { "1000 1000", 1000, 1000 },
		{ "1000 1000000", 1000, 1000000 }, { "400000  100000", 400000, 100000 },
		{ "2000\t10000", 2000, 10000 },
		{ "max", CS_UNLIMITED, 100000 }, { "max 50000", CS_UNLIMITED, 50000 },
		{ "max 1000", CS_UNLIMITED, 1000 }, { "max 1000000", CS_UNLIMITED, 1000000 },
	};
	static const char *const bad[] = {
		"", "%", "0%", "100001%", "-5%", "150 %", "1.5%", "150%%", "150% 100000",
		"999 100000", "1000 999", "1000 1000001", "0 100000", "1000", "1000 ",
		" 1000 100000", "1000 100000 ", "1000 100000 5", "max max", "max 999",
		"max 1000001", "max ", "maxx", "MAX", "50000 1e5", "x 100000",
		"99999999999999999999 100000",
	};
	uint64_t q, p;
	int r;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		q = p = 42;
		if (cs_parse_cpu_max(good[i].s, &q, &p) != 0)
			fail_msg("cpu.max '%s' refused", good[i].s);
		assert_true(q == good[i].q);
		assert_true(p == good[i].p);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		q = p = 42;
		if ((r = cs_parse_cpu_max(bad[i], &q, &p)) != -EINVAL && r != -ERANGE)
			fail_msg("cpu.max '%s' accepted", bad[i]);
		assert_true(q == 42 && p == 42);
	}
}

static void test_weight(void **state)
{
	uint32_t w;

	assert_int_equal(cs_parse_weight("1", &w), 0);
	assert_int_equal(w, 1);
	assert_int_equal(cs_parse_weight("100", &w), 0);
	assert_int_equal(w, 100);
	assert_int_equal(cs_parse_weight("10000", &w), 0);
	assert_int_equal(w, 10000);
	assert_int_equal(cs_parse_weight("0", &w), -ERANGE);
	assert_int_equal(cs_parse_weight("10001", &w), -ERANGE);
	assert_int_equal(cs_parse_weight("", &w), -EINVAL);
	assert_int_equal(cs_parse_weight("-5", &w), -EINVAL);
	assert_int_equal(cs_parse_weight("abc", &w), -EINVAL);
	assert_int_equal(cs_parse_weight("max", &w), -EINVAL);
	assert_int_equal(cs_parse_weight("4294967397", &w), -ERANGE);
}

static void test_hostname_expand(void **state)
{
	char buf[80], small[8];
	char tmpl[80];

	assert_int_equal(cs_expand_hostname("sandbox-%u", "alice", "web1", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "sandbox-alice");
	assert_int_equal(cs_expand_hostname("%h-%u", "bob", "web1.example.com", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "web1-bob");
	assert_int_equal(cs_expand_hostname("%u.%h", "Carol9", "db", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "Carol9.db");
	assert_int_equal(cs_expand_hostname("fixed", "x", "y", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "fixed");

	/* User names that are not hostnames make the expansion fail. */
	assert_int_equal(cs_expand_hostname("sandbox-%u", "svc_backup", "h", buf, sizeof(buf)), -EINVAL);
	assert_string_equal(buf, "");
	assert_int_equal(cs_expand_hostname("sb-%u", "pc$", "h", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cs_expand_hostname("%u", "-x", "h", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cs_expand_hostname("%u", ".x", "h", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cs_expand_hostname("%u", "", "h", buf, sizeof(buf)), -EINVAL);
	/* there is no escape for '%': no hostname holds one */
	assert_int_equal(cs_expand_hostname("a%%b", "u", "h", buf, sizeof(buf)), -EINVAL);
	/* Unknown and dangling sequences. */
	assert_int_equal(cs_expand_hostname("a%x", "u", "h", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cs_expand_hostname("a%", "u", "h", buf, sizeof(buf)), -EINVAL);

	/* 64 characters fit, 65 do not. */
	memset(tmpl, 'a', 64);
	tmpl[64] = '\0';
	assert_int_equal(cs_expand_hostname(tmpl, "u", "h", buf, sizeof(buf)), 0);
	assert_int_equal(strlen(buf), 64);
	memset(tmpl, 'a', 62);
	strcpy(tmpl + 62, "%u");
	assert_int_equal(cs_expand_hostname(tmpl, "bc", "h", buf, sizeof(buf)), 0);
	assert_int_equal(cs_expand_hostname(tmpl, "bcd", "h", buf, sizeof(buf)), -EINVAL);

	/* The buffer bounds the result, and is always terminated. */
	assert_int_equal(cs_expand_hostname("sandbox-%u", "alice", "h", small, sizeof(small)), -EINVAL);
	assert_string_equal(small, "");
	assert_int_equal(cs_expand_hostname("abc", "u", "h", small, 4), 0);
	assert_int_equal(cs_expand_hostname("abcd", "u", "h", small, 4), -EINVAL);
	assert_int_equal(cs_expand_hostname(NULL, "u", "h", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cs_expand_hostname("x", NULL, "h", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cs_expand_hostname("x", "u", NULL, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cs_expand_hostname("x", "u", "h", buf, 0), -EINVAL);
}

static void test_hostname_key(void **state)
{
	struct cs_policy *p;

	p = load_one("hostname", "%u-%h-box");
	assert_string_equal(must_profile(p, "x")->hostname, "%u-%h-box");
	cs_policy_free(p);

	expect_bad_value("hostname", "sb-%x",
			 "invalid value 'sb-%x' for hostname: unknown sequence '%x' (use %u or %h)");
	expect_bad_value("hostname", "sb-%",
			 "invalid value 'sb-%' for hostname: unknown sequence after '%' (use %u or %h)");
	expect_bad_value("hostname", "a%%b",
			 "invalid value 'a%%b' for hostname: unknown sequence '%%' (use %u or %h)");
	expect_bad_value("hostname", "sb_%u",
			 "invalid value 'sb_%u' for hostname: "
			 "template of [A-Za-z0-9.-] with %u (user), %h (host)");
	expect_bad_value("hostname", "-%u",
			 "invalid value '-%u' for hostname: must not start with '-' or '.'");
	expect_bad_value("hostname", "sb %u",
			 "invalid value 'sb %u' for hostname: "
			 "template of [A-Za-z0-9.-] with %u (user), %h (host)");
	expect_bad_value("hostname", "sb#%u",
			 "invalid value 'sb#%u' for hostname: "
			 "template of [A-Za-z0-9.-] with %u (user), %h (host)");

	/* 64 literal characters (plus sequences) pass, 65 cannot ever. The
	 * message shows at most 64 bytes of the value. */
	char v[80], msg[256];
	memset(v, 'a', 64);
	strcpy(v + 64, "%u");
	p = load_one("hostname", v);
	cs_policy_free(p);
	memset(v, 'a', 65);
	v[65] = '\0';
	snprintf(msg, sizeof(msg), "invalid value '%.61s...' for hostname: "
		 "longer than 64 characters", v);
	expect_bad_value("hostname", v, msg);
}

static void test_keyword_table(void **state)
{
	size_t nprofile = 0, nglobal = 0;

	assert_int_equal(cs_nkeywords, 4 + CS_K_COUNT);
	for (size_t i = 0; i < cs_nkeywords; i++) {
		const struct cs_keyword *k = &cs_keywords[i];
		assert_non_null(k->name);
		assert_non_null(k->section);
		assert_non_null(k->values);
		assert_true(k->values[0] != '\0');
		if (!strcmp(k->section, "global"))
			nglobal++;
		else if (!strcmp(k->section, "profile"))
			nprofile++;
		else
			fail_msg("keyword %s: section %s", k->name, k->section);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(cs_keywords[j].name, k->name);
	}
	assert_int_equal(nglobal, 4);
	assert_int_equal(nprofile, CS_K_COUNT);
	/* cs_key_name follows the table, and the enum's order. */
	for (int k = 0; k < CS_K_COUNT; k++) {
		int found = 0;
		for (size_t i = 0; i < cs_nkeywords; i++)
			if (!strcmp(cs_keywords[i].name, cs_key_name((enum cs_key)k)))
				found = !strcmp(cs_keywords[i].section, "profile");
		assert_true(found);
	}
	assert_string_equal(cs_key_name(CS_K_INHERIT), "inherit");
	assert_string_equal(cs_key_name(CS_K_MEMORY_SWAP_MAX), "memory.swap.max");
	assert_string_equal(cs_key_name(CS_K_NO_NEW_PRIVS), "no_new_privs");
	assert_null(cs_key_name(CS_K_COUNT));
}

/* The parser knows exactly the table's keys, each in its own section: a
 * value nothing accepts gets "invalid value", never "unknown key". */
static void test_parser_follows_table(void **state)
{
	for (size_t i = 0; i < cs_nkeywords; i++) {
		const struct cs_keyword *k = &cs_keywords[i];
		bool global = !strcmp(k->section, "global");
		char text[256], want[512];
		struct cs_policy *p = NULL;
		struct cs_diag d = { 0 };

		snprintf(text, sizeof(text), "[%s]\n%s = !!\n", global ? "global" : "profile x",
			 k->name);
		assert_int_equal(cs_policy_load_buffer("t.conf", text, strlen(text), &p, &d), -EINVAL);
		assert_int_equal(d.nerrors, 1);
		snprintf(want, sizeof(want), "t.conf:2: invalid value '!!' for %s: ", k->name);
		if (strncmp(d.errors[0], want, strlen(want)))
			fail_msg("%s: %s", k->name, d.errors[0]);
		cs_diag_free(&d);

		/* ... and in the other section it is unknown. */
		snprintf(text, sizeof(text), "[%s]\n%s = 1\n", global ? "profile x" : "global",
			 k->name);
		snprintf(want, sizeof(want), "t.conf:2: unknown key '%s' in %s", k->name,
			 global ? "[profile x]" : "[global]");
		expect_errors(text, want);
	}
}

static bool same_value(const struct cs_profile *a, const struct cs_profile *b, enum cs_key k)
{
	switch (k) {
	case CS_K_INHERIT:
		return !strcmp(a->inherit, b->inherit);
	case CS_K_HOSTNAME:
		return !strcmp(a->hostname, b->hostname);
	case CS_K_HOME: return a->home == b->home;
	case CS_K_TMP: return a->tmp == b->tmp;
	case CS_K_NETWORK: return a->network == b->network;
	case CS_K_MEMORY_MAX: return a->memory_max == b->memory_max;
	case CS_K_MEMORY_HIGH: return a->memory_high == b->memory_high;
	case CS_K_MEMORY_SWAP_MAX: return a->memory_swap_max == b->memory_swap_max;
	case CS_K_PIDS_MAX: return a->pids_max == b->pids_max;
	case CS_K_CPU_MAX:
		return a->cpu_quota_us == b->cpu_quota_us && a->cpu_period_us == b->cpu_period_us;
	case CS_K_CPU_WEIGHT: return a->cpu_weight == b->cpu_weight;
	case CS_K_IO_WEIGHT: return a->io_weight == b->io_weight;
	case CS_K_CAPABILITIES: return a->caps == b->caps && a->caps_list == b->caps_list;
	case CS_K_SECCOMP: return a->seccomp == b->seccomp;
	case CS_K_NO_NEW_PRIVS: return a->no_new_privs == b->no_new_privs;
	case CS_K_HOME_MAX: return a->home_max == b->home_max;
	case CS_K_TMP_MAX: return a->tmp_max == b->tmp_max;
	case CS_K_LIFETIME: return a->lifetime == b->lifetime && a->lifetime_s == b->lifetime_s;
	default: return false;
	}
}

/* What format prints parses back to the same value, for every key and a
 * spread of values (as OpenSSH re-reads `sshd -T`). */
static void test_format_round_trip(void **state)
{
	static const struct { enum cs_key k; const char *v, *printed; } cases[] = {
		{ CS_K_INHERIT, "base", "base" },
		{ CS_K_HOSTNAME, "sb-%u.%h", "sb-%u.%h" },
		{ CS_K_HOME, "overlay", "overlay" }, { CS_K_HOME, "overlay-tmpfs", "overlay-tmpfs" },
		{ CS_K_HOME, "bind", "bind" }, { CS_K_HOME, "tmpfs", "tmpfs" },
		{ CS_K_TMP, "private", "private" }, { CS_K_TMP, "host", "host" },
		{ CS_K_NETWORK, "host", "host" }, { CS_K_NETWORK, "none", "none" },
		{ CS_K_MEMORY_MAX, "2G", "2147483648" }, { CS_K_MEMORY_MAX, "max", "max" },
		{ CS_K_MEMORY_MAX, "1", "1" },
		{ CS_K_MEMORY_HIGH, "1536M", "1610612736" }, { CS_K_MEMORY_HIGH, "max", "max" },
		{ CS_K_MEMORY_SWAP_MAX, "0", "0" }, { CS_K_MEMORY_SWAP_MAX, "3t", "3298534883328" },
		{ CS_K_MEMORY_SWAP_MAX, "max", "max" },
		{ CS_K_PIDS_MAX, "512", "512" }, { CS_K_PIDS_MAX, "max", "max" },
		{ CS_K_CPU_MAX, "150%", "150000 100000" }, { CS_K_CPU_MAX, "max", "max" },
		{ CS_K_CPU_MAX, "max 50000", "max 50000" },
		{ CS_K_CPU_MAX, "20000 50000", "20000 50000" },
		{ CS_K_CPU_WEIGHT, "1", "1" }, { CS_K_CPU_WEIGHT, "10000", "10000" },
		{ CS_K_IO_WEIGHT, "250", "250" },
		{ CS_K_CAPABILITIES, "default", "default" }, { CS_K_CAPABILITIES, "none", "none" },
		{ CS_K_CAPABILITIES, "all", "all" },
		{ CS_K_CAPABILITIES, "NET_RAW, cap_chown", "cap_chown,cap_net_raw" },
		{ CS_K_CAPABILITIES, "cap_checkpoint_restore,kill", "cap_kill,cap_checkpoint_restore" },
		{ CS_K_SECCOMP, "default", "default" }, { CS_K_SECCOMP, "off", "off" },
		{ CS_K_NO_NEW_PRIVS, "yes", "yes" }, { CS_K_NO_NEW_PRIVS, "no", "no" },
		{ CS_K_HOME_MAX, "10G", "10737418240" }, { CS_K_HOME_MAX, "1", "1" },
		{ CS_K_TMP_MAX, "64m", "67108864" },
		{ CS_K_LIFETIME, "logout", "logout" }, { CS_K_LIFETIME, "processes", "processes" },
		{ CS_K_LIFETIME, "30s", "30s" }, { CS_K_LIFETIME, "120s", "2m" },
		{ CS_K_LIFETIME, "90m", "90m" }, { CS_K_LIFETIME, "48h", "2d" },
		{ CS_K_LIFETIME, "30d", "30d" },
	};
	bool covered[CS_K_COUNT] = { false };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *key = cs_key_name(cases[i].k);
		char text[1024], buf[256], again[256];
		struct cs_policy *p, *q;

		snprintf(text, sizeof(text), "[profile base]\n[profile x]\n%s = %s\n", key,
			 cases[i].v);
		p = load_ok(text);
		assert_int_equal(cs_profile_format(must_profile(p, "x"), cases[i].k, buf,
						   sizeof(buf)), 0);
		assert_string_equal(buf, cases[i].printed);
		snprintf(text, sizeof(text), "[profile base]\n[profile x]\n%s = %s\n", key, buf);
		q = load_ok(text);
		if (!same_value(must_profile(p, "x"), must_profile(q, "x"), cases[i].k))
			fail_msg("%s = %s printed as %s reads back differently", key, cases[i].v, buf);
		assert_int_equal(cs_profile_format(must_profile(q, "x"), cases[i].k, again,
						   sizeof(again)), 0);
		assert_string_equal(again, buf);
		covered[cases[i].k] = true;
		cs_policy_free(p);
		cs_policy_free(q);
	}
	for (int k = 0; k < CS_K_COUNT; k++)
		if (!covered[k])
			fail_msg("no round trip for %s", cs_key_name((enum cs_key)k));
}

static void test_format_defaults_and_bounds(void **state)
{
	static const char *const want[CS_K_COUNT] = {
		"", "sandbox-%u", "overlay", "private", "host", "max", "max", "0", "max",
		"max", "100", "100", "default", "default", "yes", "10737418240", "1073741824",
		"logout",
	};
	struct cs_policy *p = load_ok("[profile x]\n");
	const struct cs_profile *x = must_profile(p, "x");
	char buf[64], tiny[4];

	for (int k = 0; k < CS_K_COUNT; k++) {
		assert_int_equal(cs_profile_format(x, (enum cs_key)k, buf, sizeof(buf)), 0);
		assert_string_equal(buf, want[k]);
	}
	/* Too small a buffer is an error, never a cut value. */
	assert_int_equal(cs_profile_format(x, CS_K_HOSTNAME, tiny, sizeof(tiny)), -ENOSPC);
	assert_int_equal(cs_profile_format(x, CS_K_COUNT, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cs_profile_format(NULL, CS_K_HOME, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cs_profile_format(x, CS_K_HOME, buf, 0), -EINVAL);
	cs_policy_free(p);

	p = load_one("capabilities", "chown,dac_override,fowner,fsetid,kill,setgid,setuid");
	assert_int_equal(cs_profile_format(must_profile(p, "x"), CS_K_CAPABILITIES, buf, 20), -ENOSPC);
	cs_policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_cpu_max),
		cmocka_unit_test(test_weight),
		cmocka_unit_test(test_hostname_expand),
		cmocka_unit_test(test_hostname_key),
		cmocka_unit_test(test_keyword_table),
		cmocka_unit_test(test_parser_follows_table),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_format_defaults_and_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
