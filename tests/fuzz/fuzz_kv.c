/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the key=value codec (lib/kv.c). Each input is parsed
 * as raw bytes (the parser takes a length and must refuse a NUL, not stop
 * at it). What parses is written back pair by pair with the writer, and
 * that text must parse to the same pairs in the same order: a value the
 * parser takes but the writer would spell differently would be a misread
 * record.
 *
 *   make check-fuzz           both targets, briefly
 *   build-fuzz/fuzz_kv tests/fuzz/corpus-kv/FILE   replay one input
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/kv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const rep[] = { "holder", "cgroup.dir", NULL };
	struct cs_kv kv, back;
	struct cs_kvw w = { 0 };
	uint64_t n;
	size_t len;
	char *text;

	if (cs_kv_parse((const char *)data, size, rep, &kv) < 0) {
		cs_kv_free(&kv);
		return 0;
	}
	for (size_t i = 0; i < kv.n; i++) {
		/* The number reader on every value (it marks the first
		 * occurrence taken; later ones of a repeated key by hand). */
		cs_kv_get_u64(&kv, kv.pairs[i].key, UINT64_MAX, &n);
		kv.pairs[i].taken = true;
		cs_kvw_str(&w, kv.pairs[i].key, kv.pairs[i].val);
	}
	if (cs_kv_done(&kv) < 0)
		abort();
	text = cs_kvw_end(&w, &len);
	if (!text || len != size || memcmp(text, data, size))
		abort();
	if (cs_kv_parse(text, len, rep, &back) < 0 || back.n != kv.n)
		abort();
	for (size_t i = 0; i < kv.n; i++)
		if (strcmp(kv.pairs[i].key, back.pairs[i].key) ||
		    strcmp(kv.pairs[i].val, back.pairs[i].val))
			abort();
	cs_kv_free(&back);
	cs_kv_free(&kv);
	free(text);
	return 0;
}
