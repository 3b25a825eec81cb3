#!/bin/bash
# shellcheck disable=SC2016 # remote commands are single-quoted: the login shell expands them
# The command's exit status comes back through the sandbox. The commands
# first check they run inside (uid 0), so a plain login cannot pass.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

cs_ssh cstest1 -- '[ "$(id -u)" = 0 ] || exit 9; exit 42'
expect_eq 42 "$?" "exit 42 inside the sandbox gives 42"
cs_ssh cstest1 -- '[ "$(id -u)" = 0 ] || exit 9; false'
expect_eq 1 "$?" "false inside the sandbox gives 1"
cs_ssh cstest1 -- '[ "$(id -u)" = 0 ] || exit 9; true'
expect_eq 0 "$?" "true inside the sandbox gives 0"
cs_finish
