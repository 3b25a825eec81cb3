/* SPDX-License-Identifier: MIT */
/*
 * The session mount namespace. sshd execs the user's shell after PAM is
 * done, and no PAM call can change what it execs. So this [priv] process
 * moves into a mount namespace of its own (root-owned, as pam_namespace
 * does), where the helper is bind-mounted over the user's shell and over
 * /bin/sh (which sshd uses for ~/.ssh/rc and xauth). The user's child
 * inherits the namespace, execs "the shell", and so runs the helper, which
 * joins the sandbox. The host never sees these mounts.
 *
 * The helper learns what to join from a file root writes on a read-only
 * tmpfs in this namespace, never from its environment or argv.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "lib/sessionfile.h"
#include "pam_module/module.h"


static int write_session_file(const struct cs_login *l, const struct cs_session *s,
			      struct cs_err *err)
{
	struct cs_session_info si = {
		.uid = l->uid,
		.init_pid = s->init_pid,
		.init_start = s->init_start,
		.net_none = l->prof->network == CS_NET_NONE,
		.seccomp = l->prof->seccomp,
		.no_new_privs = l->prof->no_new_privs,
		.caps = (int)l->prof->caps,
		.caps_list = l->prof->caps_list,
	};
	char text[1024];
	int dfd, fd, r;

	if (cs_session_info_format(&si, text, sizeof(text)) < 0)
		return cs_err_set(err, ENOSPC, "session file");
	dfd = open(CS_SESSION_DIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return cs_err_set(err, errno, "open %s", CS_SESSION_DIR);
	fd = openat(dfd, "session", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
	close(dfd);
	if (fd < 0)
		return cs_err_set(err, errno, "create %s", CS_SESSION_FILE);
	r = cs_write_all(fd, text, strlen(text));
	close(fd);
	return r < 0 ? cs_err_set(err, -r, "write %s", CS_SESSION_FILE) : 0;
}

/* Bind the helper (held open by fd, so the file we checked is the file we
 * mount) read-only over target. */
static int bind_over(int helperfd, const char *target, struct cs_err *err)
{
	char src[64];
	struct stat st;

	if (stat(target, &st) < 0 || !S_ISREG(st.st_mode))
		return cs_err_set(err, errno ? errno : EINVAL, "shell %s", target);
	snprintf(src, sizeof(src), "/proc/self/fd/%d", helperfd);
	if (mount(src, target, NULL, MS_BIND, NULL) < 0)
		return cs_err_set(err, errno, "bind helper over %s", target);
	if (mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0)
		return cs_err_set(err, errno, "remount %s read-only", target);
	return 0;
}

int cs_session_ns(struct cs_login *l, const struct cs_session *s, struct cs_err *err)
{
	char shell[PATH_MAX], binsh[PATH_MAX];
	struct stat st;
	_cleanup_close_ int helperfd = -1;
	int r;

	/* Resolved in the host namespace, from passwd (root's data). */
	if (!realpath(l->shell, shell))
		return cs_err_set(err, errno, "shell %s", l->shell);
	if (!realpath("/bin/sh", binsh))
		return cs_err_set(err, errno, "/bin/sh");

	if (unshare(CLONE_NEWNS) < 0)
		return cs_err_set(err, errno, "unshare mount namespace");
	/* The helper must be root's and nobody else's to change, and never
	 * setuid: it runs as the user and needs no privilege. Opened in the
	 * new namespace: a bind mount's source must be in the same one. */
	helperfd = open(l->helper, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (helperfd < 0)
		return cs_err_set(err, errno, "helper %s", l->helper);
	if (fstat(helperfd, &st) < 0)
		return cs_err_set(err, errno, "helper %s", l->helper);
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022) ||
	    (st.st_mode & (S_ISUID | S_ISGID)))
		return cs_err_set(err, EPERM, "helper %s must be a root-owned, not group/world-writable, "
				  "non-setuid file", l->helper);

	/* Slave, not private: mounts the admin makes on the host still reach
	 * this login, while ours never propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return cs_err_set(err, errno, "make / a slave mount");
	if (mount("containsession", CS_SESSION_DIR, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=0755,size=16k,nr_inodes=8") < 0)
		return cs_err_set(err, errno, "mount tmpfs on %s", CS_SESSION_DIR);
	if ((r = write_session_file(l, s, err)) < 0)
		return r;
	if (mount(NULL, CS_SESSION_DIR, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=0755,size=16k,nr_inodes=8") < 0)
		return cs_err_set(err, errno, "remount %s read-only", CS_SESSION_DIR);
	if ((r = bind_over(helperfd, shell, err)) < 0)
		return r;
	if (strcmp(shell, binsh) && (r = bind_over(helperfd, binsh, err)) < 0)
		return r;
	return 0;
}
