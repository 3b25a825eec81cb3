#!/bin/bash
# Escape suite: no keystrokes pushed into the login's terminal. With a pty
# (ssh -tt) TIOCSTI and TIOCLINUX fail with EPERM, also with junk in the
# request's upper 32 bits (the kernel reads only the lower ones); without a
# pty the shell has no controlling terminal at all (/dev/tty: ENXIO).
# Control: the same probe with seccomp = off does not get EPERM, so the
# EPERM is the filter's.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=tests/lib/escape.sh
. "$CS_LIB_DIR/escape.sh"
cs_require_sandbox

out=$(cs_probe cstest1 -tt -- tiocsti </dev/null)
printf '%s\n' "$out" | sed 's/^/    pty: /'
expect_eq yes "$(pv "$out" isatty)" "the probe runs on the login's pty"
for k in tiocsti tiocsti_hi tioclinux devtty_tiocsti; do
	expect_eq EPERM "$(pv "$out" "$k")" "pty: $k refused with EPERM"
done

out=$(cs_probe cstest1 -- tiocsti </dev/null)
printf '%s\n' "$out" | sed 's/^/    no pty: /'
expect_eq no "$(pv "$out" isatty)" "no pty"
expect_eq open:ENXIO "$(pv "$out" devtty_tiocsti)" "no pty: no controlling terminal (setsid)"
expect_eq EPERM "$(pv "$out" tiocsti)" "no pty: TIOCSTI on stdin refused"

cs_on_exit cs_policy_reset
cs_policy_text | sed 's/^pids.max = 64$/pids.max = 64\nseccomp = off/' | cs_policy_write
out=$(cs_probe cstest1 -tt -- tiocsti </dev/null)
printf '%s\n' "$out" | sed 's/^/    seccomp off: /'
v=$(pv "$out" tiocsti)
expect_true "control: with seccomp = off TIOCSTI is not refused with EPERM (got ${v:-nothing})" [ -n "$v" -a "$v" != EPERM ]
cs_finish
