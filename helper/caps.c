/* SPDX-License-Identifier: MIT */
/*
 * Capabilities of the sandboxed shell (libcap-ng). The shell runs as uid 0
 * of the sandbox's user namespace, so at exec it gets every capability the
 * bounding set allows: the bounding set is what limits it. Capabilities in
 * a user namespace only ever act on what that namespace owns; dropping them
 * is defence in depth (a nested `unshare -r` gets a full set again, which is
 * why the mount layout and seccomp must hold on their own).
 *
 * "default" keeps what a root shell needs to manage its own files and
 * processes, like a container runtime's default set, and drops the rest:
 * above all CAP_SYS_ADMIN (mount, umount, namespaces' administration),
 * CAP_SYS_PTRACE across users, CAP_NET_ADMIN, CAP_SYS_MODULE, CAP_SYS_RAWIO,
 * CAP_SYS_TIME, CAP_BPF, CAP_PERFMON.
 */
#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <cap-ng.h>

#include "config/policy.h"
#include "helper/helper.h"

static const int default_keep[] = {
	CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID, CAP_KILL,
	CAP_SETGID, CAP_SETUID, CAP_SETPCAP, CAP_NET_BIND_SERVICE, CAP_NET_RAW,
	CAP_SYS_CHROOT, CAP_MKNOD, CAP_AUDIT_WRITE, CAP_SETFCAP,
};

uint64_t cs_caps_default_mask(void)
{
	uint64_t m = 0;
	for (size_t i = 0; i < sizeof(default_keep) / sizeof(default_keep[0]); i++)
		m |= 1ULL << default_keep[i];
	return m;
}

int cs_caps_apply(const struct cs_session_info *si)
{
	uint64_t keep;

	switch (si->caps) {
	case CS_CAPS_ALL:
		keep = ~0ULL;
		break;
	case CS_CAPS_NONE:
		keep = 0;
		break;
	case CS_CAPS_LIST:
		keep = si->caps_list;
		break;
	default:
		keep = cs_caps_default_mask();
		break;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return cs_fail(errno, "clear ambient capabilities");
	if (keep == ~0ULL)
		return 0;
	capng_clear(CAPNG_SELECT_BOTH);
	for (int c = 0; c <= CAP_LAST_CAP; c++)
		if ((keep & (1ULL << c)) &&
		    capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED |
				 CAPNG_INHERITABLE | CAPNG_BOUNDING_SET, (unsigned)c) < 0)
			return cs_fail(EINVAL, "keep capability %d", c);
	/* Bounds first: it needs CAP_SETPCAP, which the caps step may drop. */
	if (capng_apply(CAPNG_SELECT_BOUNDS) < 0 || capng_apply(CAPNG_SELECT_CAPS) < 0)
		return cs_fail(EPERM, "apply capabilities");
	return 0;
}
