/* SPDX-License-Identifier: MIT */
/*
 * /tmp of the session mount namespace is the sandbox's /tmp (root's tmpfs,
 * lib/root/sessiontmp.c). sshd's post-auth child lives in this namespace and
 * makes files there itself: the forwarded agent's socket (/tmp/ssh-XXXX,
 * OpenSSH up to 10.0) and the sockets of streamlocal forwardings to /tmp
 * paths. With the same tmpfs at /tmp in the sandbox, `ssh-add -l` and a
 * client of such a socket inside reach exactly what sshd listens on, and
 * nothing of the host's /tmp is shown to the post-auth child.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/mount.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "lib/root/sandboxobj.h"
#include "pam_module/module.h"

int cs_session_tmp(const struct cs_session *s, struct cs_err *err)
{
	_cleanup_close_ int statefd = -1, fd = -1;
	char src[64];

	if (!s->tmp_shared)
		return 0;
	/* Opened here, in the session namespace: the source of a bind mount
	 * must be in the namespace it is made in. */
	statefd = cs_open_root_dir(s->state_dir, false, 0700, err);
	if (statefd < 0)
		return statefd;
	fd = cs_tmp_open(statefd, s->uid, err);
	if (fd < 0)
		return fd;
	snprintf(src, sizeof(src), "/proc/self/fd/%d", fd);
	if (mount(src, "/tmp", NULL, MS_BIND, NULL) < 0)
		return cs_err_set(err, errno, "bind the sandbox's /tmp over /tmp");
	return 0;
}
