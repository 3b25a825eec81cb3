/* SPDX-License-Identifier: MIT */
#include "lib/sessionfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cs_session_info_format(const struct cs_session_info *si, char *buf, size_t len)
{
	int n = snprintf(buf, len,
			 "uid=%u\ninit_pid=%d\ninit_start=%llu\nnet_none=%d\nnetns=%llu\nseccomp=%d\n"
			 "no_new_privs=%d\ncaps=%d\ncaps_list=%llu\n",
			 (unsigned)si->uid, (int)si->init_pid, si->init_start,
			 si->net_none, si->netns, si->seccomp, si->no_new_privs, si->caps,
			 (unsigned long long)si->caps_list);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

int cs_session_info_parse(const char *text, struct cs_session_info *si)
{
	unsigned seen = 0;

	memset(si, 0, sizeof(*si));
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		char line[128], *eq, *end;
		unsigned long long v;

		if (l >= sizeof(line))
			return -EINVAL;
		memcpy(line, p, l);
		line[l] = '\0';
		p += l + (nl ? 1 : 0);
		if (!(eq = strchr(line, '=')))
			return -EINVAL;
		*eq++ = '\0';
		errno = 0;
		v = strtoull(eq, &end, 10);
		if (errno || end == eq || *end)
			return -EINVAL;
		if (!strcmp(line, "uid"))
			si->uid = (uid_t)v, seen |= 1;
		else if (!strcmp(line, "init_pid"))
			si->init_pid = (pid_t)v, seen |= 2;
		else if (!strcmp(line, "init_start"))
			si->init_start = v, seen |= 4;
		else if (!strcmp(line, "net_none"))
			si->net_none = v != 0;
		else if (!strcmp(line, "netns"))
			si->netns = v;
		else if (!strcmp(line, "seccomp"))
			si->seccomp = v != 0;
		else if (!strcmp(line, "no_new_privs"))
			si->no_new_privs = v != 0;
		else if (!strcmp(line, "caps"))
			si->caps = (int)v;
		else if (!strcmp(line, "caps_list"))
			si->caps_list = v;
		else
			return -EINVAL;
	}
	/* A sandbox without the host's network names its namespace. */
	if (si->net_none && !si->netns)
		return -EINVAL;
	return seen == 7 && si->init_pid > 1 ? 0 : -EINVAL;
}
