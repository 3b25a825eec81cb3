/* SPDX-License-Identifier: MIT */
/*
 * The record of a running sandbox: everything it was built with, made once
 * from the profile when the sandbox is created (cs_record_make, the only
 * place that reads the profile for a sandbox) and kept in its registry entry
 * (lib/root/registry.h) for as long as it runs. Whoever acts on a running
 * sandbox later (a joining login, its session file, `enter`, `list`,
 * teardown) reads this record and never the policy of the day: an edit of
 * the policy takes effect at the next sandbox, and cannot make a login join
 * a sandbox with settings it was not built with.
 *
 * Encoded with the key=value codec (lib/kv.h) as part of the registry
 * entry, which is root's (0600 in a root-only directory): root never reads
 * it from anywhere the user can write. Its version is the entry's: an entry
 * of any other version, or one that lacks a key or has one too many, is
 * refused, never filled in from the policy.
 */
#ifndef CS_RECORD_H
#define CS_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/policy.h"
#include "lib/err.h"
#include "lib/kv.h"
#include "lib/sessionfile.h"

/* 1 was the registry entry before the record (profile, home and network
 * only); 2 has the whole record. */
#define CS_RECORD_VERSION 2
#define CS_RECORD_MAX_CGROUPS 8

struct cs_record {
	char profile[65];
	char hostname[65];          /* expanded (%u, %h) */
	enum cs_home_mode home;
	enum cs_tmp_mode tmp;
	enum cs_net_mode network;
	enum cs_caps_mode caps;
	uint64_t caps_list;         /* CS_CAPS_LIST: the bits kept */
	bool seccomp;
	bool no_new_privs;
	uint64_t home_max;          /* bytes, never 0 */
	uint64_t tmp_max;
	enum cs_lifetime_mode lifetime;
	uint32_t lifetime_s;        /* CS_LIFE_GRACE */
	/* The cgroup backend it was made with ("v1", "v2", "systemd",
	 * "off") and the user's directories through it. */
	char cgroup[16];
	char *cgroups[CS_RECORD_MAX_CGROUPS];
	size_t ncgroups;
};

/* Made at creation, from the profile p of user (with the host's short name
 * for %h) and the cgroup resolved for the sandbox. */
int cs_record_make(const struct cs_profile *p, const char *user, const char *backend,
		   char *const *dirs, size_t ndirs, struct cs_record *r, struct cs_err *err);
void cs_record_free(struct cs_record *r);

/* The codec: append the record's pairs (version first) to w; take them
 * from kv (every one must be there and valid). The keys a record uses may
 * repeat as CS_RECORD_REPEAT says, for the caller's cs_kv_parse. */
#define CS_RECORD_REPEAT "cgroup.dir"
void cs_record_put(struct cs_kvw *w, const struct cs_record *r);
int cs_record_take(struct cs_kv *kv, struct cs_record *r);

/* The home mode by name, as the helper and the CLI show it. */
const char *cs_record_home_name(const struct cs_record *r);

/* What a login (or `enter`) joining the sandbox gets: its network handling
 * and the privileges the shell runs with, from the record. */
void cs_record_session(const struct cs_record *r, struct cs_session_info *si);

#endif
