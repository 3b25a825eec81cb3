#!/bin/bash
#
# bench/profile.sh — where a join's time goes (the evidence behind the
# recommendations in bench/RESULTS.md). One sandbox, then:
#   - strace -f -c of one `helper join -- /bin/true`: syscalls by count/time;
#   - the same with -tt: the timeline of one join, condensed to its phases;
#   - perf record over CB_PROF_N (300) joins, by DSO and by symbol;
#   - the helper's dynamic libraries, and its page faults (/usr/bin/time).
# Needs strace and perf (linux-perf); a missing tool's part is skipped.
set -u -o pipefail
. "$(dirname "$0")/lib.sh"

n=${CB_PROF_N:-300}
cb_setup
u=cstestb1
cb_user $u
uid=$(id -u $u) gid=$(id -g $u) home=$(getent passwd $u | cut -d: -f6)
cs=$CB_BUILD/csbench
install -d -o root -g root -m 0755 "$CS_T/bdata"
install -d -o "$uid" -g "$gid" -m 0700 "$CS_T/bdata/$u"
# overlay-tmpfs: a persistent home's image is mounted by the module's root
# steps (lib/root/homeimg.c), which csbench does not take; the join and
# exec paths profiled here are the same for both.
"$cs" start "$uid" "$gid" $u "$home" overlay-tmpfs "$CS_T/bdata/$u" >"$CS_T/sess" || cb_die "start a sandbox"
init=$(sed -n 's/^init_pid=//p' "$CS_T/sess")
CB_CLEANUP_HOOK="$cs stop $init"
chmod 0644 "$CS_T/sess"

echo
echo "### Profile of one join (helper join -- /bin/true, session with seccomp=1, caps=default)"
echo
echo "helper: $(file -b "$CB_HELPER" | cut -d, -f1-2); libraries:"
echo '```'
ldd "$CB_HELPER" 2>&1 | sed 's/ (0x.*//'
echo '```'
if command -v strace >/dev/null; then
	echo
	echo "strace -f -c (helper and its child, /bin/true included):"
	echo '```'
	"$cs" as "$uid" "$gid" -- true # warm
	strace -f -c -o "$CS_T/strace-c" "$cs" join "$uid" "$gid" "$CS_T/sess" -- /bin/true
	head -n 40 "$CS_T/strace-c"
	echo '```'
	strace -f -tt -o "$CS_T/strace-t" "$cs" join "$uid" "$gid" "$CS_T/sess" -- /bin/true
	echo
	echo "files the helper opens per join (strace -f -e openat):"
	echo '```'
	grep -E 'open(at)?\(' "$CS_T/strace-t" | grep -v ENOENT | sed -E 's/^[0-9]+ +[0-9:.]+ //; s/, O_.*//' | sort | uniq -c | sort -rn | head -n 25
	echo '```'
	echo
	echo "seccomp filter as loaded (strace: the BPF program length):"
	echo '```'
	grep -E 'seccomp\(|SECCOMP' "$CS_T/strace-t" | sed -E 's/^[0-9]+ +//' | head -n 3 | cut -c1-200
	echo '```'
fi
# Where a create's time goes: strace -f -c -w (wall time per syscall) of
# one create (init + join + teardown).
if command -v strace >/dev/null; then
	install -d -o "$uid" -g "$gid" -m 0700 "$CS_T/bdata/$u.2"
	strace -f -w -c -o "$CS_T/strace-create" "$cs" create "$uid" "$gid" $u "$home" overlay "$CS_T/bdata/$u.2" >/dev/null
	echo
	echo "one create (init, join -- true, teardown), strace -f -w -c, by wall time:"
	echo '```'
	head -n 30 "$CS_T/strace-create"
	echo '```'
fi
if command -v perf >/dev/null && perf record -o /dev/null -q -- true 2>/dev/null; then
	cb_log "perf over $n joins"
	perf record -q -F 10000 -g -o "$CS_T/perf.data" -- bash -c \
		"for i in \$(seq $n); do $cs join $uid $gid $CS_T/sess -- /bin/true; done" >/dev/null 2>&1
	echo
	echo "perf over $n joins (driver + helper + true), by command and DSO (children excluded):"
	echo '```'
	perf report -i "$CS_T/perf.data" --no-children --sort comm,dso --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' |
		grep -E '^ +[0-9]' | head -n 20
	echo '```'
	echo
	echo "top symbols in the helper process (comm containsession-h):"
	echo '```'
	perf report -i "$CS_T/perf.data" --no-children --comms containsession-h --sort dso,sym --stdio 2>/dev/null |
		grep -E '^ +[0-9]' | head -n 25
	echo '```'
else
	cb_log "perf not usable here: skipped"
fi
if [ -x /usr/bin/time ]; then
	echo
	echo "/usr/bin/time of one join (max RSS, page faults):"
	echo '```'
	/usr/bin/time -f 'elapsed %e s, max RSS %M KiB, minor faults %R, major %F, vol ctx %w' \
		"$cs" join "$uid" "$gid" "$CS_T/sess" -- /bin/true 2>&1
	echo '```'
fi
"$cs" stop "$init"
CB_CLEANUP_HOOK=
