#!/bin/bash
# Issue 13 item 6: the installed helper is replaced while a ControlMaster
# connection stays open (make install unlinks and creates it; a package
# manager renames a new file over it). The next channel is sandboxed, not
# failed: the session namespace keeps the helper it was set up with. Then
# the session namespace's tmpfs is taken away (root, by hand): the next
# channel is refused with one clear message and returns, never loops, and
# never runs outside the sandbox.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

helper=${CS_HELPER_USED:-/usr/local/libexec/containsession/containsession-helper}
sessdir=/usr/local/libexec/containsession/session
[ -x "$helper" ] || cs_skip "no helper at $helper"
uid=$(id -u cstest1)
want="0 cstest-cstest1"
probe='echo "$(id -u) $(hostname)"'
cp -p "$helper" "$CS_TT/helper.copy" || cs_fail "copy the helper"

cs_master_start cstest1 || cs_fail "no ControlMaster connection"
expect_eq "$want" "$(cs_channel cstest1 "$probe" 2>&1)" "control: the first channel is sandboxed"

cp -p "$CS_TT/helper.copy" "$helper.new" && mv -f "$helper.new" "$helper" || cs_fail "rename over $helper"
out=$(cs_channel cstest1 "$probe" 2>&1)
expect_eq "$want" "$out" "after a new helper was renamed over the installed one: sandboxed"
install -m 0755 "$CS_TT/helper.copy" "$helper" || cs_fail "install over $helper"
out=$(cs_channel cstest1 "$probe" 2>&1)
expect_eq "$want" "$out" "after install(1) replaced the helper: sandboxed"

priv=$(cs_sshd_priv_pid cstest1)
[ -n "$priv" ] || cs_fail "no [priv] process of cstest1's connection"
nsenter -t "$priv" -m umount -l "$sessdir" || cs_fail "umount $sessdir in the session namespace"
t0=$(date +%s)
out=$(CS_CHANNEL_TIMEOUT=15 cs_channel cstest1 "$probe" 2>&1)
rc=$?
t1=$(date +%s)
echo "    without the session tmpfs: rc $rc after $((t1 - t0)) s: $out"
expect_ne 0 "$rc" "without the session tmpfs the channel is refused"
expect_true "and returns at once, no exec loop ($((t1 - t0)) s)" [ $((t1 - t0)) -lt 10 ]
expect_not_contains "$out" "$uid " "nothing ran as uid $uid on the host"
expect_contains "$out" "containsession:" "one message says why"
expect_eq 1 "$(grep -c containsession: <<<"$out")" "exactly one message"
cs_finish
