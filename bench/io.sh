#!/bin/bash
#
# bench/io.sh — 5) overlay home I/O: a sandboxed user (profile default:
# overlay home, upper layer in data_dir) against an unsandboxed user (rule
# "off": the plain home), same filesystem, through the real sshd, timed
# inside the login (ssh's own cost is not in the figures):
#   unpack   tar x of 20,000 small files (0.5–4 KiB, 200 directories), then sync
#   read     cat every file, page cache warm; and cold (caches dropped first)
#   write    1 GiB, dd bs=1M conv=fsync
#   read     that file, warm; and cold
#   remove   rm -rf of both
# Cold reads drop the host's page cache (echo 3 > drop_caches) before the
# read; CB_IO_COLD=0 leaves the cache alone. Env: CB_IO_REPS (3),
# CB_IO_FILES (20000), CB_IO_MB (1024). Target (issue 7): within 10%.
set -u -o pipefail
. "$(dirname "$0")/lib.sh"

reps=${CB_IO_REPS:-3} nfiles=${CB_IO_FILES:-20000} mb=${CB_IO_MB:-1024} cold=${CB_IO_COLD:-1}
CB_PLAIN_USERS=cstestplain
cb_setup
ov=cstestb1 plain=cstestplain
cb_user $ov
cb_user $plain
[ "$(cs_ssh $ov -- hostname)" = "sb-$ov" ] || cb_die "$ov is not sandboxed"
[ "$(cs_ssh $plain -- hostname)" = "$(hostname)" ] || cb_die "$plain is sandboxed"
cs_ssh $ov -- 'grep -q " $HOME overlay " /proc/self/mounts || grep -q "^overlay $HOME " /proc/self/mounts' ||
	cb_die "$ov's home is not an overlay"

# The tree, made once on the host as a tarball; streamed to each login.
cb_log "making a tree of $nfiles files"
tree=$CS_T/iotree
mkdir -p "$tree/t"
awk -v n="$nfiles" -v d="$tree/t" 'BEGIN {
	srand(7)
	for (i = 0; i < 200; i++) system("mkdir -p " d "/d" i)
	for (i = 0; i < n; i++) {
		f = d "/d" (i % 200) "/f" i; len = 512 + int(rand() * 3584)
		s = sprintf("%0" len "d", i); printf "%s", s > f; close(f)
	}
}'
tar -C "$tree" -cf "$CS_T/tree.tar" t
rm -rf "$tree"
dropc() { [ "$cold" = 1 ] && sync && echo 3 >/proc/sys/vm/drop_caches; }

# Remote steps; each prints "STEP ms".
# shellcheck disable=SC2016
now='t() { date +%s%N; }'
step() { # USER STEP -> prints ms
	local user=$1 s=$2 cmd
	case $s in
	unpack) cmd='cd && cat >.b.tar && sync && s=$(t) && tar xf .b.tar && sync && e=$(t) && rm -f .b.tar' ;;
	readtree) cmd='cd && s=$(t) && find t -type f -exec cat {} + >/dev/null && e=$(t)' ;;
	write) cmd="cd && s=\$(t) && dd if=/dev/zero of=big bs=1M count=$mb conv=fsync status=none && e=\$(t)" ;;
	readbig) cmd='cd && s=$(t) && dd if=big of=/dev/null bs=1M status=none && e=$(t)' ;;
	remove) cmd='cd && sync && s=$(t) && rm -rf t big && sync && e=$(t)' ;;
	esac
	if [ "$s" = unpack ]; then
		cs_ssh "$user" -- "$now; $cmd; echo \$(( (e - s) / 1000 ))" <"$CS_T/tree.tar"
	else
		cs_ssh "$user" -- "$now; $cmd; echo \$(( (e - s) / 1000 ))" </dev/null
	fi
}
: >"$CS_T/io.res"
for r in $(seq "$reps"); do
	for user in $plain $ov; do
		kind=plain
		[ $user = $ov ] && kind=overlay
		cb_log "rep $r: $kind"
		v=$(step $user unpack) && echo "$kind unpack $v" >>"$CS_T/io.res" || cb_die "unpack as $user"
		v=$(step $user readtree) && echo "$kind read-tree-warm $v" >>"$CS_T/io.res"
		if [ "$cold" = 1 ]; then
			dropc
			v=$(step $user readtree) && echo "$kind read-tree-cold $v" >>"$CS_T/io.res"
		fi
		v=$(step $user write) && echo "$kind write-1GiB $v" >>"$CS_T/io.res" || cb_die "write as $user"
		v=$(step $user readbig) && echo "$kind read-1GiB-warm $v" >>"$CS_T/io.res"
		if [ "$cold" = 1 ]; then
			dropc
			v=$(step $user readbig) && echo "$kind read-1GiB-cold $v" >>"$CS_T/io.res"
		fi
		v=$(step $user remove) && echo "$kind remove $v" >>"$CS_T/io.res"
	done
done
steps="unpack read-tree-warm ${cold/1/read-tree-cold} write-1GiB read-1GiB-warm ${cold/1/read-1GiB-cold} remove"
steps=${steps//  / }
for s in $steps; do
	[ "$s" = 0 ] && continue
	p=$(awk -v s="$s" '$1 == "plain" && $2 == s { print $3 / 1000 }' "$CS_T/io.res" | cb_stats)
	o=$(awk -v s="$s" '$1 == "overlay" && $2 == s { print $3 / 1000 }' "$CS_T/io.res" | cb_stats)
	read -r pm pmin pmax _ <<<"$p"
	read -r om omin omax _ <<<"$o"
	awk -v s="$s" -v pm="$pm" -v om="$om" -v pr="$pmin-$pmax" -v or="$omin-$omax" -v mb="$mb" 'BEGIN {
		r = om / pm; extra = ""
		if (s ~ /1GiB/) extra = sprintf(" (%.0f / %.0f MiB/s)", mb / pm * 1000, mb / om * 1000)
		printf "%s|%.1f (%s)|%.1f (%s)|%.2f%s|%s\n", s, pm, pr, om, or, r, extra, (r <= 1.10 ? "ok" : "over 10%")
	}'
done | cb_table "5. Home I/O, overlay home vs plain home (ms, median of $reps (min-max); timed inside the login)" \
	"step|plain home|overlay home|ratio overlay/plain|within 10%"
