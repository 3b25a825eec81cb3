/* SPDX-License-Identifier: MIT */
/*
 * Is the passwd entry the module reads now the one sshd will act on?
 *
 * sshd looks the user up once, when the first userauth request names them
 * (getpwnamallow in the per-connection process), and keeps a private copy
 * of that struct passwd for the rest of the connection; the session's shell
 * is exec'd from that copy, pw_shell. PAM does not hand the copy to
 * modules. This module reads the entry again at open_session, which can be
 * seconds or minutes later (keyboard-interactive, a slow second factor, an
 * earlier module of the session stack). Should the shell have been changed
 * in between (chsh, usermod -s, an upgrade that rewrites /etc/passwd), the
 * helper would be bound over the new shell while sshd execs the old one:
 * a login outside its sandbox.
 *
 * Since the copy cannot be read, it is proven equal instead: for the files
 * source the entry cannot differ when /etc/passwd has not changed since
 * this process began, and this process began before sshd took its copy.
 * A change after that refuses the login (fail closed; the next login reads
 * one entry everywhere). Entries served by other NSS sources (LDAP, sssd)
 * have no such witness: containsession.conf(5) says so.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/proc.h"
#include "pam_module/module.h"

#define PASSWD_FILE "/etc/passwd"

static long long ns_of(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

int cs_passwd_stable(struct cs_err *err)
{
	struct timespec real, boot;
	unsigned long long start;
	struct stat st;
	long hz = sysconf(_SC_CLK_TCK);
	long long changed, began;
	int r;

	if (stat(PASSWD_FILE, &st) < 0)
		return cs_err_set(err, errno, "stat %s", PASSWD_FILE);
	if ((r = cs_proc_starttime(getpid(), &start)) < 0)
		return cs_err_set(err, -r, "own start time");
	if (hz <= 0 || clock_gettime(CLOCK_REALTIME, &real) < 0 ||
	    clock_gettime(CLOCK_BOOTTIME, &boot) < 0)
		return cs_err_set(err, errno ? errno : EINVAL, "clocks");
	/* When this process began, on the wall clock that file times use:
	 * its start in ticks since boot, moved by how long ago boot was. */
	began = ns_of(&real) - ns_of(&boot) + (long long)(start * (1000000000ULL / (unsigned long)hz));
	changed = ns_of(&st.st_mtim) > ns_of(&st.st_ctim) ? ns_of(&st.st_mtim) : ns_of(&st.st_ctim);
	/* One tick of slack for the start time's resolution: sshd takes its
	 * copy after the key exchange, far more than a tick after fork. */
	if (changed > began + 1000000000LL / hz)
		return cs_err_set(err, 0, "%s changed after this connection began: the shell sshd "
				  "took at authentication may not be the one read now; log in again",
				  PASSWD_FILE);
	return 0;
}
