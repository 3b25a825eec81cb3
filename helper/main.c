/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "helper/helper.h"

int cs_report_fd = -1;

#ifdef __SANITIZE_ADDRESS__
/* ASan/UBSan builds only (make check runs the integration tests with one).
 * LeakSanitizer checks at exit from a tracer it clone()s; after the helper
 * has unshared or joined a PID namespace that tracer lands in the sandbox's
 * namespace, never reports back, and the exit spins forever. Leaks are the
 * unit tests' business; here ASan and UBSan catch memory errors and UB. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

struct cs_err cs_helper_err;

int cs_fail(int errnum, const char *fmt, ...)
{
	char msg[sizeof(cs_helper_err.msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cs_err_set(&cs_helper_err, errnum, "%s", msg);
}

void cs_fail_report(void)
{
	if (!cs_helper_err.msg[0])
		return;
	/* The init has no terminal: its errors go back to the module, which
	 * logs them in its one line about the refused login. */
	if (cs_report_fd >= 0)
		dprintf(cs_report_fd, "error=%s\n", cs_helper_err.msg);
	else
		fprintf(stderr, "containsession: %s\n", cs_helper_err.msg);
	cs_helper_err.msg[0] = '\0';
}

int main(int argc, char **argv)
{
	const char *base = argc > 0 && argv[0] ? strrchr(argv[0], '/') : NULL;
	base = base ? base + 1 : (argc > 0 && argv[0] ? argv[0] : "");

	/* The module starts the init by the helper's own name. sshd execs
	 * the helper under the shell's name ("-bash", "sh"), so a login can
	 * never take this branch by accident; a user who runs it by hand
	 * gets an unprivileged namespace of their own and nothing more. */
	/* Before anything can be exec'd: under the shipped AppArmor profile
	 * nothing the helper runs may keep its userns grant (apparmor.c). */
	int rc;

	if (cs_apparmor_leave_on_exec() < 0)
		rc = 126;
	else if (argc > 1 && !strcmp(base, "containsession-helper") && !strcmp(argv[1], "init"))
		rc = cs_init_main(argc - 1, argv + 1);
	else if (argc > 1 && !strcmp(base, "containsession-helper") && !strcmp(argv[1], "join"))
		rc = cs_join_main(argc - 1, argv + 1);
	else
		rc = cs_shell_main(argc, argv);
	/* The one place the helper's own process says what went wrong. */
	cs_fail_report();
	return rc;
}
