# shellcheck shell=bash
#
# tests/lib/leaks.sh — what a login or the whole environment left behind:
# a user's leftovers (processes, registry entry, cgroups, mounts, loop
# devices), waits until a user is clean, leak counters for the soak tests, and the check
# that the host is as it was after cs_env_cleanup. Read-only (built on
# tests/lib/observe.sh). Sourced by tests/lib/sshd.sh.

# What is left of USER's sandbox, one line per item; nothing when clean.
cs_user_leftovers() {
	local user=$1 uid home key dir p
	uid=$(id -u "$user") || return 1
	home=$(getent passwd "$user" | cut -d: -f6)
	for p in $(cs_uid_pids "$uid"); do
		echo "process $p: $(ps -o args= -p "$p" 2>/dev/null)"
	done
	[ -e "$CS_STATE_DIR/$uid" ] && echo "registry entry $CS_STATE_DIR/$uid"
	while IFS=$'\t' read -r key dir; do
		if [ "${CS_CG_MODE:-}" = systemd ]; then
			# logind owns the slice and removes it with the user's
			# last session; what must be gone is what we set on it.
			find "/run/systemd/system.control/${dir##*/}.d" -name '50-*.conf' 2>/dev/null |
				sed 's/^/slice property left: /'
		else
			[ -d "$dir" ] && echo "cgroup $dir"
		fi
	done < <(cs_user_cgroup_dirs "$uid")
	# The sandbox's /tmp and network namespace (root's, lib/root/sandboxobj.h).
	for p in "$CS_STATE_DIR/$uid.tmp" "$CS_STATE_DIR/$uid.net"; do
		[ -e "$p" ] && echo "left in state_dir: $p"
	done
	for p in "$home" "$CS_DATA_DIR/$user" "$CS_STATE_DIR/$uid" "$CS_STATE_DIR/$uid.tmp" "$CS_STATE_DIR/$uid.net"; do
		cs_mounts_mentioning "$p" | sed 's/^/mount: /'
	done
	# The loop device of a persistent home's image (lib/root/homeimg.h)
	# clears itself once the last mount of it is gone. The mount that
	# keeps the image for the next sandbox (STATE/<uid>.home, until stop
	# or gc) is not a leftover, nor is its loop device.
	local kept
	kept=$(cs_kept_image "$user" | sed -n 's|.* - ext4 /dev/\(loop[0-9]*\) .*|\1|p')
	cs_loops_on "$CS_DATA_DIR/.images/$user.img" | awk -v k="$kept" '$1 != k' |
		sed 's/^/loop device: /'
}

# Loop devices whose backing file is PATH or lies below it, "loopN FILE".
cs_loops_on() {
	local f b
	for f in /sys/block/loop*/loop/backing_file; do
		[ -r "$f" ] || continue
		b=$(cat "$f" 2>/dev/null) || continue
		case $b in "$1" | "$1 (deleted)" | "$1"/*) f=${f#/sys/block/}; echo "${f%%/*} $b" ;; esac
	done
}

# cs_wait_clean USER [SECONDS]: wait (default 10 s) until USER has no
# process, no registry entry, no cgroup and no mount left. Prints what is
# left to stderr and returns 1 on timeout.
cs_wait_clean() {
	local user=$1 secs=${2:-10} left
	for _ in $(seq $((secs * 5))); do
		left=$(cs_user_leftovers "$user")
		[ -z "$left" ] && return 0
		sleep 0.2
	done
	left=$(cs_user_leftovers "$user")
	[ -z "$left" ] && return 0
	printf '%s\n' "$left" | sed "s/^/cstest: $user not clean after ${secs}s: /" >&2
	return 1
}

# What a login could leak, as "label|count" lines, for the given uids: the
# soak test and bench/soak.sh compare these before and after their cycles.
cs_leak_counts() {
	local key dir n=0 p=0 uid
	echo "mounts on the host|$(wc -l </proc/self/mountinfo)"
	echo "mounts in sshd's namespace|$(wc -l <"/proc/$CS_SSHD_PID/mountinfo")"
	while IFS=$'\t' read -r key dir; do
		[ -d "$dir/$CS_CG_NAME" ] && n=$((n + $(find "$dir/$CS_CG_NAME" -type d | wc -l)))
	done <"$CS_CG_PARENTS"
	echo "cgroups under the cgroup root|$n"
	for uid in "$@"; do p=$((p + $(cs_uid_pids "$uid" | wc -l))); done
	echo "processes of the test users|$p"
	echo "open fds of the listening sshd|$(find "/proc/$CS_SSHD_PID/fd" -mindepth 1 | wc -l)"
	echo "entries in state_dir|$(find "$CS_STATE_DIR" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
	echo "loop devices on data_dir|$(cs_loops_on "$CS_DATA_DIR" | wc -l)"
}

# cs_settle SECS USER...: sshd has no session left and every user is clean.
cs_settle() {
	local secs=$1 u
	shift
	cs_wait_sshd_idle "$secs" || return 1
	for u in "$@"; do cs_wait_clean "$u" "$secs" || return 1; done
}

# Did cs_env_setup get as far as changing anything on this host?
cs_env_touched() { [ -n "${CS__HAD_LOCK:-}" ]; }

# After cs_env_cleanup: is the host as it was? Prints each leftover to
# stdout; returns 1 if there is any. (Checks nothing if this shell never got
# as far as taking the lock: then whatever is there is someone else's.)
cs_verify_host_clean() {
	local bad=0 uid name key dir line p
	cs_env_touched || return 0
	if [ -n "${CS__WAS_SYMLINK:-}" ] && [ -L "$CS_SSHD_LINK" ]; then
		echo "$CS_SSHD_LINK (made by us) still there"; bad=1
	fi
	if [ -n "${CS__WAS_PRIVSEP:-}" ] && [ -e "$CS_PRIVSEP_DIR" ]; then
		echo "$CS_PRIVSEP_DIR (made by us) still there"; bad=1
	fi
	if [ -n "${CS__WAS_DEVLOG:-}" ] && [ -e /dev/log ]; then
		echo "/dev/log (made by us) still there"; bad=1
	fi
	for p in ${CS__WAS_SSHD_PID:-} ${CS__WAS_SYSLOG_PID:-}; do
		if kill -0 "$p" 2>/dev/null; then
			echo "process $p (sshd or syslog capture) still running"; bad=1
		fi
	done
	for uid in ${CS__DONE_UIDS:-}; do
		for p in $(cs_uid_pids "$uid"); do
			echo "process $p of uid $uid: $(ps -o args= -p "$p" 2>/dev/null)"
			bad=1
		done
	done
	if [ -e "$CS_PAM_FILE" ]; then echo "$CS_PAM_FILE still there"; bad=1; fi
	while IFS=: read -r name _; do
		case $name in "$CS_USER_PREFIX"*) echo "user $name still there"; bad=1 ;; esac
	done </etc/passwd
	while IFS=: read -r name _; do
		case $name in "$CS_USER_PREFIX"*) echo "group $name still there"; bad=1 ;; esac
	done </etc/group
	while IFS= read -r line; do
		echo "mount: $line"
		bad=1
	done < <(grep -e containsession ${CS__DONE_T:+-e "$CS__DONE_T"} /proc/self/mountinfo)
	if [ -n "${CS__DONE_T:-}" ]; then
		while IFS= read -r line; do
			echo "loop device: $line"
			bad=1
		done < <(cs_loops_on "$CS__DONE_T")
	fi
	# CS_CG_NAME is set only once setup has made CS_T; the module makes
	# cgroups of that name only once sshd runs. Unset: setup failed before
	# that, and no cgroup of ours can exist (under set -u it would only be
	# an "unbound variable" per hierarchy).
	if [ -n "${CS_CG_NAME:-}" ]; then
		while IFS=$'\t' read -r key dir; do
			while IFS= read -r line; do
				echo "cgroup $line"
				bad=1
			done < <(find "$dir" -maxdepth 3 -type d -name "$CS_CG_NAME" 2>/dev/null)
		done < <(cs_cgroup_dirs "$BASHPID")
	fi
	if [ -n "${CS__DONE_T:-}" ] && [ -e "$CS__DONE_T" ] && [ -z "${CS_KEEP_T:-}" ]; then
		echo "$CS__DONE_T still there"
		bad=1
	fi
	return "$bad"
}
