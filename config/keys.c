/* SPDX-License-Identifier: MIT */
/*
 * The keyword table: the one list of policy keys. The parser finds keys only
 * here, the man page test compares its KEYS section against it, and `explain`
 * prints in its order, so a key cannot exist in one place and not another.
 * The values column doubles as the explanation in "invalid value" errors.
 */
#include <string.h>

#include "config/internal.h"

/* Designated indices: a key in the wrong slot would make the parser set the
 * wrong field, so the slot is spelled out rather than implied by order. */
const struct cs_keyword cs_keywords[CS_NKEYWORDS] = {
	[CS_KW_GLOBAL(CS_G_CGROUP)] = { "cgroup", "global", "auto | systemd | v2 | v1 | off" },
	[CS_KW_GLOBAL(CS_G_CGROUP_ROOT)] = { "cgroup_root", "global",
		"relative cgroup path, or ./path below the login's cgroup" },
	[CS_KW_GLOBAL(CS_G_STATE_DIR)] = { "state_dir", "global", "absolute path" },
	[CS_KW_GLOBAL(CS_G_DATA_DIR)] = { "data_dir", "global", "absolute path" },

	[CS_KW_PROFILE(CS_K_INHERIT)] = { "inherit", "profile", "profile name" },
	[CS_KW_PROFILE(CS_K_HOSTNAME)] = { "hostname", "profile",
		"template of [A-Za-z0-9.-] with %u (user), %h (host)" },
	[CS_KW_PROFILE(CS_K_HOME)] = { "home", "profile", "overlay | overlay-tmpfs | bind | tmpfs" },
	[CS_KW_PROFILE(CS_K_TMP)] = { "tmp", "profile", "private | host" },
	[CS_KW_PROFILE(CS_K_NETWORK)] = { "network", "profile", "host | none" },
	[CS_KW_PROFILE(CS_K_MEMORY_MAX)] = { "memory.max", "profile",
		"bytes > 0 with optional K/M/G/T suffix, or max" },
	[CS_KW_PROFILE(CS_K_MEMORY_HIGH)] = { "memory.high", "profile",
		"bytes > 0 with optional K/M/G/T suffix, or max" },
	[CS_KW_PROFILE(CS_K_MEMORY_SWAP_MAX)] = { "memory.swap.max", "profile",
		"bytes with optional K/M/G/T suffix, or max" },
	[CS_KW_PROFILE(CS_K_PIDS_MAX)] = { "pids.max", "profile", "positive number, or max" },
	[CS_KW_PROFILE(CS_K_CPU_MAX)] = { "cpu.max", "profile",
		"N% (1..100000), QUOTA PERIOD in us, max, or max PERIOD" },
	[CS_KW_PROFILE(CS_K_CPU_WEIGHT)] = { "cpu.weight", "profile", "1..10000" },
	[CS_KW_PROFILE(CS_K_IO_WEIGHT)] = { "io.weight", "profile", "1..10000" },
	[CS_KW_PROFILE(CS_K_CAPABILITIES)] = { "capabilities", "profile",
		"default | none | all | comma list of capability names" },
	[CS_KW_PROFILE(CS_K_SECCOMP)] = { "seccomp", "profile", "default | off" },
	[CS_KW_PROFILE(CS_K_NO_NEW_PRIVS)] = { "no_new_privs", "profile", "yes | no" },
	[CS_KW_PROFILE(CS_K_HOME_MAX)] = { "home.max", "profile",
		"bytes > 0 with optional K/M/G/T suffix" },
	[CS_KW_PROFILE(CS_K_TMP_MAX)] = { "tmp.max", "profile",
		"bytes > 0 with optional K/M/G/T suffix" },
	[CS_KW_PROFILE(CS_K_LIFETIME)] = { "lifetime", "profile",
		"logout | processes | duration 1s..30d (N with s, m, h or d)" },
};

const size_t cs_nkeywords = CS_NKEYWORDS;

const char *cs_key_name(enum cs_key k)
{
	if ((unsigned)k >= CS_K_COUNT)
		return NULL;
	return cs_keywords[CS_KW_PROFILE(k)].name;
}

int cs_keyword_find(const char *name, bool global)
{
	/* Nineteen entries: a scan is as fast as anything cleverer. */
	size_t lo = global ? 0 : CS_G_COUNT, hi = global ? CS_G_COUNT : CS_NKEYWORDS;

	for (size_t i = lo; i < hi; i++)
		if (!strcmp(cs_keywords[i].name, name))
			return (int)i;
	return -ENOENT;
}
