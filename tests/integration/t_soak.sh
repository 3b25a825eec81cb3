#!/bin/bash
# A small leak soak (bench/soak.sh runs the full 1,000-cycle one): 100
# login/logout cycles, 10 at once, over the sandboxed test users, with
# forwarding in use: every login forwards the client's agent and lists it
# inside (its socket in the sandbox's /tmp, root's tmpfs), and cstest3's
# profile has network = none (root's network namespace per sandbox, which
# sshd's post-auth child enters). Before
# and after, count mounts (host and sshd's namespace), cgroups under the
# cgroup root, the test users' processes, the listening sshd's open fds and
# the entries in state_dir: every count must be back where it was, and every
# login must land in its sandbox. Lifetimes are mixed: cstest1 logout (the
# default), cstest2 a 2 s grace, cstest3 processes (each of its logins leaves
# a short nohup job behind); after the soak gc ends what the logouts kept.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

cycles=${CS_SOAK_CYCLES:-100} par=${CS_SOAK_PAR:-10}
users=(cstest1 cstest2 cstest3)
# Up to $par logins of one user at once, 3-4 processes each in its cgroup.
cs_on_exit cs_policy_reset
cs_policy_text | sed 's/^pids.max = 64$/pids.max = 1024/
	/^home = overlay-tmpfs$/a lifetime = 2s
	s/^\[rules\]$/[profile kept]\ninherit = default\nlifetime = processes\nnetwork = none\n\n[rules]\ncstest3 = kept/' |
	cs_policy_write
grep -q '^pids.max = 1024$' "$CS_POLICY" || cs_fail "policy edit did not apply"
grep -q '^lifetime = 2s$' "$CS_POLICY" && grep -q '^cstest3 = kept$' "$CS_POLICY" &&
	grep -q '^network = none$' "$CS_POLICY" ||
	cs_fail "lifetime policy edit did not apply"
cs_use_cli
cs_on_exit 'csc gc >/dev/null 2>&1'
eval "$(ssh-agent -s -a "$CS_TT/agent.sock")" >/dev/null || cs_fail "ssh-agent did not start"
cs_on_exit "kill $SSH_AGENT_PID"
ssh-add -q "$CS_KEY" 2>/dev/null || cs_fail "ssh-add $CS_KEY"
export SSH_AUTH_SOCK

uids=$(for u in "${users[@]}"; do id -u "$u"; done)
# shellcheck disable=SC2086 # one word per uid
counts() { cs_leak_counts $uids; }
# Clean means gc has ended what the logouts kept: run it until every user
# is clean (30 s at most), then check as always.
settle() {
	local u left
	for _ in $(seq 60); do
		csc gc >/dev/null
		left=
		for u in "${users[@]}"; do [ -z "$(cs_user_leftovers "$u")" ] || left=$u; done
		[ -z "$left" ] && break
		sleep 0.5
	done
	cs_settle 10 "${users[@]}"
}

# Warm-up: one login each makes what stays (cgroup root, DATA/<user>).
for u in "${users[@]}"; do
	expect_eq "cstest-$u" "$(cs_ssh "$u" -A -- 'ssh-add -l >/dev/null && hostname')" \
		"warm-up login of $u is sandboxed and has the forwarded agent"
done
settle || cs_fail "not clean after the warm-up"
counts >"$CS_TT/before"

ssh_cmd=$(cs_ssh_cmd)
seq "$cycles" | xargs -P "$par" -I{} bash -c '
	case $(( {} % 3 )) in 0) u=cstest1 ;; 1) u=cstest2 ;; 2) u=cstest3 ;; esac
	cmd="ssh-add -l >/dev/null && hostname"
	[ "$u" = cstest3 ] && cmd="$cmd; nohup sleep 1 >/dev/null 2>&1 &"
	if out=$('"$ssh_cmd"' -A "$u@'"$CS_HOST"'" "$cmd" 2>&1) && [ "$out" = "cstest-$u" ]; then
		echo ok
	else
		echo "fail {} $u: $(echo $out | head -c 200)"
	fi' >"$CS_TT/soak.log" 2>&1
# What the last logouts kept, before gc (shown, not checked: how much is
# still kept depends on timing).
csc list | sed 's/^/    kept after the soak: /'
settle || echo "    not clean after the soak; the counts below show what is left"
counts >"$CS_TT/after"

expect_eq "$cycles" "$(grep -c '^ok$' "$CS_TT/soak.log")" "all $cycles logins ($par at once) land in their sandbox with the forwarded agent"
grep '^fail' "$CS_TT/soak.log" | head -n 5 | sed 's/^/    /'
while IFS= read -r b && IFS= read -r a <&3; do
	expect_eq "$b" "$a" "after the soak: ${b%%|*} unchanged"
done <"$CS_TT/before" 3<"$CS_TT/after"
cs_finish
