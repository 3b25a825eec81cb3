#!/bin/bash
# A policy that does not parse refuses the sessions the module handles (the
# command never runs), lets root in, and the log names FILE:LINE.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

cs_on_exit cs_policy_reset
mark=$(cs_log_mark)
# Line 3 is the unknown key.
cs_policy_text | sed '3i no_such_key = 1' | cs_policy_write
expect_eq no_such_key "$(sed -n '3s/ .*//p' "$CS_POLICY")" "policy line 3 is the unknown key"

marker=ran-$$-$RANDOM
out=$(cs_ssh cstest1 -- "echo $marker" 2>&1)
rc=$?
expect_ne 0 "$rc" "cstest1's login is refused (ssh exit $rc)"
expect_not_contains "$out" "$marker" "cstest1's command did not run"
out=$(cs_ssh root -- "echo $marker" 2>&1)
expect_eq "$marker" "$out" "root still gets in"

if line=$(cs_wait_log "$mark" -F "$CS_POLICY:3"); then
	ok "the log names $CS_POLICY:3: $line"
elif [ -z "${CS_SYSLOG:-}" ] && [ ! -S /dev/log ]; then
	cs_skip "refusal checked, but this host has no syslog to read the FILE:LINE message from"
else
	not_ok "no log line names $CS_POLICY:3; logs since the edit:"
	cs_logs "$mark" | tail -n 30 | sed 's/^/    | /'
fi
cs_finish
