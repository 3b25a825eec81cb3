#!/bin/bash
# Fail closed, proven (3/4): the per-user cgroup — opening and writing its
# files (limits, cgroup.procs or tasks), and rmdir at teardown.
# See tests/lib/faultwalk.sh for what each injected fault must lead to.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=tests/lib/faultwalk.sh
. "$CS_LIB_DIR/faultwalk.sh"
cs_require_sandbox
cs_fault_prelude
cs_fault_walk \
	"open 0 /$CS_CG_NAME" \
	"write 0 /$CS_CG_NAME" \
	"rmdir 0 -" \
	;
cs_finish
