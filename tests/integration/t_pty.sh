#!/bin/bash
# A login with a pty (ssh -tt) works inside the sandbox.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

out=$(cs_ssh cstest1 -tt -- 'tty; id -u; hostname; exit 3' | tr -d '\r')
rc=$?
printf '%s\n' "$out" | sed 's/^/    out: /'
expect_eq 3 "$rc" "exit status 3 through the pty"
expect_true "tty is /dev/pts/N" grep -qE '^/dev/pts/[0-9]+$' <<<"$out"
expect_true "id -u prints 0" grep -qx 0 <<<"$out"
expect_true "hostname is cstest-cstest1" grep -qx cstest-cstest1 <<<"$out"
cs_finish
