/* SPDX-License-Identifier: MIT */
/*
 * bench/policy — 6) policy resolution at scale. Generates a policy with
 * NRULES rules and NPROFILES profiles (default 10,000 and 1,000), where only
 * the last rule matches the user, and times, with the config library the
 * module links (build/libcsconfig.a):
 *   parse  cs_policy_load_buffer over the text (what every login pays when
 *          the module reads the policy anew);
 *   load   cs_policy_load_flags from a file, as the module does;
 *   match  cs_policy_match for the user (name rules and @group rules before
 *          it), with 1 and with 16 groups held in a list; at a login each
 *          @group rule reached also costs one getgrnam_r
 *          (lib/root/usermatch.c), which this does not time.
 * Prints one markdown table. Target (issue 7): match <= 1 ms.
 *
 *   policy [NRULES [NPROFILES]]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/policy.h"

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct stats { double med, min, max, p90; int n; };

static struct stats summarize(double *v, int n)
{
	struct stats s;
	qsort(v, (size_t)n, sizeof(*v), cmp);
	s.n = n;
	s.min = v[0];
	s.max = v[n - 1];
	s.med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	s.p90 = v[(int)((n - 1) * 0.9)];
	return s;
}

static char *generate(int nrules, int nprofiles, size_t *len)
{
	size_t cap = (size_t)(nrules + nprofiles * 6) * 64 + 4096, n = 0;
	char *t = malloc(cap);

	if (!t)
		exit(1);
#define ADD(...) (n += (size_t)snprintf(t + n, cap - n, __VA_ARGS__))
	ADD("[global]\ncgroup = off\nstate_dir = /run/containsession\n"
	    "data_dir = /var/lib/containsession\n\n");
	ADD("[profile default]\nhostname = sandbox-%%u\nmemory.max = 2G\npids.max = 512\n\n");
	/* Profiles: every tenth starts a new inheritance chain, the others
	 * inherit from the one before (chains of depth 10). */
	for (int i = 0; i < nprofiles; i++) {
		ADD("[profile p%04d]\n", i);
		if (i % 10)
			ADD("inherit = p%04d\n", i - 1);
		else
			ADD("inherit = default\n");
		ADD("memory.max = %dM\npids.max = %d\ncpu.max = %d%%\n\n", 256 + i, 64 + i % 500,
		    10 + i % 190);
	}
	ADD("[rules]\n");
	/* Everything before the last rule misses: user names and, every
	 * fifth, groups the user is not in. */
	for (int i = 0; i < nrules - 1; i++) {
		if (i % 5 == 4)
			ADD("@grp%05d = p%04d\n", i, i % nprofiles);
		else
			ADD("user%05d = p%04d\n", i, i % nprofiles);
	}
	ADD("benchuser = p%04d\n", nprofiles - 1);
#undef ADD
	*len = n;
	return t;
}

int main(int argc, char **argv)
{
	int nrules = argc > 1 ? atoi(argv[1]) : 10000;
	int nprofiles = argc > 2 ? atoi(argv[2]) : 1000;
	size_t len;
	char *text = generate(nrules, nprofiles, &len);
	struct cs_policy *p = NULL;
	struct cs_diag d = { 0 };
	enum { PARSES = 30, MATCHES = 2000 };
	double tp[PARSES], tl[PARSES], tm1[MATCHES], tm16[MATCHES];
	const char *g1[] = { "benchuser" };
	const char *g16[16];
	char gbuf[16][16];
	struct cs_group_names n1 = { g1, 1 }, n16 = { g16, 16 };
	char path[] = "/tmp/csbench-policy.XXXXXX";
	const struct cs_rule *r = NULL;

	for (int i = 0; i < 16; i++) {
		snprintf(gbuf[i], sizeof(gbuf[i]), "other%02d", i);
		g16[i] = gbuf[i];
	}
	for (int i = 0; i < PARSES; i++) {
		double t0 = now_ms();
		if (cs_policy_load_buffer("bench.conf", text, len, &p, &d) < 0) {
			fprintf(stderr, "policy: generated policy does not load: %s\n",
				d.nerrors ? d.errors[0] : "?");
			return 1;
		}
		tp[i] = now_ms() - t0;
		cs_diag_free(&d);
		memset(&d, 0, sizeof(d));
		if (i < PARSES - 1)
			cs_policy_free(p);
	}
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		return 1;
	close(fd);
	for (int i = 0; i < PARSES; i++) {
		struct cs_policy *q = NULL;
		double t0 = now_ms();
		if (cs_policy_load_flags(path, NULL, CS_LOAD_OWNER_SKIP, &q, &d) < 0) {
			fprintf(stderr, "policy: load from %s failed: %s\n", path,
				d.nerrors ? d.errors[0] : "?");
			unlink(path);
			return 1;
		}
		tl[i] = now_ms() - t0;
		cs_diag_free(&d);
		memset(&d, 0, sizeof(d));
		cs_policy_free(q);
	}
	unlink(path);
	for (int i = 0; i < MATCHES; i++) {
		double t0 = now_ms();
		(void)cs_policy_match(p, 1000, "benchuser", cs_group_names_member, &n1, &r);
		tm1[i] = now_ms() - t0;
		t0 = now_ms();
		(void)cs_policy_match(p, 1000, "benchuser", cs_group_names_member, &n16, &r);
		tm16[i] = now_ms() - t0;
	}
	if (!r || !r->profile || strcmp(r->pattern, "benchuser")) {
		fprintf(stderr, "policy: the last rule did not match\n");
		return 1;
	}
	const struct cs_profile *prof = cs_policy_profile(p, r->profile);
	if (!prof) {
		fprintf(stderr, "policy: profile %s not found\n", r->profile);
		return 1;
	}
	struct stats s[4] = { summarize(tp, PARSES), summarize(tl, PARSES), summarize(tm1, MATCHES),
			      summarize(tm16, MATCHES) };
	const char *names[4] = { "parse (cs_policy_load_buffer)", "load from file (cs_policy_load_flags)",
				 "match, last rule, 1 group", "match, last rule, 16 groups" };
	printf("\n### 6. Policy resolution: %d rules, %d profiles, %zu KiB of text, last rule matches (ms)\n\n",
	       nrules, nprofiles, len / 1024);
	printf("| step | median | p90 | min | max | runs |\n| --- | --- | --- | --- | --- | --- |\n");
	for (int i = 0; i < 4; i++)
		printf("| %s | %.4f | %.4f | %.4f | %.4f | %d |\n", names[i], s[i].med, s[i].p90, s[i].min,
		       s[i].max, s[i].n);
	printf("\nmatched rule %s:%u -> profile %s (memory.max %llu)\n", r->file ? r->file : "?", r->line,
	       prof->name, (unsigned long long)prof->memory_max);
	printf("target match <= 1 ms: %.4f ms: %s\n", s[3].med > s[2].med ? s[3].med : s[2].med,
	       (s[3].med <= 1.0 && s[2].med <= 1.0) ? "met" : "MISSED");
	cs_policy_free(p);
	free(text);
	return 0;
}
