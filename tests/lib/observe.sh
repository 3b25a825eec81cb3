# shellcheck shell=bash
#
# tests/lib/observe.sh — views of the host for the harness and the tests:
# processes, cgroups, mounts, where libpam finds modules, free ports, and
# the logs of sshd and syslog (what tests/lib/host.sh captured). Read-only.
# Sourced by tests/lib/sshd.sh.

# ---- processes -------------------------------------------------------------

# PIDs of all descendants of PID (not PID itself), parents first.
cs__descendants() {
	ps -e -o pid=,ppid= | awk -v root="$1" '
		{ kids[$2] = kids[$2] " " $1 }
		END {
			n = split(kids[root], q, " ")
			for (i = 1; i <= n; i++) {
				print q[i]
				m = split(kids[q[i]], k, " ")
				for (j = 1; j <= m; j++) q[++n] = k[j]
			}
		}'
}

# PIDs of live processes whose real or effective uid is UID (zombies are
# left out: they hold nothing and only their parent can reap them; on hosts
# whose PID 1 reaps lazily they linger for a while).
cs_uid_pids() {
	ps -e -o pid=,ruid=,euid=,stat= | awk -v u="$1" '($2 == u || $3 == u) && $4 !~ /^Z/ { print $1 }'
}

# Wait until the sshd listener has at most MAX children (open connections),
# looking every STEP seconds, at most TRIES times.
# cs_wait_sshd_conns MAX TRIES STEP
cs_wait_sshd_conns() {
	for _ in $(seq "$2"); do
		[ "$(pgrep -c -P "$CS_SSHD_PID")" -le "$1" ] && return 0
		sleep "$3"
	done
	return 1
}

# Wait (default 10 s) until the sshd listener has no child left (every
# connection closed).
cs_wait_sshd_idle() {
	local secs=${1:-10}
	cs_wait_sshd_conns 0 $((secs * 5)) 0.2 && return 0
	cs_log "sshd connections still open after ${secs}s:"
	ps -o pid=,user=,args= -p "$(cs__descendants "$CS_SSHD_PID" | paste -sd,)" >&2
	return 1
}

# ---- cgroups ---------------------------------------------------------------

# The cgroup directories of PID (default: this shell) in every mounted
# hierarchy, one "KEY<TAB>DIR" line each; KEY is the v1 controller list as in
# /proc/PID/cgroup ("memory", "cpu,cpuacct", "name=systemd") or "unified".
cs_cgroup_dirs() {
	local pid=${1:-$BASHPID}
	awk '
		function covers(c, opts,   n, a, m, b, i, j, ok) {
			n = split(c, a, ","); m = split(opts, b, ",")
			for (i = 1; i <= n; i++) {
				ok = 0
				for (j = 1; j <= m; j++) if (a[i] == b[j]) ok = 1
				if (!ok) return 0
			}
			return 1
		}
		FNR == NR {
			i = index($0, ":"); rest = substr($0, i + 1)
			j = index(rest, ":")
			cg[substr(rest, 1, j - 1)] = substr(rest, j + 1)
			next
		}
		{
			sep = 0
			for (k = 7; k <= NF; k++) if ($k == "-") { sep = k; break }
			if (!sep) next
			fstype = $(sep + 1); opts = $(sep + 3); root = $4; mnt = $5
			if (fstype == "cgroup2") key = ""
			else if (fstype == "cgroup") {
				key = "-"
				for (c in cg) if (c != "" && covers(c, opts)) { key = c; break }
				if (key == "-") next
			} else next
			if (!(key in cg) || seen[key]++) next
			p = cg[key]
			if (root != "/") {
				if (p != root && index(p, root "/") != 1) next
				p = substr(p, length(root) + 1)
			}
			if (p == "/") p = ""
			printf "%s\t%s%s\n", (key == "" ? "unified" : key), mnt, p
		}' "/proc/$pid/cgroup" /proc/self/mountinfo
}

# The per-user cgroup directories the module should make for UID, one
# "KEY<TAB>DIR" line per hierarchy (whether they exist or not).
# cgroup = systemd: the user's slice (logind's; the module sets its limits).
cs_user_cgroup_dirs() {
	local key dir
	if [ "${CS_CG_MODE:-}" = systemd ]; then
		printf 'unified\t%s/user.slice/user-%s.slice\n' "$(findmnt -n -o TARGET -t cgroup2 | head -n 1)" "$1"
		return
	fi
	while IFS=$'\t' read -r key dir; do
		printf '%s\t%s\n' "$key" "$dir/$CS_CG_NAME/user-$1"
	done <"$CS_CG_PARENTS"
}

# cs_cgroup_has_controller NAME: can cgroups below sshd's use controller
# NAME (a v1 hierarchy of it, or v2 with it enabled)?
cs_cgroup_has_controller() {
	local key dir
	while IFS=$'\t' read -r key dir; do
		case ",$key," in
		*",$1,"*) return 0 ;;
		,unified,) grep -qw -- "$1" "$dir/cgroup.controllers" 2>/dev/null && return 0 ;;
		esac
	done <"$CS_CG_PARENTS"
	return 1
}

# cs_user_limit_file UID memory|pids: the file that holds that limit of
# UID's cgroup, if it exists: v1 memory.limit_in_bytes / pids.max in the
# controller's hierarchy, else v2 memory.max / pids.max in the unified one.
cs_user_limit_file() {
	local what=$2 key dir v1 v2
	case $what in
	memory) v1=memory.limit_in_bytes v2=memory.max ;;
	pids) v1=pids.max v2=pids.max ;;
	*) return 1 ;;
	esac
	while IFS=$'\t' read -r key dir; do
		case ",$key," in *",$what,"*) [ -e "$dir/$v1" ] && { echo "$dir/$v1"; return 0; } ;; esac
	done < <(cs_user_cgroup_dirs "$1")
	while IFS=$'\t' read -r key dir; do
		[ "$key" = unified ] && [ -e "$dir/$v2" ] && { echo "$dir/$v2"; return 0; }
	done < <(cs_user_cgroup_dirs "$1")
	return 1
}

# ---- mounts, PAM, ports ----------------------------------------------------

# The mount that keeps USER's home image between sandboxes
# (STATE/<uid>.home, lib/root/homeimg.h): its mountinfo line, or nothing.
cs_kept_image() {
	local uid
	uid=$(id -u "$1") || return 1
	cs_mounts_mentioning "$CS_STATE_DIR/$uid.home"
}

# Mount lines (host's /proc/self/mountinfo) that mention PATH as a whole
# path component (PATH, PATH/..., PATH followed by a space or comma).
cs_mounts_mentioning() {
	local p=$1
	sed 's/$/ /' /proc/self/mountinfo | grep -F -e "$p " -e "$p/" -e "$p," | sed 's/ $//'
}

# Where libpam looks for modules (the directory that holds pam_unix.so).
cs_pam_module_dir() {
	local d
	for d in ${PAMDIR:-} /lib/x86_64-linux-gnu/security /usr/lib/x86_64-linux-gnu/security \
		/lib/aarch64-linux-gnu/security /usr/lib/aarch64-linux-gnu/security \
		/lib/security /usr/lib/security /lib64/security /usr/lib64/security; do
		[ -e "$d/pam_unix.so" ] && { echo "$d"; return 0; }
	done
	return 1
}

cs__pick_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 40000))
		if [ -z "$(ss -Htan "( sport = :$p )" 2>/dev/null)" ]; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# Does the sshd on CS_PORT answer with an SSH banner?
cs__sshd_answers() {
	# shellcheck disable=SC2016 # the inner bash expands them
	timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && IFS= read -r l <&3 && [[ $l == SSH-2.0-* ]]' \
		_ "$CS_HOST" "$CS_PORT" 2>/dev/null
}

# ---- logs ------------------------------------------------------------------

# The log files cs_logs reads: sshd's -E log, then the captured syslog, or
# when the host has its own syslog daemon, its files.
cs__log_files() {
	echo "$CS_SSHD_LOG"
	if [ -n "${CS_SYSLOG:-}" ]; then
		echo "$CS_SYSLOG"
	elif ! cs__journal; then
		local f
		for f in /var/log/auth.log /var/log/syslog /var/log/messages; do
			[ -r "$f" ] && echo "$f"
		done
	fi
}

cs__journal() {
	[ -z "${CS_SYSLOG:-}" ] && [ -S /run/systemd/journal/socket ] && command -v journalctl >/dev/null
}

# A position in the logs, for cs_logs MARK.
cs_log_mark() {
	local f
	while IFS= read -r f; do printf '%s:%s ' "$(wc -l <"$f" 2>/dev/null || echo 0)" "$f"; done < <(cs__log_files)
	cs__journal && printf 'journal:%s' "$(date +%s.%N)"
	echo
}

# cs_wait_log MARK GREP-ARG...: wait up to 3 s for a line matching
# `grep GREP-ARG...` in cs_logs MARK (log lines arrive a moment after the
# login that causes them); prints the first one, or returns 1.
cs_wait_log() {
	local mark=$1 line
	shift
	for _ in $(seq 15); do
		line=$(cs_logs "$mark" | grep -m 1 "$@") && { printf '%s\n' "$line"; return 0; }
		sleep 0.2
	done
	return 1
}

# cs_logs [MARK]: what sshd and syslog said since MARK (cs_log_mark), or
# since setup: sshd's log, then syslog (captured, journal or /var/log).
cs_logs() {
	local mark=${1:-} f n since=@$CS_START_EPOCH e
	while IFS= read -r f; do
		n=0
		for e in $mark; do [ "${e#*:}" = "$f" ] && n=${e%%:*}; done
		# Files of the host's syslog: only what was added since setup.
		if [ -z "$mark" ] && [ "$f" != "$CS_SSHD_LOG" ] && [ "$f" != "${CS_SYSLOG:-}" ]; then
			n=$(cat "$CS_T/.logstart.${f//\//_}" 2>/dev/null || echo 0)
		fi
		tail -n +"$((n + 1))" "$f" 2>/dev/null
	done < <(cs__log_files)
	if cs__journal; then
		for e in $mark; do [ "${e%%:*}" = journal ] && since=@${e#journal:}; done
		journalctl -q --no-pager --since "$since" 2>/dev/null
	fi
}
