#!/bin/bash
# Fail closed, proven (1/4): the steps that start the sandbox init and set
# up the login's mount namespace — unshare, mount, fork, pipe, the drop to
# the user (setgroups, setresgid, setresuid), execve of the helper, and the
# pidfds the module opens and signals (at close too).
# See tests/lib/faultwalk.sh for what each injected fault must lead to.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=tests/lib/faultwalk.sh
. "$CS_LIB_DIR/faultwalk.sh"
cs_require_sandbox
cs_fault_prelude
cs_fault_walk \
	"unshare 0 -" \
	"mount 0 -" \
	"fork 0 -" \
	"pipe 0 -" \
	"setgroups 0 -" \
	"setresgid 0 -" \
	"setresuid 0 -" \
	"execve 0 -" \
	"pidfd_open 0 -" \
	"pidfd_send_signal 0 -" \
	;
cs_finish
