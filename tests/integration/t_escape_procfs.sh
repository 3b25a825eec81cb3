#!/bin/bash
# Escape suite: no procfs or sysfs of the host anywhere. mountinfo inside
# shows exactly one proc (the sandbox's own, at /proc) and no sysfs or other
# kernel file system; /sys is absent; and a process holding every capability
# of a nested user namespace can mount neither sysfs nor a new proc over
# what it sees (the kernel allows that only where a full instance is
# already visible). Control: an unsandboxed user's `unshare -Urmn` can
# mount sysfs, so the probe would notice.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=tests/lib/escape.sh
. "$CS_LIB_DIR/escape.sh"
cs_require_sandbox

out=$(cs_probe cstest1 -- fs "$CS_SSHD_PID")
printf '%s\n' "$out" | sed 's/^/    fs: /'
expect_eq /proc "$(pv "$out" proc_mounts)" "one proc mount, at /proc"
expect_eq none "$(pv "$out" sysfs_mounts)" "no sysfs mount"
expect_eq none "$(pv "$out" other_kernel_fs)" "no cgroupfs, debugfs, tracefs, bpf, ..."
expect_eq no "$(pv "$out" sys_exists)" "no /sys"
expect_eq no "$(pv "$out" host_pid_visible)" "the /proc inside does not list the listener"

ctl=$(cs_ssh cstestplain -- 'd=$(mktemp -d); unshare -Urmn sh -c "mount -t sysfs s $d && echo MOUNTED"; rmdir $d' 2>&1)
expect_contains "$ctl" MOUNTED "control: an unsandboxed user can mount sysfs in unshare -Urmn"

out=$(cs_ssh cstest1 -- '
	unshare -Urmn sh -c "mount -t sysfs s /tmp 2>/dev/null && echo sysfs=MOUNTED || echo sysfs=refused"
	unshare -Urm sh -c "mount -t proc p /tmp 2>/dev/null && echo proc=MOUNTED || echo proc=refused"
	unshare -Urmpf sh -c "mount -t proc p /proc 2>/dev/null && ls /proc | grep -c \"^[0-9]\" | sed s/^/nested_procs=/"
	unshare -Urmpf sh -c "mount -t proc p /proc 2>/dev/null; test -e /proc/'"$CS_SSHD_PID"' && echo nested_host_pid=yes || echo nested_host_pid=no"
	unshare -Urm sh -c "umount -l /proc 2>/dev/null; ls /proc | head -1 | sed s/^/after_umount_proc=/; grep -cE \" - (proc|sysfs) \" /proc/self/mountinfo 2>/dev/null | sed s/^/kernelfs=/"
' 2>&1)
printf '%s\n' "$out" | sed 's/^/    nested: /'
expect_contains "$out" sysfs=refused "unshare -Urmn: mounting sysfs is refused"
expect_contains "$out" proc=refused "unshare -Urm (same PID namespace): mounting proc is refused"
expect_contains "$out" nested_host_pid=no "a proc of a nested PID namespace shows no host pid"
expect_not_contains "$out" MOUNTED "nothing got mounted"
cs_finish
