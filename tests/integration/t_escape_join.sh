#!/bin/bash
# Escape suite: one user cannot get into another user's sandbox through the
# helper. cstest1 holds a login; cstest2, on the host, runs the helper's
# join mode against cstest1's init (claiming their own uid, or cstest1's),
# runs the helper as a shell with no session file (it runs nothing), and forges a session
# file in namespaces of their own. Each attempt fails and nothing runs in
# cstest1's PID namespace. Control: the same join as cstest1 gets in.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

helper=${CS_HELPER_USED:-/usr/local/libexec/containsession/containsession-helper}
sessdir=/usr/local/libexec/containsession/session
[ -x "$helper" ] || cs_skip "no helper at $helper"
uid1=$(id -u cstest1) uid2=$(id -u cstest2) gid2=$(id -g cstest2) gid1=$(id -g cstest1)

cs_hold cstest1 90 || cs_fail "cstest1's login did not start"
init=$(sed -n 's/^init_pid=//p' "$CS_STATE_DIR/$uid1")
start=$(sed -n 's/^init_start=//p' "$CS_STATE_DIR/$uid1")
[ -n "$init" ] && [ -n "$start" ] || cs_fail "no init in cstest1's registry entry"

# The joining helper stays, for the whole login, in the host's PID
# namespace with every capability of the sandbox's user namespace and no
# filter, and its vfork child shares its memory until the exec. It is not
# dumpable: nothing of the user's, inside (ptrace of the child, whose pid
# is the next one there) or out, can trace it or write its memory.
for _ in $(seq 50); do sl=$(pgrep -u cstest1 -x sleep | head -1); [ -n "$sl" ] && break; sleep 0.1; done
# Its parent is the helper (exec'd as the user's shell: bound over it),
# outside the sandbox's PID namespace.
hp=$(ps -o ppid= -p "${sl:-0}" | tr -d ' ')
hp=${hp:-0}
hns=$(readlink /proc/"$hp"/ns/pid) sns=$(readlink /proc/"${sl:-0}"/ns/pid)
where=elsewhere
[ "$hp" -gt 1 ] && [ "$hns" = "$(readlink /proc/self/ns/pid)" ] && [ "$hns" != "$sns" ] && where=host
expect_eq host "$where" "the held login's command runs under the joining helper, in the host's PID namespace"
expect_eq 0 "$(stat -c %u /proc/"${hp:-0}"/fd 2>/dev/null)" "the joining helper is not dumpable (its /proc/PID/fd is root's)"
target_ns=$(readlink "/proc/$init/ns/pid")
echo "    cstest1's init: pid $init, $target_ns"

as() { # USER CMD...: run CMD on the host as USER (uid, gid and groups)
	local u=$1
	shift
	setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" --init-groups -- "$@"
}
# The whole description (lib/sessionfile.c takes every key, each once).
desc() {
	printf 'uid=%s\ninit_pid=%s\ninit_start=%s\nnet_none=0\nnetns=0\nseccomp=1\nno_new_privs=1\ncaps=0\ncaps_list=0\n' \
		"$1" "$init" "$start"
}
probe='readlink /proc/self/ns/pid'

out=$(desc "$uid1" | as cstest1 "$helper" join -- /bin/sh -c "$probe" 3<&0 2>&1)
expect_eq "$target_ns" "$out" "control: cstest1 joins its own sandbox through the helper"

out=$(desc "$uid2" | as cstest2 "$helper" join -- /bin/sh -c "$probe" 3<&0 2>&1)
rc=$?
echo "    cstest2 join (own uid): rc $rc: $out"
expect_ne 0 "$rc" "cstest2's join of cstest1's init fails"
expect_not_contains "$out" "$target_ns" "cstest2 ran nothing in cstest1's PID namespace"
# The kernel refuses: EPERM on setns, or EACCES opening the init's user
# namespace (/proc/PID/ns/user, ptrace rules: helper/locked.c).
expect_true "refused by the kernel (EPERM on setns, or EACCES on its namespace)" \
	grep -qE 'Operation not permitted|Permission denied' <<<"$out"

out=$(desc "$uid1" | as cstest2 "$helper" join -- /bin/sh -c "$probe" 3<&0 2>&1)
rc=$?
echo "    cstest2 join (claiming cstest1's uid): rc $rc: $out"
expect_ne 0 "$rc" "cstest2 claiming cstest1's uid is refused"
expect_not_contains "$out" "$target_ns" "nothing ran in cstest1's PID namespace"

# Shell mode with no session file (the host): the helper runs nothing (it
# is no shell, and under its AppArmor profile whatever it ran would start
# with the profile's userns grant).
out=$(as cstest2 "$helper" -c "$probe" 2>&1)
rc=$?
echo "    cstest2 runs the helper as a shell by hand: rc $rc: $out"
expect_eq 126 "$rc" "the helper run by hand as a shell exits 126"
expect_not_contains "$out" "pid:[" "the helper run by hand ran nothing"
expect_contains "$out" "not a sandboxed login" "and says why"

# A forged session file on a tmpfs of cstest2's own, the helper bound over
# a program it then stands in for: uid 0 there passes the ownership checks,
# and the kernel still refuses setns into a user namespace cstest2 does not
# own.
out=$(as cstest2 unshare -Urm sh -c "
	mount -t tmpfs cs $sessdir || exit 9
	printf 'uid=0\ninit_pid=$init\ninit_start=$start\nnet_none=0\nnetns=0\nseccomp=1\nno_new_privs=1\ncaps=0\ncaps_list=0\n' >$sessdir/session
	chmod 0444 $sessdir/session
	mount --bind $helper /usr/bin/env || exit 8
	exec /usr/bin/env -c '$probe'" 2>&1)
rc=$?
echo "    cstest2 forged session file: rc $rc: $out"
expect_true "the forgery itself was set up (rc $rc is not 8 or 9)" [ "$rc" != 8 -a "$rc" != 9 ]
expect_ne 0 "$rc" "forged session file: the join fails"
expect_not_contains "$out" "$target_ns" "forged session file: nothing ran in cstest1's PID namespace"

# From inside cstest2's own sandbox, cstest1's init is not even visible.
out=$(desc 0 | cs_ssh cstest2 -- "/usr/local/libexec/containsession/containsession-helper join -- /bin/sh -c '$probe' 3<&0" 2>&1)
rc=$?
echo "    from cstest2's sandbox: rc $rc: $out"
expect_ne 0 "$rc" "from inside cstest2's sandbox the join fails"
expect_not_contains "$out" "$target_ns" "nothing ran in cstest1's PID namespace"
expect_true "cstest1's init still runs" kill -0 "$init"
cs_release "$CS_HOLD_PID"
cs_finish
