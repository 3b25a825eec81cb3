/* SPDX-License-Identifier: MIT */
/*
 * AppArmor. Where AppArmor mediates user namespaces (Ubuntu's restriction;
 * any enforcing profile on AppArmor 4), the shipped profile
 * (apparmor/containsession-helper) lets the helper create the sandbox's
 * user namespace and nothing else: whatever the helper execs must run
 * without that grant, or every local user could get user namespaces by
 * starting a program through the helper by hand.
 *
 * The profile is in unconfined mode (as Ubuntu's own for bwrap and
 * unshare), and the kernel ignores exec rules in an unconfined-mode
 * profile: the exec'd program simply stays in it. So the helper asks for
 * the transition itself, into the profile's child `run` (unconfined mode,
 * no userns), before it can exec anything, and runs nothing if that fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helper/helper.h"

#define AA_CURRENT "/proc/thread-self/attr/apparmor/current"
#define AA_EXEC    "/proc/thread-self/attr/apparmor/exec"
#define AA_OURS    "containsession-helper"

/* The AppArmor label of this thread ("name (mode)", or "unconfined") into
 * buf; 0 if AppArmor is not the one answering (not built in or off). The
 * apparmor/ subdirectory (Linux 5.8+) is AppArmor's own even when another
 * LSM owns the shared attr/current. */
int cs_apparmor_label(char *buf, size_t len)
{
	int fd = open(AA_CURRENT, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return errno == ENOENT ? 0 : cs_fail(errno, "open %s", AA_CURRENT);
	n = read(fd, buf, len - 1);
	close(fd);
	/* EINVAL: AppArmor is built in but not enabled. */
	if (n < 0)
		return errno == EINVAL ? 0 : cs_fail(errno, "read %s", AA_CURRENT);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 1;
}

/* Is label (as cs_apparmor_label gives it) the profile called name? */
static int label_is(const char *label, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(label, name, n) && (label[n] == '\0' || label[n] == ' ');
}

int cs_apparmor_leave_on_exec(void)
{
	char label[256];
	int r = cs_apparmor_label(label, sizeof(label)), fd;
	static const char req[] = "exec " AA_OURS "//run";

	if (r <= 0 || !label_is(label, AA_OURS))
		return r;
	/* The request holds for this task's next exec and is inherited by
	 * the children it forks from here on (the join's vfork child, the
	 * init's PID 1): each of their execs leaves the profile too. */
	fd = open(AA_EXEC, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return cs_fail(errno, "AppArmor: open %s to leave profile %s on exec", AA_EXEC, label);
	if (write(fd, req, sizeof(req) - 1) != (ssize_t)sizeof(req) - 1) {
		int e = errno;
		close(fd);
		return cs_fail(e, "AppArmor: cannot have what the helper runs leave profile %s "
			       "(is the shipped profile with its child 'run' loaded?)", label);
	}
	close(fd);
	return 0;
}

/* The profile confining the helper into buf and 1; 0 when unconfined or
 * AppArmor is off. For error messages: a refused user namespace under a
 * profile is AppArmor's doing (the kernel's own line is in the audit log,
 * which the admin reading ours may not look at). */
int cs_apparmor_confined(char *buf, size_t len)
{
	return cs_apparmor_label(buf, len) > 0 && strcmp(buf, "unconfined") != 0;
}
