/* SPDX-License-Identifier: MIT */
/*
 * Private to config/: the state of one load (struct cs_build) and the
 * pieces the parser, the resolver and the file reader share. Nothing here is
 * global: every load owns its state, so the module can reload the policy at
 * each login, from several threads if it must.
 */
#ifndef CONTAINSESSION_CONFIG_INTERNAL_H
#define CONTAINSESSION_CONFIG_INTERNAL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/policy.h"

#define CS_MAX_LINE     4096u
#define CS_MAX_ERRORS   100u
#define CS_MAX_NAME     64u   /* profile names */
#define CS_MAX_USER     32u   /* user and group names in rules */
#define CS_MAX_HOSTNAME 64u
#define CS_DEFAULT_HOSTNAME "sandbox-%u"
#define CS_DEFAULT_PERIOD 100000u
#define CS_DEFAULT_TMP_MAX (1ull << 30)   /* 1G */
#define CS_DEFAULT_HOME_MAX (10ull << 30) /* 10G */

/* [global] keys, in the order of cs_policy.global_origin. */
enum cs_gkey { CS_G_CGROUP, CS_G_CGROUP_ROOT, CS_G_STATE_DIR, CS_G_DATA_DIR, CS_G_COUNT };

/* cs_keywords[] holds the global keys first, then the profile keys in
 * enum cs_key order: an index says both which section and which key. */
#define CS_NKEYWORDS (CS_G_COUNT + CS_K_COUNT)
#define CS_KW_GLOBAL(g) ((size_t)(g))
#define CS_KW_PROFILE(k) ((size_t)CS_G_COUNT + (size_t)(k))
_Static_assert(CS_NKEYWORDS <= 32, "a section's seen-keys mask is 32 bits");

/* Index of the keyword NAME in cs_keywords[] for the section, or -ENOENT. */
int cs_keyword_find(const char *name, bool global);

/* ---- names -> index (profile names, rule patterns, a user's groups) ---- */

struct cs_nameslot {
	const char *key; /* borrowed: must outlive the table */
	size_t val;
};

struct cs_nametab {
	struct cs_nameslot *slots;
	size_t cap; /* power of two, or 0 */
	size_t n;
};

/* 0: added; 1: key was there (its value in *old, table unchanged);
 * -ENOMEM: out of memory. */
int cs_nametab_put(struct cs_nametab *t, const char *key, size_t val, size_t *old);
bool cs_nametab_get(const struct cs_nametab *t, const char *key, size_t *val);
void cs_nametab_free(struct cs_nametab *t);

/* ---- value parsers ------------------------------------------------------ */

/* Results of the setters below. CS_VAL_BAD comes with why: a reason, or an
 * empty string when the keyword table's syntax says it best; why_full means
 * why is the whole message (not "invalid value ...: why"). */
enum { CS_VAL_OK = 0, CS_VAL_BAD = -EINVAL, CS_VAL_NOMEM = -ENOMEM };

struct cs_why {
	char msg[160];
	bool full;
};

/* As the public parsers: -EINVAL for a syntax error, -ERANGE for a number
 * out of range. */
int cs_size_parse(const char *s, uint64_t *out);
int cs_count_parse(const char *s, uint64_t *out);
int cs_cpu_max_parse(const char *s, uint64_t *quota, uint64_t *period);
int cs_weight_parse(const char *s, uint32_t *out);

bool cs_valid_profile_name(const char *s);
bool cs_valid_user_name(const char *s); /* also group names */
int cs_hostname_tmpl_check(const char *s, struct cs_why *why);

int cs_caps_parse(const char *s, enum cs_caps_mode *mode, uint64_t *list,
		  struct cs_why *why);
int cs_caps_format(enum cs_caps_mode mode, uint64_t list, char *buf, size_t len);

/* Built-in defaults, name taken over (freed on failure too). */
int cs_profile_init(struct cs_profile *p, char *name, const char *file, unsigned line);
void cs_profile_clear(struct cs_profile *p);
int cs_profile_set(struct cs_profile *p, enum cs_key k, const char *v, struct cs_why *why);
/* Take key k (value, set flag and origin) from an ancestor. */
int cs_profile_copy_key(struct cs_profile *dst, const struct cs_profile *src, enum cs_key k);

int cs_global_defaults(struct cs_policy *p);
int cs_global_set(struct cs_policy *p, enum cs_gkey g, const char *v, struct cs_why *why);

/* ---- one load ----------------------------------------------------------- */

struct cs_dent {
	char *msg;
	size_t fileno; /* sort key: files in reading order ... */
	unsigned line; /* ... then lines ... */
	size_t seq;    /* ... then the order they were found in */
	bool warning;
};

enum cs_section { CS_SEC_NONE, CS_SEC_GLOBAL, CS_SEC_PROFILE, CS_SEC_RULES, CS_SEC_SKIP };

struct cs_build {
	struct cs_policy *p;
	size_t prof_cap, rule_cap, file_cap;
	struct cs_nametab profs; /* profile name -> index in p->profiles */
	struct cs_nametab users; /* rule pattern -> index of its first rule */
	struct cs_nametab groups;
	size_t star;             /* first "*" rule, or SIZE_MAX */

	struct cs_dent *dents;
	size_t ndents, dent_cap, nerrors;
	bool stop; /* too many errors, or out of memory: read no further */
	bool oom;
	/* errno of the first file that could not be read or was refused
	 * (ENOENT, EACCES, EPERM for one not root's, ...); 0: none. */
	int errnum;

	/* Where the reader is. */
	const char *file;
	enum cs_section sec;
	size_t cur;                 /* profile being read; SIZE_MAX: scratch */
	struct cs_profile scratch;  /* body of a rejected [profile], still checked */
	bool have_scratch;
	char secname[96];           /* "[profile NAME]" or "[global]", for messages */
	uint32_t seen;              /* keywords given in this section instance */
};

int cs_build_init(struct cs_build *b);
/* Resolve, validate and hand over: 0 and *out, or a negative errno (see
 * cs_policy_load). Frees b either way. */
int cs_build_finish(struct cs_build *b, struct cs_policy **out, struct cs_diag *diag);
/* Register a file name (copied) for messages and p->files; -ENOMEM. */
int cs_build_add_file(struct cs_build *b, const char *name);
void cs_parse_text(struct cs_build *b, const char *text, size_t len);
void cs_resolve(struct cs_build *b);

/* Diagnostics at a place; line 0 means "the whole file". */
__attribute__((format(printf, 5, 6)))
void cs_diag_at(struct cs_build *b, bool warning, const char *file, unsigned line,
		const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
void cs_err(struct cs_build *b, unsigned line, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
void cs_warn(struct cs_build *b, unsigned line, const char *fmt, ...);
void cs_diag_flush(struct cs_build *b, struct cs_diag *d);

/* Text from the input, made safe to quote in a log line: control bytes
 * become '?', and long text is cut with "...". */
const char *cs_quote(char *buf, size_t len, const char *s);
#define CS_QUOTE_BUF 72

#endif
