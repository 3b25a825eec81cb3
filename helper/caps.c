/* SPDX-License-Identifier: MIT */
/*
 * Capabilities of the sandboxed shell. The shell runs as uid 0
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
#include <stdbool.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

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

/*
 * The bounding set first (dropping needs CAP_SETPCAP, which the next step
 * may drop), then one capset for effective, permitted and inheritable.
 * Done with the two system calls directly rather than libcap-ng: its apply
 * reads /proc/self/status three times and its constructor reads
 * cap_last_cap, on the path of every login and every ControlMaster session
 * (bench/RESULTS.md). The bounding loop needs no cap_last_cap either: one
 * prctl per capability, a drop or (for a kept one) a read, upwards until
 * the kernel says EINVAL (no such capability; capabilities are numbered
 * without gaps), so a capability newer than our headers is dropped too
 * unless kept. Returns how many capabilities the kernel knows.
 */
static int drop_bounding(uint64_t keep)
{
	int c;

	for (c = 0; c < 64; c++) {
		bool kept = keep & (1ULL << c);

		if (prctl(kept ? PR_CAPBSET_READ : PR_CAPBSET_DROP, (unsigned long)c, 0, 0, 0) >= 0)
			continue;
		if (errno == EINVAL)
			break;
		return cs_fail(errno, "drop capability %d from the bounding set", c);
	}
	return c;
}

static int set_caps(uint64_t keep)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
		__u32 w = (__u32)(keep >> (32 * i));
		d[i] = (struct __user_cap_data_struct){ w, w, w };
	}
	if (syscall(SYS_capset, &h, d) < 0)
		return cs_fail(errno, "set capabilities");
	return 0;
}

int cs_caps_apply(const struct cs_session_info *si)
{
	uint64_t keep;
	int n;

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
	if ((n = drop_bounding(keep)) < 0)
		return n;
	/* Only what the kernel knows can be kept (capset refuses the rest). */
	return set_caps(n < 64 ? keep & ((1ULL << n) - 1) : keep);
}
