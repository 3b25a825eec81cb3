/* SPDX-License-Identifier: MIT */
/*
 * The containsession policy: /etc/security/containsession.conf and
 * containsession.d/NAME.conf, read as one text (main file first, then the
 * drop-ins in strcmp order). Shared by the PAM module, the helper and the CLI,
 * so all three read a policy exactly the same way.
 *
 * Format and semantics: containsession.conf(5). The keyword table in keys.c
 * is the single list of keys; the man page test compares against it.
 */
#ifndef CONTAINSESSION_POLICY_H
#define CONTAINSESSION_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CS_DEFAULT_CONF    "/etc/security/containsession.conf"
#define CS_DEFAULT_CONFDIR "/etc/security/containsession.d"
#define CS_DEFAULT_STATE   "/run/containsession"
#define CS_DEFAULT_DATA    "/var/lib/containsession"
#define CS_DEFAULT_CGROOT  "containsession"

/* "max" for byte and count limits. */
#define CS_UNLIMITED UINT64_MAX

enum cs_cgroup_mode { CS_CG_AUTO, CS_CG_SYSTEMD, CS_CG_V2, CS_CG_V1, CS_CG_OFF };
enum cs_home_mode { CS_HOME_OVERLAY, CS_HOME_OVERLAY_TMPFS, CS_HOME_BIND, CS_HOME_TMPFS };
enum cs_tmp_mode { CS_TMP_PRIVATE, CS_TMP_HOST };
enum cs_net_mode { CS_NET_HOST, CS_NET_NONE };
enum cs_caps_mode { CS_CAPS_DEFAULT, CS_CAPS_NONE, CS_CAPS_ALL, CS_CAPS_LIST };
/* When a sandbox ends after its last login: at once (logout), once no
 * process but its init is left (processes), or a grace period later. */
enum cs_lifetime_mode { CS_LIFE_LOGOUT, CS_LIFE_PROCESSES, CS_LIFE_GRACE };
#define CS_LIFETIME_MAX_S (30u * 86400u)

/* Profile keys, in the order of the keyword table. */
enum cs_key {
	CS_K_INHERIT,
	CS_K_HOSTNAME,
	CS_K_HOME,
	CS_K_TMP,
	CS_K_NETWORK,
	CS_K_MEMORY_MAX,
	CS_K_MEMORY_HIGH,
	CS_K_MEMORY_SWAP_MAX,
	CS_K_PIDS_MAX,
	CS_K_CPU_MAX,
	CS_K_CPU_WEIGHT,
	CS_K_IO_WEIGHT,
	CS_K_CAPABILITIES,
	CS_K_SECCOMP,
	CS_K_NO_NEW_PRIVS,
	CS_K_HOME_MAX,
	CS_K_TMP_MAX,
	CS_K_LIFETIME,
	CS_K_COUNT
};

/* Where a resolved value came from (for `containsession explain`). */
struct cs_origin {
	const char *file; /* NULL: built-in default */
	unsigned line;
	const char *profile; /* profile that set it, NULL for built-in */
};

struct cs_profile {
	char *name;
	char *inherit;          /* NULL: none */
	char *hostname;         /* template; %u user, %h host short name */
	enum cs_home_mode home;
	enum cs_tmp_mode tmp;
	enum cs_net_mode network;
	uint64_t memory_max;      /* bytes or CS_UNLIMITED */
	uint64_t memory_high;     /* bytes or CS_UNLIMITED */
	uint64_t memory_swap_max; /* bytes or CS_UNLIMITED */
	uint64_t pids_max;        /* count or CS_UNLIMITED */
	uint64_t cpu_quota_us;    /* CS_UNLIMITED for "max" */
	uint64_t cpu_period_us;   /* 100000 unless given */
	uint32_t cpu_weight;      /* 1..10000 */
	uint32_t io_weight;       /* 1..10000 */
	enum cs_caps_mode caps;
	uint64_t caps_list;       /* bit n set: keep capability n (CS_CAPS_LIST) */
	bool seccomp;
	bool no_new_privs;
	/* Bytes; 0 until resolved: a default derived from the profile
	 * (cs_resolve), never the kernel's half of RAM. */
	uint64_t home_max;        /* the home's upper layer, or its tmpfs */
	uint64_t tmp_max;         /* each private tmpfs: /tmp, /run, /dev/shm */
	enum cs_lifetime_mode lifetime;
	uint32_t lifetime_s;      /* CS_LIFE_GRACE: seconds, 1..CS_LIFETIME_MAX_S */
	/* set[k]: key k was given in this profile or an ancestor (after
	 * resolution), or has a finite built-in default that must be applied
	 * (memory.swap.max); unset limits are not written to the cgroup. */
	bool set[CS_K_COUNT];
	struct cs_origin origin[CS_K_COUNT];
	const char *file; /* where [profile NAME] stands */
	unsigned line;
};

struct cs_rule {
	char *pattern;   /* user name, or group name when is_group, or "*" */
	bool is_group;
	bool is_any;     /* "*" */
	char *profile;   /* profile name; NULL for "off" */
	const char *file;
	unsigned line;
};

struct cs_policy {
	enum cs_cgroup_mode cgroup;
	char *cgroup_root;
	char *state_dir;
	char *data_dir;
	struct cs_origin global_origin[4]; /* cgroup, cgroup_root, state_dir, data_dir */
	struct cs_profile *profiles; /* resolved: every key filled in; sorted by name (strcmp) */
	size_t nprofiles;
	struct cs_rule *rules;       /* in file order */
	size_t nrules;
	char **files;                /* every file read, owned here */
	size_t nfiles;
};

/* Diagnostics: every message is "FILE:LINE: message" (or "FILE: message"
 * when no line applies). Errors make the load fail; warnings do not. */
struct cs_diag {
	char **errors;
	size_t nerrors;
	char **warnings;
	size_t nwarnings;
};

/*
 * Read conf and the *.conf files in confdir (confdir may be missing; NULL
 * means none). Returns 0 and *out on success; otherwise a negative errno
 * with diag->errors filled (at least one): -ENOMEM, the errno of the first
 * file that could not be read or was refused (-ENOENT, -EACCES, -EPERM for
 * one not root's, -ELOOP for a symlink, ...), else -EINVAL (the text is
 * wrong). All errors found are reported, not only the first. Warnings
 * (rules shadowed by an earlier "*") go to diag->warnings. As everywhere
 * in the tree (lib/err.h), config/ never prints: the caller does.
 */
int cs_policy_load(const char *conf, const char *confdir,
		   struct cs_policy **out, struct cs_diag *diag);

/*
 * cs_policy_load with a choice of ownership check. cs_policy_load checks
 * (every file and the directory root-owned, not group/world-writable) when
 * the caller's euid is 0 and not otherwise; tests and `containsession check`
 * of a draft can force it either way.
 */
#define CS_LOAD_OWNER_AUTO  0u /* check when euid is 0 */
#define CS_LOAD_OWNER_CHECK 1u /* always check */
#define CS_LOAD_OWNER_SKIP  2u /* never check */
int cs_policy_load_flags(const char *conf, const char *confdir, unsigned flags,
			 struct cs_policy **out, struct cs_diag *diag);

/* The same from memory, for tests and the fuzzer: name is used in messages. */
int cs_policy_load_buffer(const char *name, const char *text, size_t len,
			  struct cs_policy **out, struct cs_diag *diag);

void cs_policy_free(struct cs_policy *p);
void cs_diag_free(struct cs_diag *d);

/*
 * Is the user in group NAME? 1 yes, 0 no, or a negative errno when the
 * group database cannot say (-ENOENT: it knows no group of that name).
 */
typedef int cs_group_member_fn(void *ctx, const char *group);

/*
 * The first matching rule for a user: 0 with *rule that rule, or NULL when
 * none matches. uid 0 never matches (and member is never called). A rule
 * whose profile is NULL means "off". member(ctx, group) is called for each
 * @group rule the match reaches, in policy order, and for no other rule. A
 * negative errno from it ends the match: it is returned with *rule the
 * @group rule it was asked for, and the caller must refuse the login, not
 * carry on with a later (possibly laxer) rule or none.
 */
int cs_policy_match(const struct cs_policy *p, uid_t uid, const char *user,
		    cs_group_member_fn *member, void *ctx, const struct cs_rule **rule);

/*
 * A cs_group_member_fn over a list of names (NULL entries skipped), for
 * the tests, the fuzzer and the bench. A name missing from the list is
 * "not a member": never for a login, whose list (getgrouplist) silently
 * lacks the groups of an NSS source that is down; lib/root/usermatch.c
 * asks NSS for the group instead.
 */
struct cs_group_names {
	const char *const *names;
	size_t n;
};
int cs_group_names_member(void *ctx, const char *group);

const struct cs_profile *cs_policy_profile(const struct cs_policy *p,
					   const char *name);

/* Expand a hostname template. Returns 0, or -EINVAL when the result would not be
 * a valid hostname (1..64 chars of [A-Za-z0-9.-], not starting with '-' or
 * '.'). The result is checked after expansion, so a user name holding other
 * characters ('_', '$', ...) makes "%u" fail, as does any other '%'
 * sequence: a name is never mangled into something valid. Also -EINVAL when buf is
 * too small (it always ends in NUL). %h takes host up to its first '.'. */
int cs_expand_hostname(const char *tmpl, const char *user, const char *host,
		       char *buf, size_t len);

/* Value parsers, exposed for the unit tests and the CLI. Return 0, -EINVAL
 * (syntax) or -ERANGE (a number out of range). */
int cs_parse_size(const char *s, uint64_t *out);      /* 512, 4K, 2G, max */
int cs_parse_count(const char *s, uint64_t *out);     /* 512, max; not 0 */
int cs_parse_cpu_max(const char *s, uint64_t *quota, uint64_t *period);
int cs_parse_weight(const char *s, uint32_t *out);    /* 1..10000 */
/* logout | processes | DURATION (N s|m|h|d, 1 s .. 30 d); secs is set for
 * a duration only. */
int cs_parse_lifetime(const char *s, enum cs_lifetime_mode *mode, uint32_t *secs);
/* The canonical text: logout, processes, or the duration in its largest
 * whole unit ("2h", "90s"). 0, -EINVAL (no such lifetime) or -ENOSPC
 * (buf too small), as cs_profile_format. */
int cs_lifetime_format(enum cs_lifetime_mode mode, uint32_t secs, char *buf, size_t len);

/* Printable value of key k in profile p (for explain and tests): 0, -EINVAL
 * or -ENOSPC when buf is too small. */
int cs_profile_format(const struct cs_profile *p, enum cs_key k,
		      char *buf, size_t len);

/* The keyword table: name and section of every key. */
struct cs_keyword {
	const char *name;
	const char *section; /* "global" or "profile" */
	const char *values;  /* short syntax, as in the man page */
};
extern const struct cs_keyword cs_keywords[];
extern const size_t cs_nkeywords;

const char *cs_key_name(enum cs_key k);

#endif
