#!/bin/bash
# containsession(8) documents exactly the verbs the CLI has (its hidden
# --list-verbs against the ".It Cm VERB" items of COMMANDS), every verb has
# --help, --version prints the version, and the three man pages are clean
# for mandoc -Tlint. (The keys of containsession.conf(5) against the
# parser's table: tests/unit/test_cli_manpage.c.)
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"

cs_use_cli

page=$CS_TOP/man/containsession.8
[ -r "$page" ] || cs_fail "no $page"
verbs=$("$cli" --list-verbs | LC_ALL=C sort)
documented=$(awk '/^\.Sh /{ s = $2 } s == "COMMANDS" && /^\.It Cm / { print $3 }' "$page" | LC_ALL=C sort)
expect_true "the CLI has verbs ($(tr '\n' ' ' <<<"$verbs"))" [ -n "$verbs" ]
expect_eq "$verbs" "$documented" "verbs of the CLI = verbs in containsession(8) COMMANDS"

for v in $verbs; do
	out=$("$cli" "$v" --help 2>&1)
	rc=$?
	expect_eq 0 "$rc" "containsession $v --help exits 0"
	expect_contains "$out" "usage: containsession $v" "containsession $v --help prints its usage"
done
"$cli" no-such-verb >/dev/null 2>&1
expect_eq 2 "$?" "an unknown verb is a usage error (exit 2)"
"$cli" explain >/dev/null 2>&1
expect_eq 2 "$?" "a missing argument is a usage error (exit 2)"
ver=$(grep -m1 '^VERSION' "$CS_TOP/Makefile" | sed 's/.*:= *//')
expect_eq "containsession $ver" "$("$cli" --version)" "--version"

if ! command -v mandoc >/dev/null; then
	cs_skip "verbs checked; mandoc is not installed, so the man pages were not linted (apt-get install mandoc)"
fi
for m in "$CS_TOP"/man/*.[58]; do
	# Warnings and errors: none. Style messages too, except "referenced
	# manual not found", which depends on what this host has installed.
	out=$(mandoc -Tlint "$m" 2>&1 | grep -v -e 'referenced manual not found' -e 'outdated mandoc.db')
	expect_eq "" "$out" "mandoc -Tlint $(basename "$m") is clean"
	out=$(mandoc -Tlint -W warning "$m" 2>&1)
	expect_eq "" "$out" "mandoc -Tlint -W warning $(basename "$m") says nothing"
done
for m in pam_containsession.8 containsession.conf.5 containsession.8; do
	expect_true "man/$m exists" [ -s "$CS_TOP/man/$m" ]
done
cs_finish
