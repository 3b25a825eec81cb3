#!/bin/bash
# shellcheck disable=SC2016 # remote commands are single-quoted: the login shell expands them
# The profile's limits are on the per-user cgroup (read from the host while
# a login holds it; cgroup v1 or v2, whichever the module used), and they
# bite inside: forking beyond pids.max fails.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

user=cstest1
uid=$(id -u "$user")

cs_cgroup_has_controller memory || cs_skip "no memory cgroup controller available below sshd's cgroup"
cs_cgroup_has_controller pids || cs_skip "no pids cgroup controller available below sshd's cgroup"

cs_hold "$user" 33 || cs_fail "login did not start"
mem_file=$(cs_user_limit_file "$uid" memory)
pids_file=$(cs_user_limit_file "$uid" pids)
if [ -n "$mem_file" ]; then
	expect_eq 268435456 "$(cat "$mem_file")" "memory limit 256M in $mem_file"
else
	not_ok "no memory limit file for user-$uid in: $(cs_user_cgroup_dirs "$uid" | cut -f2 | paste -sd' ' -)"
fi
if [ -n "$pids_file" ]; then
	expect_eq 64 "$(cat "$pids_file")" "pids limit 64 in $pids_file"
else
	not_ok "no pids.max for user-$uid in: $(cs_user_cgroup_dirs "$uid" | cut -f2 | paste -sd' ' -)"
fi

# Inside: fork 100 sleepers (without bash's fork retries); pids.max = 64
# must stop it with EAGAIN. The login then waits for EOF on its stdin, so
# its cgroup still exists when pids.events is read: before Linux 6.10 a
# refused fork counts in the forking task's own cgroup, which with cgroup =
# systemd is this login's session scope below the slice (removed at logout).
mkfifo "$CS_TT/stdin" || cs_fail "mkfifo"
cs_ssh "$user" -- 'id -u; perl -e '\''
	my @kids; my $err = "none";
	for (1 .. 100) {
		my $p = fork;
		if (!defined $p) { $err = "$!"; last }
		if ($p == 0) { sleep 20; exit 0 }
		push @kids, $p;
	}
	print scalar(@kids), "\n$err\n";
	kill "KILL", @kids; waitpid($_, 0) for @kids;'\''; read -r -t 60 _' \
	<"$CS_TT/stdin" >"$CS_TT/fork.out" 2>&1 &
fork_ssh=$!
exec {stdin_fd}>"$CS_TT/stdin"
for _ in $(seq 300); do
	[ "$(grep -c . "$CS_TT/fork.out")" -ge 3 ] && break
	sleep 0.1
done
ev=
if [ -n "$pids_file" ] && [ -e "${pids_file%/*}/pids.events" ]; then
	ev=$(find "${pids_file%/*}" -name pids.events -exec awk '$1 == "max" { n += $2 } END { print n + 0 }' {} +)
fi
exec {stdin_fd}>&-
wait "$fork_ssh"
out=$(cat "$CS_TT/fork.out")
printf '%s\n' "$out" | sed 's/^/    fork test: /'
expect_eq 0 "$(sed -n 1p <<<"$out")" "fork test runs inside the sandbox"
forked=$(sed -n 2p <<<"$out")
expect_true "fewer than 100 forks succeed (got ${forked:-?})" [ "${forked:-100}" -lt 100 ]
expect_true "some forks succeed (got ${forked:-?})" [ "${forked:-0}" -gt 0 ]
expect_eq "Resource temporarily unavailable" "$(sed -n 3p <<<"$out")" "the failing fork got EAGAIN"
if [ -n "$ev" ]; then
	expect_true "pids.events below the user's cgroup counts the refused forks (max $ev)" [ "$ev" -gt 0 ]
fi
cs_release "$CS_HOLD_PID"
cs_finish
