# shellcheck shell=bash
#
# tests/lib/host.sh — the only file of the harness that changes the host:
# it sets up and takes down what tests/lib/sshd.sh describes (the temp dir,
# the sshd-cstest PAM service, the sshd symlink, /run/sshd, the /dev/log
# capture, the installed module and helper copies, the sshd itself), makes
# and removes the cstest* users and groups, writes the policy and kills
# what the environment started (by pid). Everything else in tests/lib only
# reads. Sourced by tests/lib/sshd.sh, which sets the variables it uses.

# ---- helpers of setup ------------------------------------------------------

# cs__user_xattrs DIR: can a user.* xattr be set on DIR's file system?
cs__user_xattrs() {
	python3 -c 'import os, sys
os.setxattr(sys.argv[1], "user.cstest", b"1")
os.removexattr(sys.argv[1], "user.cstest")' "$1" 2>/dev/null
}

# Every path component from / down to DIR is root-owned and not writable by
# group or others (what sshd's StrictModes demands of AuthorizedKeysFile's
# directories, and what the module may demand of state_dir and data_dir).
cs__secure_dir() {
	local d=$1 st owner mode
	while :; do
		st=$(stat -L -c '%u %a' "$d") || return 1
		read -r owner mode <<<"$st"
		if [ "$owner" != 0 ] || [ $((8#$mode & 8#022)) -ne 0 ]; then
			cs_log "$d: owner uid $owner, mode $mode — needs root-owned, not group/world-writable"
			return 1
		fi
		[ "$d" = / ] && return 0
		d=$(dirname "$d")
	done
}

# Signal PIDs (TERM), wait up to 5 s, then KILL what is left. By pid only.
cs__kill_pids() {
	local p left
	[ $# -gt 0 ] || return 0
	kill -TERM "$@" 2>/dev/null
	for _ in $(seq 50); do
		left=()
		for p in "$@"; do kill -0 "$p" 2>/dev/null && left+=("$p"); done
		[ ${#left[@]} -eq 0 ] && return 0
		sleep 0.1
	done
	kill -KILL "${left[@]}" 2>/dev/null
	sleep 0.2
}

# cs_sshd_accepts 'KEYWORD VALUE': does the real sshd take this config
# line? Asked of sshd itself (sshd -t on that line alone, with the test host
# key; needs $CS_T and the privsep dir), never inferred from its version:
# PAMServiceName came in OpenSSH 10.0, PerSourcePenalties in 9.8, and
# distributions backport. Used for the harness's, the demo's and the
# benchmarks' sshd (they all start it here).
cs_sshd_accepts() {
	"$CS_REAL_SSHD" -t -f /dev/null -o "HostKey=$CS_T/ssh_host_ed25519_key" -o "$1" \
		>/dev/null 2>&1
}

# Can a process of ours set its audit loginuid (what pam_loginuid does in
# sshd's privileged child, which inherits ours)? Not in containers without
# CAP_AUDIT_CONTROL once a loginuid is set. Probed in a throw-away child.
cs__loginuid_settable() {
	[ -e /proc/self/loginuid ] || return 0 # no audit: pam_loginuid ignores it
	bash -c 'echo 65534 >/proc/self/loginuid' 2>/dev/null
}

# ---- setup -----------------------------------------------------------------

# How this sshd is made to use the PAM service sshd-cstest. OpenSSH 10.0+:
# PAMServiceName, and sshd runs as itself. Before 9.8 sshd took the service
# from the name it was started by: the symlink $CS_SSHD_LINK. 9.8 and 9.9 have
# neither (always "sshd"): refused, the tests would not see the module.
# PerSourcePenalties (9.8+) is turned off: the tests' own failed logins from
# 127.0.0.1 would otherwise lock their clients out for a while.
cs__pam_service_setup() {
	CS__SSHD_EXTRA=
	if cs_sshd_accepts 'PerSourcePenalties no'; then
		CS__SSHD_EXTRA+=$'PerSourcePenalties no\n'
	fi
	if cs_sshd_accepts "PAMServiceName ${CS_PAM_FILE##*/}"; then
		CS__SSHD_EXTRA+="PAMServiceName ${CS_PAM_FILE##*/}"$'\n'
		CS_SSHD_BIN=$CS_REAL_SSHD
		export CS_SSHD_BIN
		return 0
	fi
	if [ -n "$CS__SSHD_EXTRA" ]; then
		cs_log "$CS_REAL_SSHD takes PerSourcePenalties but not PAMServiceName (OpenSSH 9.8/9.9):"
		cs_log "its PAM service is always 'sshd', so it cannot run the tests' own PAM stack"
		return 1
	fi
	CS_SSHD_BIN=$CS_SSHD_LINK
	export CS_SSHD_BIN
	if [ ! -L "$CS_SSHD_LINK" ]; then
		mkdir -p "$(dirname "$CS_SSHD_LINK")"
		cs__mark_made symlink || return 1
		ln -s "$CS_REAL_SSHD" "$CS_SSHD_LINK" || return 1
		CS__MADE_SYMLINK=1
		CS__WAS_SYMLINK=1
	fi
}

cs__write_sshd_config() {
	cat >"$CS_SSHD_CONFIG" <<EOF
# Written by tests/lib/sshd.sh for $CS_SSHD_BIN; removed with $CS_T.
Port $CS_PORT
ListenAddress $CS_HOST
HostKey $CS_T/ssh_host_ed25519_key
PidFile $CS_SSHD_PIDFILE
UsePAM yes
AuthorizedKeysFile $CS_T/keys/%u
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes yes
# Only the test users and root may log in to this sshd.
AllowUsers root $CS_USER_PREFIX*
Subsystem sftp $CS_SFTP_SERVER
# The forwarding tests (t_fwd_*) use ssh -X; agent, TCP and streamlocal
# forwarding are on by default.
X11Forwarding yes
MaxStartups 100:30:200
MaxSessions 50
LogLevel VERBOSE
# Keep "Last login" and the motd out of the tests' output.
PrintMotd no
PrintLastLog no
# What this sshd takes of PAMServiceName, PerSourcePenalties (cs__pam_service_setup).
${CS__SSHD_EXTRA:-}
EOF
	chmod 0644 "$CS_SSHD_CONFIG"
}

cs__write_pam_file() {
	local tmp=$CS_T/pam.sshd-cstest
	{
		if cs__loginuid_settable; then
			cat "$CS_PAM_SOURCE"
		else
			# Adapted: this host (a container?) refuses to set the
			# loginuid, so Debian's "session required pam_loginuid.so"
			# would fail every session of this test sshd. Made optional
			# here only, as container images of sshd usually do.
			sed -E 's/^(session[[:space:]]+)required([[:space:]]+pam_loginuid\.so)/# cstest: loginuid cannot be set on this host: required -> optional\n\1optional\2/' "$CS_PAM_SOURCE"
			cs_log "this host refuses to set the audit loginuid: pam_loginuid made optional in $CS_PAM_FILE"
		fi
		echo
		echo "# Added by containsession tests/lib/sshd.sh (removed at exit)."
		if [ -n "$CS_NO_MODULE" ]; then
			echo "# CS_NO_MODULE=1: pam_containsession.so left out of this stack."
		else
			echo "session required ${CS__MODULE_PATH:-pam_containsession.so} conf=$CS_POLICY confdir=$CS_POLICY_DIR${CS__HELPER_ARG:+ $CS__HELPER_ARG}${CS_MODULE_ARGS:+ $CS_MODULE_ARGS}"
		fi
	} >"$tmp" || return 1
	install -o root -g root -m 0644 "$tmp" "$CS_PAM_FILE" || return 1
	CS__MADE_PAM=1
	rm -f "$tmp"
}

# Copy syslog(3) messages into $CS_T/syslog when nothing listens on /dev/log
# (minimal containers and VMs without a syslog daemon): PAM modules report
# through syslog only, and the tests want to read what they said.
cs__syslog_capture_start() {
	CS_SYSLOG=
	[ "${CS_SYSLOG_CAPTURE:-1}" = 0 ] && return 0
	[ -e /dev/log ] || [ -L /dev/log ] && return 0
	command -v perl >/dev/null || return 0
	CS_SYSLOG=$CS_T/syslog
	: >"$CS_SYSLOG"
	chmod 0600 "$CS_SYSLOG"
	perl -MIO::Socket::UNIX -MSocket -e '
		my ($path, $out) = @ARGV;
		my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => $path)
			or die "syslog capture: $path: $!\n";
		chmod 0666, $path;
		open(my $o, ">>", $out) or die "$out: $!\n";
		$o->autoflush(1);
		$SIG{TERM} = sub { exit 0 };
		while (defined $s->recv(my $m, 65536)) {
			$m =~ s/\s+\z//;
			print $o "$m\n";
		}' /dev/log "$CS_SYSLOG" </dev/null >>"$CS_T/syslog-capture.err" 2>&1 {CS__LOCK_FD}<&- &
	CS__SYSLOG_PID=$!
	CS__WAS_SYSLOG_PID=$!
	echo "$CS__SYSLOG_PID" >"$CS_T/syslog.pid"
	for _ in $(seq 50); do
		[ -S /dev/log ] && { cs__mark_made devlog; CS__MADE_DEVLOG=1; CS__WAS_DEVLOG=1; return 0; }
		kill -0 "$CS__SYSLOG_PID" 2>/dev/null || break
		sleep 0.1
	done
	cs_log "could not capture syslog on /dev/log: $(cat "$CS_T/syslog-capture.err" 2>/dev/null)"
	cs__kill_pids "$CS__SYSLOG_PID"
	CS__SYSLOG_PID=
	CS_SYSLOG=
	return 0
}

cs__start_sshd() {
	local pid
	for _ in 1 2 3 4 5; do
		CS_PORT=$(cs__pick_port) || { cs_log "no free port found"; return 1; }
		cs__write_sshd_config
		if ! "$CS_SSHD_BIN" -t -f "$CS_SSHD_CONFIG" >"$CS_T/sshd-t.out" 2>&1; then
			cs_log "sshd -t rejected $CS_SSHD_CONFIG:"
			cat "$CS_T/sshd-t.out" >&2
			return 1
		fi
		rm -f "$CS_SSHD_PIDFILE"
		local pre=()
		[ -n "${CS_SSHD_PRELOAD:-}" ] &&
			pre=(env "LD_PRELOAD=$CS_SSHD_PRELOAD" "CS_FAULT_CTL=$CS_FAULT_CTL")
		# -D: stay in the foreground (as our child, so it can be waited
		# for); it still writes PidFile. Started by its full path: sshd
		# re-executes itself by argv[0], and before OpenSSH 9.8 took the
		# PAM service name from it (cs__pam_service_setup).
		"${pre[@]}" "$CS_SSHD_BIN" -D -f "$CS_SSHD_CONFIG" -E "$CS_SSHD_LOG" \
			</dev/null >>"$CS_T/sshd.out" 2>&1 {CS__LOCK_FD}<&- &
		pid=$!
		CS__SSHD_CHILD=$pid
		for _ in $(seq 100); do
			if ! kill -0 "$pid" 2>/dev/null; then
				wait "$pid" 2>/dev/null
				CS__SSHD_CHILD=
				break
			fi
			if [ "$(cat "$CS_SSHD_PIDFILE" 2>/dev/null)" = "$pid" ] && cs__sshd_answers; then
				CS_SSHD_PID=$pid
				CS__WAS_SSHD_PID=$pid
				export CS_PORT CS_SSHD_PID
				return 0
			fi
			sleep 0.1
		done
		if [ -n "$CS__SSHD_CHILD" ]; then
			cs_log "sshd (pid $pid) did not answer on $CS_HOST:$CS_PORT within 10 s; its log:"
			cat "$CS_SSHD_LOG" "$CS_T/sshd.out" 2>/dev/null | sed 's/^/  | /' >&2
			CS_SSHD_PID=$pid
			CS__WAS_SSHD_PID=$pid
			return 1
		fi
		if grep -q 'Bind to port .* failed\|Address already in use' "$CS_SSHD_LOG"; then
			cs_log "port $CS_PORT was taken meanwhile; trying another"
			: >"$CS_SSHD_LOG"
			continue
		fi
		cs_log "sshd failed to start; its log ($CS_SSHD_LOG):"
		cat "$CS_SSHD_LOG" "$CS_T/sshd.out" 2>/dev/null | sed 's/^/  | /' >&2
		return 1
	done
	cs_log "sshd could not bind a free port after 5 tries"
	return 1
}

# Set up everything (see the top of this file) and start sshd; returns once
# sshd accepts connections. Root only. Non-zero (with a message, and sshd's
# log when it failed to start) on error; cs_env_cleanup undoes a partial setup.
cs_env_setup() {
	local base c bases=("${CS_TMPBASE:-/run}")
	# data_dir (below) holds the overlay homes' upper layers, which need
	# user.* xattrs; tmpfs has them only since Linux 6.6, and the helper
	# refuses an overlay home without them. Without CS_TMPBASE, /var/lib
	# (where data_dir lives on a real host) when /run cannot take them.
	[ -n "${CS_TMPBASE:-}" ] || bases+=(/var/lib)

	if [ "$(id -u)" != 0 ]; then
		cs_log "needs root (creates users, a PAM service and an sshd)"
		return 1
	fi
	for c in ssh ssh-keygen sftp scp useradd userdel groupadd groupdel ps ss flock timeout; do
		command -v "$c" >/dev/null || { cs_log "missing command: $c"; return 1; }
	done
	for c in "$CS_REAL_SSHD" "$CS_SFTP_SERVER" "$CS_PAM_SOURCE"; do
		[ -e "$c" ] || { cs_log "missing: $c (openssh-server)"; return 1; }
	done

	# One environment at a time on this host (users and PAM service names
	# are fixed). The lock goes away with this shell.
	# Another run waits its turn (bounded by CS_LOCK_WAIT seconds) rather
	# than fail: CI, a developer's run and a demo may overlap.
	exec {CS__LOCK_FD}</etc/pam.d || return 1
	if ! flock -n "$CS__LOCK_FD"; then
		cs_log "another containsession test run or demo is running; waiting up to ${CS_LOCK_WAIT:-1800}s"
	fi
	if ! flock -w "${CS_LOCK_WAIT:-1800}" "$CS__LOCK_FD"; then
		cs_log "another containsession test run or demo still holds the lock (flock on /etc/pam.d)"
		exec {CS__LOCK_FD}<&-
		CS__LOCK_FD=
		return 1
	fi
	CS__HAD_LOCK=1
	# Holding the lock, every environment's record on this host is a
	# dead run's (killed, or a machine stopped under it): undo it first.
	cs__recover_interrupted "${bases[@]}"
	if [ -e "$CS_PAM_FILE" ]; then
		cs_log "$CS_PAM_FILE exists — left over from an interrupted run? Check and remove it."
		return 1
	fi
	local stale
	stale=$(getent passwd | awk -F: -v p="$CS_USER_PREFIX" 'index($1, p) == 1 { printf " %s", $1 }')
	if [ -n "$stale" ]; then
		cs_log "users left over from an earlier run:$stale — remove them (userdel -r NAME)."
		return 1
	fi
	if [ -e "$CS_SSHD_LINK" ] || [ -L "$CS_SSHD_LINK" ]; then
		if [ "$(readlink "$CS_SSHD_LINK")" != "$CS_REAL_SSHD" ]; then
			cs_log "$CS_SSHD_LINK exists and is not a symlink to $CS_REAL_SSHD"
			return 1
		fi
	fi
	CS_T=
	for base in "${bases[@]}"; do
		cs__secure_dir "$base" || { cs_log "set CS_TMPBASE to a root-owned directory"; return 1; }
		CS_T=$(mktemp -d "$base/cstest.XXXXXX") || return 1
		chown root:root "$CS_T" && chmod 0755 "$CS_T" || return 1
		if [ -n "${CS_TMPBASE:-}" ] || cs__user_xattrs "$CS_T"; then break; fi
		rmdir "$CS_T" || return 1
		CS_T=
	done
	[ -n "$CS_T" ] || { cs_log "neither /run nor /var/lib has user xattrs: set CS_TMPBASE"; return 1; }
	# The record a later run undoes this one by, should this one be killed
	# before its cleanup (cs__recover_interrupted): written before
	# anything on the host is changed, and removed with CS_T, last.
	echo "cstest-$$" >"$CS_T/cgroup-name" && : >"$CS_T/made" || return 1
	CS_START_EPOCH=$(date +%s)
	CS_KEY=$CS_T/client_key
	CS_SSHD_CONFIG=$CS_T/sshd_config
	CS_SSHD_PIDFILE=$CS_T/sshd.pid
	CS_SSHD_LOG=$CS_T/sshd.log
	CS_POLICY=$CS_T/policy.conf
	CS_POLICY_DIR=$CS_T/policy.d
	CS_STATE_DIR=$CS_T/state
	CS_DATA_DIR=$CS_T/data
	CS_CG_NAME=cstest-$$
	CS_CGROUP_ROOT=./$CS_CG_NAME
	# CS_CG_AT_ROOT=1: the per-user cgroups go below each hierarchy's
	# root (cgroup_root = cstest-<pid>), not below sshd's own cgroup: on
	# a pure cgroup v2 host sshd's cgroup holds processes, and a cgroup
	# with processes cannot enable controllers for children (v2's "no
	# internal processes" rule). vm/ sets it for the cgroup = v2 run.
	[ -n "${CS_CG_AT_ROOT:-}" ] && CS_CGROUP_ROOT=$CS_CG_NAME
	CS_CG_PARENTS=$CS_T/cgroup-parents
	export CS_T CS_START_EPOCH CS_KEY CS_SSHD_CONFIG CS_SSHD_PIDFILE CS_SSHD_LOG \
		CS_POLICY CS_POLICY_DIR CS_STATE_DIR CS_DATA_DIR CS_CG_NAME CS_CGROUP_ROOT \
		CS_CG_PARENTS
	: >"$CS_T/users"
	: >"$CS_T/groups"
	# Fault injection: armed by writing "KIND N ..." here. The .fired log
	# is everyone's to append to: a fault can fire after the module's
	# child dropped to the user.
	CS_FAULT_CTL=$CS_T/fault
	install -o root -g root -m 0644 /dev/null "$CS_FAULT_CTL" || return 1
	install -o root -g root -m 0666 /dev/null "$CS_FAULT_CTL.fired" || return 1
	export CS_FAULT_CTL
	if [ -n "${CS_SSHD_PRELOAD:-}" ]; then
		case $CS_SSHD_PRELOAD in /*) ;; *) cs_log "CS_SSHD_PRELOAD must be an absolute path"; return 1 ;; esac
		[ -r "$CS_SSHD_PRELOAD" ] || { cs_log "CS_SSHD_PRELOAD: no such file: $CS_SSHD_PRELOAD"; return 1; }
	fi
	CS__MODULE_PATH=
	if [ -n "${CS_MODULE:-}" ]; then
		install -d -o root -g root -m 0755 "$CS_T/lib" &&
			install -o root -g root -m 0644 "$CS_MODULE" "$CS_T/lib/pam_containsession.so" || return 1
		CS__MODULE_PATH=$CS_T/lib/pam_containsession.so
	fi
	CS_HELPER_USED= CS__HELPER_ARG=
	if [ -n "${CS_HELPER:-}" ]; then
		# The module wants a root-owned, not writable, never setuid helper.
		install -d -o root -g root -m 0755 "$CS_T/libexec" &&
			install -o root -g root -m 0755 "$CS_HELPER" "$CS_T/libexec/containsession-helper" || return 1
		CS_HELPER_USED=$CS_T/libexec/containsession-helper
		CS__HELPER_ARG=helper=$CS_HELPER_USED
	fi
	export CS_HELPER_USED
	install -d -o root -g root -m 0755 "$CS_T/keys" "$CS_POLICY_DIR" || return 1

	ssh-keygen -q -t ed25519 -N '' -C cstest-host -f "$CS_T/ssh_host_ed25519_key" || return 1
	ssh-keygen -q -t ed25519 -N '' -C cstest-client -f "$CS_KEY" || return 1
	chmod 0600 "$CS_KEY"
	cs__authorize root || return 1

	if [ ! -d "$CS_PRIVSEP_DIR" ]; then
		cs__mark_made privsep || return 1
		install -d -o root -g root -m 0755 "$CS_PRIVSEP_DIR" || return 1
		CS__MADE_PRIVSEP=1
		CS__WAS_PRIVSEP=1
	fi
	cs__pam_service_setup || return 1

	# sshd runs in this shell's cgroups; the module puts ./cstest-<pid>
	# below them.
	if [ -n "${CS_CG_AT_ROOT:-}" ]; then
		# the mount point of each hierarchy: its root as we see it
		cs_cgroup_dirs "$BASHPID" | while IFS=$'\t' read -r key dir; do
			printf '%s\t%s\n' "$key" "$(findmnt -n -o TARGET -T "$dir")"
		done >"$CS_CG_PARENTS"
	else
		cs_cgroup_dirs "$BASHPID" >"$CS_CG_PARENTS"
	fi

	cs__syslog_capture_start
	export CS_SYSLOG
	local f
	while IFS= read -r f; do
		[ "$f" = "$CS_SSHD_LOG" ] || wc -l <"$f" >"$CS_T/.logstart.${f//\//_}"
	done < <(cs__log_files)

	cs__write_pam_file || return 1
	if [ -z "$CS_NO_MODULE" ]; then
		local pd
		pd=$(cs_pam_module_dir)
		if [ -n "$pd" ] && [ ! -e "$pd/pam_containsession.so" ]; then
			cs_log "NOTE: $pd/pam_containsession.so is not installed: libpam will refuse every"
			cs_log "      session of this sshd. Run 'make install' first, or set CS_NO_MODULE=1."
		fi
	fi
	cs__start_sshd || return 1
	return 0
}

# ---- users and groups ------------------------------------------------------

# Let USER log in with the client key: $CS_T/keys/USER, root-owned 0644.
cs__authorize() {
	install -o root -g root -m 0644 "$CS_KEY.pub" "$CS_T/keys/$1"
}

# cs_group_add NAME: create a group (removed by cs_env_cleanup).
cs_group_add() {
	case $1 in "$CS_USER_PREFIX"*) ;; *) cs_log "group $1: name must start with $CS_USER_PREFIX"; return 1 ;; esac
	groupadd "$1" || return 1
	echo "$1" >>"$CS_T/groups"
}

# cs_user_add NAME [GROUP,...]: useradd -m -s /bin/bash, authorize the client
# key for it; removed (userdel -r) by cs_env_cleanup.
cs_user_add() {
	local name=$1 groups=${2:-}
	case $name in "$CS_USER_PREFIX"*) ;; *) cs_log "user $name: name must start with $CS_USER_PREFIX"; return 1 ;; esac
	useradd -m -s /bin/bash ${groups:+-G "$groups"} "$name" || return 1
	echo "$name $(id -u "$name")" >>"$CS_T/users"
	cs__authorize "$name"
}

# ---- policy ----------------------------------------------------------------

# The policy the integration tests use (docs/DESIGN.md, policy format).
cs_policy_text() {
	cat <<EOF
[global]
cgroup_root = $CS_CGROUP_ROOT${CS_CG_MODE:+
cgroup = $CS_CG_MODE}
state_dir = $CS_STATE_DIR
data_dir = $CS_DATA_DIR

[profile default]
hostname = cstest-%u
memory.max = 256M
pids.max = 64

[profile tmpfshome]
inherit = default
home = overlay-tmpfs

[rules]
cstestoff = off
@cstestgrp = default
cstest1 = default
cstest2 = tmpfshome
EOF
}

# Replace $CS_POLICY with stdin (root-owned 0644, renamed into place so a
# login never reads half a file). Takes effect at the next login.
cs_policy_write() {
	local tmp
	tmp=$(mktemp "$CS_T/.policy.XXXXXX") || return 1
	cat >"$tmp" && chown root:root "$tmp" && chmod 0644 "$tmp" && mv -f "$tmp" "$CS_POLICY"
}

# Back to the standard test policy.
cs_policy_reset() { cs_policy_text | cs_policy_write; }

# ---- an interrupted run ----------------------------------------------------

# cs__mark_made WHAT: note in the record (before making it) that this run
# makes WHAT (symlink, privsep, devlog), for cs__recover_interrupted.
cs__mark_made() { echo "$1" >>"$CS_T/made"; }

# PID is alive and its command line names FILE: a process of the dead run
# (sshd names its config, the syslog capture its output file), not another
# that got the same pid since.
cs__pid_names() {
	local args
	[ -n "$1" ] && [ -r "/proc/$1/cmdline" ] || return 1
	args=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
	case $args in *"$2"*) return 0 ;; esac
	return 1
}

# cs__recover_interrupted BASE...: undo every environment a run killed
# before its cleanup left in BASE/cstest.XXXXXX: its sshd, the test users'
# processes and sandboxes, mounts, cgroups, users, groups, the PAM file and
# what its record says it made. Called only with the lock held, so no live
# run owns any of it. A directory without a record (killed between mktemp
# and the record) holds nothing else: removed when empty. What no record
# vouches for (a PAM file or a cstest user of unknown origin) is left to
# the checks after this, which refuse to run.
cs__recover_interrupted() {
	local base d
	for base in "$@"; do
		for d in "$base"/cstest.??????; do
			[ -d "$d" ] && [ ! -L "$d" ] && [ "$(stat -c %u "$d")" = 0 ] || continue
			if [ ! -f "$d/cgroup-name" ]; then
				rmdir "$d" 2>/dev/null
				continue
			fi
			cs_log "$d: left by a run killed before its cleanup; undoing it"
			( cs__recover_one "$d" )
		done
	done
}

# In a subshell: the dead run's variables, then its cleanup.
cs__recover_one() {
	local d=$1 m
	CS_T=$d CS_STATE_DIR=$d/state CS_DATA_DIR=$d/data CS_CG_PARENTS=$d/cgroup-parents
	CS_CG_NAME=$(cat "$d/cgroup-name")
	case $CS_CG_NAME in cstest-[0-9]*) ;; *) cs_log "$d/cgroup-name: not a cgroup name of ours"; return 1 ;; esac
	# The lock stays this run's: the dead run's cleanup must not close it.
	CS__LOCK_FD= CS_KEEP_T=
	CS_SSHD_PID= CS__SSHD_CHILD= CS__SYSLOG_PID=
	cs__pid_names "$(cat "$d/sshd.pid" 2>/dev/null)" "$d/sshd_config" &&
		CS_SSHD_PID=$(cat "$d/sshd.pid")
	cs__pid_names "$(cat "$d/syslog.pid" 2>/dev/null)" "$d/syslog" &&
		CS__SYSLOG_PID=$(cat "$d/syslog.pid")
	# Only the PAM file that names this run's policy is this run's.
	CS__MADE_PAM=
	grep -qF "conf=$d/policy.conf " "$CS_PAM_FILE" 2>/dev/null && CS__MADE_PAM=1
	CS__MADE_SYMLINK= CS__MADE_PRIVSEP= CS__MADE_DEVLOG=
	while read -r m; do
		case $m in
		symlink) CS__MADE_SYMLINK=1 ;;
		privsep) CS__MADE_PRIVSEP=1 ;;
		devlog) CS__MADE_DEVLOG=1 ;;
		esac
	done <"$d/made"
	# Its sshd's children outlive a killed listener (each connection's
	# process is its own session) and are then nobody's descendants; they
	# still hold its log file, below d, open. So does anything else the
	# dead run started.
	local pids
	CS_CLEANUP_NOTES=
	mapfile -t pids < <(find /proc/[0-9]*/fd -maxdepth 1 -lname "$d/*" 2>/dev/null |
		cut -d/ -f3 | sort -u)
	if [ ${#pids[@]} -gt 0 ]; then
		CS_CLEANUP_NOTES+="killed ${#pids[@]} process(es) holding files of it open; "
		cs__kill_pids "${pids[@]}"
	fi
	CS__RECOVERING=1
	cs_env_cleanup
	[ -n "$CS_CLEANUP_NOTES" ] && cs_log "$d: ${CS_CLEANUP_NOTES%; }"
	return 0
}

# Recovery only: the mounts a dead run's sandboxes left below DIR (their
# /tmp, network namespace and home mounts, which the module would have
# taken down at the sandbox's end), deepest first; then loop devices on
# its images that no mount holds any more. In a live run's cleanup a mount
# left is the module's bug, reported and not hidden.
cs__unmount_below() {
	local d=$1 mp loop
	awk -v d="$d/" 'index($5, d) == 1 { print length($5), $5 }' /proc/self/mountinfo |
		sort -rn | while read -r _ mp; do
			umount -l "$mp" || cs_log "umount -l $mp failed"
		done
	cs_loops_on "$d" | while read -r loop _; do
		losetup -d "/dev/$loop" || cs_log "losetup -d /dev/$loop failed"
	done
}

# ---- cleanup ---------------------------------------------------------------

# Undo cs_env_setup and everything the tests made. Idempotent; safe after a
# partial setup; kills only what this environment started (sshd and its
# descendants, processes of the users it created, processes in its own
# cgroups), by pid. Sets CS_CLEANUP_NOTES (what had to be forced).
cs_env_cleanup() {
	local name uid key dir pids p saved_traps
	saved_traps=$(trap -p INT TERM HUP)
	trap '' INT TERM HUP
	CS_CLEANUP_NOTES=${CS_CLEANUP_NOTES:-}
	CS__DONE_UIDS=${CS__DONE_UIDS:-}

	# sshd: collect its descendants first (they are reparented once it is
	# gone), then stop the listener and them.
	if [ -n "${CS_SSHD_PID:-}" ] && kill -0 "$CS_SSHD_PID" 2>/dev/null; then
		mapfile -t pids < <(cs__descendants "$CS_SSHD_PID")
		cs__kill_pids "$CS_SSHD_PID"
		[ "${CS__SSHD_CHILD:-}" = "$CS_SSHD_PID" ] && wait "$CS_SSHD_PID" 2>/dev/null
		if [ ${#pids[@]} -gt 0 ]; then
			CS_CLEANUP_NOTES+="killed ${#pids[@]} leftover sshd session process(es); "
			cs__kill_pids "${pids[@]}"
		fi
	fi
	CS_SSHD_PID=

	if [ -n "${CS_T:-}" ] && [ -f "$CS_T/users" ]; then
		while read -r name uid; do
			[ -n "$name" ] || continue
			CS__DONE_UIDS+=" $uid"
			mapfile -t pids < <(cs_uid_pids "$uid")
			if [ ${#pids[@]} -gt 0 ]; then
				CS_CLEANUP_NOTES+="killed ${#pids[@]} leftover process(es) of $name; "
				cs__kill_pids "${pids[@]}"
			fi
		done <"$CS_T/users"
	fi

	# The home images the module keeps mounted between sandboxes
	# (STATE/<uid>.home, until stop or gc): let go, so that their loop
	# devices clear before the users and CS_T go.
	if [ -n "${CS_STATE_DIR:-}" ] && [ -d "$CS_STATE_DIR" ]; then
		for p in "$CS_STATE_DIR"/*.home; do
			[ -d "$p" ] || continue
			umount -l "$p" 2>/dev/null
			rmdir "$p" 2>/dev/null || CS_CLEANUP_NOTES+="could not remove $p; "
		done
	fi

	# Our cgroup subtree: kill whatever is still in it, then remove it
	# bottom-up. Nothing outside ./cstest-<pid> is touched. Setup sets
	# CS_CG_NAME before it writes CS_CG_PARENTS, so the test of it only
	# matters for a CS_CG_PARENTS from elsewhere; but were it empty,
	# "$dir/$CS_CG_NAME" would be sshd's (and this shell's) own cgroup.
	if [ -n "${CS_T:-}" ] && [ -f "${CS_CG_PARENTS:-}" ] && [ -n "${CS_CG_NAME:-}" ]; then
		while IFS=$'\t' read -r key dir; do
			[ -d "$dir/$CS_CG_NAME" ] || continue
			mapfile -t pids < <(find "$dir/$CS_CG_NAME" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u)
			if [ ${#pids[@]} -gt 0 ]; then
				CS_CLEANUP_NOTES+="killed ${#pids[@]} process(es) left in $dir/$CS_CG_NAME; "
				cs__kill_pids "${pids[@]}"
			fi
			for _ in $(seq 20); do
				find "$dir/$CS_CG_NAME" -depth -type d -exec rmdir {} + 2>/dev/null
				[ -d "$dir/$CS_CG_NAME" ] || break
				sleep 0.2
			done
		done <"$CS_CG_PARENTS"
	fi

	if [ -n "${CS_T:-}" ] && [ -f "$CS_T/users" ]; then
		while read -r name uid; do
			[ -n "$name" ] || continue
			# userdel refuses while the uid has a process, zombies
			# included: give the reaper a few seconds.
			for _ in $(seq 25); do
				getent passwd "$name" >/dev/null || break
				userdel -r "$name" >"$CS_T/userdel.out" 2>&1 && break
				grep -q 'currently used by process' "$CS_T/userdel.out" || break
				sleep 0.2
			done
			if getent passwd "$name" >/dev/null; then
				cs_log "userdel -r $name failed: $(cat "$CS_T/userdel.out")"
			fi
		done <"$CS_T/users"
		: >"$CS_T/users"
	fi
	if [ -n "${CS_T:-}" ] && [ -f "$CS_T/groups" ]; then
		while read -r name; do
			[ -n "$name" ] && getent group "$name" >/dev/null && groupdel "$name"
		done <"$CS_T/groups"
		: >"$CS_T/groups"
	fi

	if [ -n "${CS__MADE_PAM:-}" ]; then rm -f "$CS_PAM_FILE"; CS__MADE_PAM=; fi
	if [ -n "${CS__MADE_SYMLINK:-}" ]; then
		[ "$(readlink "$CS_SSHD_LINK")" = "$CS_REAL_SSHD" ] && rm -f "$CS_SSHD_LINK"
		CS__MADE_SYMLINK=
	fi
	if [ -n "${CS__MADE_PRIVSEP:-}" ]; then rmdir "$CS_PRIVSEP_DIR" 2>/dev/null; CS__MADE_PRIVSEP=; fi
	if [ -n "${CS__SYSLOG_PID:-}" ]; then
		cs__kill_pids "$CS__SYSLOG_PID"
		wait "$CS__SYSLOG_PID" 2>/dev/null
		CS__SYSLOG_PID=
	fi
	if [ -n "${CS__MADE_DEVLOG:-}" ]; then
		[ -S /dev/log ] && rm -f /dev/log
		CS__MADE_DEVLOG=
	fi

	if [ -n "${CS_T:-}" ] && [ -d "$CS_T" ]; then
		case $CS_T in
		*/cstest.??????)
			[ -n "${CS__RECOVERING:-}" ] && cs__unmount_below "$CS_T"
			if [ -n "$(cs_mounts_mentioning "$CS_T")" ]; then
				CS_CLEANUP_NOTES+="mounts below $CS_T were left (not removed); "
			fi
			[ -n "${CS_KEEP_T:-}" ] && cs_log "CS_KEEP_T set: keeping $CS_T"
			[ -n "${CS_KEEP_T:-}" ] || rm -rf --one-file-system "$CS_T"
			;;
		esac
	fi
	CS__DONE_T=${CS_T:-${CS__DONE_T:-}}
	CS_T=
	if [ -n "${CS__LOCK_FD:-}" ]; then exec {CS__LOCK_FD}<&-; CS__LOCK_FD=; fi
	trap - INT TERM HUP
	eval "$saved_traps"
	return 0
}
