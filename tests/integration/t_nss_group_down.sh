#!/bin/bash
# An NSS source that is down must not make an @group rule miss. cstest3 is
# matched only by "@cstestgrp = default" (the test policy has no '*').
# With the fault shim playing cstestgrp's source down for the module
# (getgrouplist leaves the group out, getgrnam_r says "no such group" or
# fails), the login used to find no rule and run UNSANDBOXED on the host,
# and "@cstestgrp = strict" before "* = default" gave the laxer profile.
# Now the login is refused with one syslog line naming the policy file,
# the rule's line and the group; so are the logins of the users whose rule
# comes after it; the users whose rule comes before it are unaffected.
# With NSS working, cstest3 still lands in the sandbox.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=tests/lib/faultwalk.sh
. "$CS_LIB_DIR/faultwalk.sh"
cs_require_sandbox
cs_fault_prelude

host_ns=$(readlink /proc/self/ns/pid)
line_of() { grep -n -x -F "$1" "$CS_POLICY" | cut -d: -f1; }

# LOGIN USER: run one login with the fault armed (or not); sets out, rc,
# lines (the module's syslog lines of that login).
login() {
	local mark
	mark=$(cs_log_mark)
	out=$(cs_ssh "$1" -- 'echo RAN; hostname; readlink /proc/self/ns/pid' 2>&1)
	rc=$?
	cs_wait_sshd_idle 10
	lines=$(module_lines "$mark")
}

# refused USER WHAT MESSAGE: the login of USER was refused, with exactly
# one syslog line holding MESSAGE.
refused() {
	expect_false "$2: $1's command did not run$(grep -A2 -x RAN <<<"$out" | tr '\n' ' ' | sed 's/^/: /')" grep -qx RAN <<<"$out"
	expect_true "$2: $1's login refused (ssh exit $rc)" [ "$rc" = 254 -o "$rc" = 255 ]
	expect_eq 1 "$(printf '%s\n' "$lines" | grep -c .)" "$2: one syslog line from the module"
	expect_contains "$lines" "refusing session of $1: $3" "$2: the line names file, line and group"
	cs_wait_clean "$1" || not_ok "$2: $1 not clean"
}

sandboxed() { # USER WHAT HOSTNAME
	expect_eq RAN "$(sed -n 1p <<<"$out")" "$2: $1's login works (ssh exit $rc)"
	expect_eq "$3" "$(sed -n 2p <<<"$out")" "$2: $1 has the profile's hostname"
	expect_ne "$host_ns" "$(sed -n 3p <<<"$out")" "$2: $1 is not in the host's PID namespace"
	cs_wait_clean "$1" || not_ok "$2: $1 not clean"
}

n=$(line_of "@cstestgrp = default")
expect_true "the test policy has @cstestgrp at a line" [ -n "$n" ]

disarm
login cstest3
sandboxed cstest3 "NSS up" cstest-cstest3

# ERRNO 2: "no such group", what glibc answers when sssd's socket is gone.
: >"$fired"
echo "group 1+ 2 cstestgrp" >"$CS_FAULT_CTL"
login cstest3
disarm
expect_true "the shim played cstestgrp's source down" [ -s "$fired" ]
refused cstest3 "source down" \
	"$CS_POLICY:$n: rule '@cstestgrp': NSS has no group 'cstestgrp' (no such group, or its source is down), so it cannot tell whether cstest3 is in it"

# A lookup that fails outright (EIO).
echo "group 1+ 5 cstestgrp" >"$CS_FAULT_CTL"
login cstest3
disarm
refused cstest3 "lookup error" "$CS_POLICY:$n: rule '@cstestgrp': look up group 'cstestgrp': Input/output error"

# cstest1's own rule comes after @cstestgrp: refused as well (any rule
# after it could be laxer than the one missed). cstestoff's "off" comes
# before it: a plain login, the group never asked about.
echo "group 1+ 2 cstestgrp" >"$CS_FAULT_CTL"
login cstest1
refused cstest1 "rule after the group's" "$CS_POLICY:$n: rule '@cstestgrp': NSS has no group"
: >"$fired"
login cstestoff
disarm
expect_eq RAN "$(sed -n 1p <<<"$out")" "rule before the group's: cstestoff logs in (ssh exit $rc)"
expect_eq "$host_ns" "$(sed -n 3p <<<"$out")" "cstestoff's 'off' login is a plain one"

# The stricter profile first, a laxer '*' after it: down gives neither.
{
	cs_policy_text | sed '/^\[rules\]/,$d'
	printf '[profile strict]\ninherit = default\nhostname = strict-%%u\n\n'
	printf '[rules]\n@cstestgrp = strict\n* = default\n'
} | cs_policy_write
n=$(line_of "@cstestgrp = strict")
login cstest3
sandboxed cstest3 "strict, NSS up" strict-cstest3
echo "group 1+ 2 cstestgrp" >"$CS_FAULT_CTL"
login cstest3
disarm
refused cstest3 "strict, source down" "$CS_POLICY:$n: rule '@cstestgrp': NSS has no group 'cstestgrp'"
cs_finish
