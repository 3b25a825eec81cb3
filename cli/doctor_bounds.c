/* SPDX-License-Identifier: MIT */
/*
 * containsession doctor: what bounds a sandbox's writes on the host. Every
 * tmpfs of a sandbox has a size (tmp.max, and home.max for tmpfs-backed
 * homes); the persistent upper layer of home = overlay lives on data_dir,
 * and this version does not bound it (containsession.conf(5), home.max): a
 * warning for each such profile a rule uses, naming data_dir's file system.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

void cli_doctor_bounds(struct cli_doctor *d, const struct cs_policy *pol)
{
	const char **seen = calloc(pol->nrules + 1, sizeof(*seen));
	size_t nseen = 0;

	if (!seen)
		return;
	for (size_t i = 0; i < pol->nrules; i++) {
		const struct cs_profile *p = pol->rules[i].profile ?
					     cs_policy_profile(pol, pol->rules[i].profile) : NULL;
		bool dup = false;

		if (!p || p->home != CS_HOME_OVERLAY)
			continue;
		for (size_t j = 0; j < nseen; j++)
			dup = dup || !strcmp(seen[j], p->name);
		if (dup)
			continue;
		seen[nseen++] = p->name;
		cli_report(d, CLI_WARNING, "home = overlay-tmpfs (bounded by home.max), or a file system "
			   "quota on data_dir",
			   "profile %s (%s:%u) has home = overlay: its home.max (%llu bytes) is not "
			   "enforced; the upper layers in %s grow until that file system is full",
			   p->name, p->file, p->line, (unsigned long long)p->home_max, pol->data_dir);
	}
	free(seen);
}
