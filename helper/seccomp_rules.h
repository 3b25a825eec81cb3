/* SPDX-License-Identifier: MIT */
/*
 * The rules of the default seccomp filter, in one place. helper/genbpf.c
 * compiles them into a BPF program at build time; helper/seccomp.c (which
 * says why each rule is there) loads that program at every login.
 */
#ifndef CS_SECCOMP_RULES_H
#define CS_SECCOMP_RULES_H

#include <errno.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <seccomp.h>

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

/* The host's tty group (5 in Debian's base-passwd, and on every other
 * distribution we know). The sandbox maps only the user's own gid, so a
 * chown to it fails with EINVAL, and screen, which as "root" chowns each
 * window's pty to it and gives up when that fails, could not run. Such a
 * chown does nothing and reports success instead: the file keeps its
 * owner, and nobody gains anything the kernel would have allowed. */
#define CS_TTY_GID 5
struct cs_chown_call {
	int nr;
	unsigned gid_arg;
};
static const struct cs_chown_call chown_calls[] = {
	{ SCMP_SYS(chown), 2 }, { SCMP_SYS(lchown), 2 }, { SCMP_SYS(fchown), 2 },
	{ SCMP_SYS(fchownat), 3 },
};

/* Add every rule to ctx (an allow-by-default filter); 0 or -errno. */
static inline int cs_seccomp_add_rules(scmp_filter_ctx ctx)
{
	int r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(EPERM));

	for (size_t i = 0; r == 0 && i < sizeof(denied) / sizeof(denied[0]); i++)
		if (denied[i] >= 0) /* a syscall this arch lacks */
			r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), denied[i], 0);
	for (size_t i = 0; r == 0 && i < sizeof(denied_ioctls) / sizeof(denied_ioctls[0]); i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
				     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, denied_ioctls[i]));
	for (size_t i = 0; r == 0 && i < sizeof(chown_calls) / sizeof(chown_calls[0]); i++) {
		/* gid_t is 32 bits: the kernel reads only the low half. */
		struct scmp_arg_cmp gid = { chown_calls[i].gid_arg, SCMP_CMP_MASKED_EQ,
					    0xffffffffUL, CS_TTY_GID };
		if (chown_calls[i].nr >= 0)
			r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(0), chown_calls[i].nr, 1, gid);
	}
	return r;
}

#endif
