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
		{ "allowtcpforwarding", "local", CLI_PROBLEM, "AllowTcpForwarding local:" },
		{ "allowstreamlocalforwarding", "yes", CLI_PROBLEM, "AllowStreamLocalForwarding yes:" },
		{ "permittunnel", "point-to-point", CLI_PROBLEM, "PermitTunnel point-to-point:" },
		{ "x11forwarding", "yes", CLI_WARNING, "X11Forwarding yes:" },
		{ "allowagentforwarding", "yes", CLI_WARNING, "AllowAgentForwarding yes:" },
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

/* DisableForwarding yes covers TCP and Unix-socket forwarding in every
 * version; X11 and agent forwarding only from 10.0 on (CVE-2025-32728), so
 * they are still reported, and the message says why. */
static void test_disableforwarding(void **state)
{
	struct cli_sshd_findings f = { 0 };
	char *a = with("disableforwarding", "yes");
	char *b = edit(a, "allowtcpforwarding", "yes");
	char *c = edit(b, "x11forwarding", "yes");

	cli_sshd_assess(c, &f);
	assert_int_equal(count(&f, CLI_PROBLEM), 0);
	assert_true(cli_sshd_findings_has(&f, CLI_OK_FINDING,
					  "DisableForwarding yes: no TCP or Unix-socket forwarding"));
	assert_int_equal(count(&f, CLI_WARNING), 1);
	for (size_t i = 0; i < f.n; i++)
		if (f.v[i].kind == CLI_WARNING) {
			assert_non_null(strstr(f.v[i].msg, "X11Forwarding yes"));
			assert_non_null(strstr(f.v[i].msg, "CVE-2025-32728"));
		}
	cli_sshd_findings_free(&f);
	free(a);
	free(b);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_and_service),
		cmocka_unit_test(test_tight_is_clean),
		cmocka_unit_test(test_each_bypass),
		cmocka_unit_test(test_disableforwarding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
