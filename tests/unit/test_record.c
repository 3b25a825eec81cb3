/* SPDX-License-Identifier: MIT */
/* The record of a running sandbox (lib/root/record.c): made from a profile
 * once, written and read back the same, and refused (never filled in) when
 * it is of another version, lacks a key or has a bad one. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/kv.h"
#include "lib/root/record.h"
#include "lib/root/registry.h"

static const char *const repeat[] = { CS_RECORD_REPEAT, NULL };

static struct cs_policy *load(const char *text)
{
	struct cs_policy *p = NULL;
	struct cs_diag d = { 0 };

	if (cs_policy_load_buffer("t.conf", text, strlen(text), &p, &d) < 0)
		fail_msg("policy: %s", d.nerrors ? d.errors[0] : "?");
	cs_diag_free(&d);
	return p;
}

static char *put(const struct cs_record *r)
{
	struct cs_kvw w = { 0 };
	cs_record_put(&w, r);
	return cs_kvw_end(&w, NULL);
}

/* Parse text as a record alone: 0 or the error, with the message in why. */
static int take(const char *text, struct cs_record *r, char *why, size_t len)
{
	struct cs_kv kv;
	int ret = cs_kv_parse(text, strlen(text), repeat, &kv);

	if (ret == 0)
		ret = cs_record_take(&kv, r);
	if (ret == 0)
		ret = cs_kv_done(&kv);
	snprintf(why, len, "%s", kv.err);
	cs_kv_free(&kv);
	if (ret < 0)
		cs_record_free(r);
	return ret;
}

static void test_make_round_trip(void **state)
{
	struct cs_policy *pol = load("[profile p]\nhostname = box-%u\nhome = overlay-tmpfs\n"
				     "network = none\ntmp = private\n"
				     "capabilities = net_bind_service\nseccomp = off\n"
				     "home.max = 3G\ntmp.max = 64M\nlifetime = 2h\n");
	const struct cs_profile *p = cs_policy_profile(pol, "p");
	char *dirs[] = { "/sys/fs/cgroup/cs/user-1000" }, why[320], *text;
	struct cs_record r, back;
	struct cs_session_info si = { 0 };

	assert_non_null(p);
	assert_int_equal(cs_record_make(p, "alice", "v2", dirs, 1, &r, NULL), 0);
	assert_string_equal(r.hostname, "box-alice"); /* expanded once, here */
	assert_string_equal(r.profile, "p");
	assert_non_null(text = put(&r));
	assert_non_null(strstr(text, "version=2\n"));
	assert_non_null(strstr(text, "network=none\n"));
	assert_non_null(strstr(text, "home=overlay-tmpfs\n"));
	assert_non_null(strstr(text, "cgroup=v2\ncgroup.dir=/sys/fs/cgroup/cs/user-1000\n"));
	assert_int_equal(take(text, &back, why, sizeof(why)), 0);
	assert_string_equal(back.hostname, "box-alice");
	assert_string_equal(cs_record_home_name(&back), "overlay-tmpfs");
	assert_int_equal(back.network, CS_NET_NONE);
	assert_int_equal(back.tmp, CS_TMP_PRIVATE);
	assert_int_equal(back.caps, CS_CAPS_LIST);
	assert_true(back.caps_list == r.caps_list && r.caps_list == 1ULL << 10);
	assert_false(back.seccomp);
	assert_true(back.no_new_privs);
	assert_true(back.home_max == 3ULL << 30 && back.tmp_max == 64ULL << 20);
	assert_int_equal(back.lifetime, CS_LIFE_GRACE);
	assert_int_equal(back.lifetime_s, 7200);
	assert_string_equal(back.cgroup, "v2");
	assert_int_equal(back.ncgroups, 1);
	assert_string_equal(back.cgroups[0], dirs[0]);
	/* What a joining login's shell gets is the record's. */
	cs_record_session(&back, &si);
	assert_true(si.net_none);
	assert_false(si.seccomp);
	assert_int_equal(si.caps, CS_CAPS_LIST);
	assert_true(si.caps_list == 1ULL << 10);
	free(text);
	cs_record_free(&back);
	cs_record_free(&r);

	/* cgroup = off: no directories. A hostname that does not expand to
	 * a valid one never becomes a record. */
	assert_int_equal(cs_record_make(p, "bob", "off", NULL, 0, &r, NULL), 0);
	assert_non_null(text = put(&r));
	assert_int_equal(take(text, &back, why, sizeof(why)), 0);
	assert_int_equal(back.ncgroups, 0);
	free(text);
	cs_record_free(&back);
	cs_record_free(&r);
	assert_true(cs_record_make(p, "bad_name", "off", NULL, 0, &r, NULL) < 0);
	assert_true(cs_record_make(p, "bob", "cgroupfs", NULL, 0, &r, NULL) < 0);
	cs_policy_free(pol);
}

/* One good record's text with key replaced by line (or dropped: line ""). */
static char *with(const char *key, const char *line)
{
	static const char good[] =
		"version=2\nprofile=p\nhostname=h\nhome=bind\ntmp=host\nnetwork=host\n"
		"capabilities=none\ncapabilities.list=0\nseccomp=1\nno_new_privs=1\n"
		"home.max=1024\ntmp.max=1024\nlifetime=logout\ncgroup=off\n";
	char *out = malloc(sizeof(good) + 256), *o = out;
	const char *p = good;
	size_t kl = strlen(key);

	while (*p) {
		const char *nl = strchr(p, '\n');
		if (!strncmp(p, key, kl) && p[kl] == '=')
			o += sprintf(o, "%s", line);
		else
			o += sprintf(o, "%.*s", (int)(nl - p + 1), p);
		p = nl + 1;
	}
	*o = '\0';
	return out;
}

static void refused(const char *key, const char *line, const char *why_part)
{
	struct cs_record r;
	char why[320], *text = with(key, line);

	if (take(text, &r, why, sizeof(why)) == 0)
		fail_msg("accepted: %s", text);
	if (!strstr(why, why_part))
		fail_msg("'%s' does not say '%s' for %s", why, why_part, text);
	free(text);
}

static void test_refused(void **state)
{
	struct cs_record r;
	char why[320], *text = with("none", "");

	assert_int_equal(take(text, &r, why, sizeof(why)), 0); /* the base is good */
	free(text);
	cs_record_free(&r);
	/* Another version (the entry of an older containsession) is not
	 * read any further. */
	refused("version", "version=1\n", "version 1, not 2");
	refused("version", "version=3\n", "version 3, not 2");
	refused("version", "", "no version");
	/* Every key must be there: nothing is taken from the policy. */
	refused("network", "", "no network");
	refused("hostname", "", "no hostname");
	refused("seccomp", "", "no seccomp");
	refused("capabilities", "", "no capabilities");
	refused("home.max", "", "no home.max");
	refused("lifetime", "", "no lifetime");
	refused("cgroup", "", "no cgroup");
	/* and valid */
	refused("network", "network=bridge\n", "network=bridge");
	refused("home", "home=Overlay\n", "home=Overlay");
	refused("capabilities", "capabilities=some\n", "capabilities=some");
	refused("seccomp", "seccomp=2\n", "seccomp=2 is out of range");
	refused("home.max", "home.max=0\n", "home.max is out of range");
	refused("tmp.max", "tmp.max=-1\n", "tmp.max=-1 is not a decimal");
	refused("lifetime", "lifetime=0\n", "lifetime is out of range");
	refused("lifetime", "lifetime=2h\n", "lifetime=2h is not a decimal");
	refused("cgroup", "cgroup=cgroupfs\n", "not a backend");
	refused("cgroup", "cgroup=off\ncgroup.dir=/sys/fs/cgroup/x\n", "cgroup=off with directories");
	refused("cgroup", "cgroup=v2\ncgroup.dir=sys/fs/cgroup/x\n", "not absolute");
	refused("hostname", "hostname=\n", "hostname= is empty");
	/* once each, and nothing else */
	refused("network", "network=host\nnetwork=none\n", "network given twice");
	refused("network", "network=host\nnet_none=1\n", "unknown key net_none");
}

/* The registry entry is the record and what changes while it runs; an
 * entry of the old format (version=1, no record) is refused. */
static void test_registry_entry(void **state)
{
	struct cs_reg_entry e = { 0 }, back;
	char *dirs[] = { "/sys/fs/cgroup/cs/user-1000" }, why[320], *text;
	struct cs_policy *pol = load("[profile p]\nhostname = h-%u\n");

	assert_int_equal(cs_record_make(cs_policy_profile(pol, "p"), "alice", "v2", dirs, 1,
					&e.rec, NULL), 0);
	strcpy(e.user, "alice");
	e.uid = 1000;
	e.gid = 1000;
	e.init_pid = 4242;
	e.init_start = 77;
	assert_int_equal(cs_reg_add_holder(&e, 100, 5), 0);
	assert_non_null(text = cs_reg_format(&e));
	assert_int_equal(cs_reg_parse(text, strlen(text), &back, why, sizeof(why)), 0);
	assert_string_equal(back.rec.hostname, "h-alice");
	assert_int_equal(back.nholders, 1);
	cs_reg_entry_free(&back);
	free(text);
	text = "version=1\nuser=alice\nuid=1000\ngid=1000\nprofile=p\nhome=overlay\nnet_none=1\n"
	       "init_pid=4242\ninit_start=77\ncreated=1\nlifetime=logout\nidle_since=0\n";
	assert_true(cs_reg_parse(text, strlen(text), &back, why, sizeof(why)) < 0);
	assert_non_null(strstr(why, "version 1, not 2"));
	assert_true(cs_reg_parse("", 0, &back, why, sizeof(why)) < 0);
	assert_non_null(strstr(why, "no version"));

	/* ... but read for its teardown: what ends it, strictly. */
	const char *v1 = "version=1\nuser=alice\nuid=1000\ngid=1000\nprofile=p\nhome=overlay\n"
			 "net_none=1\ninit_pid=4242\ninit_start=77\ncreated=1\nlifetime=logout\n"
			 "idle_since=0\ncgroup=/sys/fs/cgroup/cs/user-1000\nholder=100 5\nholder=101 6\n";
	assert_int_equal(cs_reg_parse_v1(v1, strlen(v1), &back, why, sizeof(why)), 0);
	assert_int_equal(back.version, 1);
	assert_string_equal(back.user, "alice");
	assert_int_equal(back.uid, 1000);
	assert_int_equal(back.init_pid, 4242);
	assert_int_equal(back.init_start, 77);
	assert_int_equal(back.rec.ncgroups, 1);
	assert_string_equal(back.rec.cgroups[0], "/sys/fs/cgroup/cs/user-1000");
	assert_int_equal(back.nholders, 2);
	assert_null(cs_reg_format(&back)); /* never written back */
	cs_reg_entry_free(&back);
	assert_int_equal(cs_reg_parse_v1(text, strlen(text), &back, why, sizeof(why)), 0);
	cs_reg_entry_free(&back);
	static const char *const bad_v1[] = {
		/* a key missing, one too many, unknown, repeated, malformed */
		"version=1\nuser=alice\nuid=1000\ngid=1000\nprofile=p\nhome=overlay\nnet_none=1\n"
		"init_pid=4242\ninit_start=77\ncreated=1\nlifetime=logout\n",
		"version=1\nuser=alice\nuid=1000\ngid=1000\nprofile=p\nhome=overlay\nnet_none=1\n"
		"init_pid=4242\ninit_start=77\ncreated=1\nlifetime=logout\nidle_since=0\nhostname=h\n",
		"version=1\nuser=alice\nuid=1000\ngid=1000\nprofile=p\nhome=overlay\nnet_none=1\n"
		"init_pid=4242\ninit_pid=4243\ninit_start=77\ncreated=1\nlifetime=logout\nidle_since=0\n",
		"version=1\nuser=alice\nuid=1000\ngid=1000\nprofile=p\nhome=overlay\nnet_none=1\n"
		"init_pid=1\ninit_start=77\ncreated=1\nlifetime=logout\nidle_since=0\n",
		"version=1\nuser=alice\nuid=1000\ngid=1000\nprofile=p\nhome=overlay\nnet_none=1\n"
		"init_pid=4242\ninit_start=x\ncreated=1\nlifetime=logout\nidle_since=0\n",
		"version=1\nuser=alice\nuid=1000\ngid=1000\nprofile=p\nhome=overlay\nnet_none=1\n"
		"init_pid=4242\ninit_start=77\ncreated=1\nlifetime=logout\nidle_since=0\ncgroup=rel\n",
		"version=1\nuser=alice\nuid=1000\ngid=1000\nprofile=p\nhome=overlay\nnet_none=1\n"
		"init_pid=4242\ninit_start=77\ncreated=1\nlifetime=logout\nidle_since=0\nholder=5\n",
	};
	for (size_t i = 0; i < sizeof(bad_v1) / sizeof(bad_v1[0]); i++)
		assert_true(cs_reg_parse_v1(bad_v1[i], strlen(bad_v1[i]), &back, why, sizeof(why)) < 0);
	char *v2 = cs_reg_format(&e);
	assert_true(cs_reg_parse_v1(v2, strlen(v2), &back, why, sizeof(why)) < 0);
	free(v2);
	cs_reg_entry_free(&e);
	cs_policy_free(pol);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_make_round_trip),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_registry_entry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
