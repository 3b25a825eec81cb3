/* SPDX-License-Identifier: MIT */
/*
 * The file root writes into the login's session mount namespace, on a
 * read-only tmpfs at CS_SESSION_DIR, telling the helper which sandbox to
 * join and how to treat the shell. Written by the module, read by the
 * helper: the helper trusts nothing else (not argv, not the environment).
 * The same text is what `containsession enter` hands the helper on fd 3.
 * Its settings are the running sandbox's record (lib/root/record.h), never
 * the policy of the day. Encoded with lib/kv.h: every key, each once.
 */
#ifndef CS_SESSIONFILE_H
#define CS_SESSIONFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define CS_SESSION_DIR CS_LIBEXECDIR "/session"
#define CS_SESSION_FILE CS_SESSION_DIR "/session"

struct cs_session_info {
	uid_t uid;
	pid_t init_pid;
	unsigned long long init_start;
	bool net_none;
	unsigned long long netns; /* net_none: inode of root's network namespace */
	bool seccomp;
	bool no_new_privs;
	int caps;             /* enum cs_caps_mode */
	uint64_t caps_list;
};

int cs_session_info_format(const struct cs_session_info *si, char *buf, size_t len);
int cs_session_info_parse(const char *text, struct cs_session_info *si);

#endif
