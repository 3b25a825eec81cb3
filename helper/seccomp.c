/* SPDX-License-Identifier: MIT */
/*
 * The default seccomp filter of the sandboxed shell. It refuses with EPERM
 * what a sandboxed login has no business doing and what has been the way
 * out of sandboxes before:
 *   - TIOCSTI / TIOCLINUX: push keystrokes into the terminal (compared on
 *     the low 32 bits, the way the kernel reads the request);
 *   - keyctl, add_key, request_key: the kernel keyring is not namespaced;
 *   - bpf, perf_event_open, userfaultfd: large kernel attack surface and a
 *     classic exploit primitive;
 *   - io_uring_setup/enter/register: the operations of a ring are not
 *     syscalls, so this filter never sees them, and io_uring has been one
 *     of the largest sources of kernel privilege escalations (which is why
 *     Google turned it off on ChromeOS, Android and its servers);
 *   - kexec_*, init/finit/delete_module, open_by_handle_at (the "shocker"
 *     escape), reboot, swapon/swapoff, acct, iopl/ioperm,
 *     lookup_dcookie, quotactl, nfsservctl, syslog;
 *   - (not a refusal) a chown to the host's tty group, which the sandbox
 *     cannot map, succeeds without doing anything (screen needs it);
 *   - any other architecture's ABI (32-bit x86, x32): the filter only
 *     knows the native one, everything else fails with EPERM too.
 * The rules are in seccomp_rules.h; libseccomp compiles them at build time
 * (genbpf.c) into seccomp_filter.h, so a login only loads the program.
 */
#include <errno.h>
#include <stddef.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>

#include "helper/helper.h"
#include "seccomp_filter.h"

int cs_seccomp_apply(void)
{
	struct sock_fprog prog = {
		.len = sizeof(cs_seccomp_filter) / sizeof(cs_seccomp_filter[0]),
		.filter = (struct sock_filter *)cs_seccomp_filter,
	};

	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		return cs_fail(errno, "load seccomp filter");
	return 0;
}
