#!/bin/bash
#
# tests/harness/recover.sh — a test of the harness itself (tests/lib/host.sh),
# run by `make check-integration` before the integration tests: a run killed
# before its cleanup (SIGKILL, or a machine stopped under it) must not leave
# the host unusable for every later run. The killed run here holds a
# sandbox that outlives its logins (lifetime = processes), so it leaves what
# such a run leaves: the PAM service, users and a group, the sandbox's
# processes, cgroups and mounts, a kept home image and its loop device, and
# its temp dir. The next setup must undo all of it and start; while a run
# is alive, a second setup must wait for the lock and never touch it.
#
# Exit 0 pass, 1 fail, 77 skip (reason on stderr).

set -u -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/sshd.sh
. "$here/../lib/sshd.sh"

[ "$(id -u)" = 0 ] || { echo "needs root (creates users, a PAM service and an sshd)" >&2; exit 77; }

fails=0
ok() { printf 'ok - %s\n' "$*"; }
not_ok() { printf 'not ok - %s\n' "$*"; fails=$((fails + 1)); }
check() { # WHAT CMD...: ok when CMD succeeds
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

scratch=$(mktemp -d) || exit 1
victim='' dirty=''
on_exit() {
	# Should a check below end this early: the victim's group, then a
	# setup and cleanup to take away what it left (the recovery under
	# test: if that is what failed, the next run's setup says what is left).
	if [ -n "$victim" ]; then
		kill -KILL -- "-$victim" 2>/dev/null
		wait "$victim" 2>/dev/null
		dirty=1
	fi
	if [ -n "$dirty" ]; then
		bash -c '. "$1/../lib/sshd.sh"; cs_env_setup >/dev/null 2>&1; cs_env_cleanup' _ "$here"
	fi
	rm -rf "$scratch"
}
trap on_exit EXIT

# ---- the run to be killed ---------------------------------------------------

# Its own process group (setsid), so that one SIGKILL ends it, its sshd and
# its clients at once, as a killed CI job would; the sandbox is not in it.
setsid bash -c '
	. "$1/../lib/sshd.sh"
	cs_env_setup || exit 1
	cs_group_add cstestgrp && cs_user_add cstest1 cstestgrp || exit 1
	cs_policy_text | sed "s/^pids.max = 64\$/pids.max = 64\nlifetime = processes/" |
		cs_policy_write || exit 1
	# A process of the user that keeps the sandbox after the logout.
	cs_ssh cstest1 -- "setsid sleep 600 </dev/null >/dev/null 2>&1 & echo up" >"$2/login" ||
		exit 1
	printf "%s\n%s\n" "$CS_T" "$(id -u cstest1)" >"$2/ready"
	cp "$CS_CG_PARENTS" "$2/cgroup-parents"
	echo "$CS_CG_NAME" >"$2/cgroup-name"
	exec sleep 600
' _ "$here" "$scratch" </dev/null >"$scratch/victim.out" 2>&1 &
victim=$!
for _ in $(seq 600); do
	[ -s "$scratch/ready" ] && break
	kill -0 "$victim" 2>/dev/null || break
	sleep 0.1
done
if [ ! -s "$scratch/ready" ]; then
	echo "the run to be killed did not come up:" >&2
	sed 's/^/  | /' "$scratch/victim.out" >&2
	exit 1
fi
{ read -r dead_t; read -r dead_uid; } <"$scratch/ready"
dead_cg=$(cat "$scratch/cgroup-name")
check "the killed run's login reached its sandbox" grep -qx up "$scratch/login"

# While it is alive, another setup waits for the lock and gives up, and
# takes nothing of the live run.
out=$(CS_LOCK_WAIT=2 bash -c '. "$1/../lib/sshd.sh"; cs_env_setup; echo "rc $?"' _ "$here" 2>&1)
check "a second setup beside a live run gives up after the lock wait" \
	grep -q 'still holds the lock' <<<"$out"
check "... and leaves the live run's temp dir" test -d "$dead_t/state"
check "... and its PAM service" grep -qF "conf=$dead_t/policy.conf" "$CS_PAM_FILE"

made=$(cat "$dead_t/made")
kill -KILL -- "-$victim"
wait "$victim" 2>/dev/null
victim='' dirty=1

# What a killed run leaves (else this test would prove nothing).
sandbox_pids=$(cs_uid_pids "$dead_uid")
mounts=$(cs_mounts_mentioning "$dead_t")
check "the killed run left its PAM service" test -e "$CS_PAM_FILE"
check "... its user" test -n "$(getent passwd cstest1)"
check "... the user's sandbox running" test -n "$sandbox_pids"
check "... mounts below its temp dir" test -n "$mounts"

# ---- the next run -----------------------------------------------------------

out=$(bash -c '
	. "$1/../lib/sshd.sh"
	trap cs_env_cleanup EXIT
	cs_env_setup || exit 1
	echo SETUP-OK
	cs_group_add cstestgrp && cs_user_add cstest1 cstestgrp || exit 1
	cs_policy_reset && cs_ssh cstest1 -- echo inside || exit 1
	cs_env_cleanup
	if left=$(cs_verify_host_clean); then echo CLEAN; else printf "%s\n" "$left"; fi
' _ "$here" 2>&1)
printf '%s\n' "$out" | sed 's/^/    next run: /'
check "the next run's setup undoes the killed run and starts" grep -qx SETUP-OK <<<"$out"
check "... saying which run it undid" grep -qF "$dead_t: left by a run killed" <<<"$out"
check "... and its own login works" grep -qx inside <<<"$out"
check "... and it leaves the host clean" grep -qx CLEAN <<<"$out"

grep -qx CLEAN <<<"$out" && dirty=

# Nothing of the killed run is left.
check "no process of the killed run's user" test -z "$(cs_uid_pids "$dead_uid")"
check "no mount below its temp dir" test -z "$(cs_mounts_mentioning "$dead_t")"
check "no loop device on its images" test -z "$(cs_loops_on "$dead_t")"
check "its temp dir is gone" test ! -e "$dead_t"
check "no PAM service sshd-cstest" test ! -e "$CS_PAM_FILE"
check "no cstest user or group" test -z "$(getent passwd cstest1; getent group cstestgrp)"
if grep -qx devlog <<<"$made"; then
	check "no /dev/log (its syslog capture's)" test ! -e /dev/log
fi
left_cg=
while IFS=$'\t' read -r _ dir; do
	[ -e "$dir/$dead_cg" ] && left_cg+=" $dir/$dead_cg"
done <"$scratch/cgroup-parents"
check "no cgroup of the killed run${left_cg:+ (left:$left_cg)}" test -z "$left_cg"

[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "recover: all checks passed"
