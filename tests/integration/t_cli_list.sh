#!/bin/bash
# containsession list: nothing while nobody is logged in; with logins held
# open, one entry per user whose --json fields match what really runs: the
# init is alive, owned by the user's uid, and is the PID namespace a login
# sees; sessions counts the live logins; the cgroups are the user's.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox
command -v python3 >/dev/null || cs_skip "python3 is needed to parse list --json"

cs_use_cli

if ! cs_wait_clean cstest1 || ! cs_wait_clean cstest2; then cs_fail "test users not clean before the test"; fi
expect_eq "[]" "$(csc list --json)" "list --json with nothing running is []"
expect_eq "no sandbox is running" "$(csc list)" "list with nothing running"

cs_hold cstest1 61 || cs_fail "first login of cstest1 did not start"
cs_hold cstest1 62 || cs_fail "second login of cstest1 did not start"
cs_hold cstest2 63 || cs_fail "login of cstest2 did not start"

json=$(csc list --json)
expect_eq 0 "$?" "list --json exits 0"
printf '%s\n' "$json" | sed 's/^/    list: /'
# One line per sandbox: user uid profile init_pid sessions memory tasks age home cgroups...
rows=$(python3 -c '
import json, sys
data = json.load(sys.stdin)
keys = {"user", "uid", "version", "profile", "init_pid", "sessions", "memory_bytes", "tasks",
        "age_seconds", "home", "cgroups", "lifetime", "idle_since", "ends_at"}
for o in data:
    if set(o) != keys or o["version"] != 2:
        print("BADKEYS", sorted(o))
        continue
    if (o["lifetime"], o["idle_since"], o["ends_at"]) != ("logout", None, None):
        print("BADLIFE", o["lifetime"], o["idle_since"], o["ends_at"])
    print(o["user"], o["uid"], o["profile"], o["init_pid"], o["sessions"],
          "null" if o["memory_bytes"] is None else o["memory_bytes"],
          "null" if o["tasks"] is None else o["tasks"],
          o["age_seconds"], o["home"], *o["cgroups"])
' <<<"$json")
expect_eq 0 "$?" "list --json is valid JSON"
expect_not_contains "$rows" "BADKEYS" "every object has exactly the documented keys"
expect_not_contains "$rows" "BADLIFE" "lifetime logout, no idle time, no end time while logins are open"
rows=$(grep -v BADLIFE <<<"$rows")
expect_eq 2 "$(grep -c . <<<"$rows")" "two sandboxes listed"

check_row() { # USER PROFILE HOME SESSIONS
	local user=$1 uid row init sessions mem tasks age home cgs want
	uid=$(id -u "$user")
	row=$(awk -v u="$user" '$1 == u' <<<"$rows")
	read -r _ _ _ init sessions mem tasks age home cgs <<<"$row"
	expect_eq "$user $uid $2" "$(cut -d' ' -f1-3 <<<"$row")" "$user: user, uid and profile"
	expect_eq "$3" "$home" "$user: home mode"
	expect_eq "$4" "$sessions" "$user: $4 live session(s)"
	expect_true "$user: init $init is alive" kill -0 "$init"
	expect_eq "$uid" "$(ps -o ruid= -p "$init" | tr -d ' ')" "$user: init $init runs as uid $uid"
	expect_eq "init_pid=$init" "$(grep '^init_pid=' "$CS_STATE_DIR/$uid")" "$user: init pid as in the registry"
	expect_eq "$(readlink "/proc/$init/ns/pid")" "$(cs_ssh "$user" -- readlink /proc/self/ns/pid)" \
		"$user: a login is in the init's PID namespace"
	expect_true "$user: age $age s is plausible" test "$age" -ge 0 -a "$age" -lt 300
	if cs_cgroup_has_controller memory; then
		expect_true "$user: memory in use ($mem) is a positive number" test "$mem" -gt 0
	fi
	expect_true "$user: tasks ($tasks) counted" test "$tasks" -ge 1
	want=$(cs_user_cgroup_dirs "$uid" | cut -f2 | while read -r d; do [ -d "$d" ] && echo "$d"; done | sort)
	expect_eq "$want" "$(tr ' ' '\n' <<<"$cgs" | grep . | sort)" "$user: cgroups are the user's directories"
	for d in $cgs; do
		# (with cgroup = systemd, in the session scope below the slice)
		expect_true "$user: init is in $d" grep -rqx --include=cgroup.procs "$init" "$d"
	done
}
check_row cstest1 default overlay 2
check_row cstest2 tmpfshome overlay-tmpfs 1

table=$(csc list)
expect_contains "$(head -n 1 <<<"$table")" "USER" "table has a header"
expect_contains "$(head -n 1 <<<"$table" | cs_norm)" "USER UID PROFILE INIT SESSIONS MEMORY TASKS AGE IDLE LIFETIME ENDS" "table columns"
expect_eq "cstest1 $(id -u cstest1) default" "$(awk '$1 == "cstest1" { print $1, $2, $3 }' <<<"$table")" "table row of cstest1"
expect_eq 2 "$(awk '$1 == "cstest1" { print $5 }' <<<"$table")" "table: cstest1 has 2 sessions"

# A name is NSS's (an LDAP entry may carry a C1 control: U+009B, c2 9b, is
# CSI on many terminals; lib/root/user.c refuses only C0 and DEL) and goes
# into the registry as it is. The table shows it escaped, never its bytes,
# and the row keeps its columns. The entry is edited in place (same inode,
# the one the module locks) and put back before the logins end.
reg=$CS_STATE_DIR/$(id -u cstest2)
cp "$reg" "$CS_TT/reg.orig"
odd=$'cstest2\xc2\x9b2J\xe2\x80\xaeA\xff'
{ grep -v '^user=' "$CS_TT/reg.orig"; printf 'user=%s\n' "$odd"; } >"$reg"
table=$(csc list)
row=$(grep -a "^cstest2" <<<"$table")
printf '%s\n' "$row" | sed 's/^/    odd name: /' | cat -v
expect_eq 0 "$(LC_ALL=C grep -a -c $'[^\t -~]' <<<"$table")" "no byte outside printable ASCII in the table"
expect_eq 'cstest2\xc2\x9b2J\xe2\x80\xaeA\xff' "$(awk '{ print $1 }' <<<"$row")" \
	"the C1 control, the bidi override and the byte that is not UTF-8 are shown as \\xHH"
expect_eq "$(id -u cstest2) tmpfshome" "$(awk '{ print $2, $3 }' <<<"$row")" "the row keeps its columns"
expect_contains "$(csc list --json)" '"user": "cstest2\u009b2J\u202eA\u00ff"' "list --json escapes it as before"
cat "$CS_TT/reg.orig" >"$reg"
expect_eq "" "$(cmp "$CS_TT/reg.orig" "$reg")" "registry entry put back"

# A login that ends is no longer counted.
cs_release "${CS_HOLD_PIDS[0]}"
for _ in $(seq 50); do
	n=$(csc list --json | python3 -c 'import json,sys; print([o["sessions"] for o in json.load(sys.stdin) if o["user"] == "cstest1"])')
	[ "$n" = "[1]" ] && break
	sleep 0.2
done
expect_eq "[1]" "$n" "cstest1: one session after the first login ended"

cs_release_all
cs_wait_clean cstest1 && cs_wait_clean cstest2
expect_eq "[]" "$(csc list --json)" "nothing listed after the last logins ended"
cs_finish
