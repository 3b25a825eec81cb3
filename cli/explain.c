/* SPDX-License-Identifier: MIT */
/*
 * containsession explain USER: what the module would decide for USER's next
 * login, and why. The user is looked up and matched exactly as the module
 * does (passwd, getgrouplist, cs_user_match); the resolved settings are
 * printed through the parser's own formatter, one "key = value" per line
 * with where each value came from in a trailing comment.
 *
 * Everything else is a '#' comment, so for a sandboxed user the output is
 * itself a policy that parses to the same settings (a [global] section and
 * one self-contained [profile]); `containsession check` of it is the
 * round-trip test.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

/* The [global] keys, in the order of cs_policy.global_origin. */
static const char *const global_keys[] = { "cgroup", "cgroup_root", "state_dir", "data_dir" };

static const char *cgroup_mode(enum cs_cgroup_mode m)
{
	static const char *const names[] = {
		[CS_CG_AUTO] = "auto", [CS_CG_SYSTEMD] = "systemd", [CS_CG_V2] = "v2",
		[CS_CG_V1] = "v1", [CS_CG_OFF] = "off",
	};
	return (unsigned)m < sizeof(names) / sizeof(names[0]) ? names[m] : "?";
}

static void print_origin(const struct cs_origin *o, const char *section)
{
	if (!o->file)
		printf("   # (built-in default)\n");
	else if (o->profile)
		printf("   # (%s:%u in [profile %s])\n", o->file, o->line, o->profile);
	else
		printf("   # (%s:%u in [%s])\n", o->file, o->line, section);
}

static void print_rule(const struct cs_rule *r)
{
	printf("# rule: %s%s = %s   (%s:%u)\n", r->is_group ? "@" : "", r->pattern,
	       r->profile ? r->profile : "off", r->file, r->line);
}

static void print_global(const struct cs_policy *pol)
{
	const char *vals[] = { cgroup_mode(pol->cgroup), pol->cgroup_root, pol->state_dir,
			       pol->data_dir };

	printf("[global]\n");
	for (size_t i = 0; i < sizeof(global_keys) / sizeof(global_keys[0]); i++) {
		printf("%s = %s", global_keys[i], vals[i] ? vals[i] : "");
		print_origin(&pol->global_origin[i], "global");
	}
}

static int print_profile(const struct cs_profile *p)
{
	char buf[512];

	printf("\n[profile %s]\n", p->name);
	for (int k = 0; k < CS_K_COUNT; k++) {
		if (cs_profile_format(p, (enum cs_key)k, buf, sizeof(buf)) < 0) {
			cli_err("cannot format %s of profile %s", cs_key_name((enum cs_key)k), p->name);
			return -1;
		}
		/* The chain is resolved into every key below, so inherit is
		 * shown but left out of the re-parseable text: its parent
		 * is not part of this output. */
		if (k == CS_K_INHERIT) {
			if (!p->inherit)
				continue;
			printf("#inherit = %s", buf);
		} else {
			printf("%s = %s", cs_key_name((enum cs_key)k), buf);
		}
		print_origin(&p->origin[k], "profile");
		if (k == CS_K_HOME_MAX && p->home == CS_HOME_OVERLAY)
			printf("#   home = overlay: the size of the user's ext4 image in "
			       "data_dir/.images, which holds the upper layer\n");
	}
	return 0;
}

static void print_chain(const struct cs_policy *pol, const struct cs_profile *p)
{
	printf("# profile chain: %s", p->name);
	/* The parser refuses inherit loops; the bound is belt and braces. */
	for (size_t n = 0; p->inherit && n < pol->nprofiles; n++) {
		printf(" -> %s", p->inherit);
		if (!(p = cs_policy_profile(pol, p->inherit)))
			break;
	}
	printf("\n");
}

static void print_hostname(const struct cs_profile *p, const char *user)
{
	char host[256] = "", out[65];

	if (gethostname(host, sizeof(host) - 1) < 0)
		host[0] = '\0';
	host[strcspn(host, ".")] = '\0';
	if (cs_expand_hostname(p->hostname, user, host, out, sizeof(out)) == 0)
		printf("# hostname in the sandbox: %s\n", out);
	else {
		printf("# hostname template '%s' does not give a valid hostname for ",
		       p->hostname);
		cli_text_path(stdout, user);
		printf(": the module would refuse the login\n");
	}
}

int cli_explain(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
	struct cs_user u;
	struct cs_policy *pol = NULL;
	const struct cs_profile *prof = NULL;
	const struct cs_rule *rule;
	struct cs_err err = { "" };
	int opt, r;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		if ((r = cli_common_opt(c, "explain", opt, optarg)) >= 0)
			return r;
	if (argc - optind != 1)
		return cli_usage("explain", "exactly one USER");
	if (cli_user_get(argv[optind], &u))
		return CLI_FAIL;
	if ((r = cs_user_group_names(&u)) < 0) {
		cli_err("look up the groups of '%s': %s", argv[optind],
			r == -EINVAL ? "control character in a group name" : strerror(-r));
		return CLI_FAIL;
	}

	/* The names are NSS's: escaped (cli_text_path). */
	fputs("# user ", stdout);
	cli_text_path(stdout, u.name);
	printf(" (uid %u, gid %u)\n# groups:", (unsigned)u.uid, (unsigned)u.gid);
	for (size_t i = 0; i < u.ngnames; i++) {
		fputc(' ', stdout);
		cli_text_path(stdout, u.gnames[i]);
	}
	printf("\n");
	/* As in the module: root is decided before the policy is read, so
	 * not even a broken policy can lock root out. */
	if (u.uid == 0) {
		printf("# uid 0 is never sandboxed\n");
		cs_user_free(&u);
		return CLI_OK;
	}
	if (cli_load_policy(c, true, &pol) < 0) {
		cli_err("the policy does not load: the module refuses every login it would "
			"handle, %s's included", u.name);
		cs_user_free(&u);
		return CLI_FAIL;
	}
	/* The module's own match: a group it cannot look up refuses. */
	if (cs_user_match(pol, &u, &rule, &err) < 0) {
		print_rule(rule);
		cli_err("%s: the module refuses %s's login", err.msg, u.name);
		cs_policy_free(pol);
		cs_user_free(&u);
		return CLI_FAIL;
	}
	if (rule && rule->profile)
		prof = cs_policy_profile(pol, rule->profile);
	r = CLI_OK;
	if (!rule) {
		printf("# no rule matches: not sandboxed\n");
	} else if (!rule->profile) {
		print_rule(rule);
		printf("# rule says off: not sandboxed\n");
	} else if (!prof) {
		/* The parser checks that rules name profiles that exist. */
		print_rule(rule);
		cli_err("rule names profile '%s', which the policy does not have", rule->profile);
		r = CLI_FAIL;
	} else {
		print_rule(rule);
		printf("# sandboxed with profile %s\n", prof->name);
		print_chain(pol, prof);
		print_hostname(prof, u.name);
		print_global(pol);
		if (print_profile(prof) < 0)
			r = CLI_FAIL;
	}
	cs_policy_free(pol);
	cs_user_free(&u);
	return r;
}
