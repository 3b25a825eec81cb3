#!/bin/bash
# Concurrent logins of one user share one sandbox: a second login sees the
# first one's processes.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

cs_hold cstest1 31 || cs_fail "first login (sleep 31) did not start"
out=$(cs_ssh cstest1 -- 'id -u; ps -e -o args=') || cs_fail "second login failed: $out"
expect_eq 0 "$(sed -n 1p <<<"$out")" "second login is inside the sandbox"
expect_true "second login sees the first one's 'sleep 31'" grep -qx 'sleep 31' <<<"$out"
cs_release "$CS_HOLD_PID"
cs_finish
