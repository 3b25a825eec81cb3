/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the policy parser (config/): every input is parsed
 * from memory with cs_policy_load_buffer. A policy that loads is also
 * matched against a few users and its profiles looked up and its hostname
 * template expanded, so the resolved structures get read as well as built.
 * The sanitizers (address, undefined) turn any memory error or UB into a
 * crash; a leak shows up at the end of the run.
 *
 *   make fuzz                 run for FUZZ_TIME seconds (corpus in build-fuzz/)
 *   build-fuzz/fuzz_policy tests/fuzz/corpus/FILE   replay one input
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const groups[] = { "staff", "cstestgrp", "wheel" };
	static const char *const users[] = { "alice", "root", "cstest1", "x" };
	struct cs_policy *pol = NULL;
	struct cs_diag diag = { 0 };
	char *text, host[65];

	/* Not NUL-terminated on purpose: the parser must honour len. A copy
	 * of exactly size bytes lets ASan catch a read past the end. */
	text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	if (cs_policy_load_buffer("fuzz.conf", text, size, &pol, &diag) == 0 && pol) {
		for (size_t u = 0; u < sizeof(users) / sizeof(users[0]); u++) {
			struct cs_group_names g = { groups, u % 4 };
			const struct cs_rule *r;

			(void)cs_policy_match(pol, (uid_t)(1000 + u), users[u],
					      cs_group_names_member, &g, &r);
			if (r && r->profile) {
				const struct cs_profile *p = cs_policy_profile(pol, r->profile);
				if (p && p->hostname)
					cs_expand_hostname(p->hostname, users[u], "host.example",
							   host, sizeof(host));
			}
		}
	}
	cs_policy_free(pol);
	cs_diag_free(&diag);
	free(text);
	return 0;
}
