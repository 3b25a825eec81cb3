/* SPDX-License-Identifier: MIT */
/*
 * What the sandboxed shell may keep, applied in the child just before exec.
 * Order: no_new_privs, then the seccomp filter (loading it needs either
 * no_new_privs or CAP_SYS_ADMIN, which we still hold in the sandbox's user
 * namespace), then capabilities (which may drop CAP_SYS_ADMIN).
 */
#include <errno.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "helper/helper.h"

int cs_privs_apply(const struct cs_session_info *si)
{
	/* After this no exec can gain privileges (setuid binaries, file
	 * capabilities) inside the sandbox. */
	if (si->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return cs_fail(errno, "set no_new_privs");
	/* Without a terminal of its own, a shell that stayed in sshd's
	 * session could still reach a terminal sshd's session has; its own
	 * session has none. With a pty, the pty is the login's own. */
	if (!isatty(STDIN_FILENO) && setsid() < 0)
		return cs_fail(errno, "setsid");
	if (si->seccomp && cs_seccomp_apply() < 0)
		return -1;
	return cs_caps_apply(si);
}
