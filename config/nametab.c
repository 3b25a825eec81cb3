/* SPDX-License-Identifier: MIT */
/*
 * A string -> index hash table (open addressing, linear probing). Policies
 * can be large (thousands of rules naming hundreds of profiles); looking each
 * name up by a scan would make a load quadratic, and the module loads the
 * policy at every login.
 */
#include <stdlib.h>
#include <string.h>

#include "config/internal.h"

static uint64_t hash(const char *s)
{
	/* FNV-1a: the keys come from root-owned files, so nobody hostile
	 * chooses them; no need for a keyed hash. */
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static struct cs_nameslot *probe(struct cs_nameslot *slots, size_t cap, const char *key)
{
	size_t i = (size_t)hash(key) & (cap - 1);

	/* The table is never more than half full, so this ends. */
	while (slots[i].key && strcmp(slots[i].key, key))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(struct cs_nametab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 16;
	struct cs_nameslot *slots;

	if (cap < t->cap || cap > SIZE_MAX / sizeof(*slots))
		return -ENOMEM;
	slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].key)
			*probe(slots, cap, t->slots[i].key) = t->slots[i];
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
	return 0;
}

int cs_nametab_put(struct cs_nametab *t, const char *key, size_t val, size_t *old)
{
	struct cs_nameslot *s;

	if ((t->n + 1) * 2 > t->cap && grow(t) < 0)
		return -ENOMEM;
	s = probe(t->slots, t->cap, key);
	if (s->key) {
		if (old)
			*old = s->val;
		return 1;
	}
	s->key = key;
	s->val = val;
	t->n++;
	return 0;
}

bool cs_nametab_get(const struct cs_nametab *t, const char *key, size_t *val)
{
	const struct cs_nameslot *s;

	if (!t->cap)
		return false;
	s = probe(t->slots, t->cap, key);
	if (!s->key)
		return false;
	if (val)
		*val = s->val;
	return true;
}

void cs_nametab_free(struct cs_nametab *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = t->n = 0;
}
