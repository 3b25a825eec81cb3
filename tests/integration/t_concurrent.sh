#!/bin/bash
# 20 logins of one user started at the same instant all succeed and all land
# in the same sandbox (one PID namespace), i.e. exactly one sandbox is made.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

user=cstest1
n=20
cs_wait_clean "$user" || cs_fail "$user not clean before the test"
# Every login puts sshd's [priv] process, its user child, the helper and
# the shell into the user's cgroup: 20 logins need more than the test
# profile's pids.max of 64 (t_limits shows that limit biting).
cs_on_exit cs_policy_reset
cs_policy_text | sed 's/^pids.max = 64$/pids.max = 1024/' | cs_policy_write
grep -q '^pids.max = 1024$' "$CS_POLICY" || cs_fail "policy edit did not apply"

# Barrier: every client polls for the go file, so all start within ~10 ms.
pids=()
for i in $(seq "$n"); do
	(
		while [ ! -e "$CS_TT/go" ]; do sleep 0.01; done
		cs_ssh_exec "$user" -- 'id -u; hostname; readlink /proc/self/ns/pid; tr "\0" " " </proc/1/cmdline; echo; sleep 1'
	) >"$CS_TT/out.$i" 2>&1 &
	pids+=("$!")
done
sleep 1
: >"$CS_TT/go"

okc=0
for i in $(seq "$n"); do
	if wait "${pids[i - 1]}"; then okc=$((okc + 1)); else
		echo "    login $i failed: $(tr '\n' ' ' <"$CS_TT/out.$i")"
	fi
done
expect_eq "$n" "$okc" "all $n concurrent logins succeed"
ids=$(for i in $(seq "$n"); do sed -n 1p "$CS_TT/out.$i"; done | sort -u)
expect_eq 0 "$ids" "all inside as uid 0"
names=$(for i in $(seq "$n"); do sed -n 2p "$CS_TT/out.$i"; done | sort -u)
expect_eq "cstest-$user" "$names" "all report the profile's hostname"
nss=$(for i in $(seq "$n"); do sed -n 3p "$CS_TT/out.$i"; done | sort -u)
expect_eq 1 "$(grep -c . <<<"$nss")" "all share one PID namespace ($(tr '\n' ' ' <<<"$nss"))"
expect_ne "$(cs_host_pidns)" "$nss" "and it is not the host's"
inits=$(for i in $(seq "$n"); do sed -n 4p "$CS_TT/out.$i"; done | sort -u)
expect_eq 1 "$(grep -c . <<<"$inits")" "all see the same PID 1 ($inits)"
expect_eq cs-init "${inits%% *}" "PID 1 is the sandbox init (the reaper)"
cs_finish
