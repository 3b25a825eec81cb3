/* SPDX-License-Identifier: MIT */
/*
 * What sshd's effective settings (the text of `sshd -T`, one "key value"
 * line each, keys in lower case) mean for a sandboxed login: pure
 * functions, no I/O, so doctor's judgement can be unit-tested on fixed
 * outputs of any OpenSSH version.
 */
#ifndef CS_CLI_SSHD_SETTINGS_H
#define CS_CLI_SSHD_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/cli.h"

struct cli_sshd_finding {
	enum cli_finding kind;
	char *fix;  /* NULL for ok findings */
	char *msg;  /* "Option value: why", without a "sshd: " prefix */
};

struct cli_sshd_findings {
	struct cli_sshd_finding *v;
	size_t n, cap;
	bool oom;
};

/* The value of key in out (the nth occurrence, for keys that repeat like
 * subsystem) copied into buf; NULL when there is no such line. */
const char *cli_sshd_value(const char *out, const char *key, unsigned nth, char *buf,
			   size_t len);

/* The PAM service sshd uses: pamservicename (OpenSSH 10.0+), else "sshd"
 * (older sshd has no such key; it takes the name it was started by, which
 * is sshd for the system's /usr/sbin/sshd). Sets *from_key accordingly. */
const char *cli_sshd_pam_service(const char *out, char *buf, size_t len, bool *from_key);

/* Everything in out that lets a login do things outside its sandbox, or
 * that is fine, appended to f in a fixed order. */
void cli_sshd_assess(const char *out, struct cli_sshd_findings *f);

/* Is there a finding of this kind with exactly this message in f? */
bool cli_sshd_findings_has(const struct cli_sshd_findings *f, enum cli_finding kind,
			   const char *msg);
void cli_sshd_findings_free(struct cli_sshd_findings *f);

#endif
