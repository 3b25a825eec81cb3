/* SPDX-License-Identifier: MIT */
#include "lib/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cs_err_set(struct cs_err *err, int errnum, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
		if (errnum && n >= 0 && (size_t)n < sizeof(err->msg))
			snprintf(err->msg + n, sizeof(err->msg) - n, ": %s",
				 strerror(errnum));
	}
	return errnum ? -errnum : -EIO;
}

int cs_err_wrap(struct cs_err *err, int r, const char *fmt, ...)
{
	if (err) {
		char old[sizeof(err->msg)];
		size_t size = sizeof(err->msg), n, m;
		va_list ap;
		int w;

		memcpy(old, err->msg, size);
		old[size - 1] = '\0';
		va_start(ap, fmt);
		w = vsnprintf(err->msg, size, fmt, ap);
		va_end(ap);
		n = w < 0 ? 0 : (size_t)w;
		if (w < 0)
			err->msg[0] = '\0';
		/* "CONTEXT: OLD", cut at the end of the buffer. */
		if (old[0] && n + 2 < size) {
			memcpy(err->msg + n, ": ", 2);
			n += 2;
			m = strlen(old);
			if (m > size - 1 - n)
				m = size - 1 - n;
			memcpy(err->msg + n, old, m);
			err->msg[n + m] = '\0';
		}
	}
	return r < 0 ? r : -EIO;
}

void cs_logf(const struct cs_log *log, int prio, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!log || !log->fn)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log->fn(log->ctx, prio, buf);
}

void cs_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
	*fd = -1;
}

void cs_freep(void *p)
{
	free(*(void **)p);
}
