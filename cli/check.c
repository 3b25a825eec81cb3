/* SPDX-License-Identifier: MIT */
/*
 * containsession check [FILE]: parse the policy with the module's own parser,
 * so "OK" here means the module reads it the same way. Without FILE it is the
 * installed policy and its drop-ins; with FILE that file alone (a draft),
 * plus --confdir when given. Each @group rule's group must be known to NSS
 * as well (check_groups), and the names passwd gives one uid should get the
 * same profile (check_alias.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/*
 * Every group the rules name, asked of NSS as a login asks it
 * (lib/root/usermatch.c). One NSS does not know refuses every login that
 * reaches its rule, since "no such group" is also what glibc says when the
 * group's source is down: a typo here would lock users out, so it is an
 * error, not a warning. Returns the number of such rules.
 */
static size_t check_groups(const struct cs_policy *pol)
{
	size_t bad = 0;

	for (size_t i = 0; i < pol->nrules; i++) {
		const struct cs_rule *r = &pol->rules[i];
		struct group gr;
		char *buf;
		int e;

		if (!r->is_group)
			continue;
		if ((e = cs_group_lookup(r->pattern, &gr, &buf)) == 0) {
			free(buf);
			continue;
		}
		bad++;
		if (e == -ENOENT)
			fprintf(stderr, "%s:%u: rule '@%s': no group '%s' in NSS: the module "
				"refuses every login that reaches this rule\n", r->file, r->line,
				r->pattern, r->pattern);
		else
			fprintf(stderr, "%s:%u: rule '@%s': look up group '%s': %s: the module "
				"refuses every login that reaches this rule while it fails\n",
				r->file, r->line, r->pattern, r->pattern, strerror(-e));
	}
	return bad;
}

int cli_check(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-owner-check", no_argument, NULL, 'n' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	unsigned flags = CS_LOAD_OWNER_AUTO;
	struct cs_diag d = { 0 };
	struct cs_policy *pol = NULL;
	const char *conf = c->conf, *confdir = c->confdir;
	int opt, r;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 'n') {
			flags = CS_LOAD_OWNER_SKIP;
			continue;
		}
		if ((r = cli_common_opt(c, "check", opt, optarg)) >= 0)
			return r;
	}
	if (argc - optind > 1)
		return cli_usage("check", "one FILE at most");
	if (optind < argc) {
		conf = argv[optind];
		confdir = c->confdir_given ? c->confdir : NULL;
	} else {
		conf = c->conf;
		confdir = c->confdir;
	}

	r = cs_policy_load_flags(conf, confdir, flags, &pol, &d);
	/* Errors as the parser words them, "FILE:LINE: message", so editors
	 * and scripts can jump to them. */
	for (size_t i = 0; i < d.nerrors; i++)
		fprintf(stderr, "%s\n", d.errors[i]);
	for (size_t i = 0; i < d.nwarnings; i++)
		fprintf(stderr, "warning: %s\n", d.warnings[i]);
	if (r < 0 && !d.nerrors)
		fprintf(stderr, "%s: the policy does not load\n", conf);
	cs_diag_free(&d);
	if (r < 0)
		return CLI_FAIL;
	/* A warning, not an error: the policy is valid and the module
	 * applies it as written; the hole is the host's passwd, which a
	 * draft checked elsewhere may not share. */
	cli_check_aliases(pol);
	if (check_groups(pol)) {
		cs_policy_free(pol);
		return CLI_FAIL;
	}
	printf("%s: OK\n", conf);
	cs_policy_free(pol);
	return CLI_OK;
}
