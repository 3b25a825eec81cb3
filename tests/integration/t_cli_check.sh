#!/bin/bash
# containsession check: the test policy is valid ("FILE: OK", exit 0); a
# broken one gets every error as FILE:LINE (exit 1), a shadowed rule is a
# warning (exit 0), a drop-in's error names the drop-in, and a group-writable
# file is refused as the module refuses it (unless --no-owner-check), a
# rule naming a group NSS does not know is an error, and a uid whose passwd
# names the rules treat differently is a warning.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"

cs_use_cli

out=$(csc check 2>"$CS_TT/err")
expect_eq 0 "$?" "check of the test policy exits 0"
expect_eq "$CS_POLICY: OK" "$out" "check prints FILE: OK"
expect_eq "" "$(cat "$CS_TT/err")" "and nothing on stderr"

bad=$CS_TT/bad.conf
cat >"$bad" <<'POLICY'
[global]
state_dir = /run/containsession
no_such_key = 1

[profile p]
memory.max = lots
hostname = ok-%u

[rules]
cstest1 = nowhere
* = p
POLICY
out=$("$cli" check "$bad" 2>&1)
expect_eq 1 "$?" "check of a broken policy exits 1"
expect_contains "$out" "$bad:3: unknown key 'no_such_key'" "unknown key reported at line 3"
expect_contains "$out" "$bad:6: invalid value 'lots' for memory.max" "bad value reported at line 6"
expect_contains "$out" "$bad:10:" "rule naming an unknown profile reported at line 10"
expect_not_contains "$out" ": OK" "no OK for a broken policy"
expect_eq 3 "$(grep -c "^$bad:[0-9]*: " <<<"$out")" "exactly the three errors, one line each"

warn=$CS_TT/warn.conf
printf '[profile p]\n\n[rules]\n* = p\ncstest1 = off\n' >"$warn"
out=$("$cli" check "$warn" 2>"$CS_TT/err")
expect_eq 0 "$?" "a shadowed rule is only a warning (exit 0)"
expect_eq "$warn: OK" "$out" "check still says OK"
expect_contains "$(cat "$CS_TT/err")" "warning: $warn:5: " "the warning names line 5"

# Drop-ins are read after the main file; their errors name them.
mkdir -p "$CS_TT/d"
printf '[profile extra]\ninherit = default\npids.max = -1\n' >"$CS_TT/d/10-extra.conf"
out=$("$cli" --conf "$CS_POLICY" --confdir "$CS_TT/d" check 2>&1)
expect_eq 1 "$?" "a broken drop-in makes the policy invalid"
expect_contains "$out" "$CS_TT/d/10-extra.conf:3: " "the error names the drop-in and line 3"
printf '[profile extra]\ninherit = default\npids.max = 100\n' >"$CS_TT/d/10-extra.conf"
out=$("$cli" check --confdir "$CS_TT/d" 2>&1 --conf "$CS_POLICY")
expect_eq 0 "$?" "options after the verb work too; a valid drop-in passes"

# Ownership, as the module checks it when run as root.
cp "$CS_POLICY" "$CS_TT/open.conf"
chmod 0666 "$CS_TT/open.conf"
out=$("$cli" check "$CS_TT/open.conf" 2>&1)
expect_eq 1 "$?" "a world-writable policy is refused"
expect_contains "$out" "$CS_TT/open.conf: must be owned by root" "and check says why"
"$cli" check --no-owner-check "$CS_TT/open.conf" >/dev/null 2>&1
expect_eq 0 "$?" "--no-owner-check accepts it as a draft"

# A rule naming a group NSS does not know refuses every login that
# reaches it (the module cannot tell "no such group" from a source that
# is down): an error, with its line. A group that exists is fine.
printf '[profile p]\n\n[rules]\n@cstestgrp = p\n@cstestnosuchgroup = p\n* = p\n' >"$CS_TT/nogroup.conf"
out=$("$cli" check "$CS_TT/nogroup.conf" 2>&1)
expect_eq 1 "$?" "a rule for a missing group makes check exit 1"
expect_eq "$CS_TT/nogroup.conf:5: rule '@cstestnosuchgroup': no group 'cstestnosuchgroup' in NSS: the module refuses every login that reaches this rule" \
	"$out" "check names the file, line and group, and nothing else (no OK, cstestgrp exists)"

# Two names for one uid (an alias, "toor"-style): rules name users, but a
# sandbox is per uid, so a login by the name the rules leave out runs as the
# sandbox's uid outside it, and owns its user namespace. check warns (exit
# 0: the policy is valid; the hole is in passwd), naming the uid, the names
# and what each gets; nothing when both get the same profile.
uid1=$(id -u cstest1)
cs_on_exit "userdel cstestalias 2>/dev/null"
useradd -o -u "$uid1" -M -N -s /bin/bash cstestalias || cs_fail "useradd cstestalias"
out=$(csc check 2>"$CS_TT/err")
expect_eq 0 "$?" "an alias the policy treats differently is a warning (exit 0)"
expect_eq "$CS_POLICY: OK" "$out" "check still says OK"
err=$(grep "uid $uid1 " "$CS_TT/err")
expect_eq 1 "$(grep -c . <<<"$err")" "one warning for uid $uid1"
expect_contains "$err" "containsession: warning: uid $uid1 has names the policy treats differently: cstest1 (profile default, rule $CS_POLICY:" \
	"it names the uid, cstest1, its profile and rule"
expect_contains "$err" ", cstestalias (not sandboxed): a login by one runs as uid $uid1 outside" \
	"and cstestalias, which no rule sandboxes"
for same in '* = p' $'cstest1 = p\ncstestalias = p' $'cstestalias = off\ncstest1 = off'; do
	printf '[profile p]\n\n[rules]\n%s\n' "$same" >"$CS_TT/alias.conf"
	out=$("$cli" check "$CS_TT/alias.conf" 2>"$CS_TT/err")
	expect_eq 0 "$?" "both names decided alike (${same//$'\n'/; }): exit 0"
	expect_eq "" "$(grep "uid $uid1 " "$CS_TT/err")" "both names decided alike (${same//$'\n'/; }): no warning"
done
printf '[profile p]\n\n[profile q]\n\n[rules]\ncstestalias = q\ncstest1 = p\n' >"$CS_TT/alias.conf"
"$cli" check "$CS_TT/alias.conf" >/dev/null 2>"$CS_TT/err"
expect_contains "$(cat "$CS_TT/err")" "uid $uid1 has names the policy treats differently: cstest1 (profile p, rule $CS_TT/alias.conf:7), cstestalias (profile q, rule $CS_TT/alias.conf:6)" \
	"two profiles for one uid: both named, with their rules"
userdel cstestalias
expect_false "cstestalias is gone" getent passwd cstestalias
expect_false "and left no group" getent group cstestalias

"$cli" check "$CS_TT/missing.conf" >/dev/null 2>&1
expect_eq 1 "$?" "a missing file is invalid"
cs_finish
