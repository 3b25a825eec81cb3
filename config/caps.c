/* SPDX-License-Identifier: MIT */
/*
 * capabilities = default | none | all | NAME[,NAME...]. Names come from
 * libcap-ng, so a capability newer than our sources is known as soon as the
 * library knows it. "cap_" is optional and case does not matter, as in
 * capsh(1) and setpriv(1).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <cap-ng.h>

#include "config/internal.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int one_cap(const char *item, size_t n, uint64_t *list, struct cs_why *why)
{
	char name[48], q[CS_QUOTE_BUF];
	const char *s = name;
	int c;

	if (n >= sizeof(name)) {
		snprintf(name, sizeof(name), "%.*s", (int)(sizeof(name) - 1), item);
		goto unknown;
	}
	memcpy(name, item, n);
	name[n] = '\0';
	if (!strncasecmp(s, "cap_", 4))
		s += 4;
	/* Only words: some libcap-ng versions also read numbers, and "12"
	 * silently meaning CAP_NET_ADMIN is not something to allow. */
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		goto unknown;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			goto unknown;
	c = capng_name_to_capability(s);
	if (c < 0 || c > 63)
		goto unknown;
	*list |= 1ULL << c;
	return 0;
unknown:
	snprintf(why->msg, sizeof(why->msg), "unknown capability '%s'",
		 cs_quote(q, sizeof(q), name));
	return -EINVAL;
}

int cs_caps_parse(const char *s, enum cs_caps_mode *mode, uint64_t *list,
		  struct cs_why *why)
{
	uint64_t l = 0;

	if (!strcmp(s, "default") || !strcmp(s, "none") || !strcmp(s, "all")) {
		*mode = s[0] == 'd' ? CS_CAPS_DEFAULT : s[0] == 'n' ? CS_CAPS_NONE : CS_CAPS_ALL;
		*list = 0;
		return 0;
	}
	for (;;) {
		size_t n = strcspn(s, ",");
		const char *a = s, *e = s + n;

		while (a < e && is_blank(*a))
			a++;
		while (e > a && is_blank(e[-1]))
			e--;
		if (a == e) {
			snprintf(why->msg, sizeof(why->msg), "empty name in capability list");
			return -EINVAL;
		}
		if (one_cap(a, (size_t)(e - a), &l, why) < 0)
			return -EINVAL;
		if (!s[n])
			break;
		s += n + 1;
	}
	*mode = CS_CAPS_LIST;
	*list = l;
	return 0;
}

int cs_caps_format(enum cs_caps_mode mode, uint64_t list, char *buf, size_t len)
{
	size_t used = 0;

	switch (mode) {
	case CS_CAPS_DEFAULT:
		return snprintf(buf, len, "default") < (int)len ? 0 : -ENOSPC;
	case CS_CAPS_NONE:
		return snprintf(buf, len, "none") < (int)len ? 0 : -ENOSPC;
	case CS_CAPS_ALL:
		return snprintf(buf, len, "all") < (int)len ? 0 : -ENOSPC;
	case CS_CAPS_LIST:
		break;
	default:
		return -EINVAL;
	}
	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	for (unsigned c = 0; c < 64; c++) {
		const char *name;
		int w;

		if (!(list & (1ULL << c)))
			continue;
		/* A bit no name stands for could not be read back: refuse
		 * rather than print something that parses differently. */
		if (!(name = capng_capability_to_name(c)))
			return -EINVAL;
		w = snprintf(buf + used, len - used, "%scap_%s", used ? "," : "", name);
		if (w < 0 || (size_t)w >= len - used)
			return -ENOSPC;
		used += (size_t)w;
	}
	return used ? 0 : -EINVAL;
}
