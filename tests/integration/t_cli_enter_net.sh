#!/bin/bash
# containsession enter joins what a login joins: with network = none the
# sandbox's network namespace (root's, entered by root before it drops to
# the user; the helper checks it and joins every other namespace), and the
# same /tmp (root's tmpfs, shared by the sandbox and the logins' session
# namespaces). Both the login and enter see the same namespace, with
# loopback up, that is not the host's.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=tests/lib/fwd.sh
. "$(dirname "$0")/../lib/fwd.sh"
cs_require_sandbox
cs_use_cli

user=cstest1 uid=$(id -u cstest1) tag=$$-$RANDOM
cs_fwd_nonet $user
cs_hold $user 64 || cs_fail "login of $user did not start"
init=$(sed -n 's/^init_pid=//p' "$CS_STATE_DIR/$uid")

login_net=$(cs_ssh $user -- readlink /proc/self/ns/net)
enter_net=$(csc enter $user readlink /proc/self/ns/net)
expect_eq "$login_net" "$enter_net" "enter is in the network namespace a login is in"
expect_eq "$(readlink "/proc/$init/ns/net")" "$enter_net" "which is the sandbox init's"
expect_ne "$(readlink /proc/self/ns/net)" "$enter_net" "and not the host's"
expect_eq "$enter_net" "net:[$(stat -L -c %i "$CS_STATE_DIR/$uid.net")]" \
	"and the one root keeps at $CS_STATE_DIR/$uid.net"
expect_eq "lo" "$(csc enter $user sh -c 'ls /sys/class/net 2>/dev/null || sed -n "3,\$s/:.*//p" /proc/net/dev' | tr -d ' ')" \
	"loopback is its only interface"
out=$(csc enter $user sh -c 'grep -c "^ *lo:" /proc/net/dev; cat /proc/sys/net/ipv4/ip_unprivileged_port_start')
expect_eq "1 0" "$(echo $out)" "ports below 1024 are open to the user in it"

cs_ssh $user -- "echo $tag >/tmp/login-$tag"
expect_eq "$tag" "$(csc enter $user cat /tmp/login-$tag)" "enter sees the login's /tmp"
expect_eq "$(cs_ssh $user -- stat -c %d:%i /tmp)" "$(csc enter $user stat -c %d:%i /tmp)" \
	"the same /tmp file system"
cs_release "$CS_HOLD_PID"
expect_true "nothing of $user left" cs_wait_clean $user
cs_finish
