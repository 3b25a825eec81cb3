#!/bin/bash
# containsession explain: the rule that matches (by name, by @group, by '*',
# "off", none, root; refused for a group NSS does not know) with FILE:LINE,
# the inherit chain and every resolved setting with where it comes from.
# The output re-parses to the same settings, and what it says is what a
# real login gets.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"

cs_use_cli

line_of() { grep -n -x -F -- "$1" "$CS_POLICY" | head -n 1 | cut -d: -f1; }

# By name: cstest2 = tmpfshome, which inherits default.
out=$(csc explain cstest2)
expect_eq 0 "$?" "explain cstest2 exits 0"
n=$(line_of "cstest2 = tmpfshome")
expect_contains "$out" "# rule: cstest2 = tmpfshome   ($CS_POLICY:$n)" "cstest2 matched by name at line $n"
expect_contains "$out" "# profile chain: tmpfshome -> default" "inherit chain"
expect_contains "$out" "# hostname in the sandbox: cstest-cstest2" "expanded hostname"
n=$(line_of "home = overlay-tmpfs")
expect_contains "$out" "home = overlay-tmpfs   # ($CS_POLICY:$n in [profile tmpfshome])" "home set by tmpfshome"
n=$(line_of "memory.max = 256M")
expect_contains "$out" "memory.max = 268435456   # ($CS_POLICY:$n in [profile default])" "memory.max inherited from default"
expect_contains "$out" "tmp = private   # (built-in default)" "tmp is the built-in default"
expect_contains "$out" "state_dir = $CS_STATE_DIR   # ($CS_POLICY:" "state_dir from [global]"
expect_contains "$out" "tmp.max = $((128 << 20))   # (built-in default)" "tmp.max: derived from memory.max (half)"
for k in hostname home tmp network memory.max memory.high memory.swap.max pids.max cpu.max \
	cpu.weight io.weight capabilities seccomp no_new_privs home.max tmp.max cgroup cgroup_root \
	state_dir data_dir; do
	expect_eq 1 "$(grep -c "^$k = " <<<"$out")" "one '$k = ' line"
done

# The output is itself a policy with the same settings: parse it back with
# a rule for cstest2, and explain again.
{ printf '%s\n' "$out"; printf '\n[rules]\ncstest2 = tmpfshome\n'; } >"$CS_TT/round.conf"
"$cli" check "$CS_TT/round.conf" >/dev/null 2>"$CS_TT/err"
expect_eq 0 "$?" "explain's output parses ($(head -n 3 "$CS_TT/err"))"
again=$("$cli" --conf "$CS_TT/round.conf" --confdir "" explain cstest2)
strip() { grep -v '^#' | sed 's/ *#.*//' | grep .; }
expect_eq "$(strip <<<"$out")" "$(strip <<<"$again")" "re-parsed output resolves to the same settings"

# By group: cstest3 is in cstestgrp.
out=$(csc explain cstest3)
n=$(line_of "@cstestgrp = default")
expect_contains "$out" "# groups: cstest3 cstestgrp" "cstest3's groups"
expect_contains "$out" "# rule: @cstestgrp = default   ($CS_POLICY:$n)" "cstest3 matched by @cstestgrp at line $n"
expect_contains "$out" "# profile chain: default" "profile default, no parent"

# "off" wins for cstestoff (first match), although it is in cstestgrp too.
out=$(csc explain cstestoff)
expect_eq 0 "$?" "explain cstestoff exits 0"
n=$(line_of "cstestoff = off")
expect_contains "$out" "# rule: cstestoff = off   ($CS_POLICY:$n)" "cstestoff matched by its off rule"
expect_contains "$out" "rule says off: not sandboxed" "off means not sandboxed"
expect_not_contains "$out" "[profile" "no profile printed for off"

out=$(csc explain cstestplain)
expect_eq 0 "$?" "explain cstestplain exits 0"
expect_contains "$out" "no rule matches: not sandboxed" "cstestplain: no rule"

out=$(csc explain root)
expect_contains "$out" "uid 0 is never sandboxed" "root is never sandboxed"

# By '*': the test policy plus a catch-all rule.
{ cs_policy_text; echo "* = tmpfshome"; } >"$CS_TT/star.conf"
n=$(grep -c '' "$CS_TT/star.conf")
out=$("$cli" --conf "$CS_TT/star.conf" --confdir "" explain cstestplain)
expect_contains "$out" "# rule: * = tmpfshome   ($CS_TT/star.conf:$n)" "cstestplain matched by '*' at line $n"

# A rule naming a group NSS does not know: every user who reaches it is
# refused (its source may be down), whatever the rules after it say.
{
	cs_policy_text | sed '/^\[rules\]/,$d'
	printf '[rules]\ncstestoff = off\n@cstestnosuchgroup = tmpfshome\n* = default\n'
} >"$CS_TT/nogroup.conf"
n=$(grep -n -x -F '@cstestnosuchgroup = tmpfshome' "$CS_TT/nogroup.conf" | cut -d: -f1)
out=$("$cli" --conf "$CS_TT/nogroup.conf" --confdir "" explain cstest1 2>&1)
expect_eq 1 "$?" "explain of a user reaching a rule for a missing group exits 1"
expect_contains "$out" "# rule: @cstestnosuchgroup = tmpfshome   ($CS_TT/nogroup.conf:$n)" "it names the rule"
expect_contains "$out" "$CS_TT/nogroup.conf:$n: rule '@cstestnosuchgroup': NSS has no group 'cstestnosuchgroup' (no such group, or its source is down), so it cannot tell whether cstest1 is in it: the module refuses cstest1's login" "and why the module refuses"
expect_not_contains "$out" "[profile" "no profile printed for a refused login"
out=$("$cli" --conf "$CS_TT/nogroup.conf" --confdir "" explain cstestoff 2>&1)
expect_contains "$out" "rule says off: not sandboxed" "a rule before it still decides (cstestoff)"

out=$(csc explain cstest-no-such-user 2>&1)
expect_eq 1 "$?" "an unknown user exits 1"
expect_contains "$out" "unknown user" "and says so"

# What explain says is what a login gets.
if [ -z "$CS_NO_MODULE" ]; then
	want=$(csc explain cstest3 | sed -n 's/^# hostname in the sandbox: //p')
	got=$(cs_ssh cstest3 -- hostname 2>&1)
	expect_eq "$want" "$got" "cstest3's login has the hostname explain names"
fi
cs_finish
