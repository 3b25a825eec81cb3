/* SPDX-License-Identifier: MIT */
/*
 * OpenSSH 10.1 and later make the forwarded agent's socket in
 * ~/.ssh/agent/ of the real home (before, in /tmp, which the module shares
 * with the sandbox). A unix socket is reached only through its own file
 * system: through the overlay home, connect() finds a copy-up candidate,
 * not sshd's socket, and fails. So where that directory exists in the real
 * home when the sandbox starts, the real directory is bound over the
 * overlay's: the sandbox reaches what sshd makes there, and what it writes
 * there is in the real home (that one directory only). Done as the user,
 * with O_NOFOLLOW at each step below the home: a symlink the user planted
 * leads only where they could go anyway, and is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <unistd.h>

#include "helper/helper.h"

/* home/.ssh/agent as a directory fd, or -1 (none: nothing to do). */
int cs_agent_dir_open(const char *home)
{
	int h = open(home, O_PATH | O_DIRECTORY | O_CLOEXEC), s = -1, a = -1;

	if (h >= 0)
		s = openat(h, ".ssh", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s >= 0)
		a = openat(s, "agent", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (h >= 0)
		close(h);
	if (s >= 0)
		close(s);
	return a;
}

int cs_agent_dir_bind(int realfd, const char *home)
{
	char src[64], dst[64];
	int over = cs_agent_dir_open(home), r = 0;

	/* The overlay has no such directory (the user removed it in the
	 * upper layer): the sandbox chose not to have it. */
	if (over < 0)
		return 0;
	snprintf(src, sizeof(src), "/proc/self/fd/%d", realfd);
	snprintf(dst, sizeof(dst), "/proc/self/fd/%d", over);
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
		r = cs_fail(errno, "bind %s/.ssh/agent of the real home into the sandbox", home);
	close(over);
	return r;
}
