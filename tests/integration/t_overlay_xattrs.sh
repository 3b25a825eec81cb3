#!/bin/bash
# An overlay home needs user.* xattrs on data_dir's file system: overlayfs
# in a user namespace records removed directories there, and without them
# (tmpfs before Linux 6.6) removing a directory of the real home fails with
# EIO and its content comes back. With data_dir on ramfs (which has no
# xattrs on any kernel) an `overlay` login is refused and the log says why;
# an `overlay-tmpfs` login, whose upper layer is the helper's own tmpfs,
# still works (the control: ramfs itself is no obstacle to the module).
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

data=$CS_T/ramdata.$$
mkdir -m 0755 "$data" || cs_fail "mkdir $data"
cs_on_exit "rmdir '$data'"
mount -t ramfs -o mode=0755 ramfs "$data" || cs_skip "cannot mount ramfs here"
cs_on_exit "umount '$data'"
cs_on_exit cs_policy_reset
if ! { cs_wait_clean cstest1 && cs_wait_clean cstest2; }; then cs_fail "test users not clean before the test"; fi
cs_policy_text | sed "s|^data_dir = .*|data_dir = $data|" | cs_policy_write
grep -qx "data_dir = $data" "$CS_POLICY" || cs_fail "policy edit did not apply"

mark=$(cs_log_mark)
marker=ran-$$-$RANDOM
out=$(cs_ssh cstest1 -- "echo $marker" 2>&1)
rc=$?
expect_ne 0 "$rc" "cstest1 (home = overlay, data_dir on ramfs) is refused (ssh exit $rc)"
expect_not_contains "$out" "$marker" "and its command did not run"
if line=$(cs_wait_log "$mark" "without user extended attributes"); then
	ok "the log says why: $line"
else
	not_ok "no log line says the data_dir lacks user xattrs; logs since the edit:"
	cs_logs "$mark" | tail -n 20 | sed 's/^/    | /'
fi
cs_wait_clean cstest1 || not_ok "the refused login left something behind"

out=$(cs_ssh cstest2 -- "echo $marker; touch ~/f_$marker && echo made" 2>&1)
expect_eq "$marker
made" "$out" "cstest2 (home = overlay-tmpfs, same data_dir) logs in and writes its home"
cs_wait_clean cstest2 || not_ok "cstest2's sandbox was not torn down"
cs_finish
