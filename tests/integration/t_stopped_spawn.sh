#!/bin/bash
# A stopped helper cannot hang root. The fault shim stops the child the
# module forks for the sandbox init (SIGSTOP, as a process of the user's
# outside the sandbox can stop the helper that runs as them): the login is
# refused within the module's bound (15 s for the report, then the child
# is killed and reaped) with a log line that says the helper is stopped,
# and meanwhile, while that login holds the user's registry lock,
# `containsession list` still answers within seconds.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox
[ -n "${CS_SSHD_PRELOAD:-}" ] && grep -qF "$CS_SSHD_PRELOAD" "/proc/$CS_SSHD_PID/maps" 2>/dev/null ||
	cs_skip "sshd runs without the fault shim (CS_SSHD_PRELOAD=build/fault/fault.so; make check-integration sets it)"

cs_use_cli

user=cstest1
uid=$(id -u $user)
cs_wait_clean $user || cs_fail "$user not clean before the test"
disarm() { : >"$CS_FAULT_CTL"; }
cs_on_exit disarm
: >"$CS_FAULT_CTL.fired"

mark=$(cs_log_mark)
start=$(date +%s)
echo "stopfork 1" >"$CS_FAULT_CTL"
(
	cs__ssh_argv $user -- echo inside
	timeout 60 "${CS__ARGV[@]}" </dev/null >"$CS_TT/ssh.out" 2>&1
	echo $? >"$CS_TT/ssh.rc"
) &
bg=$!
for _ in $(seq 100); do
	grep -q '^stopfork' "$CS_FAULT_CTL.fired" && break
	sleep 0.1
done
disarm
expect_true "the module's fork for the init was stopped" grep -q '^stopfork' "$CS_FAULT_CTL.fired"
sleep 1
expect_true "the login holds $user's registry entry meanwhile" [ -e "$CS_STATE_DIR/$uid" ]

t0=$(date +%s%N)
out=$(timeout 20 "$cli" --conf "$CS_POLICY" --confdir "$CS_POLICY_DIR" list 2>&1)
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
expect_eq 0 "$rc" "list answers while a login of $user is held up ($out)"
expect_true "within 5 s (took $ms ms)" [ "$ms" -lt 5000 ]
expect_contains "$out" "registry entry $uid" "and names the busy entry"

wait "$bg"
rc=$(cat "$CS_TT/ssh.rc" 2>/dev/null)
took=$(($(date +%s) - start))
case $rc in 254 | 255) ok "the login was refused (ssh exit $rc)" ;;
*) not_ok "the login was refused: ssh exit '$rc' (124: still hanging after 60 s): $(cat "$CS_TT/ssh.out")" ;; esac
expect_false "the command did not run" grep -qx inside "$CS_TT/ssh.out"
expect_true "within the bound (took $took s, at most 30)" [ "$took" -le 30 ]
line=$(cs_wait_log "$mark" "refusing session of $user")
expect_contains "$line" "is stopped" "the log line says the helper is stopped: $line"
expect_true "nothing of $user left" cs_wait_clean $user
expect_eq ok "$(cs_ssh $user -- echo ok 2>&1)" "the next login works"
expect_true "nothing of $user left afterwards" cs_wait_clean $user
cs_finish
