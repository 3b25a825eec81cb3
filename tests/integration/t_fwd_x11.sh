#!/bin/bash
# ssh -X, with network = host and with network = none: an X client inside
# the sandbox reaches the client side's display (an Xvfb here). sshd's
# post-auth child listens for X11 on the loopback of the network namespace
# it was forked into (the sandbox's, for none), and xauth runs inside
# (sshd runs it through /bin/sh). The client side's display has a screen
# size nothing else has: xdpyinfo inside must report it, and xprop must
# read its root window.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=tests/lib/fwd.sh
. "$(dirname "$0")/../lib/fwd.sh"
cs_require_sandbox
for c in Xvfb xauth xdpyinfo xprop; do
	command -v $c >/dev/null || cs_skip "needs $c (xvfb, xauth, x11-utils)"
done
grep -qi '^X11Forwarding yes' "$CS_SSHD_CONFIG" || cs_skip "the test sshd has no X11Forwarding"

n=
for d in $(seq 40 99); do
	[ -e "/tmp/.X11-unix/X$d" ] || [ -e "/tmp/.X$d-lock" ] || { n=$d; break; }
done
[ -n "$n" ] || cs_fail "no free X display number"
w=$((300 + RANDOM % 200)) h=$((200 + RANDOM % 100))
Xvfb ":$n" -nolisten tcp -screen 0 "${w}x${h}x8" >"$CS_TT/xvfb.log" 2>&1 &
xpid=$!
cs_on_exit "kill $xpid 2>/dev/null; wait $xpid 2>/dev/null"
export DISPLAY=:$n XAUTHORITY=$CS_TT/Xauthority
touch "$XAUTHORITY"
cs_fwd_wait "Xvfb :$n" xdpyinfo || cs_fail "Xvfb did not start: $(cat "$CS_TT/xvfb.log")"

x11_inside() { # USER
	cs_ssh "$1" -X -- 'echo "display=$DISPLAY"; xdpyinfo | grep dimensions:; xprop -root >/dev/null && echo xprop-ok' 2>&1
}
user=cstest1
out=$(x11_inside $user)
echo "$out" | sed 's/^/    | /'
expect_contains "$out" "display=localhost:" "network = host: DISPLAY is sshd's forwarded display"
expect_contains "$out" "dimensions:    ${w}x${h} pixels" "network = host: xdpyinfo inside reaches the client's display"
expect_contains "$out" "xprop-ok" "network = host: xprop inside reads its root window"

cs_fwd_nonet $user
out=$(x11_inside $user)
echo "$out" | sed 's/^/    | /'
expect_contains "$out" "display=localhost:" "network = none: DISPLAY is sshd's forwarded display"
expect_contains "$out" "dimensions:    ${w}x${h} pixels" "network = none: xdpyinfo inside reaches the client's display"
expect_contains "$out" "xprop-ok" "network = none: xprop inside reads its root window"
cs_finish
