/* SPDX-License-Identifier: MIT */
/*
 * What the sandboxed shell may keep, applied in the child just before exec.
 * Order: no_new_privs, then the seccomp filter (loading it needs either
 * no_new_privs or CAP_SYS_ADMIN, which we still hold in the sandbox's user
 * namespace), then capabilities (which may drop CAP_SYS_ADMIN).
 */
#include <errno.h>
#include <sys/prctl.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/fsutil.h"

#include "helper/helper.h"

/*
 * Make the sandbox's processes the OOM killer's first choice within the
 * user's cgroup, ahead of sshd's [priv] process that shares it. They would
 * otherwise inherit sshd's own score (often negative, even -1000 "never"),
 * and a memory hog inside could cost the login its sshd. Raising the score
 * needs no privilege; it is never lowered.
 */
int cs_oom_prefer_sandbox(void)
{
	char buf[16];
	ssize_t n = cs_read_small(AT_FDCWD, "/proc/self/oom_score_adj", buf, sizeof(buf));

	if (n < 0)
		return cs_fail((int)-n, "read oom_score_adj");
	if (atoi(buf) >= CS_OOM_SCORE_ADJ)
		return 0;
	snprintf(buf, sizeof(buf), "%d", CS_OOM_SCORE_ADJ);
	n = cs_write_str(AT_FDCWD, "/proc/self/oom_score_adj", buf);
	return n < 0 ? cs_fail((int)-n, "write oom_score_adj") : 0;
}

int cs_privs_apply(const struct cs_session_info *si)
{
	int r;

	/* After this no exec can gain privileges (setuid binaries, file
	 * capabilities) inside the sandbox. */
	if (si->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return cs_fail(errno, "set no_new_privs");
	/* Without a terminal of its own, a shell that stayed in sshd's
	 * session could still reach a terminal sshd's session has; its own
	 * session has none. With a pty, the pty is the login's own. */
	if (!isatty(STDIN_FILENO) && setsid() < 0)
		return cs_fail(errno, "setsid");
	if (si->seccomp && (r = cs_seccomp_apply()) < 0)
		return r;
	return cs_caps_apply(si);
}
