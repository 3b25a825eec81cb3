#!/bin/bash
# Fail closed, proven (2/4): root's file system steps — mkdir, open and
# write under state_dir (the registry) and data_dir, the session file,
# /proc reads, flock, ftruncate, fchown, fchmod, unlink of the registry
# entry.
# See tests/lib/faultwalk.sh for what each injected fault must lead to.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=tests/lib/faultwalk.sh
. "$CS_LIB_DIR/faultwalk.sh"
cs_require_sandbox
cs_fault_prelude
cs_fault_walk \
	"mkdir 0 -" \
	"flock 0 -" \
	"ftruncate 0 -" \
	"fchown 0 -" \
	"fchmod 0 -" \
	"open 0 $CS_STATE_DIR" \
	"open 0 $CS_DATA_DIR" \
	"open 0 /session" \
	"open 0 /proc/" \
	"write 0 $CS_STATE_DIR" \
	"write 0 /session" \
	"unlink 0 -" \
	;
cs_finish
