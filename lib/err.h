/* SPDX-License-Identifier: MIT */
/*
 * One error convention for the shared code: functions return 0 or a negative
 * errno and describe the failure in a struct cs_err, which only the top of the
 * program (the PAM entry point, a CLI verb, the helper's main) prints — so a
 * refused login makes exactly one log line that says what failed and where.
 */
#ifndef CS_ERR_H
#define CS_ERR_H

#include <stddef.h>

struct cs_err {
	char msg[512];
};

/* Sets err->msg to the formatted text followed by ": strerror(errnum)" when
 * errnum != 0, and returns -errnum (or -EIO for errnum 0). */
int cs_err_set(struct cs_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Something worth telling the admin that does not fail the operation (a limit
 * the backend cannot apply). The module sends it to syslog, the CLI to
 * stderr. */
struct cs_log {
	void (*fn)(void *ctx, int prio, const char *msg);
	void *ctx;
};
void cs_logf(const struct cs_log *log, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define CS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Cleanup helpers in the systemd/bubblewrap style. */
void cs_closep(int *fd);
void cs_freep(void *p);
#define _cleanup_close_ __attribute__((cleanup(cs_closep)))
#define _cleanup_free_  __attribute__((cleanup(cs_freep)))

#endif
