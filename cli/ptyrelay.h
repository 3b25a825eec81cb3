/* SPDX-License-Identifier: MIT */
/*
 * What `containsession enter` puts between root's terminal and the program
 * it runs as the user: never root's own fds. With a terminal on stdin, a
 * fresh pty that root allocates on the host's devpts (as `machinectl shell`
 * and `su --pty` do), the entered program's controlling tty in a session
 * of its own; otherwise three pipes. Either way root relays the bytes, the
 * window size and the signals, and returns the program's exit status.
 */
#ifndef CS_CLI_PTYRELAY_H
#define CS_CLI_PTYRELAY_H

#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

struct cli_relay {
	bool pty;
	int master, slave;          /* pty mode */
	int in[2], out[2], err[2];  /* pipe mode */
	bool raw;                   /* root's terminal is in raw mode */
	struct termios saved;
	sigset_t oldmask;
};

/* Before the fork, as root: the pty (owned by uid, mode 0620) or pipes,
 * and the signals the relay handles blocked. 0 or -1 (printed). */
int cli_relay_prepare(struct cli_relay *r, uid_t uid);
/* In the child, still root: a new session, fds 0-2 onto the pty or pipes,
 * the pty as controlling tty, the signal mask as it was. 0 or -1. */
int cli_relay_child(struct cli_relay *r);
/* In the parent: relay until the child has exited and what it wrote is
 * read; returns its exit status (128+N for signal N), or 1 on error. */
int cli_relay_run(struct cli_relay *r, pid_t child);
/* Root's terminal back as it was, every fd closed. Safe to call twice. */
void cli_relay_close(struct cli_relay *r);

#endif
