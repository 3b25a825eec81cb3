#!/bin/bash
#
# bench/pam.sh — where a login's time goes inside sshd (issue 16), without
# wall clocks: strace -f -k -T on the listening sshd for one `ssh host true`
# at a time, every system call attributed to the module's function it came
# from (by its stack: strace -k), summed per login. Kinds: a sandboxed user
# whose sandbox is running (another login holds it: the join), one whose
# login creates the sandbox (and whose logout tears it down), and an
# unsandboxed user (rule "off": the module reads the policy and returns).
# What is counted is the kernel's time in each call as strace sees it (-T):
# a write to cgroup.procs that waits for an RCU grace period shows as what
# it is however loaded the machine, while strace's own cost per call (tens
# of µs under -k) inflates the many cheap calls alike in every kind.
#
# Env: CB_PAM_N logins per kind (default 5; medians over them).
set -u -o pipefail
. "$(dirname "$0")/lib.sh"

n=${CB_PAM_N:-5}
command -v strace >/dev/null || { cb_log "no strace: skipped"; exit 0; }
CB_PLAIN_USERS=cstestplain
cb_setup
hot=cstestb1 cold=cstestb2 plain=cstestplain
for u in $hot $cold $plain; do cb_user $u; done
cold_uid=$(id -u $cold)
ssh_cmd=$(cs_ssh_cmd)
[ "$(cs_ssh $hot -- hostname)" = "sb-$hot" ] || cb_die "$hot is not sandboxed"
[ "$(cs_ssh $plain -- hostname)" = "$(hostname)" ] || cb_die "$plain is sandboxed"
cs_wait_clean $hot 10 || cb_die "$hot not clean"
(cs_ssh_exec $hot -- exec sleep 3600) </dev/null >/dev/null 2>&1 &
hold=$!
CB_CLEANUP_HOOK="kill $hold 2>/dev/null; wait $hold 2>/dev/null"
for _ in $(seq 100); do [ -e "$CS_STATE_DIR/$(id -u $hot)" ] && break; sleep 0.1; done
[ -e "$CS_STATE_DIR/$(id -u $hot)" ] || cb_die "holding login of $hot did not start"

# The hold's own sshd processes stay: wait for the count to drop back.
base=$(cs__descendants "$CS_SSHD_PID" | wc -l)
settle() {
	for _ in $(seq 300); do
		[ "$(cs__descendants "$CS_SSHD_PID" | wc -l)" -le "$base" ] && return 0
		sleep 0.02
	done
	return 1
}

trace() { # KIND USER I [STRACE-OPTION...]
	local out=$CS_T/pam-$1-$3 user=$2 kind=$1 sp
	shift 3
	strace -f -T -tt -qq "$@" -o "$out" -p "$CS_SSHD_PID" 2>/dev/null &
	sp=$!
	for _ in $(seq 250); do
		[ "$(awk '/^TracerPid:/ { print $2 }' "/proc/$CS_SSHD_PID/status")" != 0 ] && break
		sleep 0.02
	done
	$ssh_cmd "$user@$CS_HOST" true || cb_die "login of $user failed"
	settle || cb_log "connection of $user still running"
	kill -INT $sp 2>/dev/null
	wait $sp 2>/dev/null
	if [ "$kind" = created ]; then
		for _ in $(seq 500); do [ -e "$CS_STATE_DIR/$cold_uid" ] || break; sleep 0.01; done
	fi
}
$ssh_cmd $plain@$CS_HOST true; $ssh_cmd $hot@$CS_HOST true
# One login per kind with stacks (-k: which function made each call; slow
# to trace), then CB_PAM_N without (the times). The module's calls are the
# same sequence in every login of a kind: the timed traces are aligned to
# the one with stacks call by call.
cb_log "strace: 1 login per kind with stacks, $n without"
for k in unsandboxed:$plain joining:$hot created:$cold; do trace "${k%%:*}" "${k#*:}" k -k; done
for i in $(seq "$n"); do
	trace unsandboxed $plain "$i"
	trace joining $hot "$i"
	trace created $cold "$i"
done

python3 "$CB_DIR/pamprof.py" "$CS_T" "$n"
