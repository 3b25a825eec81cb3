#!/bin/bash
# OpenSSH 10.1+ makes the forwarded agent's socket in ~/.ssh/agent/ of the
# real home. With an overlay home, the sandbox has the real directory bound
# over the overlay's (a unix socket cannot be reached through an overlay),
# so a socket sshd (here: a server the user runs on the host) makes there
# is reachable inside. Tested without a 10.1 sshd (Debian has none): the
# directory exists in the real home when the sandbox starts, as it does
# once sshd 10.1 forwarded an agent for the user.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=tests/lib/fwd.sh
. "$(dirname "$0")/../lib/fwd.sh"
cs_require_sandbox
command -v python3 >/dev/null || cs_skip "needs python3"
command -v runuser >/dev/null || cs_skip "needs runuser (util-linux)"

user=cstest1 home=$(getent passwd cstest1 | cut -d: -f6)
printf '%s\n' 'import socket, sys, os' \
	'p = sys.argv[1]' \
	'if os.path.exists(p): os.unlink(p)' \
	's = socket.socket(socket.AF_UNIX); s.bind(p); s.listen(8)' \
	'while True:' \
	'    c, _ = s.accept(); c.sendall(b"real\n"); c.close()' >"$CS_TT/serve.py"
chmod 0644 "$CS_TT/serve.py"
get='import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print(s.recv(100).decode().strip())'

runuser -u $user -- sh -c 'mkdir -p -m 0700 "$HOME/.ssh" && mkdir -p -m 0700 "$HOME/.ssh/agent"' ||
	cs_fail "mkdir ~/.ssh/agent"
cs_on_exit "rm -rf '$home/.ssh/agent'"
sock=$home/.ssh/agent/s.$$
runuser -u $user -- python3 - "$sock" <"$CS_TT/serve.py" &
srv=$!
cs_on_exit "kill $srv 2>/dev/null; wait $srv 2>/dev/null"
cs_fwd_wait "socket server in the real ~/.ssh/agent" runuser -u $user -- python3 -c "$get" "$sock" ||
	cs_fail "server did not start"

out=$(cs_ssh $user -- "python3 -c '$get' $sock" 2>&1)
expect_eq "real" "$out" "the real home's ~/.ssh/agent socket is reachable inside the overlay home"
expect_eq "cstest-$user" "$(cs_ssh $user -- hostname)" "the login is sandboxed"
cs_finish
