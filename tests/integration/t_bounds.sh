#!/bin/bash
# Issue 13 item 4: every file system a sandbox can write to in memory has a
# kernel-enforced bound. tmp.max is the size= of each private tmpfs (/tmp,
# /run, /dev/shm), home.max that of a tmpfs-backed home (overlay-tmpfs):
# writing past them fails inside with ENOSPC, and the host keeps its free
# space. Without the keys the bounds are finite too, derived from the
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

host_free() { df -B1 --output=avail "$1" | tail -n 1 | tr -d ' '; }
before_tmp=$(host_free /tmp) before_data=$(host_free "$CS_DATA_DIR") before_home=$(host_free /home)
out=$(cs_ssh cstest1 -- '
	for d in /tmp /run /dev/shm "$HOME"; do
		dd if=/dev/zero of="$d/fill" bs=1M count=32 2>&1 | grep -o "No space left on device" | head -n 1
		printf "%s %s\n" "$d" "$(df -B1 --output=size "$d" | tail -n 1 | tr -d " ")"
		rm -f "$d/fill"
	done' 2>&1)
echo "$out" | sed 's/^/    inside: /'
for d in /tmp /run /dev/shm; do
	expect_contains "$out" "$d $((4 << 20))" "tmp.max = 4M is the size of $d"
done
expect_contains "$out" "/home/cstest1 $((8 << 20))" "home.max = 8M is the size of the overlay-tmpfs home"
expect_eq 4 "$(grep -c 'No space left on device' <<<"$out")" "writing past the bound fails with ENOSPC in /tmp, /run, /dev/shm and the home"
# The host's file systems did not lose what the sandbox wrote (32M each
# attempt; allow 4M of unrelated churn).
for pair in "/tmp $before_tmp" "$CS_DATA_DIR $before_data" "/home $before_home"; do
	set -- $pair
	now=$(host_free "$1")
	expect_true "the host's $1 kept its free space ($2 -> $now)" [ $(($2 - now)) -lt $((4 << 20)) ]
done
cs_finish
