#!/bin/bash
# Fail closed, proven, for network = none: every setns the module makes
# (into the new network namespace and back, the init's spawn into it, the
# post-auth child's fork into it through the pthread_atfork handler) is
# failed in turn. A login either is refused (ssh 254/255) or runs inside
# the sandbox, in its network namespace, never on the host's network. A
# post-auth child that cannot enter the namespace exits before it runs
# anything, which sshd logs as a closed connection, not as a PAM refusal,
# so no syslog line is asked for here (t_fault_* check those elsewhere).
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=tests/lib/fwd.sh
. "$(dirname "$0")/../lib/fwd.sh"
cs_require_sandbox
[ -n "${CS_SSHD_PRELOAD:-}" ] && grep -qF "$CS_SSHD_PRELOAD" "/proc/$CS_SSHD_PID/maps" 2>/dev/null ||
	cs_skip "sshd runs without the fault shim (CS_SSHD_PRELOAD=build/fault/fault.so)"
user=cstest1
fired=$CS_FAULT_CTL.fired
cs_on_exit ': >"$CS_FAULT_CTL"'
cs_fwd_nonet $user
hostnet=$(readlink /proc/self/ns/net)
expect_eq "cstest-$user" "$(cs_ssh $user -- hostname)" "a login without a fault is sandboxed"
cs_wait_clean $user || cs_fail "$user not clean"

n=1 faults=0
while [ $n -le 20 ]; do
	: >"$fired"
	echo "setns $n" >"$CS_FAULT_CTL"
	out=$(cs_ssh $user -- 'echo RAN; hostname; readlink /proc/self/ns/net' 2>&1)
	rc=$?
	cs_wait_sshd_idle 10
	: >"$CS_FAULT_CTL"
	[ -s "$fired" ] || break
	faults=$((faults + 1))
	if grep -qx RAN <<<"$out"; then
		if grep -qx "cstest-$user" <<<"$out" && ! grep -qxF "$hostnet" <<<"$out"; then
			ok "setns #$n: tolerated, the command ran inside, off the host's network"
		else
			not_ok "setns #$n: the command ran OUTSIDE: $(tr '\n' ' ' <<<"$out")"
		fi
	else
		expect_true "setns #$n: login refused (ssh exit $rc)" [ "$rc" = 254 -o "$rc" = 255 ]
	fi
	expect_true "setns #$n: nothing of $user left" cs_wait_clean $user 15
	n=$((n + 1))
done
# Creating a sandbox: back home after making the namespace, the init's
# spawn into it (the post-auth child's own setns counts as the same call
# number in its process as the spawn's, so it is walked below).
expect_true "a new sandbox's setns calls were failed ($faults of them)" [ "$faults" -ge 2 ]

# Joining: the only setns is the post-auth child's, in the atfork handler.
cs_hold $user 60 || cs_fail "login of $user did not start"
: >"$fired"
echo "setns 1" >"$CS_FAULT_CTL"
out=$(cs_ssh $user -- 'echo RAN; readlink /proc/self/ns/net' 2>&1)
rc=$?
: >"$CS_FAULT_CTL"
expect_true "the post-auth child's setns was failed" [ -s "$fired" ]
expect_not_contains "$out" "RAN" "a post-auth child that cannot enter the namespace runs nothing"
expect_true "and the login ends (ssh exit $rc)" [ "$rc" = 254 -o "$rc" = 255 ]
expect_eq "cstest-$user" "$(cs_ssh $user -- hostname)" "the next login joins the held sandbox"
cs_release "$CS_HOLD_PID"
expect_true "nothing of $user left" cs_wait_clean $user 15
cs_finish
