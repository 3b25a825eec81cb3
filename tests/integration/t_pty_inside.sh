#!/bin/bash
# Pseudo-terminals inside the sandbox: its own devpts instance. tmux, screen,
# script and expect allocate ptys there; an `ssh -tt` login's terminal is one of
# them too, so `tty` names it and agrees with $SSH_TTY; and a sandbox that
# takes every pty it can get (devpts max=64) leaves the host able to open
# one. With the default lifetime the tmux server ends with the last logout.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox
for p in tmux screen script expect python3; do
	command -v "$p" >/dev/null || cs_skip "$p is not installed (make deps-test)"
done

# The login's own terminal.
out=$(cs_ssh cstest1 -tt -- 'tty; echo "ssh_tty=$SSH_TTY"; readlink /proc/self/fd/0; stat -f -c %T /dev/pts; ls /dev/pts | sort | paste -sd" "' </dev/null | tr -d '\r')
printf '%s\n' "$out" | sed 's/^/    tty: /'
t=$(sed -n 1p <<<"$out")
expect_true "tty names a pty ($t)" grep -qE '^/dev/pts/[0-9]+$' <<<"$t"
expect_eq "ssh_tty=$t" "$(sed -n 2p <<<"$out")" "\$SSH_TTY is the terminal tty names"
expect_eq "$t" "$(sed -n 3p <<<"$out")" "fd 0 is that pty"
expect_eq devpts "$(sed -n 4p <<<"$out")" "/dev/pts is a devpts"
expect_eq "0 ptmx" "$(sed -n 5p <<<"$out")" "the sandbox's own instance: only its ptmx and this login's pty"
inner=$(cs_ssh cstest1 -- 'stat -c %d /dev/pts/ptmx' </dev/null)
expect_ne "$(stat -c %d /dev/pts/ptmx)" "$inner" "the sandbox's devpts is another instance than the host's (st_dev $inner)"

# A job that keeps writing to the terminal after the shell has exited does
# not keep the login open (the relay drains for a bounded time).
t0=$(date +%s)
cs_ssh cstest1 -tt -- '(trap "" HUP; while :; do echo spam; done) & sleep 0.2; exit 5' </dev/null >/dev/null 2>&1
rc=$?
took=$(($(date +%s) - t0))
expect_eq 5 "$rc" "shell's exit status with a job still writing"
expect_true "the login ends within 10 s (took $took s)" [ "$took" -lt 10 ]

# script(1): openpty in the sandbox.
out=$(cs_ssh cstest1 -- 'script -qec tty /dev/null' </dev/null | tr -d '\r')
printf '%s\n' "$out" | sed 's/^/    script: /'
expect_true "script gets a pty" grep -qE '^/dev/pts/[0-9]+$' <<<"$out"

# expect(1): spawn opens a pty by its name (ptsname), as screen does.
out=$(cs_ssh cstest1 -- "expect -c 'spawn tty; expect eof'" </dev/null 2>&1 | tr -d '\r')
printf '%s\n' "$out" | sed 's/^/    expect: /'
expect_true "expect spawns on a pty" grep -qE '^/dev/pts/[0-9]+$' <<<"$out"

# tmux, detached (the server allocates the window's pty) and attached to
# the login's terminal.
out=$(cs_ssh cstest1 -- 'tmux new -d -s cs "sleep 60" && tmux has-session -t cs && tmux list-panes -t cs -F "pane #{pane_tty}" && tmux kill-server && echo killed' </dev/null 2>&1)
printf '%s\n' "$out" | sed 's/^/    tmux -d: /'
expect_true "tmux new -d makes a window on a pty" grep -qE '^pane /dev/pts/[0-9]+$' <<<"$out"
expect_contains "$out" killed "tmux kill-server"
out=$(cs_ssh cstest1 -tt -- 'TERM=xterm tmux new -s att "echo inside-\$((6*7)); sleep 1"; echo "tmux=$?"' </dev/null 2>&1 | tr -d '\r')
printf '%s\n' "$out" | sed 's/^/    tmux attached: /' | cat -v | head -5
expect_contains "$out" inside-42 "tmux attached to the login's terminal runs its window"
expect_contains "$out" "tmux=0" "tmux exits 0"

# screen, detached, then listed and ended. `screen -dm` returns before the
# detached screen has made its socket (Debian 13's screen lost that
# race in a fresh root: "No Sockets found"), so the listing waits for it.
out=$(cs_ssh cstest1 -- 'screen -dmS cs sleep 60 &&
	for _ in $(seq 50); do screen -ls | grep -q "[0-9]\.cs" && break; sleep 0.1; done
	screen -ls; screen -S cs -X quit && echo quit' </dev/null 2>&1)
printf '%s\n' "$out" | sed 's/^/    screen: /'
expect_true "screen -dmS runs a session" grep -qE '[0-9]+\.cs' <<<"$out"
expect_contains "$out" quit "screen -X quit"

# The default lifetime (logout): a tmux server left running ends with the
# last logout, and the sandbox with it.
cs_ssh cstest1 -- 'tmux new -d -s left "sleep 300"' </dev/null
expect_true "default lifetime: tmux ends with the logout, nothing left" cs_wait_clean cstest1 10

# Exhaustion: the sandbox opens every pty it can and holds them; the host
# still opens one.
hold=$CS_TT/ptys
(cs_ssh_exec cstest1 -- python3 -c "'
import os, sys, time
fds = []
try:
    while True:
        fds.append(os.openpty())
except OSError as e:
    print(\"held\", len(fds), e.strerror, flush=True)
time.sleep(60)
'") </dev/null >"$hold" 2>&1 &
CS_HOLD_PIDS+=($!)
for _ in $(seq 50); do grep -q held "$hold" && break; sleep 0.2; done
printf '%s\n' "$(cat "$hold")" | sed 's/^/    exhaust: /'
n=$(awk '/held/ { print $2 }' "$hold")
expect_eq 64 "${n:-none}" "the sandbox gets exactly devpts max=64 ptys"
expect_true "with them held, the host opens a pty" python3 -c 'import os; os.openpty()'
cs_release_all
expect_true "nothing left" cs_wait_clean cstest1 10
cs_finish
