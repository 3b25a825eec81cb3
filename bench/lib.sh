# shellcheck shell=bash
#
# bench/lib.sh — shared by the bench/*.sh scripts. Loads the integration
# tests' harness (tests/lib/sshd.sh: a private sshd on loopback with its own
# PAM service, cstest* users, a policy, a cgroup root ./cstest-<pid>), and
# adds table printing, timing and the bench's own policy.
#
#   . "$(dirname "$0")/lib.sh"
#   cb_setup            (root; cleans up everything at exit)
#   cb_user cstestb1    (a sandboxed user; cstestplain* get profile "off")

CB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lib/sshd.sh
. "$CB_DIR/../tests/lib/sshd.sh"

CB_BUILD=${CB_BUILD:-$CS_TOP/build/bench}
CB_HELPER=${HELPER:-/usr/local/libexec/containsession/containsession-helper}
export HELPER=$CB_HELPER
# Every script stops by itself: nothing may run forever.
CB_DEADLINE=${CB_DEADLINE:-1800}

cb_log() { printf 'bench: %s\n' "$*" >&2; }
cb_die() { printf 'bench: FAIL: %s\n' "$*" >&2; exit 1; }

# The harness' sshd allows MaxStartups 100:30:200 (random drops once 100
# connections are unauthenticated): 200 logins at once need more. Wrap the
# harness' config writer and raise it for the bench's sshd only.
eval "$(declare -f cs__write_sshd_config | sed '1s/cs__write_sshd_config/cb__harness_sshd_config/')"
cs__write_sshd_config() {
	cb__harness_sshd_config || return 1
	sed -i -e "s/^MaxStartups .*/MaxStartups ${CB_MAXSTARTUPS:-1000}/" \
		-e "s/^MaxSessions .*/MaxSessions ${CB_MAXSESSIONS:-100}/" "$CS_SSHD_CONFIG"
}

cb__exit() {
	local rc=$?
	trap - EXIT
	trap '' INT TERM HUP
	[ -n "${CB_WATCHDOG:-}" ] && kill "$CB_WATCHDOG" 2>/dev/null && wait "$CB_WATCHDOG" 2>/dev/null
	if [ -n "${CB_CLEANUP_HOOK:-}" ]; then eval "$CB_CLEANUP_HOOK" || true; fi
	cs_env_cleanup
	local left
	# Only meaningful while no other run has taken the harness' lock since
	# cleanup released it: a note, not a failure.
	if ! left=$(cs_verify_host_clean); then
		printf 'bench: note: after cleanup the host shows (maybe another run started since):\n%s\n' "$left" >&2
	fi
	exit "$rc"
}

# cb_setup: root only; the harness environment with the bench policy.
cb_setup() {
	[ "$(id -u)" = 0 ] || { echo "bench: run as root (make bench)" >&2; exit 77; }
	trap cb__exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	# One harness environment per host at a time (flock on /etc/pam.d):
	# wait for a test run or another bench to finish (up to CB_LOCK_WAIT s).
	local i
	for i in $(seq "${CB_LOCK_WAIT:-900}"); do
		flock -n /etc/pam.d true && break
		[ "$i" = 1 ] && cb_log "waiting for another containsession test run or bench (flock on /etc/pam.d)"
		sleep 1
	done
	cs_env_setup >&2 || cb_die "could not set up the harness (tests/lib/sshd.sh)"
	# A watchdog: the script ends CB_DEADLINE seconds after it got the
	# harness (waiting for the lock does not count).
	(
		sleep "$CB_DEADLINE" &
		sp=$!
		# Ended early (cb__exit): take the sleep along.
		trap 'kill $sp 2>/dev/null; exit 0' TERM
		wait $sp && echo "bench: $0 took longer than ${CB_DEADLINE}s: stopping it" >&2 &&
			kill -TERM $$ 2>/dev/null
	) </dev/null 2>&1 &
	CB_WATCHDOG=$!
	cb_policy | cs_policy_write || cb_die "policy"
}

# The bench policy: the default profile (overlay home, seccomp, default
# capabilities) with limits high enough not to be what is measured.
cb_policy() {
	cat <<EOF
[global]
cgroup_root = $CS_CGROUP_ROOT${CS_CG_MODE:+
cgroup = $CS_CG_MODE}
state_dir = $CS_STATE_DIR
data_dir = $CS_DATA_DIR

[profile default]
hostname = sb-%u
memory.max = max
pids.max = ${CB_PIDS_MAX:-4096}

[rules]
EOF
	# The config has no user-name globs: one rule per plain user.
	local u
	for u in ${CB_PLAIN_USERS:-}; do echo "$u = off"; done
	echo "* = default"
}

# cb_user NAME: create a cstest* user (removed at exit by the harness).
cb_user() { cs_user_add "$1" >&2 || cb_die "useradd $1"; }

# Median and spread of numbers on stdin (one a line): "median min max p10 p90 n"
cb_stats() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "- - - - - 0"; exit }
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		p10 = v[int((NR - 1) * 0.1) + 1]; p90 = v[int((NR - 1) * 0.9) + 1]
		printf "%.3f %.3f %.3f %.3f %.3f %d\n", m, v[1], v[NR], p10, p90, NR }'
}

# Monotonic milliseconds (float).
cb_now() { awk '{ printf "%.3f\n", $1 * 1000 }' /proc/uptime 2>/dev/null; }
cb_ms() { date +%s%N | awk '{ printf "%.3f\n", $1 / 1000000 }'; }

# Print a table: cb_table "TITLE" "COL1|COL2|..." then rows "a|b|..." on stdin.
cb_table() {
	local title=$1 head=$2
	echo
	echo "### $title"
	echo
	{
		echo "$head"
		echo "$head" | sed 's/[^|]*/---/g'
		cat
	} | awk -F'|' '{ s = "|"; for (i = 1; i <= NF; i++) s = s " " $i " |"; print s }'
}

# hyperfine over commands (CB_WARMUP warm-up runs each, default 20), results as "name median_ms stddev_ms min_ms max_ms runs"
# lines into FILE. cb_hyperfine FILE RUNS NAME1 CMD1 NAME2 CMD2 ...
cb_hyperfine() {
	local out=$1 runs=$2 json args=() names=()
	shift 2
	json=$(mktemp "$CS_T/hf.XXXXXX")
	while [ $# -ge 2 ]; do
		names+=("$1")
		args+=(-n "$1" "$2")
		shift 2
	done
	hyperfine -N -w "${CB_WARMUP:-20}" -r "$runs" --style none --export-json "$json" "${args[@]}" >/dev/null 2>"$json.err" ||
		{ cat "$json.err" >&2; return 1; }
	python3 - "$json" >"$out" <<'PY' || { cb_log "no python3: cannot read hyperfine's JSON"; return 1; }
import json, sys, statistics
for r in json.load(open(sys.argv[1]))["results"]:
    t = sorted(x * 1000 for x in r["times"])
    n = len(t)
    p = lambda q: t[min(n - 1, int(q * (n - 1)))]
    print(r["command"], "%.3f %.3f %.3f %.3f %.3f %.3f %d" % (
        statistics.median(t), statistics.pstdev(t), t[0], t[-1], p(0.1), p(0.9), n))
PY
}
