#!/bin/bash
# Issue 13 item 1: the host replaces the user's login shell (a package
# upgrade: a new file renamed over it; or unlinked and created again) while
# a ControlMaster connection stays open. sshd's post-auth child execs the
# shell anew for every channel; the kernel detaches every mount on a
# replaced file, so a helper bound over the shell file itself stops
# intercepting and the next channel runs the real shell on the host. Every
# later channel must be sandboxed (uid 0, the sandbox's hostname) or
# refused, never the plain user.
#
# The login shell is a root-owned copy of bash made for this test, never
# the host's own: replacing /bin/bash here would upgrade the machine.
# /usr/local/libexec also holds the module's session directory, so the
# session namespace's mount on the shell's directory covers it (the case a
# shell next to the helper's directory makes).
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

shell=/usr/local/libexec/cstest-sh
[ -d /usr/local/libexec ] || cs_skip "no /usr/local/libexec (make install makes it)"
[ -e "$shell" ] && cs_fail "$shell exists (left over from an interrupted run?)"
install -o root -g root -m 0755 /bin/bash "$shell" || cs_fail "cannot make $shell"
cs_on_exit "rm -f '$shell' '$shell.new'"
usermod -s "$shell" cstest1 || cs_fail "usermod -s $shell cstest1"
cs_on_exit "usermod -s /bin/bash cstest1"
uid=$(id -u cstest1)
want="0 cstest-cstest1"
probe='echo "$(id -u) $(hostname)"'

# check WHAT: a new channel is sandboxed (want), or refused (no output of a
# plain shell: not the real uid, not the host's hostname).
check() {
	local out rc
	out=$(cs_channel cstest1 "$probe" 2>&1)
	rc=$?
	echo "    $1: rc $rc: $out"
	if [ "$rc" = 0 ] && [ "$out" = "$want" ]; then
		ok "$1: the channel is sandboxed"
		return 0
	fi
	expect_not_contains "$out" "$uid " "$1: the channel did not run as uid $uid on the host"
	expect_not_contains "$out" "$(hostname)" "$1: the channel did not run on the host"
	expect_ne 0 "$rc" "$1: the channel is refused"
	return 1
}

cs_master_start cstest1 || cs_fail "no ControlMaster connection"
out=$(cs_channel cstest1 "$probe" 2>&1)
expect_eq "$want" "$out" "control: the first channel is sandboxed"

cp "$shell" "$shell.new" && mv -f "$shell.new" "$shell" || cs_fail "rename over $shell"
check "after the shell was renamed over" ||
	not_ok "after the shell was renamed over: refused (sandboxed expected: the sandbox's shell is there)"

rm -f "$shell" || cs_fail "rm $shell"
out=$(cs_channel cstest1 "$probe" 2>&1)
rc=$?
echo "    while the shell is missing: rc $rc: $out"
expect_ne 0 "$rc" "while the shell is missing: the channel is refused"
expect_not_contains "$out" "$uid " "while the shell is missing: nothing ran as uid $uid"
install -o root -g root -m 0755 /bin/bash "$shell" || cs_fail "re-create $shell"
check "after the shell was unlinked and created again" ||
	not_ok "after unlink and re-create: refused (sandboxed expected)"

# A new connection still works with the new file.
out=$(cs_ssh cstest1 -- "$probe" 2>&1)
expect_eq "$want" "$out" "a new connection after the replacements is sandboxed"
cs_finish
