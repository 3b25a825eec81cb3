#!/bin/bash
# When the last login ends, the sandbox goes away entirely: no process, no
# mount, no cgroup, no registry entry ($CS_STATE_DIR/<uid>). A persistent
# overlay home (cstest1) keeps its files across teardown; an overlay-tmpfs
# home (cstest2) starts empty again.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

tag=$$-$RANDOM
for user in cstest1 cstest2; do
	uid=$(id -u "$user")
	cs_wait_clean "$user" || cs_fail "$user not clean before the test"

	cs_hold "$user" 32 || cs_fail "$user: login did not start"
	expect_true "$user: registry entry $CS_STATE_DIR/$uid exists while logged in" [ -e "$CS_STATE_DIR/$uid" ]
	n=0
	while IFS=$'\t' read -r _ dir; do [ -d "$dir" ] && n=$((n + 1)); done < <(cs_user_cgroup_dirs "$uid")
	expect_true "$user: cgroup user-$uid exists while logged in ($n hierarchies)" [ "$n" -gt 0 ]
	out=$(cs_ssh "$user" -- "echo $tag > ~/teardown.txt && cat ~/teardown.txt")
	expect_eq "$tag" "$out" "$user: file written in the home"
	cs_release "$CS_HOLD_PID"

	expect_true "$user: nothing left after the last login (cs_wait_clean)" cs_wait_clean "$user"
done

out=$(cs_ssh cstest1 -- 'cat ~/teardown.txt' 2>&1)
expect_eq "$tag" "$out" "cstest1 (overlay): file persists across teardown"
out=$(cs_ssh cstest2 -- 'id -u; cat ~/teardown.txt 2>/dev/null || echo ABSENT' 2>&1)
expect_eq "0
ABSENT" "$out" "cstest2 (overlay-tmpfs): file gone after teardown"
expect_false "cstest1's file is not in the real home" [ -e /home/cstest1/teardown.txt ]
expect_false "cstest2's file is not in the real home" [ -e /home/cstest2/teardown.txt ]
cs_finish
