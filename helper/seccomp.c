/* SPDX-License-Identifier: MIT */
/*
 * The default seccomp filter of the sandboxed shell (libseccomp). It refuses
 * with EPERM what a sandboxed login has no business doing and what has been
 * the way out of sandboxes before:
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
 *   - any other architecture's ABI (32-bit x86, x32): the filter only
 *     knows the native one, everything else fails with EPERM too.
 */
#include <errno.h>
#include <sys/ioctl.h>
#include <seccomp.h>

#include "helper/helper.h"
#include "helper/seccomp_rules.h"

int cs_seccomp_apply(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r = 0;

	if (!ctx)
		return cs_fail(ENOMEM, "seccomp_init");
	r = cs_seccomp_add_rules(ctx);
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	return r < 0 ? cs_fail(-r, "load seccomp filter") : 0;
}
