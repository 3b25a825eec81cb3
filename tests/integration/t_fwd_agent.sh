#!/bin/bash
# ssh -A: the forwarded agent works inside the sandbox. sshd's post-auth
# child makes the socket in /tmp of the login's session mount namespace,
# which is the sandbox's /tmp (root's tmpfs STATE/<uid>.tmp), so inside
# `ssh-add -l` lists the client's key and a hop to another account through
# the same sshd authenticates with it. The socket is not in the host's /tmp.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox
for c in ssh-agent ssh-add ssh-keygen; do
	command -v $c >/dev/null || cs_skip "needs $c (openssh-client)"
done

user=cstest1 uid=$(id -u cstest1)
eval "$(ssh-agent -s -a "$CS_TT/agent.sock")" >/dev/null || cs_fail "ssh-agent did not start"
cs_on_exit "kill $SSH_AGENT_PID"
ssh-add -q "$CS_KEY" 2>/dev/null || cs_fail "ssh-add $CS_KEY"
fp=$(ssh-keygen -lf "$CS_KEY.pub" | cut -d' ' -f2)

# The hop from inside: no key file of its own, only the forwarded agent.
hop="ssh -F /dev/null -p $CS_PORT -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
-o BatchMode=yes -o LogLevel=ERROR -o PubkeyAuthentication=yes cstest3@$CS_HOST"
out=$(cs_ssh $user -A -- "echo sock=\$SSH_AUTH_SOCK; ssh-add -l; $hop 'id -un; hostname'" 2>&1)
echo "$out" | sed 's/^/    | /'
expect_contains "$out" "sock=/" "SSH_AUTH_SOCK is set inside"
expect_contains "$out" "$fp" "ssh-add -l inside lists the client's key"
expect_contains "$out" "cstest-cstest3" "a hop to cstest3 authenticates with the forwarded agent (and lands in its sandbox)"

# Where the socket is, seen from the host, while a login holds it.
(cs_ssh_exec $user -A -- 'echo "$SSH_AUTH_SOCK"; exec sleep 60') </dev/null >"$CS_TT/sock" 2>/dev/null &
CS_HOLD_PIDS+=("$!")
for _ in $(seq 50); do [ -s "$CS_TT/sock" ] && break; sleep 0.2; done
sock=$(head -n 1 "$CS_TT/sock")
case $sock in
/tmp/*)
	expect_false "the agent socket $sock is not in the host's /tmp" [ -e "$sock" ]
	expect_true "it is in the sandbox's /tmp, root's tmpfs $CS_STATE_DIR/$uid.tmp" \
		[ -S "$CS_STATE_DIR/$uid.tmp/${sock#/tmp/}" ]
	;;
*) ok "agent socket $sock (OpenSSH 10.1+: below the home, not /tmp)" ;;
esac
cs_finish
