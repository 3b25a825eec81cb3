#!/bin/bash
# A persistent home's image stays mounted between sandboxes: after the last
# logout the module keeps a read-only mount of it at STATE/<uid>.home, so
# the next sandbox mounts the live ext4 again (the same loop device) rather
# than mounting and unmounting it with every sandbox. The next sandbox has
# what the last one wrote; gc lets the image go once no sandbox runs (not
# while one does, not from list's quiet pass), stop lets it go too, and the
# loop device then clears itself, with everything written in the image.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox
cs_use_cli

user=cstest1
uid=$(id -u $user)
img=$CS_DATA_DIR/.images/$user.img
kept=$CS_STATE_DIR/$uid.home
f=kept_$$
cs_wait_clean $user || cs_fail "$user not clean before the test"
cs_on_exit "cs_ssh $user -- 'rm -f ~/$f' >/dev/null 2>&1; cs_wait_clean $user; csc stop $user >/dev/null 2>&1"
csc stop $user >/dev/null 2>&1
expect_eq "" "$(cs_kept_image $user)" "no kept mount before the first sandbox (after stop)"

expect_true "a login writes to its persistent home" cs_ssh $user -- "echo one >~/$f"
cs_wait_clean $user || cs_fail "$user not clean after the first login"
line=$(cs_kept_image $user)
expect_true "after the last logout the image stays mounted" [ -n "$line" ]
expect_eq "$kept" "$(awk '{ print $5 }' <<<"$line")" "at STATE/<uid>.home, and nowhere else on the host"
opts=" $(awk '{ print $6 }' <<<"$line" | tr , ' ') "
for o in ro nosuid nodev noexec; do
	expect_contains "$opts" " $o " "the kept mount is $o"
done
expect_false "the user cannot reach it from the host" \
	setpriv --reuid="$uid" --regid="$(id -g $user)" --clear-groups ls "$kept"
expect_eq 1 "$(cs_loops_on "$img" | wc -l)" "its loop device stays attached"
dev=$(cs_loops_on "$img" | cut -d' ' -f1)

out=$(cs_ssh $user -- "cat ~/$f && echo two >>~/$f" 2>&1)
expect_eq one "$out" "the next sandbox has what the last one wrote"
expect_eq "$dev" "$(cs_loops_on "$img" | cut -d' ' -f1)" "through the same loop device (the live file system mounted again)"
cs_wait_clean $user || cs_fail "$user not clean after the second login"

cs_hold $user 60 || cs_fail "hold a login of $user"
expect_true "gc runs" csc gc
expect_true "gc keeps the image while a sandbox runs" [ -n "$(cs_kept_image $user)" ]
cs_release_all
cs_wait_clean $user || cs_fail "$user not clean after the held login"
csc list >/dev/null
expect_true "list's gc pass keeps it" [ -n "$(cs_kept_image $user)" ]
expect_true "gc runs" csc gc
expect_eq "" "$(cs_kept_image $user)" "gc lets it go once no sandbox runs"
expect_false "and removes its directory" [ -e "$kept" ]
expect_eq "" "$(cs_loops_on "$img")" "the loop device clears itself"
if command -v debugfs >/dev/null; then
	expect_eq "one
two" "$(debugfs -R "cat /upper/$f" "$img" 2>/dev/null)" "what both sandboxes wrote is in the image"
fi

expect_true "a login" cs_ssh $user -- true
cs_wait_clean $user || cs_fail "$user not clean after a login"
expect_true "the image is kept again" [ -n "$(cs_kept_image $user)" ]
out=$(csc stop $user 2>&1)
expect_eq 1 "$?" "stop with no sandbox but a kept image exits 1 (nothing was running)"
expect_contains "$out" "no sandbox running for $user (released its home image" "and says it let the image go"
expect_eq "" "$(cs_kept_image $user)" "stop lets it go"
expect_eq "" "$(cs_loops_on "$img")" "no loop device is left"
out=$(csc stop $user 2>&1)
expect_eq 1 "$?" "stop with nothing to end exits 1"
expect_eq "containsession: no sandbox running for $user" "$out" "and says only that"

cs_hold $user 60 || cs_fail "hold a login of $user"
expect_true "the running sandbox's image is kept" [ -n "$(cs_kept_image $user)" ]
out=$(csc stop $user 2>&1)
expect_contains "$out" "stopped sandbox of $user" "stop ends a running sandbox"
cs_release_all
cs_wait_clean $user || cs_fail "$user not clean after stop"
expect_eq "" "$(cs_kept_image $user)" "and lets its image go"
expect_eq "" "$(cs_loops_on "$img")" "with its loop device"

# A look at an image no sandbox has (`diff`) leaves it as it is: no
# journal replay, no mount count, no write. It mounted the file system
# read-write before, which changed both.
sb() { dumpe2fs -h "$img" 2>/dev/null | grep -E '^(Mount count|Last mount time|Last write time):'; }
before="$(sb)|$(stat -c %Y "$img")"
expect_true "diff of the user with no sandbox" csc diff $user
expect_eq "$before" "$(sb)|$(stat -c %Y "$img")" "diff leaves the image's superblock and file unchanged"
expect_eq "" "$(cs_loops_on "$img")" "and no loop device behind"

# The image's lock: while something holds it, neither diff nor a login
# attaches the image (two of them at once made two ext4 file systems of
# the same blocks). Both wait, then go on.
flock "$img" sleep 2 &
holder=$!
sleep 0.3
t0=$EPOCHREALTIME
expect_true "diff while the image is locked" csc diff $user
t1=$EPOCHREALTIME
expect_true "diff waited for the lock ($(( (${t1/./} - ${t0/./}) / 1000 )) ms)" \
	[ $(( ${t1/./} - ${t0/./} )) -ge 1000000 ]
wait $holder
flock "$img" sleep 2 &
holder=$!
sleep 0.3
t0=$EPOCHREALTIME
expect_true "a login while the image is locked" cs_ssh $user -- true
t1=$EPOCHREALTIME
expect_true "the login waited for the lock ($(( (${t1/./} - ${t0/./}) / 1000 )) ms)" \
	[ $(( ${t1/./} - ${t0/./} )) -ge 1000000 ]
wait $holder
cs_wait_clean $user || cs_fail "$user not clean after the last login"
cs_finish
