#!/bin/bash
# The profile key lifetime, with real tmux and real logins:
#   processes: a detached tmux outlives the last logout; the next login is in
#     the same PID namespace and finds the tmux session; once tmux is gone
#     (tmux kill-server) gc ends the sandbox and leaves nothing.
#   6s: a nohup job survives the logout, a login within the grace rejoins it
#     (same PID namespace, the job still runs); list shows when it ends; gc
#     before the grace is over leaves it, after the grace ends it; a login
#     that finds a grace over ends the old sandbox and gets a new one.
#   logout (the default) is covered by t_pty_inside: tmux ends with the last
#     logout.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox
command -v tmux >/dev/null || cs_skip "tmux is not installed (make deps-test)"

cs_use_cli

uid=$(id -u cstest1)
cs_wait_clean cstest1 || cs_fail "cstest1 not clean before the test"
# Whatever happens, nothing of the kept sandboxes outlives the test.
cs_on_exit 'csc stop cstest1 >/dev/null 2>&1; csc gc >/dev/null 2>&1; cs_policy_reset'

set_lifetime() {
	cs_policy_text | sed "s/^pids.max = 64\$/pids.max = 64\nlifetime = $1/" | cs_policy_write
	grep -qx "lifetime = $1" "$CS_POLICY" || cs_fail "policy edit did not apply"
}
json_field() { # FIELD: of cstest1's object in list --json
	csc list --json | python3 -c "import json,sys; print([o.get('$1') for o in json.load(sys.stdin) if o['user'] == 'cstest1'])"
}
# gc_until_ended SECS: run gc until it ends cstest1's sandbox
gc_until_ended() {
	local out
	for _ in $(seq $(($1 * 5))); do
		out=$(csc gc)
		if grep -q "ended sandbox of cstest1" <<<"$out"; then echo "$out"; return 0; fi
		sleep 0.2
	done
	return 1
}

# ---- lifetime = processes ------------------------------------------------
set_lifetime processes
ns1=$(cs_ssh cstest1 -- 'tmux new -d -s keep "sleep 600" && readlink /proc/self/ns/pid' </dev/null)
echo "    processes: first login in $ns1"
sleep 1
expect_true "processes: the registry entry stays after the logout" test -e "$CS_STATE_DIR/$uid"
expect_eq "['processes']" "$(json_field lifetime)" "processes: list shows the lifetime"
expect_eq "[0]" "$(json_field sessions)" "processes: no login open"
out=$(csc gc)
expect_not_contains "$out" cstest1 "processes: gc leaves it while tmux runs"
out=$(cs_ssh cstest1 -- 'readlink /proc/self/ns/pid; tmux has-session -t keep && echo has-session; tmux list-sessions -F "session #{session_name}"' </dev/null 2>&1)
printf '%s\n' "$out" | sed 's/^/    processes, second login: /'
expect_eq "$ns1" "$(sed -n 1p <<<"$out")" "processes: the next login is in the same PID namespace"
expect_contains "$out" has-session "processes: tmux has-session finds the session"
expect_contains "$out" "session keep" "processes: tmux list-sessions lists it"
sleep 1
expect_true "processes: still there after the second logout" test -e "$CS_STATE_DIR/$uid"
out=$(csc enter cstest1 tmux kill-server </dev/null 2>&1)
expect_eq 0 "$?" "processes: tmux kill-server (through containsession enter) $out"
out=$(gc_until_ended 10)
printf '%s\n' "$out" | sed 's/^/    gc: /'
expect_contains "$out" "no process but its init is left" "processes: gc ends it once tmux is gone"
expect_true "processes: gc leaves nothing" cs_wait_clean cstest1 10

# ---- lifetime = 6s ------------------------------------------------------
set_lifetime 6s
ns1=$(cs_ssh cstest1 -- 'nohup sleep 600 >/dev/null 2>&1 & readlink /proc/self/ns/pid' </dev/null)
echo "    6s: first login in $ns1"
sleep 1
expect_eq "['6s']" "$(json_field lifetime)" "6s: list shows the lifetime"
ends=$(json_field ends_at | tr -d '[]')
now=$(date +%s)
expect_true "6s: list says it ends in the next 6 s (ends_at $ends, now $now)" \
	test "$ends" -gt "$now" -a "$ends" -le $((now + 6))
out=$(cs_ssh cstest1 -- 'readlink /proc/self/ns/pid; ps -eo args | grep -x "sleep 600"' </dev/null 2>&1)
printf '%s\n' "$out" | sed 's/^/    6s, login within the grace: /'
expect_eq "$ns1" "$(sed -n 1p <<<"$out")" "6s: a login within the grace rejoins the same PID namespace"
expect_contains "$out" "sleep 600" "6s: the nohup job survived the logout"
sleep 1
out=$(csc gc)
expect_not_contains "$out" cstest1 "6s: gc within the grace leaves it"
expect_true "6s: the entry is there during the grace" test -e "$CS_STATE_DIR/$uid"
sleep 6
out=$(gc_until_ended 5)
printf '%s\n' "$out" | sed 's/^/    gc: /'
expect_contains "$out" "grace after the last logout is over" "6s: after the grace gc ends it"
expect_true "6s: gc leaves nothing" cs_wait_clean cstest1 10

# A login that finds the grace over ends the old sandbox itself.
# (The sandbox is told by its init's pid and start time: a PID namespace's
# inode number may be reused once the old one is gone.)
# The entry is read without the module's lock, and the client returns
# before sshd's close_session has rewritten it (truncate, then one write):
# a read in between finds it empty. So: two equal reads with both keys,
# within 5 s.
init_of() {
	local a='' b
	for _ in $(seq 50); do
		b=$(grep -E '^init_(pid|start)=' "$CS_STATE_DIR/$uid" 2>/dev/null | paste -sd' ')
		case $b in *init_pid=*init_start=*) [ "$a" = "$b" ] && break ;; esac
		a=$b b=''
		sleep 0.1
	done
	echo "$b"
}
cs_ssh cstest1 -- true </dev/null
i1=$(init_of)
sleep 7
i2=$(cs_ssh cstest1 -- true </dev/null; init_of)
expect_true "6s: a login after the grace gets a new sandbox ($i1, then $i2)" \
	test -n "$i1" -a -n "$i2" -a "$i1" != "$i2"
sleep 7
out=$(gc_until_ended 5)
expect_contains "$out" "grace" "6s: gc ends the second one too"
expect_true "nothing left" cs_wait_clean cstest1 10
cs_finish
