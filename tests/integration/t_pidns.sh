#!/bin/bash
# ps inside the sandbox lists only the sandbox: PID 1 is the sandbox's init
# (the helper's init, become the lean reaper), no host process (sshd, the
# runner) is visible; orphans that exit are reaped by PID 1.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

out=$(cs_ssh cstest1 -- 'ps -e -o pid=,args=') || cs_fail "login failed (ssh exit $?): $out"
printf '%s\n' "$out" | sed 's/^/    ps: /'
init=$(awk '$1 == 1 { $1 = ""; sub(/^ /, ""); print; exit }' <<<"$out")
first=${init%% *}
expect_eq cs-init "${first##*/}" "PID 1 is the sandbox init ($init)"
n=$(grep -c . <<<"$out")
expect_true "fewer than 10 processes visible ($n)" [ "$n" -lt 10 ]
expect_true "ps works at all (at least PID 1 and ps)" [ "$n" -ge 2 ]
expect_not_contains "$out" "$CS_SSHD_CONFIG" "sshd listener (pid $CS_SSHD_PID on the host) not visible"
expect_not_contains "$out" "sshd" "no sshd process visible"
expect_not_contains "$out" "tests/integration/run" "the test runner not visible"

# An orphan (its parent exits at once) that then exits must not stay a
# zombie: PID 1 reaps it. PID 1 is the lean reaper by then (its exe link is
# not readable from inside): a few pages, where the helper's init was 700+ KiB.
out=$(cs_ssh cstest1 -- '(sleep 0.3 &); sleep 1.5; ps -e -o stat=,args=; grep VmRSS /proc/1/status') ||
	cs_fail "login failed (ssh exit $?): $out"
printf '%s\n' "$out" | sed 's/^/    after an orphan exited: /'
expect_not_contains "$out" "defunct" "no zombie left: PID 1 reaped the orphan"
rss=$(awk '/^VmRSS:/ { print $2 }' <<<"$out")
expect_true "PID 1 is the lean reaper: VmRSS ${rss:-?} KiB <= 512" [ "${rss:-99999}" -le 512 ]
cs_finish
