/* SPDX-License-Identifier: MIT */
/*
 * containsession: global options, then one verb. The verb table below is
 * the one list of verbs: --help prints it, dispatch reads it, and the hidden
 * --list-verbs prints its names so a test can compare them with the man
 * page's COMMANDS section.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

const struct cli_verb cli_verbs[] = {
	{ "check", cli_check, "[--no-owner-check] [FILE]",
	  "parse the policy (FILE alone, or the installed one and its drop-ins)",
	  "  --no-owner-check  do not require root-owned, not group/world-writable files\n"
	  "                    (for a draft; the module always requires them)\n" },
	{ "explain", cli_explain, "USER",
	  "the rule that matches USER and the fully resolved profile", NULL },
	{ "list", cli_list, "[--json]",
	  "running sandboxes: user, uid, init pid, sessions, memory, tasks, age",
	  "  --json  a JSON array of objects (format in containsession(8))\n" },
	{ "enter", cli_enter, "USER [CMD [ARG...]]",
	  "run CMD (default: USER's shell) as USER inside USER's running sandbox", NULL },
	{ "stop", cli_stop, "USER",
	  "end USER's sandbox now: its processes, cgroup and registry entry", NULL },
	{ "diff", cli_diff, "[--json] USER",
	  "changes in USER's persistent home upper layer (A, M, D, O)",
	  "  --json  a JSON array of {\"change\": C, \"path\": P} objects\n" },
	{ "gc", cli_gc, "",
	  "end sandboxes that are due (lifetime over, init exited); run by a timer", NULL },
	{ "doctor", cli_doctor, "[--sshd-config FILE] [--pam-dir DIR]",
	  "kernel features, cgroup layout, PAM stack order, sshd settings",
	  "  --sshd-config FILE  check this sshd config (sshd -T -f FILE) instead of\n"
	  "                      the running one's (sshd -T)\n"
	  "  --pam-dir DIR       PAM service files to check (default /etc/pam.d)\n" },
};

const size_t cli_nverbs = sizeof(cli_verbs) / sizeof(cli_verbs[0]);

const struct cli_verb *cli_verb(const char *name)
{
	for (size_t i = 0; i < cli_nverbs; i++)
		if (!strcmp(cli_verbs[i].name, name))
			return &cli_verbs[i];
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: containsession [--conf FILE] [--confdir DIR] VERB [ARG...]\n"
		   "       containsession --help | --version\n\n"
		   "Administer pam_containsession(8) sandboxes.\n\nVerbs:\n");
	for (size_t i = 0; i < cli_nverbs; i++)
		fprintf(f, "  %-8s %s\n", cli_verbs[i].name, cli_verbs[i].summary);
	fprintf(f, "\nGlobal options (also accepted after the verb):\n"
		   "  --conf FILE    policy file (default %s)\n"
		   "  --confdir DIR  drop-in directory (default %s; \"\" for none)\n"
		   "  --help         this text; VERB --help: the verb's\n"
		   "  --version      print the version\n\n"
		   "See containsession(8).\n", CS_DEFAULT_CONF, CS_DEFAULT_CONFDIR);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{ "version", no_argument, NULL, 'V' },
		{ "list-verbs", no_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli c = { CS_DEFAULT_CONF, CS_DEFAULT_CONFDIR, false };
	const struct cli_verb *v;
	int opt, r;

	/* '+': stop at the verb; its options are its own. */
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return CLI_OK;
		case 'V':
			printf("containsession %s\n", CS_VERSION);
			return CLI_OK;
		case 'L':
			for (size_t i = 0; i < cli_nverbs; i++)
				puts(cli_verbs[i].name);
			return CLI_OK;
		default:
			r = cli_common_opt(&c, NULL, opt, optarg);
			if (r >= 0)
				return r;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CLI_USAGE;
	}
	v = cli_verb(argv[optind]);
	if (!v) {
		cli_err("unknown verb '%s' (see containsession --help)", argv[optind]);
		return CLI_USAGE;
	}
	argv += optind;
	argc -= optind;
	optind = 0; /* glibc: start the verb's getopt afresh */
	return v->run(&c, argc, argv);
}
