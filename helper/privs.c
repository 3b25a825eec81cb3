/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <sys/prctl.h>

#include "helper/helper.h"

int cs_privs_apply(const struct cs_session_info *si)
{
	/* After this no exec can gain privileges (setuid binaries, file
	 * capabilities) inside the sandbox. */
	if (si->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return cs_fail(errno, "set no_new_privs");
	return 0;
}
