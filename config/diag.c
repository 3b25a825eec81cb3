/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics of one load. Every message is "FILE:LINE: text" (or
 * "FILE: text"). They are found in several passes (lines, then inherit
 * chains, then rules), but handed out sorted by file and line, so the first
 * error, the one the PAM module logs, is the first in the policy.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/internal.h"

#define QUOTE_MAX 64 /* bytes of input shown in a message */

const char *cs_quote(char *buf, size_t len, const char *s)
{
	size_t n = strlen(s), show = n, i;

	if (!len)
		return "";
	/* Input goes to syslog and terminals: no control bytes (escape
	 * sequences, fake newlines), and no line of unbounded length. */
	if (show > QUOTE_MAX)
		show = QUOTE_MAX - 3;
	if (show > len - 1)
		show = len - 1;
	for (i = 0; i < show; i++) {
		unsigned char c = (unsigned char)s[i];
		buf[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	buf[i] = '\0';
	if (show < n && i + 3 < len)
		memcpy(buf + i, "...", 4);
	return buf;
}

static size_t fileno_of(const struct cs_build *b, const char *file)
{
	/* A handful of files: a scan, and only when there is an error. */
	for (size_t i = 0; i < b->p->nfiles; i++)
		if (b->p->files[i] == file)
			return i;
	return SIZE_MAX - 1;
}

static void push(struct cs_build *b, char *msg, size_t fileno, unsigned line, bool warning)
{
	struct cs_dent *d;

	if (!msg) {
		b->oom = b->stop = true;
		return;
	}
	if (b->ndents == b->dent_cap) {
		size_t cap = b->dent_cap ? b->dent_cap * 2 : 16;
		d = cap > SIZE_MAX / sizeof(*d) ? NULL : realloc(b->dents, cap * sizeof(*d));
		if (!d) {
			free(msg);
			b->oom = b->stop = true;
			return;
		}
		b->dents = d;
		b->dent_cap = cap;
	}
	d = &b->dents[b->ndents];
	d->msg = msg;
	d->fileno = fileno;
	d->line = line;
	d->seq = b->ndents++;
	d->warning = warning;
	if (!warning)
		b->nerrors++;
}

static char *place(const char *file, unsigned line, const char *text)
{
	char *m;
	int r = line ? asprintf(&m, "%s:%u: %s", file, line, text)
		     : asprintf(&m, "%s: %s", file, text);
	return r < 0 ? NULL : m;
}

static void vdiag(struct cs_build *b, bool warning, const char *file, unsigned line,
		  const char *fmt, va_list ap)
{
	char *text;

	if (b->stop)
		return;
	if (!file)
		file = "(policy)";
	if (!warning && b->nerrors >= CS_MAX_ERRORS) {
		/* Sorted after everything else: it is where reading stopped. */
		push(b, place(file, line, "too many errors"), SIZE_MAX, UINT_MAX, false);
		b->stop = true;
		return;
	}
	if (vasprintf(&text, fmt, ap) < 0) {
		b->oom = b->stop = true;
		return;
	}
	push(b, place(file, line, text), fileno_of(b, file), line, warning);
	free(text);
}

void cs_diag_at(struct cs_build *b, bool warning, const char *file, unsigned line,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(b, warning, file, line, fmt, ap);
	va_end(ap);
}

void cs_err(struct cs_build *b, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(b, false, b->file, line, fmt, ap);
	va_end(ap);
}

void cs_warn(struct cs_build *b, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(b, true, b->file, line, fmt, ap);
	va_end(ap);
}

static int cmp_dent(const void *a, const void *b)
{
	const struct cs_dent *x = a, *y = b;

	if (x->fileno != y->fileno)
		return x->fileno < y->fileno ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Grow arr to hold n more; false when there is no memory for it. */
static bool reserve(char ***arr, size_t have, size_t more)
{
	char **a;

	if (!more)
		return true;
	if (have + more < have || have + more > SIZE_MAX / sizeof(**arr))
		return false;
	a = realloc(*arr, (have + more) * sizeof(**arr));
	if (!a)
		return false;
	*arr = a;
	return true;
}

void cs_diag_flush(struct cs_build *b, struct cs_diag *d)
{
	size_t nerr = 0, nwarn = 0;
	bool err_ok, warn_ok;

	if (b->oom) {
		/* Report it if there is memory left to say so; the load fails
		 * either way. */
		b->oom = b->stop = false;
		push(b, place(b->p && b->p->nfiles ? b->p->files[0] : "(policy)", 0,
			      "out of memory"), SIZE_MAX, UINT_MAX, false);
		b->oom = true;
	}
	if (b->ndents)
		qsort(b->dents, b->ndents, sizeof(*b->dents), cmp_dent);
	for (size_t i = 0; i < b->ndents; i++)
		*(b->dents[i].warning ? &nwarn : &nerr) += 1;
	err_ok = d && reserve(&d->errors, d->nerrors, nerr);
	warn_ok = d && reserve(&d->warnings, d->nwarnings, nwarn);
	for (size_t i = 0; i < b->ndents; i++) {
		struct cs_dent *e = &b->dents[i];
		if (e->warning && warn_ok)
			d->warnings[d->nwarnings++] = e->msg;
		else if (!e->warning && err_ok)
			d->errors[d->nerrors++] = e->msg;
		else
			free(e->msg);
	}
	free(b->dents);
	b->dents = NULL;
	b->ndents = b->dent_cap = 0;
}

void cs_diag_free(struct cs_diag *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nerrors; i++)
		free(d->errors[i]);
	for (size_t i = 0; i < d->nwarnings; i++)
		free(d->warnings[i]);
	free(d->errors);
	free(d->warnings);
	d->errors = d->warnings = NULL;
	d->nerrors = d->nwarnings = 0;
}
