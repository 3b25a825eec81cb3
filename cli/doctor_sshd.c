/* SPDX-License-Identifier: MIT */
/*
 * containsession doctor, sshd's side: which PAM service sshd uses, and which
 * of its settings let a login do things outside its sandbox (sshd itself,
 * not the user's shell, does them). Read from sshd: `sshd -T -C ...` prints
 * the settings a given connection gets, Match blocks applied, so what is
 * judged (cli/sshd_settings.c) is what sshd would really do.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/sshd_settings.h"

#define SSHD_PATH "/usr/sbin/sshd"
#define BASE_USER "nobody"

/* Run argv, stdout and stderr into *out; returns the wait status or -1. */
static int run_capture(char *const argv[], char **out)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int p[2], status;
	pid_t pid;

	*out = NULL;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	for (;;) {
		if (cap - len < 4096) {
			char *b = cap < (1u << 22) ? realloc(buf, cap + 65536) : NULL;
			if (!b)
				break;
			buf = b;
			cap += 65536;
		}
		ssize_t r = read(p[0], buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(p[0]);
	if (buf)
		buf[len] = '\0';
	*out = buf;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

/* sshd -T for a login of user from localhost: its output, or NULL with
 * *first set to what sshd said first. The user name is passed as one
 * argv element, never through a shell; names with ',' (which -C would
 * split) are refused. */
static char *sshd_settings(const char *config, const char *user, char *first, size_t len)
{
	char spec[512], *out = NULL;
	int status;

	first[0] = '\0';
	if (strchr(user, ',') ||
	    snprintf(spec, sizeof(spec), "user=%s,host=localhost,addr=127.0.0.1", user) >=
		    (int)sizeof(spec)) {
		snprintf(first, len, "user name not usable in sshd -C");
		return NULL;
	}
	char *argv[] = { SSHD_PATH, "-T", "-C", spec, config ? "-f" : NULL, (char *)config, NULL };
	status = run_capture(argv, &out);
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || !out) {
		if (out)
			snprintf(first, len, "%.*s", (int)strcspn(out, "\n"), out);
		if (!first[0])
			snprintf(first, len, "it failed");
		free(out);
		return NULL;
	}
	return out;
}

static void report_all(struct cli_doctor *d, const struct cli_sshd_findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		cli_report(d, f->v[i].kind, f->v[i].fix, "sshd: %s", f->v[i].msg);
}

/* Is r the rule the policy applies to user, decided as at a login
 * (cs_user_match)? A user or group that cannot be looked up is not. */
static bool rule_applies(const struct cs_policy *pol, const struct cs_rule *r,
			 const struct passwd *pw)
{
	struct cs_user u;
	struct cs_err err = { "" };
	const struct cs_rule *got = NULL;
	bool yes;

	if (cs_user_lookup(pw->pw_name, &u) < 0)
		return false;
	yes = cs_user_match(pol, &u, &got, &err) == 0 && got == r;
	cs_user_free(&u);
	return yes;
}

/* A member of the group of rule r for whom r is the rule that applies, for
 * sshd's Match Group: sshd resolves it from a real user's groups
 * (getgrouplist), so only an existing member shows what the group's
 * members get; one who is sandboxed by this rule (not by an earlier one, or
 * "off") stands for the rest. Listed members first, then users whose
 * primary group it is. 1 found, 0 no such member, -1 no such group. */
static int rule_member(const struct cs_policy *pol, const struct cs_rule *r, char *buf,
		       size_t len)
{
	struct group *gr = getgrnam(r->pattern);
	struct passwd *pw;
	char **mem = NULL;
	size_t nmem = 0;
	gid_t gid;
	int found = 0;

	if (!gr)
		return -1;
	gid = gr->gr_gid;
	/* copied: getpwnam and getgrouplist may reuse getgrnam's buffer */
	for (char **m = gr->gr_mem; m && *m; m++) {
		char **v = realloc(mem, (nmem + 1) * sizeof(*v));
		if (!v || !(v[nmem] = strdup(*m))) {
			mem = v ? v : mem;
			break;
		}
		mem = v;
		nmem++;
	}
	for (size_t i = 0; i < nmem && !found; i++)
		if ((pw = getpwnam(mem[i])) && rule_applies(pol, r, pw)) {
			snprintf(buf, len, "%s", pw->pw_name);
			found = 1;
		}
	for (size_t i = 0; i < nmem; i++)
		free(mem[i]);
	free(mem);
	if (found)
		return 1;
	setpwent();
	while (!found && (pw = getpwent()))
		if (pw->pw_gid == gid && rule_applies(pol, r, pw)) {
			snprintf(buf, len, "%s", pw->pw_name);
			found = 1;
		}
	endpwent();
	return found;
}

/* The settings one sandboxed user gets, judged; only what differs from
 * the base user's findings is reported (a global setting is said once). */
static void check_user(struct cli_doctor *d, const char *config, const char *user,
		       const char *why, const struct cli_sshd_findings *base)
{
	struct cli_sshd_findings f = { 0 };
	char first[256], *out;
	unsigned own = 0;

	if (!(out = sshd_settings(config, user, first, sizeof(first)))) {
		cli_report(d, CLI_WARNING, "run sshd -T -C user=... and check what it says",
			   "could not read sshd's settings for user %s (%s): %s", user, why, first);
		return;
	}
	cli_sshd_assess(out, &f);
	for (size_t i = 0; i < f.n; i++) {
		if (f.v[i].kind == CLI_OK_FINDING ||
		    cli_sshd_findings_has(base, f.v[i].kind, f.v[i].msg))
			continue;
		own++;
		cli_report(d, f.v[i].kind, f.v[i].fix, "sshd for user %s (%s): %s", user, why,
			   f.v[i].msg);
	}
	if (!own)
		cli_report(d, CLI_OK_FINDING, NULL, "sshd for user %s (%s): nothing beyond the "
			   "settings for %s", user, why, BASE_USER);
	cli_sshd_findings_free(&f);
	free(out);
}

/* Each user and group the policy sandboxes, through sshd's Match blocks.
 * The "*" rule is what the base user (nobody) already shows. */
static void check_policy_users(struct cli_doctor *d, const char *config,
			       const struct cs_policy *pol, const struct cli_sshd_findings *base)
{
	char user[256], why[512];

	for (size_t i = 0; pol && i < pol->nrules; i++) {
		const struct cs_rule *r = &pol->rules[i];

		if (!r->profile || r->is_any)
			continue;
		if (!r->is_group) {
			snprintf(why, sizeof(why), "rule %s:%u", r->file, r->line);
			check_user(d, config, r->pattern, why, base);
			continue;
		}
		int m = rule_member(pol, r, user, sizeof(user));
		if (m <= 0) {
			cli_report(d, CLI_WARNING, NULL, "sshd's Match Group blocks for group %s "
				   "(rule %s:%u) not checked: %s", r->pattern, r->file, r->line,
				   m < 0 ? "no such group" : "no member of it is sandboxed by this "
				   "rule, so there is no one to ask sshd about");
			continue;
		}
		snprintf(why, sizeof(why), "member of group %s, rule %s:%u", r->pattern, r->file,
			 r->line);
		check_user(d, config, user, why, base);
	}
}

void cli_doctor_sshd(struct cli_doctor *d, const char *config, const char *pamdir,
		     const struct cs_policy *pol)
{
	struct cli_sshd_findings base = { 0 };
	char first[256], svc[256], *out;
	bool from_key, sandboxes = false;

	if (access(SSHD_PATH, X_OK) < 0) {
		cli_report(d, config ? CLI_PROBLEM : CLI_WARNING, "install openssh-server",
			   "%s not found: sshd settings not checked", SSHD_PATH);
		return;
	}
	if (!(out = sshd_settings(config, BASE_USER, first, sizeof(first)))) {
		cli_report(d, config ? CLI_PROBLEM : CLI_WARNING, "run sshd -T and check what it says",
			   "could not read sshd's settings (sshd -T%s%s): %s", config ? " -f " : "",
			   config ? config : "", first);
		return;
	}
	cli_report(d, CLI_OK_FINDING, NULL, "read sshd's settings for user %s (sshd -T%s%s)",
		   BASE_USER, config ? " -f " : "", config ? config : "");

	for (size_t i = 0; pol && i < pol->nrules; i++)
		sandboxes |= pol->rules[i].profile != NULL;
	cli_sshd_pam_service(out, svc, sizeof(svc), &from_key);
	cli_doctor_sshd_pam_service(d, pamdir, svc, from_key ? "sshd -T: pamservicename" :
				    "sshd -T names none, so the name sshd is started by; "
				    SSHD_PATH " is sshd", sandboxes);

	cli_sshd_assess(out, &base);
	if (base.oom)
		cli_report(d, CLI_WARNING, NULL, "out of memory: sshd findings incomplete");
	report_all(d, &base);
	check_policy_users(d, config, pol, &base);
	cli_sshd_findings_free(&base);
	free(out);
}
