#!/bin/bash
# A policy edit takes effect at the next login, without restarting sshd.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

cs_on_exit cs_policy_reset
cs_wait_clean cstest1 || cs_fail "cstest1 not clean before the test"
expect_eq cstest-cstest1 "$(cs_ssh cstest1 -- hostname 2>&1)" "hostname before the edit"
cs_wait_clean cstest1 || cs_fail "cstest1's sandbox not torn down"

cs_policy_text | sed 's/^hostname = cstest-%u$/hostname = edited-%u/' | cs_policy_write
grep -q '^hostname = edited-%u$' "$CS_POLICY" || cs_fail "policy edit did not apply"
expect_eq edited-cstest1 "$(cs_ssh cstest1 -- hostname 2>&1)" "hostname after the edit"
cs_wait_clean cstest1 || cs_fail "cstest1's sandbox not torn down"

cs_policy_reset
expect_eq cstest-cstest1 "$(cs_ssh cstest1 -- hostname 2>&1)" "hostname after restoring the policy"
expect_eq "$CS_SSHD_PID" "$(cat "$CS_SSHD_PIDFILE")" "same sshd all along"
expect_true "sshd still running" kill -0 "$CS_SSHD_PID"
cs_finish
