/* SPDX-License-Identifier: MIT */
/*
 * What the sandbox's PID 1 keeps once the sandbox is built: nothing a
 * session of it does not have. PID 1 is uid 0 of the sandbox's user
 * namespace, so left alone it would hold every capability of that
 * namespace, with no filter, across the exec of the reaper (uid 0 gets the
 * bounding set at exec). A login whose profile gives it CAP_SYS_PTRACE
 * there (capabilities = all) could attach to PID 1 and run through it
 * whatever its own seccomp filter refuses. So, before the exec:
 *   - no_new_privs, then the default seccomp filter, always, whatever the
 *     record says for sessions: the reaper (and reap_forever in init.c)
 *     makes only execveat, prctl, rt_sigprocmask, rt_sigtimedwait and
 *     wait4, none of which the filter refuses (seccomp_rules.h);
 *   - securebits that stop an exec as uid 0 from granting capabilities
 *     again, locked;
 *   - then no capability at all: bounding, ambient, effective, permitted,
 *     inheritable (caps.c, as for caps = none). Reaping needs none: wait4
 *     on one's own children, orphans included, is not a privilege;
 *   - not dumpable, as defence in depth: only CAP_SYS_PTRACE in the
 *     sandbox's user namespace can attach to it then, not a session with
 *     the default set (a capless PID 1 would otherwise be anyone's there,
 *     the kernel's subset rule being met by the empty set). The exec makes
 *     it dumpable again, so the reaper says so again itself (reaper.c);
 *     here it covers the fallback loop when that exec fails.
 * Each step is PID 1 giving up what it holds; none needs anything from the
 * host. The filter goes first: loading it needs no_new_privs or
 * CAP_SYS_ADMIN, and the securebits need CAP_SETPCAP, which the last step
 * drops.
 */
#include <errno.h>
#include <sys/prctl.h>
#include <linux/securebits.h>

#include "config/policy.h"
#include "helper/helper.h"

int cs_init_confine(void)
{
	const struct cs_session_info none = { .caps = CS_CAPS_NONE };
	/* NOROOT: uid 0's exec gains nothing. NO_CAP_AMBIENT_RAISE: nothing
	 * comes back through the ambient set. KEEP_CAPS and NO_SETUID_FIXUP
	 * stay off (a uid change drops capabilities), and every bit is
	 * locked, so none of this can be undone. */
	const unsigned long bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
				   SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED |
				   SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_SETUID_FIXUP_LOCKED;
	int r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return cs_fail(errno, "PID 1: set no_new_privs");
	if ((r = cs_seccomp_apply()) < 0)
		return r;
	if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) < 0)
		return cs_fail(errno, "PID 1: set securebits");
	if ((r = cs_caps_apply(&none)) < 0)
		return r;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return cs_fail(errno, "PID 1: prctl PR_SET_DUMPABLE");
	return 0;
}
