/* SPDX-License-Identifier: MIT */
/*
 * The lifetime key: logout | processes | a duration. Durations are written
 * with a unit (30s, 15m, 2h, 1d): a bare number would leave the reader to
 * guess whether it is seconds or minutes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config/policy.h"

static const struct {
	char unit;
	uint32_t secs;
} units[] = { { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 } };

int cs_parse_lifetime(const char *s, enum cs_lifetime_mode *mode, uint32_t *secs)
{
	uint64_t n = 0;
	size_t len;

	if (!s || !mode || !secs)
		return -EINVAL;
	if (!strcmp(s, "logout") || !strcmp(s, "processes")) {
		*mode = s[0] == 'l' ? CS_LIFE_LOGOUT : CS_LIFE_PROCESSES;
		*secs = 0;
		return 0;
	}
	len = strlen(s);
	if (len < 2 || len > 12)
		return -EINVAL;
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		n = n * 10 + (uint64_t)(s[i] - '0');
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (s[len - 1] != units[i].unit)
			continue;
		n *= units[i].secs;
		if (n < 1 || n > CS_LIFETIME_MAX_S)
			return -EINVAL;
		*mode = CS_LIFE_GRACE;
		*secs = (uint32_t)n;
		return 0;
	}
	return -EINVAL;
}

int cs_lifetime_format(enum cs_lifetime_mode mode, uint32_t secs, char *buf, size_t len)
{
	int n;

	if (mode == CS_LIFE_LOGOUT)
		n = snprintf(buf, len, "logout");
	else if (mode == CS_LIFE_PROCESSES)
		n = snprintf(buf, len, "processes");
	else if (mode != CS_LIFE_GRACE || secs < 1 || secs > CS_LIFETIME_MAX_S)
		return -EINVAL;
	else {
		size_t i = 0;
		while (secs % units[i].secs)
			i++;
		n = snprintf(buf, len, "%u%c", secs / units[i].secs, units[i].unit);
	}
	return n >= 0 && (size_t)n < len ? 0 : -ENOSPC;
}
