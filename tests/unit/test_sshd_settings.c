/* SPDX-License-Identifier: MIT */
/*
 * cli/sshd_settings.c: doctor's reading of `sshd -T` output, on fixed
 * outputs shaped like OpenSSH 9.2's (Debian 12) and 10.0's (Debian 13).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli/sshd_settings.c"

/* The lines that matter of a stock Debian 12 sshd -T (no pamservicename). */
static const char tight_92[] =
	"port 22\n"
	"usepam yes\n"
	"x11forwarding no\n"
	"allowtcpforwarding no\n"
	"allowstreamlocalforwarding no\n"
	"allowagentforwarding no\n"
	"disableforwarding no\n"
	"permittunnel no\n"
	"permituserenvironment no\n"
	"permituserrc no\n"
	"forcecommand none\n"
	"chrootdirectory none\n"
	"subsystem sftp /usr/lib/openssh/sftp-server\n";

static size_t count(const struct cli_sshd_findings *f, enum cli_finding kind)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++)
		n += f->v[i].kind == kind;
	return n;
}

/* The message of the only non-ok finding, or NULL. */
static const char *only_bad(const struct cli_sshd_findings *f, enum cli_finding *kind)
{
	const char *m = NULL;
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].kind != CLI_OK_FINDING) {
			if (m)
				return NULL;
			m = f->v[i].msg;
			*kind = f->v[i].kind;
		}
	return m;
}

/* src with the line of key replaced by "key value". */
static char *edit(const char *src, const char *key, const char *value)
{
	char *out = malloc(strlen(src) + 256), *o = out;
	const char *p = src;
	size_t kl = strlen(key);

	assert_non_null(out);
	while (*p) {
		size_t l = strcspn(p, "\n") + 1;
		if (!strncmp(p, key, kl) && p[kl] == ' ')
			o += sprintf(o, "%s %s\n", key, value);
		else
			o += sprintf(o, "%.*s", (int)l, p);
		p += l;
	}
	*o = '\0';
	return out;
}

static char *with(const char *key, const char *value)
{
	return edit(tight_92, key, value);
}

static void test_value_and_service(void **state)
{
	char buf[64];
	bool from_key = true;
	const char *out10 = "usepam yes\npamservicename sshd-cstest\nsubsystem a b\nsubsystem c d\n";

	assert_string_equal(cli_sshd_pam_service(tight_92, buf, sizeof(buf), &from_key), "sshd");
	assert_false(from_key);
	assert_string_equal(cli_sshd_pam_service(out10, buf, sizeof(buf), &from_key),
			    "sshd-cstest");
	assert_true(from_key);
	assert_string_equal(cli_sshd_value(out10, "subsystem", 1, buf, sizeof(buf)), "c d");
	assert_null(cli_sshd_value(out10, "subsystem", 2, buf, sizeof(buf)));
	/* a key is a whole word: "usepa" is not usepam */
	assert_null(cli_sshd_value(out10, "usepa", 0, buf, sizeof(buf)));
}

static void test_tight_is_clean(void **state)
{
	struct cli_sshd_findings f = { 0 };

	cli_sshd_assess(tight_92, &f);
	assert_false(f.oom);
	assert_int_equal(count(&f, CLI_PROBLEM), 0);
	assert_int_equal(count(&f, CLI_WARNING), 0);
	assert_true(cli_sshd_findings_has(&f, CLI_OK_FINDING, "AllowAgentForwarding no"));
	cli_sshd_findings_free(&f);
}

/* Each setting a Match block can give a sandboxed user, alone. */
static void test_each_bypass(void **state)
{
	static const struct {
		const char *key, *value;
		enum cli_finding kind;
		const char *starts;
	} cases[] = {
		{ "forcecommand", "internal-sftp", CLI_PROBLEM, "ForceCommand internal-sftp:" },
		{ "forcecommand", "/usr/bin/menu", CLI_WARNING, "ForceCommand /usr/bin/menu:" },
		{ "chrootdirectory", "/srv/%u", CLI_PROBLEM, "ChrootDirectory /srv/%u:" },
		{ "subsystem", "sftp internal-sftp -l INFO", CLI_PROBLEM,
		  "Subsystem sftp internal-sftp -l INFO:" },
		{ "permituserenvironment", "yes", CLI_WARNING, "PermitUserEnvironment yes:" },
		{ "permituserenvironment", "LANG,LC_*", CLI_WARNING, "PermitUserEnvironment LANG,LC_*:" },
		{ "allowstreamlocalforwarding", "yes", CLI_WARNING, "AllowStreamLocalForwarding yes:" },
		{ "permittunnel", "point-to-point", CLI_PROBLEM, "PermitTunnel point-to-point:" },
		{ "usepam", "no", CLI_PROBLEM, "UsePAM no:" },
		{ "permituserrc", "yes", CLI_WARNING, "PermitUserRC yes:" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cli_sshd_findings f = { 0 };
		enum cli_finding kind = CLI_OK_FINDING;
		char *out = with(cases[i].key, cases[i].value);
		const char *m;

		cli_sshd_assess(out, &f);
		m = only_bad(&f, &kind);
		if (!m || kind != cases[i].kind ||
		    strncmp(m, cases[i].starts, strlen(cases[i].starts)))
			fail_msg("%s %s: expected one finding '%s...' of kind %d, got '%s' (%d)",
				 cases[i].key, cases[i].value, cases[i].starts, cases[i].kind,
				 m ? m : "(none or several)", kind);
		cli_sshd_findings_free(&f);
		free(out);
	}
}

/* TCP, X11 and agent forwarding land inside the sandbox (the module gives
 * sshd's post-auth child its /tmp and network namespace): ok findings that
 * say where. DisableForwarding yes is one too. */
static void test_forwarding_inside(void **state)
{
	static const char *const on[][3] = {
		{ "allowtcpforwarding", "yes", "AllowTcpForwarding yes: sshd dials and listens from the sandbox's network" },
		{ "x11forwarding", "yes", "X11Forwarding yes: sshd listens on the sandbox's loopback" },
		{ "allowagentforwarding", "yes", "AllowAgentForwarding yes: the agent's socket is in the sandbox's /tmp" },
		{ "disableforwarding", "yes", "DisableForwarding yes: no TCP or Unix-socket forwarding" },
	};

	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		struct cli_sshd_findings f = { 0 };
		char *out = with(on[i][0], on[i][1]);
		bool found = false;

		cli_sshd_assess(out, &f);
		assert_int_equal(count(&f, CLI_PROBLEM), 0);
		assert_int_equal(count(&f, CLI_WARNING), 0);
		for (size_t k = 0; k < f.n; k++)
			found |= f.v[k].kind == CLI_OK_FINDING &&
				 !strncmp(f.v[k].msg, on[i][2], strlen(on[i][2]));
		if (!found)
			fail_msg("%s %s: no ok finding '%s...'", on[i][0], on[i][1], on[i][2]);
		cli_sshd_findings_free(&f);
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_and_service),
		cmocka_unit_test(test_tight_is_clean),
		cmocka_unit_test(test_each_bypass),
		cmocka_unit_test(test_forwarding_inside),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
