/* SPDX-License-Identifier: MIT */
/*
 * pam_containsession: PAM entry points. Reads the policy, decides whether
 * this login is sandboxed, and hands off to sandbox.c and sessionns.c.
 * Every refusal is exactly one syslog line naming the user and the cause.
 */
#define PAM_SM_SESSION
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "lib/root/user.h"
#include "pam_module/module.h"

#define DATA_KEY "containsession-session"

struct args {
	const char *conf;
	const char *confdir;
	const char *helper;
	bool debug;
};

static int parse_args(pam_handle_t *pamh, int argc, const char **argv,
		      struct args *a)
{
	*a = (struct args){ CS_DEFAULT_CONF, CS_DEFAULT_CONFDIR, CS_HELPER_PATH, false };
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "conf=", 5))
			a->conf = argv[i] + 5;
		else if (!strncmp(argv[i], "confdir=", 8))
			a->confdir = argv[i] + 8;
		else if (!strncmp(argv[i], "helper=", 7))
			a->helper = argv[i] + 7;
		else if (!strcmp(argv[i], "debug"))
			a->debug = true;
		else {
			pam_syslog(pamh, LOG_ERR, "unknown module argument '%s'", argv[i]);
			return -1;
		}
	}
	if (a->conf[0] != '/' || a->helper[0] != '/' || (a->confdir[0] && a->confdir[0] != '/')) {
		pam_syslog(pamh, LOG_ERR, "conf=, confdir= and helper= must be absolute paths");
		return -1;
	}
	return 0;
}

static void log_to_syslog(void *ctx, int prio, const char *msg)
{
	pam_syslog((pam_handle_t *)ctx, prio, "%s", msg);
}

/* The login takes over the passwd strings and the gid list of u (filled by
 * lib/root/user.c, shared with the CLI); the group names stay in u. */
static void take_user(struct cs_login *l, struct cs_user *u)
{
	l->user = u->name;
	l->uid = u->uid;
	l->gid = u->gid;
	l->home = u->home;
	l->shell = u->shell;
	l->gids = u->gids;
	l->ngids = u->ngids;
	u->name = u->home = u->shell = NULL;
	u->gids = NULL;
}

static void login_free(struct cs_login *l)
{
	free(l->user);
	free(l->home);
	free(l->shell);
	free(l->gids);
	cs_policy_free(l->pol);
}

static void session_cleanup(pam_handle_t *pamh, void *data, int status)
{
	cs_netns_disarm();
	cs_childcg_disarm();
	cs_session_free(data);
	free(data);
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc,
				   const char **argv)
{
	struct args a;
	struct cs_login l = { .pamh = pamh, .log = { log_to_syslog, pamh },
			      .spawn_tmpfd = -1, .spawn_netfd = -1,
			      .spawn_homefd = -1 };
	struct cs_diag diag = { 0 };
	struct cs_err err = { "" };
	struct cs_session *s = NULL;
	const char *name = NULL;
	struct cs_user u = { 0 };
	int r, ret = PAM_SESSION_ERR;

	if (parse_args(pamh, argc, argv, &a) < 0)
		return PAM_SESSION_ERR;
	l.debug = a.debug;
	l.helper = a.helper;
	if (pam_get_user(pamh, &name, NULL) != PAM_SUCCESS || !name) {
		pam_syslog(pamh, LOG_ERR, "cannot determine the user");
		return PAM_SESSION_ERR;
	}
	if ((r = cs_user_lookup_passwd(name, &u)) < 0) {
		pam_syslog(pamh, LOG_ERR, "refusing session of %s: user lookup failed: %s", name,
			   r == -EINVAL ? "control character in name, home or shell" : strerror(-r));
		goto out;
	}
	/* uid 0 is never sandboxed, and is not even subject to a broken
	 * policy or group database: root must always be able to log in and
	 * fix it. */
	if (u.uid == 0) {
		ret = PAM_IGNORE;
		goto out;
	}
	/* Any failure here refuses the login, whatever the policy says. The
	 * list cannot show a source that is down (getgrouplist skips it), so
	 * the match below asks NSS for each group a rule names as well. */
	if ((r = cs_user_lookup_groups(&u)) < 0) {
		pam_syslog(pamh, LOG_ERR, "refusing session of %s: group lookup failed: %s", name,
			   strerror(-r));
		goto out;
	}
	if (cs_policy_load(a.conf, a.confdir[0] ? a.confdir : NULL, &l.pol, &diag) < 0) {
		pam_syslog(pamh, LOG_ERR, "refusing session of %s: policy error: %s%s",
			   u.name, diag.nerrors ? diag.errors[0] : a.conf,
			   diag.nerrors > 1 ? " (and more: run containsession check)" : "");
		goto out;
	}
	/* A group a rule names that NSS cannot answer for refuses the login
	 * (lib/root/usermatch.c): skipping the rule would fail open. */
	const struct cs_rule *rule;
	if (cs_user_match(l.pol, &u, &rule, &err) < 0) {
		pam_syslog(pamh, LOG_ERR, "refusing session of %s: %s", u.name, err.msg);
		goto out;
	}
	take_user(&l, &u);
	if (!rule || !rule->profile) {
		if (l.debug)
			pam_syslog(pamh, LOG_DEBUG, "%s: %s", l.user,
				   rule ? "rule says off" : "no rule matches");
		ret = PAM_IGNORE;
		goto out;
	}
	l.prof = cs_policy_profile(l.pol, rule->profile);
	s = calloc(1, sizeof(*s));
	if (s)
		s->netfd = -1;
	if (!l.prof || !s) {
		pam_syslog(pamh, LOG_ERR, "refusing session of %s: internal error", l.user);
		goto out;
	}
	/* Before anything is made: the helper is bound over the shell read
	 * now, and must be bound over the one sshd will exec. */
	if (cs_passwd_stable(&err) < 0) {
		pam_syslog(pamh, LOG_ERR, "refusing session of %s (uid %u, profile %s): %s",
			   l.user, (unsigned)l.uid, l.prof->name, err.msg);
		goto out;
	}
	if (cs_sandbox_open(&l, s, &err) < 0) {
		pam_syslog(pamh, LOG_ERR, "refusing session of %s (uid %u, profile %s): %s",
			   l.user, (unsigned)l.uid, l.prof->name, err.msg);
		goto out;
	}
	if (cs_session_ns(&l, s, &err) < 0) {
		struct cs_err e2;
		pam_syslog(pamh, LOG_ERR, "refusing session of %s (uid %u, profile %s): %s",
			   l.user, (unsigned)l.uid, l.prof->name, err.msg);
		cs_sandbox_close(s, NULL, &e2);
		goto out;
	}
	/* Last: from here on sshd's next fork is the post-auth child. */
	if (s->netfd >= 0 && cs_netns_arm(s->netfd, &err) < 0) {
		struct cs_err e2;
		pam_syslog(pamh, LOG_ERR, "refusing session of %s (uid %u, profile %s): %s",
			   l.user, (unsigned)l.uid, l.prof->name, err.msg);
		cs_sandbox_close(s, NULL, &e2);
		goto out;
	}
	/* The login's processes into the sandbox's own unit, where the
	 * backend made one (cgroup = systemd: lib/root/cgroup_systemd.c). */
	int procsfd = cs_cgroup_unit_procs(&s->cg, s->uid, s->init_pid);
	if (procsfd >= 0 && cs_childcg_arm(procsfd, &err) < 0) {
		close(procsfd);
		pam_syslog(pamh, LOG_WARNING, "%s: the login's processes stay in its session scope: %s",
			   l.user, err.msg);
	} else if (procsfd < 0 && procsfd != -ENOENT) {
		pam_syslog(pamh, LOG_WARNING, "%s: the login's processes stay in its session scope: "
			   "open the sandbox's cgroup.procs: %s", l.user, strerror(-procsfd));
	}
	if (pam_set_data(pamh, DATA_KEY, s, session_cleanup) != PAM_SUCCESS) {
		struct cs_err e2;
		pam_syslog(pamh, LOG_ERR, "refusing session of %s: pam_set_data failed", l.user);
		cs_netns_disarm();
		cs_childcg_disarm();
		cs_sandbox_close(s, NULL, &e2);
		goto out;
	}
	pam_syslog(pamh, LOG_INFO, "sandbox %s for %s (uid %u, profile %s, init pid %d)",
		   s->created ? "created" : "joined", l.user, (unsigned)l.uid,
		   s->profile, (int)s->init_pid);
	s = NULL;
	ret = PAM_SUCCESS;
out:
	if (s) {
		cs_session_free(s);
		free(s);
	}
	cs_user_free(&u);
	cs_diag_free(&diag);
	login_free(&l);
	return ret;
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc,
				    const char **argv)
{
	const void *data = NULL;
	struct cs_log log = { log_to_syslog, pamh };
	struct cs_err err = { "" };

	/* No data: open_session ignored this login (or refused it). */
	if (pam_get_data(pamh, DATA_KEY, &data) != PAM_SUCCESS || !data)
		return PAM_IGNORE;
	struct cs_session *s = (struct cs_session *)data;
	/* Children forked from here on (pam_close_session's own) are the
	 * host's again. */
	cs_netns_disarm();
	cs_childcg_disarm();
	if (cs_sandbox_close(s, &log, &err) < 0) {
		pam_syslog(pamh, LOG_ERR, "closing session of uid %u: %s",
			   (unsigned)s->uid, err.msg);
		return PAM_SESSION_ERR;
	}
	return PAM_SUCCESS;
}
