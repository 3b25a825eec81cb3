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
	# Inside, the map names the real uid (the user namespace the mounts
	# were built in maps the user to itself; helper/locked.c nests the
	# login's below it).
	expect_eq "0 $uid 1" "$(sed -n '3,$p' <<<"$out" | cs_norm)" "$user: uid_map inside maps 0 to the real uid only"
	# Seen from the host, a process of the login maps 0 to the real uid
	# and nothing else.
	cs_hold "$user" 30 || { not_ok "$user: held login did not start"; continue; }
	pid=$(pgrep -u "$uid" -x sleep | head -n 1)
	expect_eq "0 $uid 1" "$(cs_norm <"/proc/$pid/uid_map")" "$user: uid_map seen from the host maps 0 to the real uid only"
	cs_release "$CS_HOLD_PID"
	cs_wait_clean "$user"
done
cs_finish
