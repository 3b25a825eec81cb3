# shellcheck shell=bash
#
# tests/lib/testlib.sh — what every tests/integration/t_*.sh sources. It
# loads tests/lib/sshd.sh (the environment the runner set up is in the
# exported CS_* variables) and adds checks, skips, background logins and
# exit hooks. A test exits 0 (pass), 1 (fail) or 77 (skip, reason on stderr).
#
#   . "$(dirname "$0")/../lib/testlib.sh"
#   cs_require_module
#   expect_eq 0 "$(cs_ssh cstest1 -- id -u)" "id -u inside"
#   cs_finish
#
# Checks print "ok - WHAT" or "not ok - WHAT: ..." on stdout and go on; the
# test fails at the end if any check failed. cs_fail ends the test at once.

# shellcheck source=tests/lib/sshd.sh
. "$(dirname "${BASH_SOURCE[0]}")/sshd.sh"

set -u -o pipefail

if [ -z "${CS_T:-}" ] || [ -z "${CS_SSHD_PID:-}" ]; then
	echo "run this through tests/integration/run $(basename "$0" .sh)" >&2
	exit 77
fi

CS_FAILS=0
CS_HOLD_PIDS=()
CS__EXIT_HOOKS=()
# Per-test scratch dir, root-only, removed at exit.
CS_TT=$(mktemp -d "$CS_T/t.XXXXXX")

# cs_on_exit CMD...: run CMD when the test exits (last registered first).
cs_on_exit() { CS__EXIT_HOOKS+=("$*"); }

cs__test_exit() {
	local rc=$? i
	trap - EXIT
	cs_release_all
	for ((i = ${#CS__EXIT_HOOKS[@]} - 1; i >= 0; i--)); do
		eval "${CS__EXIT_HOOKS[i]}" || true
	done
	rm -rf --one-file-system "$CS_TT"
	if [ "$rc" -eq 0 ] && [ "$CS_FAILS" -gt 0 ]; then rc=1; fi
	exit "$rc"
}
trap cs__test_exit EXIT
trap 'exit 1' INT TERM HUP

ok() { printf 'ok - %s\n' "$*"; }
not_ok() { printf 'not ok - %s\n' "$*"; CS_FAILS=$((CS_FAILS + 1)); }

# End the test now as failed / skipped.
cs_fail() { printf 'not ok - %s\n' "$*"; echo "FAIL: $*" >&2; CS_FAILS=$((CS_FAILS + 1)); exit 1; }
cs_skip() { echo "$*" >&2; exit 77; }

# Pass or fail at the end of the test.
cs_finish() {
	if [ "$CS_FAILS" -gt 0 ]; then
		echo "$CS_FAILS check(s) failed"
		exit 1
	fi
	exit 0
}

# expect_eq EXPECTED ACTUAL WHAT
expect_eq() {
	if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3: expected '$1', got '$2'"; fi
}
# expect_ne UNEXPECTED ACTUAL WHAT
expect_ne() {
	if [ "$1" != "$2" ]; then ok "$3"; else not_ok "$3: got '$2', which it must not be"; fi
}
# expect_contains HAYSTACK NEEDLE WHAT (fixed string)
expect_contains() {
	if grep -qF -- "$2" <<<"$1"; then ok "$3"; else
		not_ok "$3: '$2' not found in:"
		printf '%s\n' "$1" | sed 's/^/    | /'
	fi
}
# expect_not_contains HAYSTACK NEEDLE WHAT (fixed string)
expect_not_contains() {
	if grep -qF -- "$2" <<<"$1"; then
		not_ok "$3: '$2' found in:"
		printf '%s\n' "$1" | sed 's/^/    | /'
	else ok "$3"; fi
}
# expect_true WHAT CMD...: CMD succeeds
expect_true() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what (failed: $*)"; fi
}
# expect_false WHAT CMD...: CMD fails
expect_false() {
	local what=$1
	shift
	if "$@"; then not_ok "$what (succeeded: $*)"; else ok "$what"; fi
}

# Whitespace runs to one space, no leading/trailing space, no CR.
cs_norm() { tr -d '\r' | tr -s ' \t' '  ' | sed 's/^ //; s/ $//'; }

# ---- preconditions (skip with a reason) ------------------------------------

# Sandbox tests need the module in sshd-cstest's PAM stack.
cs_require_module() {
	[ -z "${CS_NO_MODULE:-}" ] ||
		cs_skip "CS_NO_MODULE=1: pam_containsession.so is not in the PAM stack"
}

# Unprivileged user namespaces (the helper runs as the user).
cs_require_userns() {
	local v
	v=$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 1)
	[ "$v" -gt 0 ] || cs_skip "user namespaces disabled (user.max_user_namespaces = 0)"
	if [ -r /proc/sys/kernel/unprivileged_userns_clone ]; then
		v=$(cat /proc/sys/kernel/unprivileged_userns_clone)
		[ "$v" != 0 ] || cs_skip "unprivileged user namespaces disabled (kernel.unprivileged_userns_clone = 0)"
	fi
}

cs_require_sandbox() { cs_require_module; cs_require_userns; }

# ---- background logins -----------------------------------------------------

# cs_hold USER [SECONDS]: start a login of USER in the background that runs
# "exec sleep SECONDS" (default 120) and wait until that sleep runs on the
# host (10 s). Its client pid is appended to CS_HOLD_PIDS and in CS_HOLD_PID.
# Released by cs_release / cs_release_all (and at test exit).
cs_hold() {
	local user=$1 secs=${2:-120} uid i
	uid=$(id -u "$user") || return 1
	(cs_ssh_exec "$user" -- "exec sleep $secs") </dev/null >/dev/null 2>"$CS_TT/hold.$user.err" &
	CS_HOLD_PID=$!
	CS_HOLD_PIDS+=("$CS_HOLD_PID")
	for i in $(seq 50); do
		if ps -o args= -p "$(cs_uid_pids "$uid" | paste -sd, -)" 2>/dev/null | grep -qx "sleep $secs"; then
			return 0
		fi
		kill -0 "$CS_HOLD_PID" 2>/dev/null || break
		sleep 0.2
	done
	echo "cs_hold $user: 'sleep $secs' did not start: $(cat "$CS_TT/hold.$user.err")" >&2
	return 1
}

# cs_release PID: end that background login (kill the client) and reap it.
cs_release() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	local i keep=()
	for i in "${CS_HOLD_PIDS[@]}"; do [ "$i" = "$1" ] || keep+=("$i"); done
	CS_HOLD_PIDS=("${keep[@]}")
}

cs_release_all() {
	local p
	for p in "${CS_HOLD_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${CS_HOLD_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	CS_HOLD_PIDS=()
}

# ---- host-side views -------------------------------------------------------

# The host's own values, to compare plain logins against.
cs_host_hostname() { hostname; }
cs_host_pidns() { readlink /proc/self/ns/pid; }

# cs_onpty CMD: run bash -c CMD on a new pty of 33 rows, 101 columns (its
# controlling terminal, in a session of its own: what an admin's terminal
# is); prints what it wrote there (no CR) and exits with its status.
cs_onpty() {
	python3 - "$1" <<'PY'
import fcntl, os, pty, struct, sys, termios
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 33, 101, 0, 0))
    os.execvp("bash", ["bash", "-c", sys.argv[1]])
out = b""
while True:
    try:
        d = os.read(fd, 4096)
    except OSError:
        break
    if not d:
        break
    out += d
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
sys.exit(os.waitstatus_to_exitcode(st))
PY
}

# ---- one connection, many channels (ControlMaster) ---------------------------

# cs_master_start USER: open a ControlMaster connection of USER (ssh -N in
# the background, in this test's process group) and wait until its socket
# answers; CS_MASTER_SOCK and CS_MASTER_PID name it. Ended at test exit.
cs_master_start() {
	local user=$1
	CS_MASTER_SOCK=$CS_TT/cm-$user
	(cs_ssh_exec "$user" -o ControlMaster=yes -o ControlPath="$CS_MASTER_SOCK" \
		-o ControlPersist=no -N) </dev/null >/dev/null 2>"$CS_TT/cm-$user.err" &
	CS_MASTER_PID=$!
	CS_HOLD_PIDS+=("$CS_MASTER_PID")
	for _ in $(seq 100); do
		[ -S "$CS_MASTER_SOCK" ] && ssh -o ControlPath="$CS_MASTER_SOCK" -O check "$user@$CS_HOST" 2>/dev/null &&
			return 0
		kill -0 "$CS_MASTER_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "cs_master_start $user: no master connection: $(cat "$CS_TT/cm-$user.err")" >&2
	return 1
}

# cs_channel USER CMD: run CMD in a new channel of USER's master connection
# (no new login, no PAM: sshd's post-auth child execs the shell again);
# prints its stdout and stderr. Bounded by CS_CHANNEL_TIMEOUT seconds (20).
# Through a file, not a pipe: the master holds the client's fds while the
# channel lives, so a channel that never ends would hold a pipe open.
cs_channel() {
	local user=$1 rc
	shift
	timeout -k 5 "${CS_CHANNEL_TIMEOUT:-20}" ssh -o ControlPath="$CS_MASTER_SOCK" -o ControlMaster=no \
		-o BatchMode=yes -o LogLevel=ERROR -p "$CS_PORT" "$user@$CS_HOST" "$@" \
		</dev/null >"$CS_TT/channel.out" 2>&1
	rc=$?
	cat "$CS_TT/channel.out"
	return "$rc"
}

# cs_sshd_priv_pid USER: the pid of the privileged process of USER's one
# connection ("sshd: USER [priv]"), whose mount namespace is the session's.
cs_sshd_priv_pid() {
	ps -o pid=,args= --ppid "$CS_SSHD_PID" | awk -v u="$1" '$0 ~ (": " u " \\[priv\\]") { print $1; exit }'
}

# cs_use_cli: the CLI under test in $cli -- $CS_CLI, else the installed one
# (make install runs before the integration tests), else the build tree's
# -- and csc, which runs it on the test policy.
cs_use_cli() {
	if [ -n "${CS_CLI:-}" ]; then cli=$CS_CLI
	elif [ -x /usr/local/sbin/containsession ]; then cli=/usr/local/sbin/containsession
	else cli=$CS_TOP/build/containsession; fi
	[ -x "$cli" ] || cs_fail "no containsession CLI to test (make install, or set CS_CLI)"
	csc() { "$cli" --conf "$CS_POLICY" --confdir "$CS_POLICY_DIR" "$@"; }
}
