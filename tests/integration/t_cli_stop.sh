#!/bin/bash
# containsession stop: refuses when nothing runs (exit 1); ends a live
# sandbox with two logins in it — the logins end, and nothing of the user is
# left (no process, registry entry, cgroup or mount); the next login gets a
# fresh sandbox.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

cs_use_cli

user=cstest1
uid=$(id -u $user)
cs_wait_clean $user || cs_fail "$user not clean before the test"

out=$(csc stop $user 2>&1)
expect_eq 1 "$?" "stop with no sandbox running exits 1"
expect_contains "$out" "no sandbox running for $user" "and says so"

cs_hold $user 65 || cs_fail "first login of $user did not start"
first=$CS_HOLD_PID
cs_hold $user 66 || cs_fail "second login of $user did not start"
second=$CS_HOLD_PID
init=$(sed -n 's/^init_pid=//p' "$CS_STATE_DIR/$uid")
expect_true "the sandbox init ($init) runs" kill -0 "$init"

out=$(csc stop $user 2>&1)
expect_eq 0 "$?" "stop exits 0"
expect_eq "stopped sandbox of $user (init pid $init)" "$out" "stop says what it stopped"
# Gone, or a zombie until the host's PID 1 reaps it.
expect_eq "" "$(ps -o stat= -p "$init" | grep -v '^Z')" "the init has exited when stop returns"

for p in $first $second; do
	for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
	expect_false "the login (ssh client $p) ended" kill -0 "$p"
done
cs_release_all
expect_true "nothing of $user left (cs_wait_clean)" cs_wait_clean $user
expect_eq "[]" "$(csc list --json)" "list shows no sandbox"

out=$(cs_ssh $user -- 'id -u; readlink /proc/self/ns/pid' 2>&1)
expect_eq 0 "$(sed -n 1p <<<"$out")" "the next login is sandboxed again"
expect_true "nothing of $user left after it (cs_wait_clean)" cs_wait_clean $user
out=$(csc stop $user 2>&1)
expect_eq 1 "$?" "a second stop finds nothing to stop"
cs_finish
