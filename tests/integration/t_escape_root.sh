#!/bin/bash
# Escape suite: no path inside leads to the host's root. Every
# /proc/*/root and /proc/*/cwd is the sandbox's own, and a file that exists
# only on the host (a marker in the test's temp dir, readable by all) is
# not reachable through them, not even after unmounting everything that can
# be unmounted: in a nested `unshare -Urm`, and with every capability of the
# sandbox's user namespace (profile capabilities = all) in its own mount
# namespace. Control: an unsandboxed login reads the marker.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=tests/lib/escape.sh
. "$CS_LIB_DIR/escape.sh"
cs_require_sandbox

marker=$CS_TT/host-only-marker
echo host >"$marker"
chmod 0755 "$CS_TT"
chmod 0644 "$marker"
out=$(cs_probe cstestplain -- roots "$marker")
expect_contains "$(pv "$out" marker_found)" "$marker" "control: an unsandboxed login reaches the marker"

out=$(cs_probe cstest1 -- roots "$marker")
expect_eq none "$(pv "$out" foreign_roots)" "every /proc/*/root inside is the sandbox's root"
expect_eq none "$(pv "$out" marker_found)" "the host-only marker is not reachable via /, /proc/*/root or /proc/*/cwd"

# A held login, so /proc inside has more than the probe's own processes.
cs_hold cstest1 60 || cs_fail "login did not start"
b64=$(base64 -w0 "$CS_LIB_DIR/escape_probe.py")
run_nested='f=$(mktemp); echo '$b64' | base64 -d >$f; unshare -Urm python3 $f umount_all '$CS_SSHD_PID' '$marker'; rm -f $f'
out=$(cs_ssh cstest1 -- "$run_nested" 2>&1)
printf '%s\n' "$out" | sed 's/^/    nested: /'
expect_eq none "$(pv "$out" marker_found)" "unshare -Urm, unmount all: marker unreachable"
expect_eq none "$(pv "$out" foreign_roots)" "unshare -Urm, unmount all: no foreign root"
expect_eq none "$(pv "$out" sysfs_mounts)" "unshare -Urm, unmount all: no sysfs"
expect_eq no "$(pv "$out" host_pid_visible)" "unshare -Urm, unmount all: no host pid visible"
cs_release "$CS_HOLD_PID"
cs_wait_clean cstest1 || cs_fail "cstest1 not clean"

# Every capability in the sandbox's own user namespace, in the sandbox's
# mount namespace itself: nothing can be unmounted, nothing is uncovered.
cs_on_exit cs_policy_reset
cs_policy_text | sed 's/^pids.max = 64$/pids.max = 64\ncapabilities = all/' | cs_policy_write
out=$(cs_probe cstest1 -- umount_all "$CS_SSHD_PID" "$marker" 2>&1)
printf '%s\n' "$out" | sed 's/^/    all caps: /'
# The tree is locked (helper/locked.c): not even CAP_SYS_ADMIN of the
# sandbox's user namespace unmounts any of it.
expect_eq 0 "$(pv "$out" unmounted)" "with all capabilities, no mount of the locked tree could be unmounted"
expect_eq none "$(pv "$out" marker_found)" "all caps, unmount all: marker unreachable"
expect_eq none "$(pv "$out" foreign_roots)" "all caps, unmount all: no foreign root"
expect_eq none "$(pv "$out" sysfs_mounts)" "all caps, unmount all: no sysfs"
expect_eq no "$(pv "$out" host_pid_visible)" "all caps, unmount all: no host pid visible"
cs_finish
