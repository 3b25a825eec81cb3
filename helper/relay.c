/* SPDX-License-Identifier: MIT */
/*
 * The parent of the sandboxed shell stays outside the PID namespace (setns
 * only moves children), so sshd keeps waiting on the pid it started. It
 * passes signals on and exits the way the shell did.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper/helper.h"

static volatile pid_t target;
static struct cs_pty *volatile target_pty;

static void relay(int sig, siginfo_t *si, void *uctx)
{
	/* Signals the terminal generates (^C, ^\, window size) already reach
	 * the shell's process group directly; passing them on again would
	 * deliver them twice. Hangup always goes through. */
	if (sig == SIGWINCH && target_pty) {
		cs_pty_winch(target_pty);
		return;
	}
	if (si->si_code == SI_KERNEL && sig != SIGHUP)
		return;
	kill(target, sig);
}

int cs_relay_wait(pid_t child, struct cs_pty *pty)
{
	static const int relayed[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1,
				       SIGUSR2, SIGALRM, SIGWINCH, SIGCONT };
	struct sigaction sa = { .sa_sigaction = relay, .sa_flags = SA_SIGINFO | SA_RESTART };
	int status, nullfd;

	target = child;
	target_pty = pty;
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(relayed) / sizeof(relayed[0]); i++)
		sigaction(relayed[i], &sa, NULL);
	/* Job control stops are for the shell, not for us. */
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	if (pty) {
		/* The terminal is ours to copy until the shell is gone; sshd
		 * sees the pty close when we exit. */
		cs_pty_raw(pty);
		cs_pty_pump(pty, child);
		cs_pty_restore(pty);
		target_pty = NULL;
	}
	/* Let go of the session's stdio: sshd sees EOF when the shell (and
	 * whatever it left running) closes them, not later. */
	nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (nullfd >= 0) {
		dup2(nullfd, 0);
		dup2(nullfd, 1);
		dup2(nullfd, 2);
		close(nullfd);
	}
	while (waitpid(child, &status, 0) < 0) {
		if (errno != EINTR)
			return 1;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		sigset_t set;
		/* Die of the same signal so sshd reports it as the shell's. */
		signal(sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		kill(getpid(), sig);
		return 128 + sig;
	}
	return 1;
}
