#!/bin/bash
# Inside the sandbox the user is uid 0, mapped to the real uid and nothing
# else, under the profile's hostname. cstest1 is named by a user rule,
# cstest3 only through @cstestgrp.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

for user in cstest1 cstest3; do
	uid=$(id -u "$user")
	out=$(cs_ssh "$user" -- 'id -u; hostname; cat /proc/self/uid_map') ||
		{ not_ok "$user: login failed (ssh exit $?): $out"; continue; }
	expect_eq 0 "$(sed -n 1p <<<"$out")" "$user: id -u is 0"
	expect_eq "cstest-$user" "$(sed -n 2p <<<"$out")" "$user: hostname from the profile"
	expect_eq "0 $uid 1" "$(sed -n '3,$p' <<<"$out" | cs_norm)" "$user: uid_map maps 0 to the real uid only"
done
cs_finish
