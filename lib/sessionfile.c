/* SPDX-License-Identifier: MIT */
#include "lib/sessionfile.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/kv.h"

int cs_session_info_format(const struct cs_session_info *si, char *buf, size_t len)
{
	struct cs_kvw w = { 0 };
	size_t n;
	char *text;

	cs_kvw_u64(&w, "uid", si->uid);
	cs_kvw_u64(&w, "init_pid", si->init_pid > 0 ? (uint64_t)si->init_pid : 0);
	cs_kvw_u64(&w, "init_start", si->init_start);
	cs_kvw_u64(&w, "net_none", si->net_none);
	cs_kvw_u64(&w, "netns", si->netns);
	cs_kvw_u64(&w, "seccomp", si->seccomp);
	cs_kvw_u64(&w, "no_new_privs", si->no_new_privs);
	cs_kvw_u64(&w, "caps", si->caps >= 0 ? (uint64_t)si->caps : UINT64_MAX);
	cs_kvw_u64(&w, "caps_list", si->caps_list);
	if (!(text = cs_kvw_end(&w, &n)))
		return w.error;
	if (n >= len) {
		free(text);
		return -ENOSPC;
	}
	memcpy(buf, text, n + 1);
	free(text);
	return 0;
}

/* Every key, once (lib/kv.h); the helper joins nothing on a file that
 * lacks one. */
int cs_session_info_parse(const char *text, struct cs_session_info *si)
{
	static const char *const keys[] = { "uid", "init_pid", "init_start", "net_none", "netns",
					    "seccomp", "no_new_privs", "caps", "caps_list" };
	static const uint64_t max[] = { UINT32_MAX - 1, INT32_MAX, UINT64_MAX, 1, UINT64_MAX,
					1, 1, 3, UINT64_MAX };
	uint64_t v[9];
	struct cs_kv kv;
	int r;

	memset(si, 0, sizeof(*si));
	if ((r = cs_kv_parse(text, strlen(text), NULL, &kv)) < 0)
		goto out;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if ((r = cs_kv_get_u64(&kv, keys[i], max[i], &v[i])) < 0)
			goto out;
	if ((r = cs_kv_done(&kv)) < 0)
		goto out;
	*si = (struct cs_session_info){ .uid = (uid_t)v[0], .init_pid = (pid_t)v[1],
					.init_start = v[2], .net_none = v[3], .netns = v[4],
					.seccomp = v[5], .no_new_privs = v[6], .caps = (int)v[7],
					.caps_list = v[8] };
	/* A sandbox without the host's network names its namespace. */
	if (si->init_pid <= 1 || (si->net_none && !si->netns))
		r = -EINVAL;
out:
	cs_kv_free(&kv);
	return r < 0 ? -EINVAL : 0;
}
