#!/bin/bash
# Escape suite: a sandboxed user can neither see nor signal a host process
# (the sshd listener), by /proc, kill(2) or pidfd_open(2); PID 1 of the
# sandbox is its init. Positive control: an unsandboxed login
# (cstestplain) does see the listener, so the probe would notice.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=tests/lib/escape.sh
. "$CS_LIB_DIR/escape.sh"
cs_require_sandbox

pid=$CS_SSHD_PID
expect_eq "$pid" "$(cat "$CS_SSHD_PIDFILE")" "listener pid from \$CS_SSHD_PIDFILE"

out=$(cs_probe cstestplain -- pid "$pid")
expect_eq present "$(pv "$out" "proc_$pid")" "control: an unsandboxed login sees /proc/$pid"
expect_eq EPERM "$(pv "$out" "kill0_$pid")" "control: an unsandboxed login gets EPERM (not ESRCH) signalling it"

out=$(cs_probe cstest1 -- pid "$pid")
printf '%s\n' "$out" | sed 's/^/    probe: /'
# The sandbox's pids are small; a match of the number would be a
# sandbox process, never the listener: its cmdline tells.
expect_not_contains "$(pv "$out" "cmdline_$pid")" sshd "/proc/$pid inside is not the listener"
for k in kill0 kill9 pidfd; do
	v=$(pv "$out" "${k}_$pid")
	if [ "$(pv "$out" "proc_$pid")" = absent ]; then
		expect_eq ESRCH "$v" "$k($pid) from inside: no such process"
	else
		expect_ne OK "$v" "$k($pid) from inside fails"
	fi
done
expect_eq cs-init "$(pv "$out" pid1)" "PID 1 inside is the sandbox init"
n=$(pv "$out" nprocs)
expect_true "the sandbox's /proc lists only its own processes (${n:-?})" [ "${n:-999}" -lt 20 ]
expect_true "listener still running" kill -0 "$pid"

# Killing PID 1 from inside does nothing (the kernel drops signals to a
# namespace's init that it has no handler for).
out=$(cs_ssh cstest1 -- 'kill -KILL 1; kill -TERM 1; sleep 0.3; cat /proc/1/comm' 2>&1)
expect_eq cs-init "$out" "SIGKILL to PID 1 from inside is ignored"
cs_finish
