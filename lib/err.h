/* SPDX-License-Identifier: MIT */
/*
 * One error convention for the whole tree: functions return 0 (or a count)
 * on success and a negative errno on failure, and describe the failure in a
 * struct cs_err; a caller that knows more adds its context in front
 * (cs_err_wrap) and passes the same errno up. Only the top of the program
 * (the PAM entry points, a CLI verb's main, the helper's main) prints — so a
 * refused login makes exactly one log line that says what failed and where.
 *
 * config/ follows it with one difference: a load reports every error in the
 * policy, not only the first, so its messages ("FILE:LINE: text") travel in
 * a struct cs_diag (config/policy.h) next to the negative errno.
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

/* Context on the way up: err->msg becomes "CONTEXT: " followed by what it
 * said (cut to fit), and r, the callee's negative errno, is returned as it
 * is (-EIO if r is not negative):
 *	if ((r = cs_cgroup_attach(cg, pid, err)) < 0)
 *		return cs_err_wrap(err, r, "sandbox of uid %u", uid);
 */
int cs_err_wrap(struct cs_err *err, int r, const char *fmt, ...)
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
