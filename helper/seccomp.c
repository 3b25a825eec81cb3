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

static const int denied[] = {
	SCMP_SYS(keyctl), SCMP_SYS(add_key), SCMP_SYS(request_key),
	SCMP_SYS(bpf), SCMP_SYS(perf_event_open), SCMP_SYS(userfaultfd),
	SCMP_SYS(io_uring_setup), SCMP_SYS(io_uring_enter), SCMP_SYS(io_uring_register),
	SCMP_SYS(kexec_load), SCMP_SYS(kexec_file_load),
	SCMP_SYS(init_module), SCMP_SYS(finit_module), SCMP_SYS(delete_module),
	SCMP_SYS(open_by_handle_at), SCMP_SYS(reboot), SCMP_SYS(swapon),
	SCMP_SYS(swapoff), SCMP_SYS(acct), SCMP_SYS(iopl), SCMP_SYS(ioperm),
	SCMP_SYS(lookup_dcookie), SCMP_SYS(quotactl), SCMP_SYS(nfsservctl),
	SCMP_SYS(syslog),
};

static const unsigned long denied_ioctls[] = { TIOCSTI, TIOCLINUX };

int cs_seccomp_apply(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r = 0;

	if (!ctx)
		return cs_fail(ENOMEM, "seccomp_init");
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(EPERM));
	for (size_t i = 0; r == 0 && i < sizeof(denied) / sizeof(denied[0]); i++)
		if (denied[i] >= 0) /* a syscall this arch lacks */
			r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), denied[i], 0);
	for (size_t i = 0; r == 0 && i < sizeof(denied_ioctls) / sizeof(denied_ioctls[0]); i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
				     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, denied_ioctls[i]));
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	return r < 0 ? cs_fail(-r, "load seccomp filter") : 0;
}
