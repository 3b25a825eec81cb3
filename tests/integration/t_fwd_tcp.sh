#!/bin/bash
# network = none: sshd's post-auth child forwards from inside the sandbox's
# network namespace (root's; loopback only). -L, -D and -W reach a server
# listening on the sandbox's 127.0.0.1 and never one only the host has (the
# same port number on the host's loopback serves other content); -R
# listens on the sandbox's loopback, not the host's.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=tests/lib/fwd.sh
. "$(dirname "$0")/../lib/fwd.sh"
cs_require_sandbox
command -v curl >/dev/null || cs_skip "needs curl"
command -v python3 >/dev/null || cs_skip "needs python3"

user=cstest1
cs_fwd_nonet $user
both=$(cs_fwd_port) hostonly=$(cs_fwd_port) lport=$(cs_fwd_port) dport=$(cs_fwd_port) rport=$(cs_fwd_port)
cs_fwd_host_http "$both" host || cs_fail "host server"
cs_fwd_host_http "$hostonly" hostonly || cs_fail "host server"
cs_fwd_sandbox_http $user "$both" inside || cs_fail "server inside: $(cat "$CS_TT/http.$both.err")"
expect_eq "host" "$(curl -fsS "http://127.0.0.1:$both/f")" "port $both on the host's loopback is the host's server"
out=$(cs_ssh $user -- "curl -sS -m 5 http://127.0.0.1:$hostonly/f" 2>&1)
expect_not_contains "$out" "hostonly" "a login in the sandbox cannot reach the host-only server"

# -L
cs_fwd_bg $user -L "$lport:127.0.0.1:$both" -L "$((lport + 1)):127.0.0.1:$hostonly"
cs_fwd_wait "-L listener" curl -fsS -o /dev/null "http://127.0.0.1:$lport/f" ||
	echo "    ssh -L: $(cat "$CS_TT/fwd.err")"
expect_eq "inside" "$(curl -fsS -m 5 "http://127.0.0.1:$lport/f")" "ssh -L reaches the server inside the sandbox"
out=$(curl -sS -m 5 "http://127.0.0.1:$((lport + 1))/f" 2>&1)
expect_not_contains "$out" "hostonly" "ssh -L cannot reach the host-only server ($out)"

# -D
cs_fwd_bg $user -D "$dport"
cs_fwd_wait "-D listener" curl -fsS -o /dev/null --socks5-hostname "127.0.0.1:$dport" "http://127.0.0.1:$both/f"
expect_eq "inside" "$(curl -fsS -m 5 --socks5-hostname "127.0.0.1:$dport" "http://127.0.0.1:$both/f")" \
	"ssh -D reaches the server inside the sandbox"
out=$(curl -sS -m 5 --socks5-hostname "127.0.0.1:$dport" "http://localhost:$hostonly/f" 2>&1)
expect_not_contains "$out" "hostonly" "ssh -D cannot reach the host-only server ($out)"

# -W
out=$(printf 'GET /f HTTP/1.0\r\n\r\n' | timeout 10 bash -c '. "$CS_LIB_DIR/sshd.sh"; cs_ssh "$@"' - $user -W "127.0.0.1:$both" 2>&1)
expect_contains "$out" "inside" "ssh -W reaches the server inside the sandbox"
out=$(printf 'GET /f HTTP/1.0\r\n\r\n' | timeout 10 bash -c '. "$CS_LIB_DIR/sshd.sh"; cs_ssh "$@"' - $user -W "127.0.0.1:$hostonly" 2>&1)
expect_not_contains "$out" "hostonly" "ssh -W cannot reach the host-only server"

# -R: a client inside reaches the client side's (here the host's) server
# through the remote-forwarded port, which listens inside only.
out=$(cs_ssh $user -o ExitOnForwardFailure=yes -R "$rport:127.0.0.1:$hostonly" -- \
	"curl -fsS -m 5 http://127.0.0.1:$rport/f; echo listening=\$(grep -c ':$(printf %04X "$rport") 00000000:0000 0A' /proc/net/tcp)" 2>&1)
expect_contains "$out" "hostonly" "ssh -R: a client inside reaches the client side's server"
expect_contains "$out" "listening=1" "ssh -R listens on the sandbox's loopback"
(cs_ssh_exec $user -N -R "$rport:127.0.0.1:$hostonly") </dev/null >/dev/null 2>&1 &
CS_HOLD_PIDS+=("$!")
cs_fwd_wait "-R listener inside" cs_ssh $user -- "curl -fsS -o /dev/null http://127.0.0.1:$rport/f"
expect_eq "" "$(ss -Hltn "( sport = :$rport )")" "and not on the host's"
cs_finish
