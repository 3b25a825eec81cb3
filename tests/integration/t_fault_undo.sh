#!/bin/bash
# Fail closed, proven (4/4): a failed move into the user's cgroup whose
# undo (moving back out) fails as well: the module must not destroy a
# cgroup it is still in (that would kill it before it logs the refusal).
# The module moves itself through tasks on a v1 hierarchy (no RCU grace
# period: lib/root/cgroupfs.c), through cgroup.procs elsewhere.
# See tests/lib/faultwalk.sh for what each injected fault must lead to.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=tests/lib/faultwalk.sh
. "$CS_LIB_DIR/faultwalk.sh"
cs_require_sandbox
cs_fault_prelude
cs_fault_walk \
	"write+ 0 cgroup.procs" \
	"write+ 0 /tasks" \
	;
cs_finish
