#!/bin/bash
# File transfers run inside the sandbox: what sftp (subsystem), scp (SFTP
# mode and legacy -O mode, which runs "scp -t" through the shell) and rsync
# write lands in the overlay home: visible at a later login, not in the real
# home on the host, and stored in the upper layer in the user's home image.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

user=cstest1
home=$(getent passwd "$user" | cut -d: -f6)
tag=$$-$RANDOM
names=("t_sftp_$tag" "t_scp_$tag" "t_scpO_$tag" "t_rsync_$tag")
for n in "${names[@]}"; do echo "content of $n" >"$CS_TT/$n"; done

printf 'put %s %s\n' "$CS_TT/${names[0]}" "${names[0]}" >"$CS_TT/batch"
expect_true "sftp -b put" cs_sftp "$user" -b "$CS_TT/batch"
expect_true "scp upload" cs_scp "$CS_TT/${names[1]}" "$user@$CS_HOST:${names[1]}"
expect_true "scp -O (legacy protocol) upload" cs_scp -O "$CS_TT/${names[2]}" "$user@$CS_HOST:${names[2]}"
expect_true "rsync upload" cs_rsync "$CS_TT/${names[3]}" "$user@$CS_HOST:${names[3]}"

out=$(cs_ssh "$user" -- "id -u; for f in ${names[*]}; do cat \"\$HOME/\$f\"; done")
expect_eq 0 "$(sed -n 1p <<<"$out")" "later login is inside the sandbox"
for n in "${names[@]}"; do
	expect_contains "$out" "content of $n" "$n visible in a later login"
	expect_false "$n not in the real home ($home)" [ -e "$home/$n" ]
done
# Stored in the upper layer, in the user's home image (read offline once
# the sandbox is gone).
img=$CS_DATA_DIR/.images/$user.img
cs_wait_clean "$user" || cs_fail "$user's sandbox not gone"
stored=$(debugfs -R 'ls /upper' "$img" 2>/dev/null)
for n in "${names[@]}"; do
	expect_contains "$stored" "$n" "$n stored in the upper layer in $img"
done

# And back: sftp get of a file that exists only in the sandbox's view.
printf 'get %s %s\n' "${names[3]}" "$CS_TT/back" >"$CS_TT/batch2"
expect_true "sftp -b get" cs_sftp "$user" -b "$CS_TT/batch2"
expect_eq "content of ${names[3]}" "$(cat "$CS_TT/back" 2>&1)" "downloaded file has the uploaded content"
cs_finish
