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
# Its registry entry is there before its session's processes are, so the
# base is taken once the count has held for a second.
base=-1
for _ in $(seq 50); do
	b=$(cs__descendants "$CS_SSHD_PID" | wc -l)
	[ "$b" = "$base" ] && break
	base=$b
	sleep 1
done
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

# CPU, not system calls: perf with call graphs over every CPU while one
# kind logs in CB_PERF_N times, then sshd's samples by where they were
# (bench/pamperf.py), as ms of CPU per login. Where perf cannot sample (no
# linux-perf, or perf_event_paranoid), skipped.
m=${CB_PERF_N:-30}
if command -v perf >/dev/null && perf record -q -e cpu-clock -o "$CS_T/perf-probe" true 2>/dev/null; then
	hz=2000
	for k in unsandboxed:$plain joining:$hot created:$cold; do
		kind=${k%%:*} user=${k#*:}
		perf record -q -a -g -e cpu-clock -F $hz -o "$CS_T/perf-$kind" 2>/dev/null &
		pp=$!
		sleep 0.5
		for _ in $(seq "$m"); do
			$ssh_cmd "$user@$CS_HOST" true || cb_die "login of $user failed"
			settle || cb_log "connection of $user still running"
			if [ "$kind" = created ]; then
				for _ in $(seq 500); do [ -e "$CS_STATE_DIR/$cold_uid" ] || break; sleep 0.01; done
			fi
		done
		kill -INT $pp
		wait $pp 2>/dev/null
	done
	echo
	echo "### CPU of sshd per login (perf record -a -g, cpu-clock at $hz Hz, $m logins per kind)"
	echo
	echo "ms of CPU per login in sshd's processes (all of them: [priv], [net], the session's child until it execs),"
	echo "by where it was spent: a library (the module is pam_containsession.so) or the system call it was in; the rows"
	echo "where the kinds differ most first. Includes the ssh handshake's crypto, which is the same for every kind."
	echo
	for kind in unsandboxed joining created; do
		perf script -i "$CS_T/perf-$kind" -F comm,ip,sym,dso 2>/dev/null >"$CS_T/perf-$kind.txt"
	done
	python3 "$CB_DIR/pamperf.py" $hz "$m" unsandboxed="$CS_T/perf-unsandboxed.txt" \
		joining="$CS_T/perf-joining.txt" created="$CS_T/perf-created.txt"
else
	cb_log "perf cannot sample here: CPU profile skipped"
fi
