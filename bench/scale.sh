#!/bin/bash
#
# bench/scale.sh — 3) 50 users x 4 concurrent logins = 200 sandboxed logins
# at once through the real sshd. Each login prints its PID namespace and
# hostname, then holds (reads its stdin, which stays open until every login
# has printed). Checks: all 200 succeed; each user's 4 logins share one
# sandbox (one PID namespace). Reports the wall time until all 200 sessions
# are up and until all have ended, the memory of every idle sandbox init
# (VmRSS, Pss; target RSS <= 512 KiB) and the total over the host
# (MemAvailable before and while all 200 are up).
#
# sshd's limits: the harness' MaxStartups 100:30:200 would drop connections
# once 100 are unauthenticated; lib.sh raises it (MaxStartups 1000) for the
# bench's sshd. MaxSessions is per connection (one here) and not in the way.
# 200 key exchanges at once on 2 cores take longer than the harness' 10 s
# ConnectTimeout (which covers the banner exchange): raised here.
# Env: CB_USERS (50), CB_PER_USER (4), CB_CONNECT_TIMEOUT (300).
set -u -o pipefail
. "$(dirname "$0")/lib.sh"

nu=${CB_USERS:-50} per=${CB_PER_USER:-4}
total=$((nu * per))
export CS_SSH_CONNECT_TIMEOUT=${CB_CONNECT_TIMEOUT:-300}
CB_PIDS_MAX=4096
cb_setup
grep -q "^MaxStartups 1000" "$CS_SSHD_CONFIG" || cb_die "MaxStartups not raised in $CS_SSHD_CONFIG"
cb_log "creating $nu users"
users=()
for i in $(seq "$nu"); do users+=("cstestb$i"); cb_user "cstestb$i"; done
[ "$(cs_ssh cstestb1 -- hostname)" = "sb-cstestb1" ] || cb_die "cstestb1 is not sandboxed"
cs_wait_clean cstestb1 10 || cb_die "cstestb1 not clean"

mem_avail() { awk '/^MemAvailable:/ { print $2 }' /proc/meminfo; }
avail0=$(mem_avail)
out=$CS_T/scale
mkdir -p "$out"
pids=()
# Two barriers, as locks this script holds exclusively: the logins wait
# for a shared lock (blocked, not polling: 200 polling loops would be the
# load this measures), and "go" / "release" is letting go of one.
exec {go_fd}>"$out/go.lock" {rel_fd}>"$out/release.lock"
flock -x "$go_fd" && flock -x "$rel_fd" || cb_die "cannot take the barrier locks"
CB_CLEANUP_HOOK='flock -u $go_fd; flock -u $rel_fd; for p in ${pids[*]}; do kill $p 2>/dev/null; wait $p 2>/dev/null; done'
k=0
for u in "${users[@]}"; do
	for j in $(seq "$per"); do
		k=$((k + 1))
		(
			flock -s "$out/go.lock" true
			# stdin of the login: open until the release.
			flock -s "$out/release.lock" true |
				cs_ssh_exec "$u" -- 'readlink /proc/self/ns/pid; hostname; echo up; read -r _; echo done'
			# The login has ended (the lock holder above may not have).
			echo "${PIPESTATUS[1]}" >"$out/$k.rc"
		) >"$out/$k.out" 2>"$out/$k.err" {go_fd}>&- {rel_fd}>&- &
		pids+=($!)
	done
done
sleep 2
t0=$(cb_ms)
flock -u "$go_fd"
# Until every login has printed "up" (or ended), at most 300 s.
up=0
for _ in $(seq 3000); do
	up=$(grep -lx up "$out"/*.out 2>/dev/null | wc -l)
	ended=$(find "$out" -name '*.rc' | wc -l)
	[ $((up)) -ge "$total" ] && break
	[ "$ended" -ge "$total" ] && break
	[ $((up + ended)) -ge "$total" ] && [ "$ended" -gt 0 ] && break
	sleep 0.1
done
t_up=$(cb_ms)
sleep 1
avail1=$(mem_avail)
# Every idle init: comm cs-init, owned by a bench user.
uids=" $(for u in "${users[@]}"; do id -u "$u"; done | paste -sd' ') "
inits=$(ps -e -o pid=,ruid=,comm= | awk -v u="$uids" '$3 == "cs-init" && index(u, " " $2 " ") { print $1 }')
: >"$out/inits"
for p in $inits; do
	rss=$(awk '/^VmRSS:/ { print $2 }' /proc/"$p"/status 2>/dev/null)
	pss=$(awk '/^Pss:/ { print $2 }' /proc/"$p"/smaps_rollup 2>/dev/null)
	[ -n "$rss" ] && echo "$p $rss ${pss:-0}" >>"$out/inits"
done
# One init's RSS by mapping, for the report.
one=$(head -n1 "$out/inits" | cut -d' ' -f1)
[ -n "$one" ] && awk '/^[0-9a-f]+-[0-9a-f]+ / { name = ($6 == "" ? "[anon]" : $6) } /^Rss:/ { r[name] += $2 }
	END { for (n in r) if (r[n]) printf "%6d KiB  %s\n", r[n], n }' /proc/"$one"/smaps | sort -rn >"$out/init-smaps"
cg_mem=0
for u in "${users[@]}"; do
	while IFS=$'\t' read -r key dir; do
		# v2 memory.current, or v1 memory.usage_in_bytes.
		for f in memory.current memory.usage_in_bytes; do
			[ -r "$dir/$f" ] && cg_mem=$((cg_mem + $(cat "$dir/$f"))) && break
		done
	done < <(cs_user_cgroup_dirs "$(id -u "$u")")
done
flock -u "$rel_fd"
for p in "${pids[@]}"; do wait "$p"; done
t_end=$(cb_ms)
pids=()

ok=0 fail=0 shared=0 split=0
for i in $(seq "$total"); do
	if grep -qx done "$out/$i.out"; then ok=$((ok + 1)); else
		fail=$((fail + 1))
		[ "$fail" -le 5 ] && cb_log "login $i failed: $(tr '\n' ' ' <"$out/$i.err" "$out/$i.out")"
	fi
done
k=0
for u in "${users[@]}"; do
	ns=$(for j in $(seq "$per"); do k=$((k + 1)); sed -n 1p "$out/$k.out"; done | sort -u | grep -c .)
	if [ "$ns" = 1 ]; then shared=$((shared + 1)); else split=$((split + 1)); fi
	# All four saw the sandbox's hostname.
done
n_inits=$(wc -l <"$out/inits")
read -r rmed rmin rmax _ <<<"$(cut -d' ' -f2 "$out/inits" | cb_stats)"
read -r pmed pmin pmax _ <<<"$(cut -d' ' -f3 "$out/inits" | cb_stats)"
rsum=$(awk '{ s += $2 } END { print s + 0 }' "$out/inits")
psum=$(awk '{ s += $3 } END { print s + 0 }' "$out/inits")
{
	echo "logins that succeeded|$ok of $total"
	echo "users whose $per logins shared one sandbox|$shared of $nu"
	echo "wall time: go to all $total sessions up|$(awk -v a="$t0" -v b="$t_up" 'BEGIN { printf "%.2f s", (b - a) / 1000 }')"
	echo "wall time: go to all ended (incl. teardown of $nu sandboxes)|$(awk -v a="$t0" -v b="$t_end" 'BEGIN { printf "%.2f s", (b - a) / 1000 }')"
	echo "idle sandbox inits found|$n_inits"
	echo "init VmRSS median (min / max)|$rmed KiB ($rmin / $rmax)"
	echo "init Pss median (min / max)|$pmed KiB ($pmin / $pmax)"
	echo "all inits: sum of VmRSS / sum of Pss|$rsum KiB / $psum KiB"
	echo "memory.current of the $nu user cgroups (all their processes, sshd's included)|$((cg_mem / 1024)) KiB"
	echo "host MemAvailable drop with all $total up|$((avail0 - avail1)) KiB ($(( (avail0 - avail1) / total )) KiB per login)"
} | cb_table "3. Scale: $nu users x $per concurrent logins = $total, through the real sshd" "what|value"
echo
echo "target init RSS <= 512 KiB: median $rmed KiB: $([ "${rmed%.*}" -le 512 ] 2>/dev/null && echo met || echo MISSED)"
if [ -s "$out/init-smaps" ]; then
	echo
	echo "RSS of one idle init by mapping:"
	echo '```'
	head -n 12 "$out/init-smaps"
	echo '```'
fi
[ "$ok" = "$total" ] && [ "$shared" = "$nu" ] || cb_die "$fail login(s) failed, $split user(s) got more than one sandbox"
