#!/bin/bash
# containsession doctor and network = none: a socket with a path in a host
# directory the sandbox sees (here /var/tmp, where any local user may make
# one) is reachable from a network = none sandbox, since connect() finds it
# through the file system and not through the network namespace. doctor
# says so for every such socket any user may connect to, with its name
# escaped (any local user chooses names in /var/tmp), and not for one that
# a directory without search permission for others hides. The login shows
# that what doctor warns of is real: a client in the sandbox reaches a
# server on the host through it, while the host's loopback is out of reach.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=tests/lib/fwd.sh
. "$(dirname "$0")/../lib/fwd.sh"
cs_require_sandbox
cs_use_cli

user=cstest1 tag=$$-$RANDOM
dir=$(mktemp -d /var/tmp/cstest.XXXXXX) || cs_fail "mktemp in /var/tmp"
cs_on_exit "rm -rf '$dir'"
chmod 0755 "$dir"
mkdir -m 0700 "$dir/closed"
bad=$dir/$(printf 'x\033[2Jy')

# A server on the host: answers one line on sock, then goes. The others
# are sockets whose server is gone (the name stays, as doctor sees it).
python3 - "$dir/sock" "$bad" "$dir/closed/sock" "$tag" <<'EOF' &
import os, socket, sys
sock, bad, hidden, tag = sys.argv[1:5]
for p in (bad, hidden):
    s = socket.socket(socket.AF_UNIX)
    s.bind(p)
    os.chmod(p, 0o666)
    s.close()
s = socket.socket(socket.AF_UNIX)
s.bind(sock)
os.chmod(sock, 0o666)
s.listen(1)
s.settimeout(60)
c, _ = s.accept()
c.sendall((tag + "\n").encode())
c.close()
EOF
server=$!
cs_on_exit "kill $server 2>/dev/null; wait $server 2>/dev/null"
for _ in $(seq 50); do [ -S "$dir/sock" ] && break; sleep 0.1; done
[ -S "$dir/sock" ] || cs_fail "the host's socket server did not start"

cs_fwd_nonet $user
out=$(csc doctor 2>&1)
line=$(grep -F "$dir/sock is a socket any user may connect to" <<<"$out")
expect_contains "$line" "warning: " "doctor warns of the open socket in /var/tmp"
expect_contains "$line" "profile nonet" "... naming the network = none profile"
expect_contains "$out" "$dir/x\\x1b[2Jy is a socket" "... shows a hostile name escaped"
expect_eq "" "$(grep -F $'\033' <<<"$out")" "... and no raw escape byte"
expect_eq "" "$(grep -F "$dir/closed/" <<<"$out")" \
	"a socket below a directory others cannot search is not reported"

# What the warning says is real.
got=$(cs_ssh $user -- python3 -c "'import socket; s = socket.socket(socket.AF_UNIX); s.connect(\"$dir/sock\"); print(s.recv(100).decode().strip())'")
expect_eq "$tag" "$got" "a network = none login reaches the host's server through its socket"
expect_eq "lo" "$(cs_ssh $user -- "ls /sys/class/net 2>/dev/null || sed -n '3,\$s/:.*//p' /proc/net/dev" | tr -d ' ')" \
	"... in a network namespace with loopback only"

# Without a network = none profile in the rules there is nothing to say.
cs_policy_reset
expect_eq "" "$(csc doctor 2>&1 | grep -F "$dir/")" "no such warning without network = none"
expect_true "nothing of $user left" cs_wait_clean $user
cs_finish
