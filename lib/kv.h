/* SPDX-License-Identifier: MIT */
/*
 * The one key=value codec of containsession's own files and messages: the
 * registry entry, the session file, the description `enter` hands the
 * helper. One parser and one writer, strict,
 * because every reader is on a trust boundary: root reads the registry, the
 * helper reads what root wrote, and a misread field is a sandbox built or
 * joined wrongly.
 *
 * Text: lines "key=value\n". A key is [a-z0-9_.]+; a value is any bytes but
 * control characters (NUL, newline, escapes, DEL: the writer refuses them,
 * so no value can smuggle in a line or a terminal escape). Bounded: CS_KV_MAX_LINE bytes a line, CS_KV_MAX_PAIRS lines,
 * CS_KV_MAX_TEXT in all. A key appears at most once unless the caller names
 * it repeatable. The caller takes the keys it knows (cs_kv_get*); any key
 * left untaken is unknown, and cs_kv_done makes that an error.
 *
 * Used by the registry entry with the record of a running sandbox
 * (lib/root/registry.c, lib/root/record.c) and by the session file, which
 * is also what `enter` hands the helper (lib/sessionfile.c). The helper's
 * init still takes its settings as argv, built from the record
 * (pam_module/spawn.c).
 */
#ifndef CS_KV_H
#define CS_KV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CS_KV_MAX_LINE  8192
#define CS_KV_MAX_PAIRS 16384
#define CS_KV_MAX_TEXT  (1 << 20)

struct cs_kv_pair {
	const char *key;
	const char *val;
	bool taken;
};

struct cs_kv {
	char *buf;                 /* the parsed copy; pairs point into it */
	struct cs_kv_pair *pairs;
	size_t n;
	char err[320];             /* the first error, "line N: ..." */
};

/* Parse len bytes of text. repeat: NULL-terminated list of keys that may
 * appear more than once, or NULL. Returns 0, or -EINVAL (-E2BIG, -ENOMEM)
 * with kv->err set; kv is always safe to cs_kv_free. */
int cs_kv_parse(const char *text, size_t len, const char *const *repeat, struct cs_kv *kv);
void cs_kv_free(struct cs_kv *kv);

/* The value of key (first occurrence), marked taken; NULL when absent. */
const char *cs_kv_get(struct cs_kv *kv, const char *key);
/* The next occurrence of a repeatable key after *it (start with 0). */
const char *cs_kv_next(struct cs_kv *kv, const char *key, size_t *it);
/* Numbers: decimal, no sign, no leading garbage, at most max. 0, -ENOENT
 * when absent, -EINVAL (with kv->err) when malformed. */
int cs_kv_get_u64(struct cs_kv *kv, const char *key, uint64_t max, uint64_t *out);
/* Every key taken? 0, or -EINVAL naming the first unknown one. */
int cs_kv_done(struct cs_kv *kv);
/* Set kv->err (for the caller's own checks of a value); returns -EINVAL. */
int cs_kv_fail(struct cs_kv *kv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The writer: append pairs, then take the text. A refused pair (bad key,
 * NUL or newline in the value, too long) poisons the writer: cs_kvw_end
 * returns NULL, so nothing half-right is ever written. */
struct cs_kvw {
	char *buf;
	size_t len, cap;
	size_t npairs;
	int error;                 /* 0 or a negative errno */
};

void cs_kvw_str(struct cs_kvw *w, const char *key, const char *val);
void cs_kvw_u64(struct cs_kvw *w, const char *key, uint64_t val);
/* The text (NUL-terminated, *len without the NUL), owned by the caller;
 * NULL on any error (w->error says which). Resets w. */
char *cs_kvw_end(struct cs_kvw *w, size_t *len);

#endif
