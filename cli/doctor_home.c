/* SPDX-License-Identifier: MIT */
/*
 * containsession doctor: home = bind. The sandbox then writes the user's
 * real home, and some files there are read and acted on by the host, not
 * by anything in the sandbox:
 *   ~/.config/systemd/user/  units that systemd --user (user@.service,
 *                            started by pam_systemd) runs on the host;
 *   ~/.ssh/authorized_keys   key options such as command="internal-sftp",
 *                            which sshd runs in its own process, with the
 *                            host's view of the file system;
 *   ~/.forward               "|command" lines the mail transfer agent runs
 *                            as the user on the host.
 * Each is a warning for every profile with home = bind that a rule uses;
 * containsession.conf(5) says the same.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

/* Every MTA Debian ships provides sendmail(8) at one of these paths. */
static const char *mta_path(void)
{
	static const char *const paths[] = { "/usr/sbin/sendmail", "/usr/lib/sendmail" };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

static void report_profile(struct cli_doctor *d, const struct cs_profile *p, const char *mta)
{
	cli_report(d, CLI_WARNING, "an AuthorizedKeysFile outside the home, e.g. "
		   "/etc/ssh/authorized_keys/%u, or home = overlay",
		   "profile %s (%s:%u) has home = bind: the user can write ~/.ssh/authorized_keys, "
		   "whose key options (command=\"internal-sftp\") sshd runs outside the sandbox",
		   p->name, p->file, p->line);
	if (d->pam_systemd_at[0])
		cli_report(d, CLI_WARNING, "home = overlay, or no pam_systemd.so for these users",
			   "profile %s has home = bind and pam_systemd.so runs in the PAM stack (%s): "
			   "units the user puts in ~/.config/systemd/user run outside the sandbox "
			   "(user@.service)", p->name, d->pam_systemd_at);
	if (mta)
		cli_report(d, CLI_WARNING, "home = overlay, or forbid ~/.forward in the MTA",
			   "profile %s has home = bind and a mail transfer agent is installed (%s): "
			   "'|command' lines in ~/.forward run outside the sandbox", p->name, mta);
}

static bool bind_home(const struct cs_profile *p)
{
	return p->home == CS_HOME_BIND;
}

void cli_doctor_bind_home(struct cli_doctor *d, const struct cs_policy *pol)
{
	const char *mta = mta_path();
	size_t n;
	const struct cs_profile **ps = cli_ruled_profiles(pol, bind_home, &n);

	if (!ps) {
		cli_report(d, CLI_PROBLEM, "free some memory", "cannot check home = bind: out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++)
		report_profile(d, ps[i], mta);
	free(ps);
}
