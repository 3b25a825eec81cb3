/* SPDX-License-Identifier: MIT */
/*
 * Numbers with units: sizes, counts, cpu.max, weights. Hand-written rather
 * than strtoull, which accepts signs ("-1" wraps to 2^64-1, i.e. "max"),
 * leading spaces and 0x prefixes; a limit that silently became unlimited is
 * the failure these parsers exist to prevent.
 *
 * All return 0, -EINVAL for a syntax error or -ERANGE for a number out of
 * range (the message of the load tells the two apart).
 */
#include <errno.h>
#include <string.h>

#include "config/internal.h"

#define CPU_PERCENT_MAX 100000u
#define CPU_QUOTA_MIN   1000u
#define CPU_PERIOD_MIN  1000u
#define CPU_PERIOD_MAX  1000000u
#define WEIGHT_MIN      1u
#define WEIGHT_MAX      10000u

/* The first n bytes of s, all decimal digits, at least one. Values up to
 * UINT64_MAX - 1: UINT64_MAX itself is CS_UNLIMITED and only "max" says it. */
static int dec(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (!n)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d > 9)
			return -EINVAL;
		if (v > (UINT64_MAX - 1 - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int cs_size_parse(const char *s, uint64_t *out)
{
	size_t n = strlen(s);
	unsigned shift = 0;
	uint64_t v;
	int r;

	if (!strcmp(s, "max")) {
		*out = CS_UNLIMITED;
		return 0;
	}
	if (n) {
		switch (s[n - 1]) {
		case 'K': case 'k': shift = 10; break;
		case 'M': case 'm': shift = 20; break;
		case 'G': case 'g': shift = 30; break;
		case 'T': case 't': shift = 40; break;
		default: break;
		}
	}
	if ((r = dec(s, shift ? n - 1 : n, &v)) < 0)
		return r;
	if (v > (UINT64_MAX - 1) >> shift)
		return -ERANGE;
	*out = v << shift;
	return 0;
}

int cs_count_parse(const char *s, uint64_t *out)
{
	uint64_t v;
	int r;

	if (!strcmp(s, "max")) {
		*out = CS_UNLIMITED;
		return 0;
	}
	if ((r = dec(s, strlen(s), &v)) < 0)
		return r;
	if (!v)
		return -EINVAL;
	*out = v;
	return 0;
}

static int period(const char *s, uint64_t *out)
{
	uint64_t v;
	int r = dec(s, strlen(s), &v);

	if (r < 0)
		return r;
	if (v < CPU_PERIOD_MIN || v > CPU_PERIOD_MAX)
		return -ERANGE;
	*out = v;
	return 0;
}

int cs_cpu_max_parse(const char *s, uint64_t *quota, uint64_t *per)
{
	size_t n = strlen(s), a = strcspn(s, " \t"), b;
	uint64_t q, p = CS_DEFAULT_PERIOD;
	int r;

	/* One word, or two separated by blanks; nothing else. */
	b = a;
	while (b < n && is_blank(s[b]))
		b++;
	if (!a || (b < n && s[b + strcspn(s + b, " \t")]) || (b == n && b != a))
		return -EINVAL;

	if (a == 3 && !strncmp(s, "max", 3)) {
		if (b < n && (r = period(s + b, &p)) < 0)
			return r;
		*quota = CS_UNLIMITED;
		*per = p;
		return 0;
	}
	if (b == n && s[a - 1] == '%') {
		/* Percent of one CPU over the default period. */
		if ((r = dec(s, a - 1, &q)) < 0)
			return r;
		if (!q || q > CPU_PERCENT_MAX)
			return -ERANGE;
		*quota = q * (CS_DEFAULT_PERIOD / 100);
		*per = CS_DEFAULT_PERIOD;
		return 0;
	}
	if (b == n)
		return -EINVAL;
	if ((r = dec(s, a, &q)) < 0)
		return r;
	if ((r = period(s + b, &p)) < 0)
		return r;
	/* At most 1000 CPUs, as with N%: a quota without a bound would
	 * overflow what the systemd backend derives from it. */
	if (q < CPU_QUOTA_MIN || q > p * (CPU_PERCENT_MAX / 100))
		return -ERANGE;
	*quota = q;
	*per = p;
	return 0;
}

int cs_weight_parse(const char *s, uint32_t *out)
{
	uint64_t v;
	int r = dec(s, strlen(s), &v);

	if (r < 0)
		return r;
	if (v < WEIGHT_MIN || v > WEIGHT_MAX)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int cs_parse_size(const char *s, uint64_t *out)
{
	return s && out ? cs_size_parse(s, out) : -EINVAL;
}

int cs_parse_count(const char *s, uint64_t *out)
{
	return s && out ? cs_count_parse(s, out) : -EINVAL;
}

int cs_parse_cpu_max(const char *s, uint64_t *quota, uint64_t *per)
{
	return s && quota && per ? cs_cpu_max_parse(s, quota, per) : -EINVAL;
}

int cs_parse_weight(const char *s, uint32_t *out)
{
	return s && out ? cs_weight_parse(s, out) : -EINVAL;
}
