#!/bin/bash
#
# bench/sandbox.sh — 1) sandbox cost without ssh in the way.
#
# Create: start a sandbox init the way the module does (helper init, report
# pipe on fd 3), run /bin/true in it (helper join), end it (SIGKILL on the
# init's pidfd, wait until gone) — against unshare, bwrap, firejail and plain
# true. Join: run /bin/true in a running sandbox through `helper join`,
# against nsenter into the same namespaces and a minimal static joiner.
# All contenders run as the same unprivileged user, each started by the same
# small driver (build/bench/csbench), timed by hyperfine.
#
# Env: CB_SANDBOX_RUNS, else CB_RUNS (default 300); CB_WARMUP (default 20). Targets (issue 16): create with an overlay
# home <= 1.1 x bwrap building the same root with an overlay home; join <=
# 1.03 x the minimal static joiner (minjoin-static), in the same run.
set -u -o pipefail
. "$(dirname "$0")/lib.sh"

runs=${CB_SANDBOX_RUNS:-${CB_RUNS:-300}}
cb_setup
u=cstestb1
cb_user $u
uid=$(id -u $u) gid=$(id -g $u) home=$(getent passwd $u | cut -d: -f6)
cs=$CB_BUILD/csbench
as=("$cs" as "$uid" "$gid" --)

# DATA/<user> for the overlay's upper layer, as the module makes it.
install -d -o root -g root -m 0755 "$CS_T/bdata"
install -d -o "$uid" -g "$gid" -m 0700 "$CS_T/bdata/$u"
data=$CS_T/bdata/$u
# The module's state directory, where it keeps the home image mounted
# between sandboxes (lib/root/homeimg.h); csbench keep STATE does the same.
install -d -o root -g root -m 0700 "$CS_T/bstate"
state=$CS_T/bstate

# Sanity: the driver gives a working sandbox (uid 0, own hostname, PID 1 = helper).
out=$("$cs" create "$uid" "$gid" $u "$home" overlay "$data" /bin/sh -c 'id -u; hostname; cat /proc/1/comm') ||
	cb_die "create+join through the driver failed: $out"
[ "$(echo $out)" = "0 bench-$u cs-init" ] || cb_die "unexpected sandbox: $out"
for c in unshare bwrap firejail nsenter hyperfine; do
	command -v $c >/dev/null || cb_die "missing $c (make deps-bench)"
done

# Peers, with what each needs to actually run true (bwrap starts from an
# empty root: without a bind of / it finds no `true`). "bwrap, same root"
# builds what the helper builds: read-only system dirs, /dev, /proc, a
# private /tmp and the home.
bw_same=(bwrap --unshare-all --share-net --uid 0 --gid 0 --die-with-parent)
for d in usr etc bin sbin lib lib32 lib64 libx32 opt srv var; do
	if [ -L /$d ]; then bw_same+=(--symlink "$(readlink /$d)" /$d)
	elif [ -d /$d ]; then bw_same+=(--ro-bind /$d /$d); fi
done
bw_same+=(--dev /dev --proc /proc --tmpfs /tmp --tmpfs /run)
# The same root with the home as an overlay (the host's home below, an
# upper layer of the user's own on top), as cs-create-overlay has it:
# bwrap's --overlay (bubblewrap 0.9 and later). Older bwraps have none (an
# overlay mounted by a program inside bwrap's namespaces is refused with
# EPERM), and the row is left out: the ratio is then to bwrap-same-root.
install -d -o "$uid" -g "$gid" -m 0700 "$CS_T/bwov" "$CS_T/bwov/upper" "$CS_T/bwov/work"
bw_ov=("${bw_same[@]}" --overlay-src "$home" --overlay "$CS_T/bwov/upper" "$CS_T/bwov/work" "$home"
	--hostname bench /bin/true)
# The same with the home as an overlay whose upper layer is a tmpfs, as
# cs-create-overlay-tmpfs has it (bwrap's --tmp-overlay).
bw_tov=("${bw_same[@]}" --overlay-src "$home" --tmp-overlay "$home" --hostname bench /bin/true)
bw_same+=(--bind "$home" "$home" --hostname bench /bin/true)
"${as[@]}" "${bw_same[@]}" || cb_die "bwrap (same root) does not run here"
bwov=1
"${as[@]}" "${bw_ov[@]}" 2>"$CS_T/bwov.err" ||
	{ bwov=; cb_log "bwrap (same root, overlay home) does not run here: left out: $(head -c 300 "$CS_T/bwov.err")"; }
[ -z "$bwov" ] || "${as[@]}" "${bw_tov[@]}" || cb_die "bwrap --tmp-overlay does not run where --overlay does"
"${as[@]}" bwrap --unshare-all --share-net --uid 0 --ro-bind / / true || cb_die "bwrap does not run here"
"${as[@]}" unshare -Urmpuif --mount-proc true || cb_die "unshare does not run here"
# What an overlay home costs with the host's own tools, for where bwrap has
# no --overlay: unshare as above, then mount(8) mounts an overlay on the
# home (upper on this disk, as bwrap-same-root-overlay has it), or a tmpfs
# there (the same exec and mount(2), no overlay). The sandbox ends at once:
# overlayfs syncs its upper file system when it is unmounted, which a
# tmpfs need not.
install -d -o "$uid" -g "$gid" -m 0700 "$CS_T/uov" "$CS_T/uov/upper" "$CS_T/uov/work"
ush=(unshare -Urmpuif --mount-proc mount)
uov=("${ush[@]}" -t overlay -o "lowerdir=$home,upperdir=$CS_T/uov/upper,workdir=$CS_T/uov/work,userxattr" overlay "$home")
utm=("${ush[@]}" -t tmpfs tmpfs "$home")
"${as[@]}" "${uov[@]}" || cb_die "unshare + mount -t overlay does not run here"
"${as[@]}" "${utm[@]}" || cb_die "unshare + mount -t tmpfs does not run here"
fj=1
"${as[@]}" firejail --quiet --noprofile true >/dev/null 2>&1 || { fj=; cb_log "firejail does not run here: left out"; }

res=$CS_T/create.txt
cb_log "create: $runs runs per contender (hyperfine)"
cmds=(
	"true" "${as[*]} /bin/true"
	"unshare" "${as[*]} unshare -Urmpuif --mount-proc true"
	"bwrap" "${as[*]} bwrap --unshare-all --share-net --uid 0 --ro-bind / / true"
	"bwrap-same-root" "${as[*]} ${bw_same[*]}"
	"unshare-mount-overlay" "${as[*]} ${uov[*]}"
	"unshare-mount-tmpfs" "${as[*]} ${utm[*]}"
	"cs-create-overlay-cold" "$cs create $uid $gid $u $home overlay $data"
	"cs-create-bind" "$cs create $uid $gid $u $home bind -"
	"cs-create-overlay-tmpfs" "$cs create $uid $gid $u $home overlay-tmpfs $data"
	"home-image-cold" "$cs image $uid $gid $u $data"
)
[ -n "$bwov" ] && cmds+=("bwrap-same-root-overlay" "${as[*]} ${bw_ov[*]}"
	"bwrap-same-root-tmp-overlay" "${as[*]} ${bw_tov[*]}")
[ -n "$fj" ] && cmds+=("firejail" "${as[*]} firejail --quiet --noprofile true")
cb_hyperfine "$res" "$runs" "${cmds[@]}" || cb_die "hyperfine"
# As the module runs it: the image kept mounted between sandboxes (the
# first of hyperfine's warmup runs mounts it). Apart, after the rows
# above: while it is kept, their every run would find it mounted.
CB_CLEANUP_HOOK="$cs unpin $uid $state"
cb_hyperfine "$res.kept" "$runs" \
	"cs-create-overlay" "$cs keep $state create $uid $gid $u $home overlay $data" \
	"home-image-kept" "$cs keep $state image $uid $gid $u $data" || cb_die "hyperfine"
"$cs" unpin "$uid" "$state" || cb_die "remove the kept home image mount"
CB_CLEANUP_HOOK=
cat "$res.kept" >>"$res"

# Join: one running sandbox, session description in a file the user reads.
"$cs" start "$uid" "$gid" $u "$home" overlay "$data" >"$CS_T/sess" || cb_die "start a sandbox"
init=$(sed -n 's/^init_pid=//p' "$CS_T/sess")
CB_CLEANUP_HOOK="$cs stop $init"
sed 's/^seccomp=1/seccomp=0/' "$CS_T/sess" >"$CS_T/sess-noseccomp"
sed 's/^caps=0/caps=2/; s/^seccomp=1/seccomp=0/; s/^no_new_privs=1/no_new_privs=0/' "$CS_T/sess" >"$CS_T/sess-bare"
chmod 0644 "$CS_T"/sess*
[ "$("$cs" join "$uid" "$gid" "$CS_T/sess" -- /bin/cat /proc/1/comm)" = cs-init ] || cb_die "join does not land in the sandbox"
[ "$("${as[@]}" "$CB_BUILD/minjoin" "$init" /bin/cat /proc/1/comm)" = cs-init ] ||
	cb_die "minjoin does not land in the sandbox"
# nsenter enters the user namespace first and then every other one from
# there: a locked sandbox's PID, UTS, IPC and cgroup namespaces belong to
# the parent user namespace (helper/locked.c), which nsenter before
# util-linux 2.39 (--user-parent) cannot join. Left out where it fails.
nse=(nsenter -t "$init" -U -m -p -u -i -C --preserve-credentials)
nsenter --help 2>/dev/null | grep -q -- --user-parent && nse=(nsenter -t "$init" --user-parent -U -m -p -u -i -C --preserve-credentials)
ns_ok=1
[ "$("${as[@]}" "${nse[@]}" /bin/cat /proc/1/comm 2>/dev/null)" = cs-init ] ||
	{ ns_ok=; cb_log "nsenter cannot join a locked sandbox here: left out"; }
res2=$CS_T/join.txt
cb_log "join: $runs runs per contender (hyperfine)"
jcmds=(
	"true" "${as[*]} /bin/true"
	"minjoin-static" "${as[*]} $CB_BUILD/minjoin $init /bin/true"
	"cs-join" "$cs join $uid $gid $CS_T/sess -- /bin/true"
	"cs-join-noseccomp" "$cs join $uid $gid $CS_T/sess-noseccomp -- /bin/true"
	"cs-join-bare" "$cs join $uid $gid $CS_T/sess-bare -- /bin/true"
)
[ -n "$ns_ok" ] && jcmds+=("nsenter" "${as[*]} ${nse[*]} /bin/true")
cb_hyperfine "$res2" "$runs" "${jcmds[@]}" || cb_die "hyperfine"
"$cs" stop "$init"
CB_CLEANUP_HOOK=

med() { awk -v n="$2" '$1 == n { print $2 }' "$1"; }
bw=$(med "$res" bwrap) bws=$(med "$res" bwrap-same-root) bwo=$(med "$res" bwrap-same-root-overlay)
ovref=bwrap-same-root-overlay
[ -n "$bwov" ] || ovref=bwrap-same-root
row() { # FILE NAME REF-NAME... -> table row
	awk -v n="$2" -v base="$3" -v r1="$4" -v r2="$5" -v l1="$6" -v l2="$7" '
		{ m[$1] = $2; line[$1] = $0 }
		END {
			split(line[n], f, " ")
			printf "%s|%.2f|%.2f|%.2f / %.2f|%.2f / %.2f|%d|%.2f|%s %.2f|%s %.2f\n", n, f[2], f[2] - m[base],
				f[6], f[7], f[4], f[5], f[8], f[3], l1, f[2] / m[r1], l2, f[2] / m[r2]
		}' "$1"
}
{
	for n in true unshare unshare-mount-tmpfs unshare-mount-overlay bwrap bwrap-same-root ${bwov:+bwrap-same-root-overlay bwrap-same-root-tmp-overlay} \
		${fj:+firejail} cs-create-overlay cs-create-overlay-cold cs-create-overlay-tmpfs cs-create-bind \
		home-image-cold home-image-kept; do
		row "$res" $n true bwrap $ovref "x bwrap" "x $ovref"
	done
} | cb_table "1a. Create a sandbox, run true, end it (ms; hyperfine -N, $runs runs, all as uid $uid via the driver)" \
	"contender|median|minus plain true|p10 / p90|min / max|runs|stddev|ratio|ratio"
echo
echo "(bwrap-same-root: bwrap building the helper's root with the home bound; bwrap-same-root-overlay: the same with the home as an overlay on a directory, as cs-create-overlay has it but unbounded; bwrap-same-root-tmp-overlay: its upper layer a tmpfs, as cs-create-overlay-tmpfs; cs-create-overlay: as a login creates the sandbox, with the user's home image kept mounted since their last sandbox (the module keeps it until the next gc); cs-create-overlay-cold: the image mounted and unmounted with the sandbox, as the first sandbox after a gc; home-image-cold / -kept: only the attach, mount and unmount of the ext4 image that holds cs-create-overlay's upper layer and bounds it by home.max, which no bwrap row does, cold and kept; unshare-mount-overlay / -tmpfs: unshare, then mount(8) puts an overlay (upper on this disk) or a tmpfs on the home: their difference is what an overlay home on a disk adds, its unmount's sync of the upper file system included)"
{
	for n in true ${ns_ok:+nsenter} minjoin-static cs-join cs-join-noseccomp cs-join-bare; do
		row "$res2" $n true minjoin-static true "x minjoin" "x true"
	done
} | cb_table "1b. Join a running sandbox and run true (ms; $runs runs)" \
	"contender|median|minus plain true|p10 / p90|min / max|runs|stddev|ratio|ratio"
cw=$(med "$res" cs-create-overlay) cb=$(med "$res" cs-create-bind) cj=$(med "$res2" cs-join)
ct=$(med "$res" cs-create-overlay-tmpfs) img=$(med "$res" home-image-cold)
cold=$(med "$res" cs-create-overlay-cold)
tov=$(med "$res" bwrap-same-root-tmp-overlay) tref=bwrap-same-root-tmp-overlay
[ -n "$bwov" ] || { tov=$bws tref=bwrap-same-root; }
mj=$(med "$res2" minjoin-static) ovm=$(med "$res" $ovref)
uo=$(med "$res" unshare-mount-overlay) ut=$(med "$res" unshare-mount-tmpfs)
echo
# Without bwrap's --overlay the like-for-like contender is not there: it is
# then estimated as bwrap-same-root plus what an overlay home adds with
# unshare and mount(8) (overlay minus tmpfs: the tmpfs mount itself is not
# added, so the estimate is low rather than high).
awk -v c="$cw" -v cb="$cb" -v o="$ovm" -v on="$ovref" -v bs="$bws" -v b="$bw" -v j="$cj" -v m="$mj" \
	-v ct="$ct" -v tov="$tov" -v tn="$tref" -v img="$img" -v cold="$cold" -v uo="$uo" -v ut="$ut" -v bwov="$bwov" 'BEGIN {
	if (bwov == "") {
		o = bs + uo - ut
		on = sprintf("bwrap-same-root + (unshare-mount-overlay - unshare-mount-tmpfs) = %.2f ms, estimated: this bwrap has no --overlay", o)
	}
	printf "target create+true, overlay home <= 1.10 x %s: %.2f x (bind home %.2f x bwrap-same-root; %.2f x plain bwrap): %s; the first sandbox after a gc (the image cold: mounted and unmounted with it) %.2f x, of which the image alone %.2f ms; home on an overlay with a tmpfs upper layer %.2f x %s; an overlay home on a disk adds %.2f ms with unshare and mount(8), %.2f ms to cs-create-overlay-tmpfs\n",
		on, c / o, cb / bs, c / b, (c <= 1.10 * o ? "met" : "MISSED"), cold / o, img, ct / tov, tn, uo - ut, c - ct
	printf "target join+true <= 1.03 x minjoin-static: %.2f x: %s\n", j / m, (j <= 1.03 * m ? "met" : "MISSED")
}'
echo "(cs-join-noseccomp: session with seccomp=0; cs-join-bare: also caps=all, no_new_privs=0 — what the filter and the capability drop cost)"
