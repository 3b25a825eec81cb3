#!/bin/bash
# Streamlocal forwarding: -L LOCAL.sock:/tmp/x.sock connects to the socket
# in the sandbox's /tmp (a server inside listens there), not to the host's
# /tmp/x.sock (which serves other content); -R /tmp/y.sock:LOCAL makes the
# listener in the sandbox's /tmp, reachable by a client inside.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=tests/lib/fwd.sh
. "$(dirname "$0")/../lib/fwd.sh"
cs_require_sandbox
command -v python3 >/dev/null || cs_skip "needs python3"

# A unix socket server (python3 - PATH TEXT, script on stdin) that answers
# TEXT to each connection, and a client that prints what it gets.
printf '%s\n' 'import socket, sys, os' \
	'p, t = sys.argv[1], sys.argv[2].encode() + b"\n"' \
	'if os.path.exists(p): os.unlink(p)' \
	's = socket.socket(socket.AF_UNIX); s.bind(p); s.listen(8)' \
	'while True:' \
	'    c, _ = s.accept(); c.sendall(t); c.close()' >"$CS_TT/serve.py"
get='import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print(s.recv(100).decode().strip())'

user=cstest1 tag=$$-$RANDOM
hostsock=/tmp/cstest-fwd-$tag.sock
python3 - "$hostsock" host <"$CS_TT/serve.py" &
cs_on_exit "kill $! 2>/dev/null; rm -f $hostsock"
cs_fwd_wait "host socket server" python3 -c "$get" "$hostsock"

(cs_ssh_exec $user -- exec python3 - "$hostsock" inside) <"$CS_TT/serve.py" >/dev/null 2>"$CS_TT/inside.err" &
CS_HOLD_PIDS+=("$!")
cs_fwd_wait "socket server inside" cs_ssh $user -- "python3 -c '$get' $hostsock" ||
	cs_fail "server inside: $(cat "$CS_TT/inside.err")"
expect_eq "host" "$(python3 -c "$get" "$hostsock")" "the host's $hostsock is the host's server"

cs_fwd_bg $user -L "$CS_TT/l.sock:$hostsock"
cs_fwd_wait "-L socket" test -S "$CS_TT/l.sock"
expect_eq "inside" "$(python3 -c "$get" "$CS_TT/l.sock" 2>&1)" \
	"ssh -L LOCAL:$hostsock connects to the socket in the sandbox's /tmp"

# -R: the listener is made inside, its client side is the host's server.
rsock=/tmp/cstest-r-$tag.sock
out=$(cs_ssh $user -o ExitOnForwardFailure=yes -R "$rsock:$hostsock" -- "python3 -c '$get' $rsock" 2>&1)
expect_eq "host" "$out" "ssh -R $rsock: a client inside reaches the client side's server"
expect_false "and $rsock is not in the host's /tmp" [ -e "$rsock" ]
cs_finish
