#!/bin/bash
#
# bench/soak.sh — 4) leak soak: CB_CYCLES login/logout cycles (1,000), CB_PAR
# at once (50), over CB_SOAK_USERS users (5), through the real sshd. Counted
# before (after one warm-up login per user) and after (once sshd is idle and
# every user is clean again): mounts on the host and in sshd's mount
# namespace, cgroups under the cgroup root, processes of the test users,
# open fds of the listening sshd, entries in state_dir. Every delta must be
# 0 and every login must succeed, or the script fails.
# (tests/integration/t_soak.sh runs the same soak, smaller, in make check.)
set -u -o pipefail
. "$(dirname "$0")/lib.sh"

cycles=${CB_CYCLES:-1000} par=${CB_PAR:-50} nu=${CB_SOAK_USERS:-5}
cb_setup
users=()
for i in $(seq "$nu"); do users+=("cstestb$i"); cb_user "cstestb$i"; done
uids=$(for u in "${users[@]}"; do id -u "$u"; done)

# shellcheck disable=SC2086 # one word per uid
counts() { cs_leak_counts $uids; }
settle() { cs_settle 60 "${users[@]}"; }

# Warm-up: what a first login creates for good (the cgroup root, DATA/<user>).
for u in "${users[@]}"; do [ "$(cs_ssh "$u" -- hostname)" = "sb-$u" ] || cb_die "$u is not sandboxed"; done
settle || cb_die "not clean after the warm-up"
counts >"$CS_T/before"

ssh_cmd=$(cs_ssh_cmd)
cb_log "soak: $cycles cycles, $par at once, $nu users"
t0=$(cb_ms)
# Each cycle: one login that runs a command and logs out. xargs bounds
# the parallelism and keeps going on failures; failures are counted.
seq "$cycles" | xargs -P "$par" -I{} bash -c '
	u=cstestb$(( ({} % '"$nu"') + 1 ))
	s=$(date +%s%N)
	if out=$('"$ssh_cmd"' "$u@'"$CS_HOST"'" "hostname" 2>&1) && [ "$out" = "sb-$u" ]; then
		echo "ok $(( ($(date +%s%N) - s) / 1000 ))"
	else
		echo "fail {} $u: $(echo $out | head -c 200)"
	fi' >"$CS_T/soak.log" 2>&1
t1=$(cb_ms)
settle || cb_log "not clean after the soak (the counts below show what)"
sleep 1
counts >"$CS_T/after"

okn=$(grep -c '^ok ' "$CS_T/soak.log")
failn=$(grep -c '^fail ' "$CS_T/soak.log")
read -r lmed lmin lmax lp10 lp90 _ <<<"$(awk '/^ok / { print $2 / 1000 }' "$CS_T/soak.log" | cb_stats)"
bad=0
paste -d'|' "$CS_T/before" "$CS_T/after" | awk -F'|' '{ d = $4 - $2; printf "%s|%s|%s|%+d|%s\n", $1, $2, $4, d, (d == 0 ? "ok" : "LEAK") }' \
	>"$CS_T/delta"
grep -q 'LEAK$' "$CS_T/delta" && bad=1
cb_table "4. Leak soak: $cycles login/logout cycles, $par at once, $nu users (counts before and after)" \
	"what|before|after|delta|" <"$CS_T/delta"
{
	echo "logins ok / failed|$okn / $failn"
	echo "wall time|$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f s (%.1f logins/s)", (b - a) / 1000, '"$cycles"' * 1000 / (b - a) }')"
	echo "login+logout latency under load: median (p10 / p90)|$lmed ms ($lp10 / $lp90)"
} | cb_table "4b. Soak throughput" "what|value"
[ "$failn" -eq 0 ] || grep '^fail' "$CS_T/soak.log" | head -n 5 >&2
[ "$bad" = 0 ] && [ "$failn" -eq 0 ] && [ "$okn" -eq "$cycles" ] || cb_die "soak: leak or failed logins (see above)"
echo
echo "soak: every delta 0, all $cycles logins ok"
