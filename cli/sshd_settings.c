/* SPDX-License-Identifier: MIT */
/*
 * Judging `sshd -T` output for a sandboxed login (cli/sshd_settings.h).
 * What matters is what sshd itself does for a login, in its own process on
 * the host, before or beside the shell it runs (which the module turns
 * into the sandbox): serving files (internal-sftp), changing root
 * (ChrootDirectory), opening devices (tunnels), and Unix sockets outside
 * /tmp. TCP, X11 and agent forwarding land inside (the module gives sshd's
 * post-auth child the sandbox's /tmp and network namespace).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/sshd_settings.h"

const char *cli_sshd_value(const char *out, const char *key, unsigned nth, char *buf,
			   size_t len)
{
	size_t kl = strlen(key);

	for (const char *p = out; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, kl) || p[kl] != ' ')
			continue;
		if (nth--)
			continue;
		const char *v = p + kl + 1;
		int vl = (int)strcspn(v, "\n");
		snprintf(buf, len, "%.*s", vl, v);
		return buf;
	}
	return NULL;
}

const char *cli_sshd_pam_service(const char *out, char *buf, size_t len, bool *from_key)
{
	*from_key = cli_sshd_value(out, "pamservicename", 0, buf, len) != NULL;
	if (!*from_key)
		snprintf(buf, len, "sshd");
	return buf;
}

static void add(struct cli_sshd_findings *f, enum cli_finding kind, const char *fix,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void add(struct cli_sshd_findings *f, enum cli_finding kind, const char *fix,
		const char *fmt, ...)
{
	struct cli_sshd_finding *e;
	va_list ap;
	int r;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct cli_sshd_finding *v = realloc(f->v, cap * sizeof(*v));
		if (!v) {
			f->oom = true;
			return;
		}
		f->v = v;
		f->cap = cap;
	}
	e = &f->v[f->n];
	e->kind = kind;
	e->fix = NULL;
	va_start(ap, fmt);
	r = vasprintf(&e->msg, fmt, ap);
	va_end(ap);
	if (r < 0 || (fix && !(e->fix = strdup(fix)))) {
		if (r >= 0)
			free(e->msg);
		f->oom = true;
		return;
	}
	f->n++;
}

/* An option that must be "no" (forwarding sshd does on the host). */
static void must_be_no(struct cli_sshd_findings *f, const char *out, const char *key,
		       const char *option, const char *why)
{
	char v[256], fix[160];

	if (!cli_sshd_value(out, key, 0, v, sizeof(v)))
		return;
	if (!strcmp(v, "no")) {
		add(f, CLI_OK_FINDING, NULL, "%s no", option);
		return;
	}
	snprintf(fix, sizeof(fix), "%s no (in a Match block for sandboxed users, at least)", option);
	add(f, CLI_PROBLEM, fix, "%s %s: %s", option, v, why);
}

/* Forwarding sshd does that lands inside the sandbox (the module gives
 * sshd's post-auth child the sandbox's /tmp and, for network = none, its
 * network namespace): said as an ok finding, with where it lands. */
static void inside(struct cli_sshd_findings *f, const char *out, const char *key,
		   const char *option, const char *where)
{
	char v[256];

	if (!cli_sshd_value(out, key, 0, v, sizeof(v)))
		return;
	if (!strcmp(v, "no"))
		add(f, CLI_OK_FINDING, NULL, "%s no", option);
	else
		add(f, CLI_OK_FINDING, NULL, "%s %s: %s", option, v, where);
}

void cli_sshd_assess(const char *out, struct cli_sshd_findings *f)
{
	char v[1024];
	bool sftp_ok = true, disabled;

	if (cli_sshd_value(out, "usepam", 0, v, sizeof(v)) && strcmp(v, "yes"))
		add(f, CLI_PROBLEM, "UsePAM yes", "UsePAM %s: sshd never calls "
		    "pam_containsession.so", v);

	/* internal-sftp runs in sshd's own process, not through the user's
	 * shell: the module's hand-off never happens and the files are the
	 * host's. */
	for (unsigned i = 0; cli_sshd_value(out, "subsystem", i, v, sizeof(v)); i++)
		if (strstr(v, "internal-sftp")) {
			sftp_ok = false;
			add(f, CLI_PROBLEM, "Subsystem sftp /usr/lib/openssh/sftp-server (the "
			    "external server runs through the shell, in the sandbox)",
			    "Subsystem %s: internal-sftp serves files from sshd's own process, "
			    "outside the sandbox", v);
		}
	if (sftp_ok)
		add(f, CLI_OK_FINDING, NULL, "no internal-sftp subsystem");
	if (cli_sshd_value(out, "forcecommand", 0, v, sizeof(v)) && strcmp(v, "none")) {
		if (strstr(v, "internal-sftp"))
			add(f, CLI_PROBLEM, "ForceCommand none, or an external command",
			    "ForceCommand %s: internal-sftp runs outside the sandbox", v);
		else
			add(f, CLI_WARNING, NULL, "ForceCommand %s: it runs through the user's "
			    "shell, so inside the sandbox; make sure it never becomes "
			    "internal-sftp", v);
	}
	/* sshd changes root before it runs the shell: the shell found there
	 * is the chroot's own file, not the sandbox's helper. */
	if (cli_sshd_value(out, "chrootdirectory", 0, v, sizeof(v)) && strcmp(v, "none"))
		add(f, CLI_PROBLEM, "ChrootDirectory none for sandboxed users (the sandbox "
		    "has a root of its own)", "ChrootDirectory %s: sshd runs the shell of "
		    "the chroot, not the sandbox's helper: the login is not sandboxed", v);
	if (cli_sshd_value(out, "permituserenvironment", 0, v, sizeof(v)) && strcmp(v, "no"))
		add(f, CLI_WARNING, "PermitUserEnvironment no", "PermitUserEnvironment %s: "
		    "sshd sets variables from ~/.ssh/environment (in the host's home) for the "
		    "login before the sandbox's helper runs", v);
	if (cli_sshd_value(out, "permituserrc", 0, v, sizeof(v)) && !strcmp(v, "yes"))
		add(f, CLI_WARNING, "PermitUserRC no", "PermitUserRC yes: ~/.ssh/rc runs through "
		    "/bin/sh, which the module covers, but it is one more path to keep in mind");

	disabled = cli_sshd_value(out, "disableforwarding", 0, v, sizeof(v)) &&
		   !strcmp(v, "yes");
	if (disabled) {
		add(f, CLI_OK_FINDING, NULL, "DisableForwarding yes: no TCP or Unix-socket "
		    "forwarding");
	} else {
		inside(f, out, "allowtcpforwarding", "AllowTcpForwarding",
		       "sshd dials and listens from the sandbox's network (network = none: "
		       "its loopback only)");
		/* Only /tmp is the sandbox's in sshd's view; any other path
		 * (the home included: sshd sees the real one, not its
		 * overlay) is the host's file system, with the user's rights. */
		if (cli_sshd_value(out, "allowstreamlocalforwarding", 0, v, sizeof(v))) {
			if (!strcmp(v, "no"))
				add(f, CLI_OK_FINDING, NULL, "AllowStreamLocalForwarding no");
			else
				add(f, CLI_WARNING, "AllowStreamLocalForwarding no, or only "
				    "socket paths in /tmp", "AllowStreamLocalForwarding %s: "
				    "sockets in /tmp are the sandbox's, any other path is the "
				    "host's file system (the real home, not the sandbox's)", v);
		}
	}
	must_be_no(f, out, "permittunnel", "PermitTunnel",
		   "sshd (as root) opens tun/tap devices on the host for the login");
	inside(f, out, "x11forwarding", "X11Forwarding",
	       "sshd listens on the sandbox's loopback, xauth runs inside");
	inside(f, out, "allowagentforwarding", "AllowAgentForwarding",
	       "the agent's socket is in the sandbox's /tmp (OpenSSH up to 10.0; "
	       "10.1 and later put it in ~/.ssh/agent of the real home, bound into "
	       "the sandbox when it exists as the sandbox starts)");
}

bool cli_sshd_findings_has(const struct cli_sshd_findings *f, enum cli_finding kind,
			   const char *msg)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].kind == kind && !strcmp(f->v[i].msg, msg))
			return true;
	return false;
}

void cli_sshd_findings_free(struct cli_sshd_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].fix);
		free(f->v[i].msg);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}
