#!/bin/bash
# The ssh plumbing the sandbox tests rely on, for a user no rule names
# (cstestplain: plain login, with or without the module): exit status,
# a pty, sftp/scp/rsync uploads into the real home, concurrent logins. If
# this fails, suspect the harness or the PAM stack before the sandbox.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"

user=cstestplain
home=$(getent passwd "$user" | cut -d: -f6)

cs_ssh "$user" -- 'exit 42'
expect_eq 42 "$?" "exit status 42 is passed through"
cs_ssh "$user" -- false
expect_eq 1 "$?" "false gives 1"

out=$(cs_ssh "$user" -tt -- 'tty; exit 3' | tr -d '\r')
rc=$?
expect_eq 3 "$rc" "with a pty: exit status 3"
expect_true "with a pty: tty is /dev/pts/N ($out)" grep -qE '^/dev/pts/[0-9]+$' <<<"$out"

echo "sftp $$" >"$CS_TT/a"
echo "scp $$" >"$CS_TT/b"
echo "rsync $$" >"$CS_TT/c"
printf 'put %s plain_sftp.txt\n' "$CS_TT/a" >"$CS_TT/batch"
expect_true "sftp -b upload" cs_sftp "$user" -b "$CS_TT/batch"
expect_true "scp upload" cs_scp "$CS_TT/b" "$user@$CS_HOST:plain_scp.txt"
expect_true "rsync upload" cs_rsync "$CS_TT/c" "$user@$CS_HOST:plain_rsync.txt"
expect_eq "sftp $$" "$(cat "$home/plain_sftp.txt" 2>&1)" "sftp'd file is in the real home"
expect_eq "scp $$" "$(cat "$home/plain_scp.txt" 2>&1)" "scp'd file is in the real home"
expect_eq "rsync $$" "$(cat "$home/plain_rsync.txt" 2>&1)" "rsync'd file is in the real home"
expect_eq "$user" "$(stat -c %U "$home/plain_sftp.txt" 2>&1)" "uploaded file belongs to the user"

pids=()
for i in $(seq 10); do
	(cs_ssh_exec "$user" -- "echo hello-$i; sleep 1") >"$CS_TT/c$i" 2>&1 &
	pids+=("$!")
done
n=0
for i in $(seq 10); do
	wait "${pids[i - 1]}" && [ "$(cat "$CS_TT/c$i")" = "hello-$i" ] && n=$((n + 1))
done
expect_eq 10 "$n" "10 concurrent logins all succeed"
cs_finish
