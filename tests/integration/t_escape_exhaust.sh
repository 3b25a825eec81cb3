#!/bin/bash
# Escape suite: exhausting memory or pids inside takes down nothing outside.
# With a second login of the same user held open:
#  - a memory hog (far beyond memory.max = 256M) is OOM-killed inside the
#    sandbox; the listener and the held login's sshd processes live on;
#  - a fork bomb stops at pids.max (EAGAIN); `kill -KILL -1` inside then
#    kills every process of the sandbox but its init, which ends the held
#    login cleanly; the listener lives on and the next login works.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=tests/lib/escape.sh
. "$CS_LIB_DIR/escape.sh"
cs_require_sandbox
cs_cgroup_has_controller memory || cs_skip "no memory cgroup controller below sshd's cgroup"
cs_cgroup_has_controller pids || cs_skip "no pids cgroup controller below sshd's cgroup"

user=cstest1
uid=$(id -u $user)
sshd_procs() { # the sshd processes serving logins (descendants of the listener)
	local p
	for p in $(cs__descendants "$CS_SSHD_PID"); do
		case $(ps -o comm= -p "$p" 2>/dev/null) in sshd*) echo "$p" ;; esac
	done
}

cs_hold $user 120 || cs_fail "login did not start"
hold=$CS_HOLD_PID
held_sshd=$(sshd_procs | paste -sd' ' -)
echo "    held login's sshd processes: $held_sshd"
[ -n "$held_sshd" ] || cs_fail "no sshd process found for the held login"

# ---- memory
mem_file=$(cs_user_limit_file "$uid" memory)
out=$(cs_probe $user -- hog 1024 2>&1)
rc=$?
echo "    hog: exit $rc, last: $(printf '%s\n' "$out" | tail -n 1)"
expect_not_contains "$out" "hog survived" "the 1 GiB hog does not get its memory"
expect_eq 137 "$rc" "the hog was killed by SIGKILL (OOM killer)"
mb=$(pv "$out" allocated_mb)
expect_true "the hog got some way first (${mb:-0} MB)" [ "${mb:-0}" -gt 0 ]
if [ -n "$mem_file" ]; then
	d=${mem_file%/*}
	n=$( (grep -h '^oom_kill ' "$d/memory.oom_control" "$d/memory.events" 2>/dev/null || echo "oom_kill 0") | awk '{ s += $2 } END { print s + 0 }')
	expect_true "the kill was an OOM kill in user-$uid ($n)" [ "$n" -gt 0 ]
fi
expect_true "the listener survives the hog" kill -0 "$CS_SSHD_PID"
for p in $held_sshd; do expect_true "held login's sshd $p survives the hog" kill -0 "$p"; done
expect_true "the held login's client is still connected" kill -0 "$hold"
expect_eq ok "$(cs_ssh $user -- echo ok 2>&1)" "a new login works after the hog"

# ---- pids
out=$(cs_probe $user -- forkbomb 2 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/    forkbomb: /'
expect_eq EAGAIN "$(pv "$out" fork_error)" "the fork bomb hits EAGAIN (pids.max)"
n=$(pv "$out" procs_during)
expect_true "processes inside stayed within pids.max = 64 (${n:-?})" [ "${n:-999}" -le 64 ]
expect_eq OK "$(pv "$out" kill_all)" "kill -KILL -1 inside"
n=$(pv "$out" procs_after)
expect_eq 1 "${n:-?}" "afterwards only the init is left (besides the killer)"
# kill -1 spares only the caller and PID 1: the shell that ran the probe
# dies too, and ssh reports that with 255.
expect_true "the bomb's own login ended (ssh exit $rc)" [ "$rc" = 0 -o "$rc" = 255 ]
for _ in $(seq 50); do kill -0 "$hold" 2>/dev/null || break; sleep 0.2; done
expect_false "the held login ended (its shell was killed)" kill -0 "$hold"
cs_release "$hold"
expect_true "the listener survives" kill -0 "$CS_SSHD_PID"
expect_true "everything of $user is cleaned up" cs_wait_clean $user 15
expect_eq ok "$(cs_ssh $user -- echo ok 2>&1)" "the next login works"
cs_finish
