#!/bin/bash
# ps inside the sandbox lists only the sandbox: PID 1 is the helper's init,
# no host process (sshd, the runner) is visible.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

out=$(cs_ssh cstest1 -- 'ps -e -o pid=,args=') || cs_fail "login failed (ssh exit $?): $out"
printf '%s\n' "$out" | sed 's/^/    ps: /'
init=$(awk '$1 == 1 { $1 = ""; sub(/^ /, ""); print; exit }' <<<"$out")
first=${init%% *}
expect_eq containsession-helper "${first##*/}" "PID 1 is containsession-helper ($init)"
n=$(grep -c . <<<"$out")
expect_true "fewer than 10 processes visible ($n)" [ "$n" -lt 10 ]
expect_true "ps works at all (at least PID 1 and ps)" [ "$n" -ge 2 ]
expect_not_contains "$out" "$CS_SSHD_CONFIG" "sshd listener (pid $CS_SSHD_PID on the host) not visible"
expect_not_contains "$out" "sshd" "no sshd process visible"
expect_not_contains "$out" "tests/integration/run" "the test runner not visible"
cs_finish
