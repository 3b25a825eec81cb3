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
	size_t n;
	const struct cs_profile **ps = cli_ruled_profiles(pol, CS_HOME_OVERLAY, &n);

	if (!ps) {
		cli_report(d, CLI_PROBLEM, "free some memory", "cannot check home.max: out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++)
		cli_report(d, CLI_WARNING, "home = overlay-tmpfs (bounded by home.max), or a file system "
			   "quota on data_dir",
			   "profile %s (%s:%u) has home = overlay: its home.max (%llu bytes) is not "
			   "enforced; the upper layers in %s grow until that file system is full",
			   ps[i]->name, ps[i]->file, ps[i]->line, (unsigned long long)ps[i]->home_max,
			   pol->data_dir);
	free(ps);
}
