/* SPDX-License-Identifier: MIT */
#include "lib/kv.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cs_kv_fail(struct cs_kv *kv, const char *fmt, ...)
{
	va_list ap;

	if (!kv->err[0]) {
		va_start(ap, fmt);
		vsnprintf(kv->err, sizeof(kv->err), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool key_ok(const char *k, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') ||
		      k[i] == '_' || k[i] == '.'))
			return false;
	return true;
}

/* No control characters in a value: names come from NSS, which a hostile
 * source may fill with terminal escapes, and a newline would be a line of
 * its own. */
static bool value_ok(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static bool repeatable(const char *const *repeat, const char *key)
{
	for (; repeat && *repeat; repeat++)
		if (!strcmp(*repeat, key))
			return true;
	return false;
}

void cs_kv_free(struct cs_kv *kv)
{
	free(kv->buf);
	free(kv->pairs);
	kv->buf = NULL;
	kv->pairs = NULL;
	kv->n = 0;
}

int cs_kv_parse(const char *text, size_t len, const char *const *repeat, struct cs_kv *kv)
{
	size_t cap = 0, lineno = 0;
	char *p, *end, *next;

	memset(kv, 0, sizeof(*kv));
	if (len > CS_KV_MAX_TEXT) {
		snprintf(kv->err, sizeof(kv->err), "longer than %d bytes", CS_KV_MAX_TEXT);
		return -E2BIG;
	}
	if (memchr(text, '\0', len))
		return cs_kv_fail(kv, "contains a NUL byte");
	if (len && text[len - 1] != '\n')
		return cs_kv_fail(kv, "does not end in a newline (cut short?)");
	if (!(kv->buf = malloc(len + 1)))
		return -ENOMEM;
	memcpy(kv->buf, text, len);
	kv->buf[len] = '\0';
	for (p = kv->buf, end = kv->buf + len; p < end; p = next) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *eq;

		next = nl + 1;
		size_t klen;

		lineno++;
		*nl = '\0';
		if ((size_t)(nl - p) > CS_KV_MAX_LINE)
			return cs_kv_fail(kv, "line %zu: longer than %d bytes", lineno, CS_KV_MAX_LINE);
		eq = strchr(p, '=');
		klen = eq ? (size_t)(eq - p) : 0;
		if (!eq || !key_ok(p, klen))
			return cs_kv_fail(kv, "line %zu: not key=value", lineno);
		*eq = '\0';
		if (!value_ok(eq + 1))
			return cs_kv_fail(kv, "line %zu: %s has a control character", lineno, p);
		if (!repeatable(repeat, p))
			for (size_t i = 0; i < kv->n; i++)
				if (!strcmp(kv->pairs[i].key, p))
					return cs_kv_fail(kv, "line %zu: %s given twice", lineno, p);
		if (kv->n == CS_KV_MAX_PAIRS)
			return cs_kv_fail(kv, "more than %d lines", CS_KV_MAX_PAIRS);
		if (kv->n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct cs_kv_pair *np = realloc(kv->pairs, ncap * sizeof(*np));
			if (!np)
				return -ENOMEM;
			kv->pairs = np;
			cap = ncap;
		}
		kv->pairs[kv->n++] = (struct cs_kv_pair){ p, eq + 1, false };
	}
	return 0;
}

const char *cs_kv_next(struct cs_kv *kv, const char *key, size_t *it)
{
	for (size_t i = *it; i < kv->n; i++)
		if (!strcmp(kv->pairs[i].key, key)) {
			kv->pairs[i].taken = true;
			*it = i + 1;
			return kv->pairs[i].val;
		}
	*it = kv->n;
	return NULL;
}

const char *cs_kv_get(struct cs_kv *kv, const char *key)
{
	size_t it = 0;
	return cs_kv_next(kv, key, &it);
}

int cs_kv_get_u64(struct cs_kv *kv, const char *key, uint64_t max, uint64_t *out)
{
	const char *v = cs_kv_get(kv, key);
	uint64_t n = 0;

	if (!v)
		return -ENOENT;
	if (!*v)
		return cs_kv_fail(kv, "%s is empty", key);
	/* By hand: strtoull takes signs, spaces and wraps "-1" around. */
	for (const char *c = v; *c; c++) {
		if (*c < '0' || *c > '9' || (c == v && *c == '0' && c[1]))
			return cs_kv_fail(kv, "%s=%s is not a decimal number", key, v);
		if (n > (UINT64_MAX - (uint64_t)(*c - '0')) / 10)
			return cs_kv_fail(kv, "%s=%s is out of range", key, v);
		n = n * 10 + (uint64_t)(*c - '0');
	}
	if (n > max)
		return cs_kv_fail(kv, "%s=%s is out of range", key, v);
	*out = n;
	return 0;
}

int cs_kv_done(struct cs_kv *kv)
{
	for (size_t i = 0; i < kv->n; i++)
		if (!kv->pairs[i].taken)
			return cs_kv_fail(kv, "unknown key %s", kv->pairs[i].key);
	return 0;
}

static void put(struct cs_kvw *w, const char *key, const char *val)
{
	size_t kl = strlen(key), vl = strlen(val), need = kl + vl + 2;

	if (w->error)
		return;
	if (!key_ok(key, kl) || !value_ok(val) || need - 1 > CS_KV_MAX_LINE ||
	    w->npairs == CS_KV_MAX_PAIRS || w->len + need > CS_KV_MAX_TEXT) {
		w->error = -EINVAL;
		return;
	}
	if (w->len + need + 1 > w->cap) {
		size_t ncap = (w->len + need + 1) * 2;
		char *nb = realloc(w->buf, ncap);
		if (!nb) {
			w->error = -ENOMEM;
			return;
		}
		w->buf = nb;
		w->cap = ncap;
	}
	memcpy(w->buf + w->len, key, kl);
	w->buf[w->len + kl] = '=';
	memcpy(w->buf + w->len + kl + 1, val, vl);
	w->buf[w->len + need - 1] = '\n';
	w->len += need;
	w->buf[w->len] = '\0';
	w->npairs++;
}

void cs_kvw_str(struct cs_kvw *w, const char *key, const char *val)
{
	put(w, key, val ? val : "");
}

void cs_kvw_u64(struct cs_kvw *w, const char *key, uint64_t val)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, val);
	put(w, key, num);
}

char *cs_kvw_end(struct cs_kvw *w, size_t *len)
{
	char *text = w->error ? NULL : w->buf;

	if (w->error)
		free(w->buf);
	else if (!text && (text = calloc(1, 1)) == NULL)
		w->error = -ENOMEM;
	if (len)
		*len = text ? w->len : 0;
	w->buf = NULL;
	w->len = w->cap = w->npairs = 0;
	return text;
}
