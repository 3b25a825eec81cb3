/* SPDX-License-Identifier: MIT */
/*
 * The CLI's one escaper for strings it did not write: user and group names
 * and homes from NSS (an LDAP entry can hold any byte but NUL), what the
 * registry holds, sshd's settings, PAM file names, paths in a user's home.
 * Root reads them on a terminal, which acts on control bytes and C1
 * controls, and bidi controls make a line read other than it is.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* Length of the valid UTF-8 sequence at s, or 0; its code point in *cpp. */
static size_t utf8_len(const unsigned char *s, unsigned *cpp)
{
	size_t n;
	unsigned cp;

	if (s[0] < 0x80) {
		*cpp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are not UTF-8. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cpp = cp;
	return n;
}

/*
 * A code point that must not reach root's terminal as it is: C0 and C1
 * controls and DEL (a terminal acts on them: 0x9b, U+009B, is CSI on many),
 * and the bidi controls that make a line display other than it reads
 * (embeddings and overrides U+202A-202E, isolates U+2066-2069, the marks
 * U+200E, U+200F, U+061C).
 */
static bool cp_unsafe(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x61c || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The longest text form of one character: four bytes as \xHH each. */
#define UNIT_MAX 16

/* The text form of the character at s (not NUL) into out, not terminated;
 * its length. *adv: how many bytes of s it stands for. */
static size_t text_unit(const unsigned char *s, char out[UNIT_MAX], size_t *adv)
{
	unsigned cp = 0;
	size_t n = utf8_len(s, &cp);

	*adv = n ? n : 1;
	if (*s == '\\' || *s == '\n' || *s == '\t') {
		out[0] = '\\';
		out[1] = *s == '\n' ? 'n' : *s == '\t' ? 't' : '\\';
		return 2;
	}
	if (n == 0 || cp_unsafe(cp)) {
		/* Every byte of it as \xHH: invalid UTF-8, and the encoded
		 * form of a C1 or bidi control alike. */
		static const char hex[] = "0123456789abcdef";

		for (size_t i = 0; i < *adv; i++) {
			out[4 * i] = '\\';
			out[4 * i + 1] = 'x';
			out[4 * i + 2] = hex[s[i] >> 4];
			out[4 * i + 3] = hex[s[i] & 0xf];
		}
		return 4 * *adv;
	}
	memcpy(out, s, n);
	return n;
}

void cli_json_str(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		unsigned cp = 0;
		size_t n = utf8_len(s, &cp);

		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\t')
			fputs("\\t", f);
		else if (n == 0)
			/* Not UTF-8: the byte as a code point, so the output
			 * stays valid JSON (documented in containsession(8)). */
			fprintf(f, "\\u%04x", *s);
		else if (cp_unsafe(cp))
			fprintf(f, "\\u%04x", cp);
		else
			fwrite(s, 1, n, f);
		s += n ? n : 1;
	}
	fputc('"', f);
}

void cli_text_path(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	char unit[UNIT_MAX];
	size_t adv;

	while (*s) {
		fwrite(unit, 1, text_unit(s, unit, &adv), f);
		s += adv;
	}
}

const char *cli_text_esc(char *buf, size_t len, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	char unit[UNIT_MAX];
	size_t used = 0, adv, k;

	if (!len)
		return "";
	/* Whole characters only: a cut \xHH or UTF-8 sequence would be a
	 * stray byte, or a sequence the next output completes. */
	while (*s && (k = text_unit(s, unit, &adv)) < len - used) {
		memcpy(buf + used, unit, k);
		used += k;
		s += adv;
	}
	buf[used] = '\0';
	return buf;
}

void cli_text_vprintf(FILE *f, const char *fmt, va_list ap)
{
	char *msg;

	if (vasprintf(&msg, fmt, ap) < 0) {
		fputs("(message not shown: out of memory)", f);
		return;
	}
	cli_text_path(f, msg);
	free(msg);
}
