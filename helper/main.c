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

int cs_fail(int errnum, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (errnum && n >= 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", strerror(errnum));
	/* The init has no terminal: its errors go back to the module, which
	 * logs them in its one line about the refused login. */
	if (cs_report_fd >= 0)
		dprintf(cs_report_fd, "error=%s\n", msg);
	else
		fprintf(stderr, "containsession: %s\n", msg);
	return -1;
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
	if (cs_apparmor_leave_on_exec() < 0)
		return 126;
	if (argc > 1 && !strcmp(base, "containsession-helper") && !strcmp(argv[1], "init"))
		return cs_init_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(base, "containsession-helper") && !strcmp(argv[1], "join"))
		return cs_join_main(argc - 1, argv + 1);
	return cs_shell_main(argc, argv);
}
