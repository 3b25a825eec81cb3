#!/bin/bash
# After an upgrade over running sandboxes: a sandbox whose registry entry
# was written by the release before the record (version 1) is not joined —
# the login is refused with a log line that says it was started by an older
# containsession and names `containsession stop USER` — `list` shows it as
# older, `enter` refuses it, and `containsession stop` (or `gc`, once no
# login holds it) ends it: its init, cgroup, /tmp and entry, with nothing of
# the user left. The entry of a live sandbox is rewritten in place in the
# format version 1 had, from its own values.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox
cs_use_cli

user=cstest1 uid=$(id -u cstest1)
entry=$CS_STATE_DIR/$uid
cs_wait_clean $user || cs_fail "$user not clean before the test"

login() { cs_ssh $user -- true >/dev/null 2>&1; }
key() { sed -n "s/^$1=//p" "$entry" | head -n 1; }

# The entry as the previous release wrote it (lib/root/registry.c before the
# record): the same sandbox, no record, cgroup= for each directory.
downgrade() {
	local net=0 text
	[ "$(key network)" = none ] && net=1
	text=$(
		printf 'version=1\nuser=%s\nuid=%s\ngid=%s\nprofile=%s\nhome=%s\nnet_none=%s\n' \
			"$(key user)" "$(key uid)" "$(key gid)" "$(key profile)" "$(key home)" "$net"
		printf 'init_pid=%s\ninit_start=%s\ncreated=%s\nlifetime=%s\nidle_since=%s\n' \
			"$(key init_pid)" "$(key init_start)" "$(key created)" "$(key lifetime)" "$(key idle_since)"
		sed -n 's/^cgroup\.dir=/cgroup=/p; /^holder=/p' "$entry"
	)
	# In place: the same root-owned inode the module locks.
	printf '%s\n' "$text" >"$entry"
}

# ---- a login holds it; the entry becomes version 1 -------------------------
cs_hold $user 90 || cs_fail "first login did not start"
init=$(key init_pid)
dirs=$(sed -n 's/^cgroup\.dir=//p' "$entry")
downgrade
expect_eq "version=1" "$(head -n 1 "$entry")" "the entry is in the version-1 format"

mark=$(cs_log_mark)
expect_false "a login into the older sandbox is refused" login
if line=$(cs_wait_log "$mark" -F "started by an older containsession"); then
	expect_contains "$line" "containsession stop $user" "the log line names the command that ends it"
	expect_contains "$line" "$entry" "and the file"
else
	not_ok "no log line says the sandbox is an older containsession's"
fi
expect_true "its init ($init) still runs" kill -0 "$init"
out=$(csc enter $user true 2>&1)
expect_ne 0 "$?" "enter refuses it"
expect_contains "$out" "containsession stop $user" "and says how to end it"

out=$(csc list 2>&1)
expect_eq 0 "$?" "list does not fail on it"
expect_contains "$out" "(older)" "list shows it as from an older containsession"
expect_contains "$(csc list --json 2>&1)" '"version": 1' "list --json gives its version"

out=$(csc stop $user 2>&1)
expect_eq 0 "$?" "stop ends it"
expect_eq "stopped sandbox of $user (init pid $init, started by an older containsession)" "$out" \
	"stop says what it stopped"
expect_eq "" "$(ps -o stat= -p "$init" | grep -v '^Z')" "the init has exited when stop returns"
for d in $dirs; do
	expect_false "its cgroup $d is gone (or emptied, systemd's)" test -s "$d/cgroup.procs"
done
cs_release_all
expect_true "nothing of $user left after stop (cs_wait_clean)" cs_wait_clean $user

# ---- gc ends one that no login holds any more --------------------------------
cs_hold $user 91 || cs_fail "second sandbox did not start"
init=$(key init_pid)
holder=$(key holder)
downgrade
cs_release_all
# The logout cannot end it either (the module reads no version 1): gc does,
# once the login's sshd [priv] process has gone.
for _ in $(seq 25); do kill -0 "${holder%% *}" 2>/dev/null || break; sleep 0.2; done
out=$(csc gc 2>&1)
expect_eq 0 "$?" "gc exits 0"
expect_contains "$out" "ended sandbox of $user" "gc ends the older sandbox no login holds"
expect_eq "" "$(ps -o stat= -p "$init" | grep -v '^Z')" "its init has exited"
expect_true "nothing of $user left after gc (cs_wait_clean)" cs_wait_clean $user

expect_eq 0 "$(cs_ssh $user -- id -u 2>&1)" "the next login gets a new sandbox"
expect_true "nothing of $user left after it (cs_wait_clean)" cs_wait_clean $user
cs_finish
