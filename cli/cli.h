/* SPDX-License-Identifier: MIT */
/*
 * containsession, the admin CLI: one file per verb, this header between
 * them. Every verb is a function of (global options, argc, argv) that
 * returns the process' exit status; only verbs print, and what the shared
 * library reports comes up as a struct cs_err (lib/err.h).
 *
 * Exit statuses are those of containsession(8): 0 done, 1 failed (or, for
 * check and doctor, "found something"), 2 usage error.
 */
#ifndef CS_CLI_H
#define CS_CLI_H

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "config/policy.h"
#include "lib/err.h"
#include "lib/root/registry.h"
#include "lib/root/user.h"

#define CLI_OK    0
#define CLI_FAIL  1
#define CLI_USAGE 2

/* Global options: where the policy is. */
struct cli {
	const char *conf;
	const char *confdir;  /* NULL: no drop-in directory */
	bool confdir_given;
};

struct cli_verb {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);
	const char *args;     /* synopsis after the verb name */
	const char *summary;  /* one line, for `containsession --help` */
	const char *options;  /* option lines for `VERB --help`, or NULL */
};

extern const struct cli_verb cli_verbs[];
extern const size_t cli_nverbs;
const struct cli_verb *cli_verb(const char *name);

int cli_check(struct cli *c, int argc, char **argv);
int cli_explain(struct cli *c, int argc, char **argv);
int cli_list(struct cli *c, int argc, char **argv);
int cli_enter(struct cli *c, int argc, char **argv);
int cli_stop(struct cli *c, int argc, char **argv);
int cli_diff(struct cli *c, int argc, char **argv);
int cli_doctor(struct cli *c, int argc, char **argv);
int cli_gc(struct cli *c, int argc, char **argv);
/* End every sandbox that is due (gc.c; list runs it first); quiet: print
 * nothing for what was ended. 0, or -1 when some entry failed (printed). */
int cli_gc_pass(const struct cs_policy *pol, bool quiet);

/*
 * Options every verb takes after its name too: --conf, --confdir, --help.
 * A verb lists CLI_COMMON_LONGOPTS in its getopt_long table and passes every
 * option it does not know itself to cli_common_opt, which returns -1 when the
 * option was handled, or the exit status to return now (help, usage error).
 */
#define CLI_OPT_CONF    0x1001
#define CLI_OPT_CONFDIR 0x1002
#define CLI_COMMON_LONGOPTS \
	{ "conf", required_argument, NULL, CLI_OPT_CONF }, \
	{ "confdir", required_argument, NULL, CLI_OPT_CONFDIR }, \
	{ "help", no_argument, NULL, 'h' }
int cli_common_opt(struct cli *c, const char *verb, int opt, const char *arg);

void cli_help(const struct cli_verb *v, FILE *f);
/* "containsession VERB: MESSAGE" and the synopsis on stderr; returns 2. */
int cli_usage(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "containsession: MESSAGE" on stderr, MESSAGE escaped (cli_text_vprintf):
 * names and err.msg can go in as they are. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Load the policy exactly as the module does (cs_policy_load). Errors go to
 * stderr as "FILE:LINE: message", warnings as "warning: FILE:LINE: ...".
 * quiet_warnings leaves the warnings out (verbs other than check).
 */
int cli_load_policy(const struct cli *c, bool quiet_warnings, struct cs_policy **pol);

/* Look USER up as the module does (lib/root/user.h), printing "unknown user"
 * on failure; 0 or CLI_FAIL. */
int cli_user_get(const char *name, struct cs_user *u);


/* The policy's state_dir, opened the root-safe way (cs_open_root_dir). */
int cli_open_state_dir(const struct cs_policy *pol, struct cs_err *err);
/* Lock and read uid's registry entry (enter, stop). 1: a sandbox runs, reg
 * locked and e filled; 0: none runs (reg stays locked when an empty entry
 * exists, for the caller to remove); -1: error, already printed. *statefd
 * is the caller's to close (-1 when not opened). old_ok: an entry of an
 * older containsession (version 1) is read for its teardown (stop), not
 * refused (enter). */
int cli_lock_entry(const struct cs_policy *pol, uid_t uid, bool old_ok, int *statefd,
		   struct cs_reg *reg, struct cs_reg_entry *e);

/*
 * Output helpers (text.c), for every string the CLI did not write itself
 * (names from NSS, the registry, sshd's settings, PAM files, paths). JSON
 * strings are quoted and escaped (bytes that are not UTF-8 become \u00XX).
 * Text escapes '\', '\n', '\t' as C does and every byte of a control (C0,
 * DEL, C1), a bidi control or what is not UTF-8 as \xHH.
 */
void cli_json_str(FILE *f, const char *s);
void cli_text_path(FILE *f, const char *s);
/* s escaped as cli_text_path does into buf, cut at a whole character to fit
 * len (with its NUL; CLI_ESC_SIZE(n) fits any n bytes); returns buf, for a
 * printf with a width. */
#define CLI_ESC_SIZE(n) (4 * (n) + 1)
const char *cli_text_esc(char *buf, size_t len, const char *s);
/* The message fmt makes, escaped as a whole (cli_err, cli_warn, cli_report):
 * so a format must not hold '\n' of its own. */
void cli_text_vprintf(FILE *f, const char *fmt, va_list ap);

/* check_alias.c: a warning for each uid other than 0 that passwd gives two
 * or more names the policy decides differently for; how many. */
size_t cli_check_aliases(const struct cs_policy *pol);

/*
 * doctor: findings are "ok: WHAT", "warning: WHAT[ (fix: HOW)]" and
 * "problem: WHAT (fix: HOW)"; a problem makes doctor exit 1.
 */
enum cli_finding { CLI_OK_FINDING, CLI_WARNING, CLI_PROBLEM };
struct cli_doctor {
	unsigned problems, warnings;
	/* Set by cli_doctor_pam: where pam_systemd.so runs in a service
	 * that uses the module ("" for nowhere); for cli_doctor_bind_home. */
	char pam_systemd_at[512];
};
void cli_report(struct cli_doctor *d, enum cli_finding kind, const char *fix,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The profiles pick() takes that a rule of pol uses, each once (however
 * many rules name it), in rule order; *n is how many. NULL only when out
 * of memory (n is then 0). The caller frees the array. */
const struct cs_profile **cli_ruled_profiles(const struct cs_policy *pol,
					     bool (*pick)(const struct cs_profile *p), size_t *n);
/* doctor_stack.c: the PAM service files in pamdir; the session stack of
 * the service sshd uses (sandboxes: the policy sandboxes someone, so its
 * absence is a problem). */
void cli_doctor_pam(struct cli_doctor *d, const char *pamdir);
void cli_doctor_sshd_pam_service(struct cli_doctor *d, const char *pamdir, const char *name,
				 const char *how, bool sandboxes);
/* doctor_home.c: what a home = bind profile lets the user plant that runs
 * outside the sandbox (after cli_doctor_pam). */
void cli_doctor_bind_home(struct cli_doctor *d, const struct cs_policy *pol);
/* doctor_bounds.c: what the write bounds need from the host (home.max of a
 * persistent overlay home: loop devices, ext4, e2fsprogs). */
void cli_doctor_bounds(struct cli_doctor *d, const struct cs_policy *pol);
/* doctor_net.c: the host sockets any user may connect to that a sandbox
 * with network = none still sees. */
void cli_doctor_net_none(struct cli_doctor *d, const struct cs_policy *pol);
/* doctor_sshd.c: sshd's settings (sshd -T, with -f config when config is
 * not NULL) for nobody and for each user and group the policy (NULL: not
 * loaded) sandboxes, and the stack of its PAM service in pamdir. */
void cli_doctor_sshd(struct cli_doctor *d, const char *config, const char *pamdir,
		     const struct cs_policy *pol);

#endif
