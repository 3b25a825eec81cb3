#!/bin/bash
# Issue 13 item 4: every file system a sandbox can write to has a
# kernel-enforced bound. tmp.max is the size= of each private tmpfs (/tmp,
# /run, /dev/shm), home.max that of a tmpfs-backed home (overlay-tmpfs) and
# the size of a persistent home's ext4 image (home = overlay): writing past
# them fails inside with ENOSPC, and nothing written lands on the host's
# file systems. Without the keys the bounds are finite too, derived from the
# profile (half of memory.max), never the kernel's half of the host's RAM.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

# size= of the tmpfs on PATH inside, in bytes.
size_in() { cs_ssh "$1" -- "df -B1 --output=size $2 | tail -n 1" 2>&1 | tr -d ' '; }

# Defaults: the test policy's memory.max is 256M, so 128M each.
expect_eq $((128 << 20)) "$(size_in cstest1 /tmp)" "default tmp.max: /tmp is half of memory.max"
expect_eq $((128 << 20)) "$(size_in cstest2 "\$HOME")" "default home.max of an overlay-tmpfs home: half of memory.max"
cs_wait_clean cstest1 10 && cs_wait_clean cstest2 10 || cs_fail "sandboxes not gone"

{ cs_policy_text | sed '/^\[rules\]/,$d'; cat <<EOF2
[profile bounded]
inherit = default
home = overlay-tmpfs
home.max = 8M
tmp.max = 4M

[rules]
cstest1 = bounded
EOF2
} | cs_policy_write || cs_fail "write the policy"

# Where what the sandbox writes would be if a bound were not its own file
# system: the host's /tmp, /run, /dev/shm, the real home and data_dir. The
# files stay (not removed inside) until the sandbox ends, which takes its
# tmpfs mounts with them; then none may exist. Not the host's free space:
# /tmp, /home and data_dir are often on the disk the rest of the machine
# writes to (so is check-fresh's root): in one run of this test (Debian 12,
# check-fresh) /home lost 65M to other work on the machine.
fill=fill-$$-$RANDOM
home1=$(getent passwd cstest1 | cut -d: -f6)
leaked() {
	local d
	for d in /tmp /run /dev/shm "$home1"; do [ -e "$d/$fill" ] && echo "$d/$fill"; done
	find "$CS_DATA_DIR" -xdev -name "$fill" 2>/dev/null
}
cs_on_exit "leaked | xargs -r rm -f --"
out=$(cs_ssh cstest1 -- '
	for d in /tmp /run /dev/shm "$HOME"; do
		dd if=/dev/zero of="$d/'"$fill"'" bs=1M count=32 2>&1 | grep -o "No space left on device" | head -n 1
		printf "%s %s\n" "$d" "$(df -B1 --output=size "$d" | tail -n 1 | tr -d " ")"
	done' 2>&1)
echo "$out" | sed 's/^/    inside: /'
for d in /tmp /run /dev/shm; do
	expect_contains "$out" "$d $((4 << 20))" "tmp.max = 4M is the size of $d"
done
expect_contains "$out" "/home/cstest1 $((8 << 20))" "home.max = 8M is the size of the overlay-tmpfs home"
expect_eq 4 "$(grep -c 'No space left on device' <<<"$out")" "writing past the bound fails with ENOSPC in /tmp, /run, /dev/shm and the home"
cs_wait_clean cstest1 10 || cs_fail "cstest1's sandbox not gone"
left=$(leaked)
expect_eq "" "$left" "nothing the sandbox wrote is on the host's /tmp, /run, /dev/shm, home or data_dir"

# A persistent home (home = overlay): its upper layer is in the user's
# image DATA/.images/USER.img, home.max bytes, on a loop device. A fresh
# user, with a home from before the images (DATA/USER/upper of its own).
user=cstesthmax
cs_user_add $user || cs_fail "useradd $user"
install -d -o $user -g $user -m 0700 "$CS_DATA_DIR/$user" "$CS_DATA_DIR/$user/upper" &&
	echo "from before" >"$CS_DATA_DIR/$user/upper/old.txt" &&
	chown $user: "$CS_DATA_DIR/$user/upper/old.txt" || cs_fail "the old upper layer"
persist_policy() {
	{ cs_policy_text | sed '/^\[rules\]/,$d'; cat <<EOF2
[profile persist]
inherit = default
home = overlay
home.max = $1

[rules]
$user = persist
EOF2
	} | cs_policy_write || cs_fail "write the policy"
}
persist_policy 16M
img=$CS_DATA_DIR/.images/$user.img
# What is in data_dir, not its file system's free space (see above).
data_used() { du -sB1 -x "$CS_DATA_DIR" | cut -f1; }
before=$(data_used)
out=$(cs_ssh $user -- '
	cat ~/old.txt
	dd if=/dev/zero of="$HOME/fill" bs=1M count=64 2>&1 | grep -o "No space left on device" | head -n 1
	echo "size $(df -B1 --output=size "$HOME/fill" | tail -n 1 | tr -d " ")"
	ls -l "$HOME/fill"
	rm -f "$HOME/fill"; sync; echo new >"$HOME/new.txt"' 2>&1)
echo "$out" | sed 's/^/    inside: /'
expect_contains "$out" "from before" "a home from before the image keeps its files (a read-only layer under the image)"
expect_contains "$out" "No space left on device" "writing past home.max = 16M in a persistent home fails with ENOSPC"
size=$(sed -n 's/^size //p' <<<"$out")
expect_true "the home's file system is home.max at most ($size)" [ "${size:-0}" -gt $((8 << 20)) -a "${size:-0}" -le $((16 << 20)) ]
cs_wait_clean $user 10 || cs_fail "$user's sandbox not gone (mount or loop device left)"
expect_eq "0 600 $((16 << 20))" "$(stat -c '%u %a %s' "$img")" "the image is root's, 0600, home.max bytes"
now=$(data_used)
expect_true "data_dir grew by less than home.max with 64M written ($before -> $now)" [ $((now - before)) -lt $((20 << 20)) ]
used=$(du -B1 "$img" | cut -f1)
expect_true "the deleted file gave its blocks back to data_dir (image uses $used bytes)" [ "$used" -lt $((8 << 20)) ]
[ -s "$CS_DATA_DIR/$user/upper/new.txt" ] && cs_fail "a new file went to the old upper layer"

# home.max raised: the image grows (online, at the next sandbox).
persist_policy 32M
out=$(cs_ssh $user -- 'cat ~/new.txt ~/old.txt; df -B1 --output=size "$HOME/new.txt" | tail -n 1' 2>&1)
expect_contains "$out" "new" "the home's files are kept across sandboxes"
size=$(tail -n 1 <<<"$out" | tr -d ' ')
expect_true "a raised home.max grows the image's file system ($size)" [ "${size:-0}" -gt $((24 << 20)) ]
cs_wait_clean $user 10 || cs_fail "$user's sandbox not gone"
expect_eq $((32 << 20)) "$(stat -c %s "$img")" "the image is the raised home.max"

# While the sandbox runs, one loop device has the image behind it, and
# the host's mount table shows it only where root keeps it for the next
# sandbox (STATE/<uid>.home, t_home_kept): the sandbox's mount is its own.
uid=$(id -u $user)
cs_hold $user 60 || cs_fail "hold a login of $user"
expect_eq 1 "$(cs_loops_on "$img" | wc -l)" "a running persistent-home sandbox has its image on one loop device"
loopdev=$(cs_loops_on "$img" | cut -d' ' -f1)
expect_eq "$CS_STATE_DIR/$uid.home" "$(grep -F " /dev/${loopdev:-none} " /proc/self/mountinfo | awk '{ print $5 }')" \
	"the host's mount table has the image only at the kept mount"
cs_release_all
cs_wait_clean $user 10 || cs_fail "$user's sandbox not gone after the held login (mount or loop device left)"

# A mount of the image that outlives its sandbox (here root holds the
# sandbox's mount namespace open; a process of the user's holding a file
# of the home open does the same) keeps its loop device and the live ext4.
# The next sandbox mounts that same device again, sharing the file system:
# never a second loop device, which would be a second ext4 on the same
# blocks. (The kept mount is let go first, by stop, so that the namespace
# is what holds the image.)
cs_use_cli
cs_hold $user 60 || cs_fail "hold a login of $user"
init=$(sed -n 's/^init_pid=//p' "$CS_STATE_DIR/$uid")
exec {pin}<"/proc/$init/ns/mnt" || cs_fail "open the sandbox's mount namespace"
cs_release_all
for _ in $(seq 50); do [ -e "$CS_STATE_DIR/$uid" ] || break; sleep 0.2; done
expect_false "the sandbox ended" [ -e "$CS_STATE_DIR/$uid" ]
csc stop $user >/dev/null 2>&1
expect_eq "" "$(cs_kept_image $user)" "stop let the kept mount go"
expect_eq 1 "$(cs_loops_on "$img" | wc -l)" "its image stays on its loop device while the namespace is pinned"
out=$(cs_ssh $user -- 'cat ~/new.txt && echo again >~/again.txt && cat ~/again.txt' 2>&1)
expect_contains "$out" "again" "a new sandbox meanwhile gets the home, files and all"
expect_eq 1 "$(cs_loops_on "$img" | wc -l)" "through the same loop device (not a second one)"
cs_wait_clean $user 10 >/dev/null 2>&1
exec {pin}<&-
cs_wait_clean $user 10 || cs_fail "$user not clean once the namespace is let go"
# Unmounted for good (the kept mount too), so debugfs reads what is on disk.
csc stop $user >/dev/null 2>&1
expect_eq "" "$(cs_loops_on "$img")" "no loop device once the kept mount is let go too"
out=$(debugfs -R 'cat /upper/again.txt' "$img" 2>/dev/null)
expect_eq again "$out" "what the shared mount wrote is in the image"

# A damaged image: the login is refused (never an unbounded home), and
# the log names the file.
dd if=/dev/zero of="$img" bs=1024 seek=1 count=1 conv=notrunc status=none
out=$(cs_ssh $user -- 'echo INSIDE' 2>&1)
expect_not_contains "$out" "INSIDE" "a login with an unmountable image is refused"
[ -n "${CS_SYSLOG:-}" ] && expect_true "the log names the image" grep -qF "$img" "$CS_SYSLOG"
cs_wait_clean $user 10 || cs_fail "$user not clean after the refused login"
cs_finish
