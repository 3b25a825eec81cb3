/* SPDX-License-Identifier: MIT */
/*
 * containsession-reaper: what a sandbox's PID 1 becomes once the sandbox is
 * ready (helper/init.c execs it). An idle sandbox is the common case, one
 * per logged-in user, so its PID 1 should cost next to nothing: block every
 * signal, reap orphans as SIGCHLD comes, forever. No libc, no relocation,
 * no heap: with glibc, even static, the kernel maps hundreds of KiB of a
 * large binary's text into every idle init; this one is a few pages.
 *
 * It starts with no capability, no_new_privs and the default seccomp
 * filter (helper/initprivs.c), and needs nothing more: reaping is no
 * privilege.
 *
 * PID 1 of a PID namespace never gets a signal from inside that it has no
 * handler for, and it has none: only the module, from outside, ends it
 * (SIGKILL through a pidfd). Its identity for the module, pid and start
 * time, is the same before and after the exec.
 *
 * Built freestanding (-nostdlib -ffreestanding, no stack protector: no TLS
 * is set up), for x86_64 and aarch64.
 */
#include <asm/unistd.h>
#include <linux/prctl.h>
#include <linux/signal.h>
#include <linux/wait.h>

static long sys4(long n, long a, long b, long c, long d)
{
#if defined(__x86_64__)
	register long r10 __asm__("r10") = d;
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return r;
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;

	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
	return x0;
#else
#error "containsession-reaper: no syscall entry for this architecture"
#endif
}

void _start(void) __attribute__((noreturn, used));
#if defined(__x86_64__)
/* The kernel enters with the stack 16-byte aligned, not as after a call. */
__attribute__((force_align_arg_pointer))
#endif
void _start(void)
{
	/* The kernel's sigset_t: one 64-bit word on both architectures. */
	unsigned long all = ~0UL, chld = 1UL << (SIGCHLD - 1);

	sys4(__NR_prctl, PR_SET_NAME, (long)"cs-init", 0, 0);
	/* The exec made us dumpable again (helper/initprivs.c says why we
	 * are not). The result is not checked: there is nobody to tell, the
	 * only other way out is to exit, which ends the sandbox, and PID 1
	 * holds no capability and has the filter either way. */
	sys4(__NR_prctl, PR_SET_DUMPABLE, 0, 0, 0);
	sys4(__NR_rt_sigprocmask, SIG_BLOCK, (long)&all, 0, sizeof(all));
	for (;;) {
		/* SIGCHLD stays pending while we reap: one that comes in
		 * between ends the wait below at once. */
		while (sys4(__NR_wait4, -1, 0, WNOHANG, 0) > 0)
			;
		sys4(__NR_rt_sigtimedwait, (long)&chld, 0, 0, sizeof(chld));
	}
}
