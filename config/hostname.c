/* SPDX-License-Identifier: MIT */
/*
 * Hostname templates: literal [A-Za-z0-9.-] with %u (user name) and %h
 * (host's short name). There is no escape for '%': no hostname holds one.
 *
 * The expansion must itself be a valid hostname, and it is checked after
 * expanding, not only the template: user names may hold characters a
 * hostname may not ('_', '$', uppercase is fine), so "sandbox-%u" works for
 * "alice" and fails for "svc_backup". A failed expansion is an error for the
 * caller (the session is refused), never a silently mangled name.
 */
#include <stdio.h>
#include <string.h>

#include "config/internal.h"

static bool host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-';
}

int cs_hostname_tmpl_check(const char *s, struct cs_why *why)
{
	size_t literal = 0;

	/* A template that starts with '-' or '.', or whose fixed part alone
	 * is too long, could never expand to a valid name: say so at load
	 * time instead of refusing every login later. */
	if (s[0] == '-' || s[0] == '.') {
		snprintf(why->msg, sizeof(why->msg), "must not start with '-' or '.'");
		return -EINVAL;
	}
	for (; *s; s++) {
		if (*s == '%') {
			if (s[1] != 'u' && s[1] != 'h') {
				if (s[1] && (unsigned char)s[1] >= 0x20 && s[1] != 0x7f)
					snprintf(why->msg, sizeof(why->msg),
						 "unknown sequence '%%%c' (use %%u or %%h)", s[1]);
				else
					snprintf(why->msg, sizeof(why->msg),
						 "unknown sequence after '%%' (use %%u or %%h)");
				return -EINVAL;
			}
			s++;
			continue;
		}
		if (!host_char(*s))
			return -EINVAL;
		if (++literal > CS_MAX_HOSTNAME) {
			snprintf(why->msg, sizeof(why->msg), "longer than %u characters",
				 CS_MAX_HOSTNAME);
			return -EINVAL;
		}
	}
	return 0;
}

static bool append(char *buf, size_t len, size_t *used, const char *s, size_t n)
{
	if (n >= len - *used)
		return false;
	memcpy(buf + *used, s, n);
	*used += n;
	buf[*used] = '\0';
	return true;
}

int cs_expand_hostname(const char *tmpl, const char *user, const char *host,
		       char *buf, size_t len)
{
	size_t used = 0;

	if (!buf || !len)
		return -EINVAL;
	buf[0] = '\0';
	if (!tmpl || !user || !host)
		return -EINVAL;
	for (const char *s = tmpl; *s; s++) {
		const char *v = s;
		size_t n = 1;

		if (*s == '%') {
			switch (s[1]) {
			case 'u':
				v = user;
				n = strlen(user);
				break;
			case 'h':
				/* The short name, even if given the FQDN. */
				v = host;
				n = strcspn(host, ".");
				break;
			default:
				goto bad;
			}
			s++;
		}
		if (!append(buf, len, &used, v, n))
			goto bad;
	}
	if (used < 1 || used > CS_MAX_HOSTNAME || buf[0] == '-' || buf[0] == '.')
		goto bad;
	for (size_t i = 0; i < used; i++)
		if (!host_char(buf[i]))
			goto bad;
	return 0;
bad:
	buf[0] = '\0';
	return -EINVAL;
}
