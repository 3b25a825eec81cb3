/* SPDX-License-Identifier: MIT */
/* What the verbs share: options, messages, the policy and user lookup.
 * The escaping of what they print is cli/text.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/fsutil.h"

void cli_help(const struct cli_verb *v, FILE *f)
{
	fprintf(f, "usage: containsession %s%s%s\n\n%s.\n", v->name, v->args[0] ? " " : "",
		v->args, v->summary);
	fprintf(f, "\nOptions:\n%s"
		   "  --conf FILE       policy file (default %s)\n"
		   "  --confdir DIR     drop-in directory (default %s)\n"
		   "  --help            this text\n\nSee containsession(8).\n",
		v->options ? v->options : "", CS_DEFAULT_CONF, CS_DEFAULT_CONFDIR);
}

void cli_err(const char *fmt, ...)
{
	va_list ap;

	fputs("containsession: ", stderr);
	va_start(ap, fmt);
	cli_text_vprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("containsession: warning: ", stderr);
	va_start(ap, fmt);
	cli_text_vprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_usage(const char *verb, const char *fmt, ...)
{
	const struct cli_verb *v = verb ? cli_verb(verb) : NULL;
	va_list ap;

	fprintf(stderr, "containsession%s%s: ", verb ? " " : "", verb ? verb : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (v)
		fprintf(stderr, "usage: containsession %s %s\n", v->name, v->args);
	return CLI_USAGE;
}

int cli_common_opt(struct cli *c, const char *verb, int opt, const char *arg)
{
	switch (opt) {
	case CLI_OPT_CONF:
		c->conf = arg;
		return -1;
	case CLI_OPT_CONFDIR:
		/* "" means no drop-ins, as the module's confdir= does. */
		c->confdir = arg[0] ? arg : NULL;
		c->confdir_given = true;
		return -1;
	case 'h':
		if (verb)
			cli_help(cli_verb(verb), stdout);
		return CLI_OK;
	default:
		/* getopt has said what was wrong. */
		if (verb)
			fprintf(stderr, "usage: containsession %s %s\n", verb, cli_verb(verb)->args);
		return CLI_USAGE;
	}
}

int cli_load_policy(const struct cli *c, bool quiet_warnings, struct cs_policy **pol)
{
	struct cs_diag d = { 0 };
	int r = cs_policy_load(c->conf, c->confdir, pol, &d);

	for (size_t i = 0; i < d.nerrors; i++)
		fprintf(stderr, "%s\n", d.errors[i]);
	for (size_t i = 0; !quiet_warnings && i < d.nwarnings; i++)
		fprintf(stderr, "warning: %s\n", d.warnings[i]);
	if (r < 0 && !d.nerrors)
		cli_err("%s: the policy does not load", c->conf);
	cs_diag_free(&d);
	return r < 0 ? -1 : 0;
}

int cli_user_get(const char *name, struct cs_user *u)
{
	int r = cs_user_lookup(name, u);

	if (r == -ENOENT)
		cli_err("unknown user '%s'", name);
	else if (r < 0)
		cli_err("look up user '%s': %s", name, strerror(-r));
	return r < 0 ? CLI_FAIL : 0;
}

int cli_open_state_dir(const struct cs_policy *pol, struct cs_err *err)
{
	/* Root-owned all the way down, never through a symlink: the
	 * registry decides which processes root signals and whose cgroup
	 * it removes. */
	return cs_open_root_dir(pol->state_dir, false, 0700, err);
}

int cli_lock_entry(const struct cs_policy *pol, uid_t uid, bool old_ok, int *statefd,
		   struct cs_reg *reg, struct cs_reg_entry *e)
{
	struct cs_err err = { "" };
	int r;

	*statefd = cli_open_state_dir(pol, &err);
	if (*statefd == -ENOENT) {
		*statefd = -1;
		return 0;
	}
	if (*statefd < 0) {
		*statefd = -1;
		cli_err("%s", err.msg);
		return -1;
	}
	/* Longer than the module holds a lock (about 25 s at most), so a
	 * login under way is waited for, and a stuck one is said to be. */
	r = cs_reg_lock_existing_within(*statefd, uid, 30000, reg, &err);
	if (r == -ENOENT)
		return 0;
	if (r < 0 || (old_ok ? cs_reg_read_old : cs_reg_read)(reg, e, &err) < 0) {
		cli_err("%s", err.msg);
		return -1;
	}
	return e->present ? 1 : 0;
}
