#!/bin/bash
# A policy edit while a sandbox runs does not change that sandbox: a second
# login (and `containsession enter`) joins it with what it was built with,
# its record in the registry entry, never the edited profile. Both ways for
# the network (none to host: still only loopback; host to none: still the
# host's network, and the login works), and for hostname, capabilities and
# seccomp. A record that cannot be read refuses the login, with a log line
# naming the file. The next sandbox, made after the last logout, takes the
# edit.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=tests/lib/fwd.sh
. "$(dirname "$0")/../lib/fwd.sh"
cs_require_sandbox
cs_use_cli

user=cstest1 uid=$(id -u cstest1)
entry=$CS_STATE_DIR/$uid
host_net=$(readlink /proc/self/ns/net)
cs_on_exit cs_policy_reset
cs_wait_clean $user || cs_fail "$user not clean before the test"

# The interfaces a login of the user sees (the sandbox has no sysfs).
ifaces() { cs_ssh $user -- 'sed -n "3,\$s/:.*//p" /proc/net/dev' 2>&1 | tr -d ' ' | paste -sd' ' -; }
# A login that runs nothing, quietly.
login() { cs_ssh $user -- true >/dev/null 2>&1; }
# What the shell runs with: capabilities, seccomp mode, no_new_privs; in a
# login, or through enter.
probe='grep -E "^(CapEff|CapBnd|Seccomp|NoNewPrivs):" /proc/self/status'
privs() { cs_ssh $user -- "$probe" 2>&1 | cs_norm; }
privs_enter() { csc enter $user sh -c "$probe" 2>&1 | cs_norm; }

# ---- network = none, then the policy says host ------------------------------
cs_fwd_nonet $user
cs_hold $user 90 || cs_fail "first login (network = none) did not start"
init=$(sed -n 's/^init_pid=//p' "$entry")
expect_eq "network=none" "$(grep '^network=' "$entry")" "the record says network = none"
cs_policy_reset
grep -q '^network' "$CS_POLICY" && cs_fail "policy still has a network line"
expect_eq lo "$(ifaces)" "a login after the edit to host still has only loopback"
net=$(cs_ssh $user -- readlink /proc/self/ns/net)
expect_eq "$(readlink "/proc/$init/ns/net")" "$net" "in the sandbox's network namespace"
expect_ne "$host_net" "$net" "not the host's"
expect_eq "$net" "$(csc enter $user readlink /proc/self/ns/net)" "enter joins it too"
expect_contains "$(csc list --json)" '"profile": "nonet"' "list shows the profile it was made with"
cs_release "$CS_HOLD_PID"
cs_wait_clean $user || cs_fail "$user's sandbox not torn down"
expect_eq "$host_net" "$(cs_ssh $user -- readlink /proc/self/ns/net)" \
	"the next sandbox takes the edit (host network)"
cs_wait_clean $user || cs_fail "$user's sandbox not torn down"

# ---- network = host, then the policy says none ------------------------------
cs_hold $user 90 || cs_fail "first login (network = host) did not start"
cs_fwd_nonet $user
out=$(cs_ssh $user -- 'echo in; readlink /proc/self/ns/net') || cs_fail "a login after the edit to none failed: $out"
expect_eq "in $host_net" "$(echo $out)" "a login after the edit to none works, with the host's network"
expect_eq "$host_net" "$(csc enter $user readlink /proc/self/ns/net)" "and so does enter"
cs_release "$CS_HOLD_PID"
cs_wait_clean $user || cs_fail "$user's sandbox not torn down"
cs_policy_reset

# ---- hostname, capabilities, seccomp -----------------------------------------
cs_hold $user 90 || cs_fail "first login (default profile) did not start"
before=$(privs)
expect_contains "$before" "Seccomp: 2" "the running sandbox has the seccomp filter"
cs_policy_text | sed 's/^hostname = cstest-%u$/hostname = edited-%u\ncapabilities = all\nseccomp = off/' |
	cs_policy_write
grep -q '^seccomp = off$' "$CS_POLICY" || cs_fail "policy edit did not apply"
expect_eq cstest-$user "$(cs_ssh $user -- hostname 2>&1)" "hostname after the edit is the sandbox's"
expect_eq "$before" "$(privs)" "capabilities, seccomp and no_new_privs after the edit are the sandbox's"
expect_eq "$before" "$(privs_enter)" "and enter's"

# ---- a record that cannot be read refuses the login ---------------------------
cp -p "$entry" "$CS_TT/entry"
sed -i 's/^version=.*/version=1/' "$entry"
mark=$(cs_log_mark)
expect_false "a login is refused when the record has another version" login
if line=$(cs_wait_log "$mark" -F "registry entry $entry is unreadable"); then
	expect_contains "$line" "version 1, not 2" "the log line names the file and the version"
else
	not_ok "no log line names $entry"
fi
cp -p "$CS_TT/entry" "$entry"
cs_release "$CS_HOLD_PID"
cs_wait_clean $user || cs_fail "$user's sandbox not torn down"

after=$(privs)
expect_ne "$before" "$after" "the next sandbox takes the edited capabilities and seccomp"
expect_contains "$after" "Seccomp: 0" "seccomp off in the next sandbox"
expect_eq edited-$user "$(cs_ssh $user -- hostname 2>&1)" "and the edited hostname"
cs_wait_clean $user || cs_fail "$user's sandbox not torn down"
cs_finish
