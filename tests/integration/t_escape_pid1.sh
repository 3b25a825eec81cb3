#!/bin/bash
# Escape suite: the sandbox's PID 1 (the reaper) is no way around a
# session's confinement. It holds no capability (none effective, permitted,
# inheritable, ambient or in its bounding set), has no_new_privs and the
# default seccomp filter, and keeps only fds 0-2. It is not dumpable: a
# login with the default capabilities cannot attach to it at all. A login
# with capabilities = all (CAP_SYS_PTRACE in the sandbox's user namespace)
# can attach, and a keyctl it makes PID 1 run is refused by PID 1's own
# filter, as it is in the login (before, PID 1 had no filter and ran it).
# Afterwards the sandbox still works: a second login joins it and PID 1
# still reaps orphans.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=tests/lib/escape.sh
. "$CS_LIB_DIR/escape.sh"
cs_require_sandbox

# cstest1: every capability; cstest2: the default set (profile tmpfshome).
cs_policy_text | sed 's/^\[rules\]$/[profile allcaps]\ninherit = default\ncapabilities = all\n\n[rules]/;
	s/^cstest1 = default$/cstest1 = allcaps/' | cs_policy_write
grep -qx 'cstest1 = allcaps' "$CS_POLICY" || cs_fail "policy edit did not apply"

pid1_confined() { # LABEL OUTPUT: PID 1 as seen from that login
	local k
	for k in CapEff CapPrm CapInh CapAmb CapBnd; do
		expect_eq 0000000000000000 "$(pv "$2" "pid1_$k")" "$1: PID 1's $k is empty"
	done
	expect_eq 1 "$(pv "$2" pid1_NoNewPrivs)" "$1: PID 1 has no_new_privs"
	expect_eq 2 "$(pv "$2" pid1_Seccomp)" "$1: PID 1 has a seccomp filter"
}

out=$(cs_probe cstest2 -- pid1 2>&1)
printf '%s\n' "$out" | sed 's/^/    default caps: /'
pid1_confined "default caps" "$out"
x86=$([ "$(uname -m)" = x86_64 ] && echo 1)
# The probe's syscall numbers and registers are x86_64's.
[ -z "$x86" ] || expect_eq EPERM "$(pv "$out" pid1_attach)" "default caps: the login cannot attach to PID 1"

out=$(cs_probe cstest1 -- pid1 2>&1)
printf '%s\n' "$out" | sed 's/^/    all caps: /'
pid1_confined "all caps" "$out"
expect_eq 0,1,2 "$(pv "$out" pid1_fds)" "all caps: PID 1 holds nothing but fds 0-2"
if [ -n "$x86" ]; then
	expect_eq EPERM "$(pv "$out" self_keyctl)" "control, all caps: the login's own keyctl is filtered"
	expect_eq OK "$(pv "$out" pid1_attach)" "all caps: CAP_SYS_PTRACE of the sandbox attaches to PID 1"
	expect_eq EPERM "$(pv "$out" pid1_keyctl)" "all caps: a keyctl run in PID 1 is refused by its filter"
fi

# Still a working sandbox: a second login joins the held one's (sees its
# sleep), PID 1 is the reaper and reaps an orphan.
cs_hold cstest1 60 || cs_fail "cstest1's login did not start"
out=$(cs_ssh cstest1 -- '(sleep 0.3 &); sleep 1.5; ps -e -o pid=,stat=,args=') ||
	cs_fail "second login failed (ssh exit $?): $out"
printf '%s\n' "$out" | sed 's/^/    second login: /'
expect_contains "$out" "sleep 60" "the second login joined the held login's sandbox"
expect_eq cs-init "$(awk '$1 == 1 { print $3 }' <<<"$out")" "PID 1 is still the reaper"
expect_not_contains "$out" "defunct" "PID 1 reaped the orphan"
cs_release "$CS_HOLD_PID"
cs_finish
