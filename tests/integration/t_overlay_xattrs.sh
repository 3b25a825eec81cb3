#!/bin/bash
# overlayfs in a user namespace records removed directories in user.*
# xattrs of the upper layer's file system; without them (tmpfs before Linux
# 6.6, ramfs on any kernel) removing a directory of the real home fails
# with EIO and its content comes back. A persistent home's upper layer is
# in the user's ext4 image (lib/root/homeimg.h), so data_dir's own file
# system does not matter: with data_dir on ramfs (no xattrs at all) an
# `overlay` login removes a directory of the real home and it stays
# removed in the next sandbox; an `overlay-tmpfs` login, whose upper layer
# is the helper's own tmpfs, works too (ramfs is no obstacle to the module).
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

data=$CS_T/ramdata.$$
mkdir -m 0755 "$data" || cs_fail "mkdir $data"
cs_on_exit "rmdir '$data'"
mount -t ramfs -o mode=0755 ramfs "$data" || cs_skip "cannot mount ramfs here"
cs_on_exit "umount '$data'"
cs_on_exit cs_policy_reset
# The home image on the ramfs stays mounted after the logins (STATE/<uid>.home,
# t_home_kept): let it go before the ramfs is unmounted.
cs_use_cli
cs_on_exit "csc stop cstest1 >/dev/null 2>&1"
if ! { cs_wait_clean cstest1 && cs_wait_clean cstest2; }; then cs_fail "test users not clean before the test"; fi
cs_policy_text | sed "s|^data_dir = .*|data_dir = $data|" | cs_policy_write
grep -qx "data_dir = $data" "$CS_POLICY" || cs_fail "policy edit did not apply"

home=$(getent passwd cstest1 | cut -d: -f6)
dir=$home/xattrdir.$$
install -d -o cstest1 -g cstest1 "$dir" && install -o cstest1 -g cstest1 /dev/null "$dir/f" ||
	cs_fail "make $dir"
cs_on_exit "rm -rf '$dir'"
out=$(cs_ssh cstest1 -- "rm -r '$dir' && echo removed; ls -d '$dir' 2>&1" 2>&1)
expect_contains "$out" "removed" "cstest1 (home = overlay, data_dir on ramfs) removes a directory of the real home"
expect_contains "$out" "No such file or directory" "and it is gone inside"
cs_wait_clean cstest1 || not_ok "cstest1's sandbox was not torn down"
out=$(cs_ssh cstest1 -- "ls -d '$dir' 2>&1" 2>&1)
expect_contains "$out" "No such file or directory" "it stays removed in the next sandbox (recorded in the image)"
expect_true "the real home still has it" [ -e "$dir/f" ]
cs_wait_clean cstest1 || not_ok "cstest1's sandbox was not torn down"

marker=ran-$$-$RANDOM
out=$(cs_ssh cstest2 -- "echo $marker; touch ~/f_$marker && echo made" 2>&1)
expect_eq "$marker
made" "$out" "cstest2 (home = overlay-tmpfs, same data_dir) logs in and writes its home"
cs_wait_clean cstest2 || not_ok "cstest2's sandbox was not torn down"
rm -rf "${data:?}/.images" "$data"/cstest*
cs_finish
