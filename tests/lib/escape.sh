# shellcheck shell=bash
#
# tests/lib/escape.sh — for the escape suite (tests/integration/t_escape_*.sh):
# runs tests/lib/escape_probe.py inside a login and reads what it printed.
# Source after testlib.sh.
#
#   out=$(cs_probe cstest1 -- pid "$CS_SSHD_PID")
#   expect_eq absent "$(pv "$out" "proc_$CS_SSHD_PID")" "..."

# cs_probe USER [SSH-OPTION...] -- VERB [ARG...]: copy the probe into a fresh
# temp file of the login and run it there; prints its "KEY VALUE" lines.
# Returns ssh's status (the probe's, or 255 when the login failed).
cs_probe() {
	local user=$1 opts=() b64
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	b64=$(base64 -w0 "$CS_LIB_DIR/escape_probe.py") || return 1
	cs_ssh "$user" "${opts[@]}" -- "f=\$(mktemp) && echo $b64 | base64 -d >\$f && python3 \$f $*; rc=\$?; rm -f \$f; exit \$rc"
}

# pv OUTPUT KEY: the value the probe printed for KEY (last one wins).
pv() {
	printf '%s\n' "$1" | tr -d '\r' | awk -v k="$2" '$1 == k { v = substr($0, length(k) + 2) } END { print v }'
}
