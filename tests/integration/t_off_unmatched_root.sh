#!/bin/bash
# Users the module must leave alone get a plain login: cstestoff (rule
# "off", although also in @cstestgrp: first match wins), cstestplain (no rule
# matches) and root (uid 0 is never sandboxed). They see their real uid, the
# host's hostname, the host's PID namespace and the full identity uid_map.
# Also runs with CS_NO_MODULE=1 (then it checks the harness' plain logins).
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"

host_name=$(cs_host_hostname)
host_pidns=$(cs_host_pidns)

for user in cstestoff cstestplain root; do
	uid=$(id -u "$user")
	out=$(cs_ssh "$user" -- 'id -u; hostname; readlink /proc/self/ns/pid; cat /proc/self/uid_map') ||
		{ not_ok "$user: login failed (ssh exit $?): $out"; continue; }
	expect_eq "$uid" "$(sed -n 1p <<<"$out")" "$user: id -u is the real uid"
	expect_eq "$host_name" "$(sed -n 2p <<<"$out")" "$user: hostname is the host's"
	expect_eq "$host_pidns" "$(sed -n 3p <<<"$out")" "$user: host PID namespace"
	expect_eq "0 0 4294967295" "$(sed -n '4,$p' <<<"$out" | cs_norm)" "$user: uid_map is the full identity map"
done
cs_finish
