# shellcheck shell=bash
#
# tests/lib/client.sh — the ssh, scp, sftp and rsync clients of the harness,
# with its key, port and options. Read-only on the host (they log in, as any
# client does). Sourced by tests/lib/sshd.sh.

# Options every client (ssh, scp, sftp) gets, into the array CS__OPTS.
# CS_SSH_CONNECT_TIMEOUT: seconds for the connection and banner exchange
# (10; the bench's 200 logins at once on 2 cores need longer).
cs__client_opts() {
	CS__OPTS=(-F /dev/null -i "$CS_KEY" -o StrictHostKeyChecking=no
		-o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR
		-o IdentitiesOnly=yes -o ConnectTimeout="${CS_SSH_CONNECT_TIMEOUT:-10}")
}

# The ssh client command as one shell-quoted string (for rsync -e).
cs_ssh_cmd() {
	local CS__OPTS
	cs__client_opts
	printf '%q ' ssh "${CS__OPTS[@]}" -p "$CS_PORT"
}

# cs_ssh USER [SSH-OPTION...] [-- CMD...]: log in as USER and run CMD (joined
# by spaces and run by the login shell, as ssh does), or a shell reading
# stdin. Returns ssh's status: the command's, or 255 when the login failed.
cs_ssh() {
	local CS__ARGV
	cs__ssh_argv "$@"
	"${CS__ARGV[@]}"
}

# The same, but exec'ing ssh: for background logins whose $! must be the
# ssh client itself, e.g.  ( cs_ssh_exec cstest1 -- exec sleep 30 ) &
cs_ssh_exec() {
	local CS__ARGV
	cs__ssh_argv "$@"
	exec "${CS__ARGV[@]}"
}

cs__ssh_argv() {
	local user=$1 opts=() CS__OPTS
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	cs__client_opts
	CS__ARGV=(ssh "${CS__OPTS[@]}" -p "$CS_PORT" "${opts[@]}" "$user@$CS_HOST" "$@")
}

# cs_scp [SCP-ARG...]: scp with the harness' key, port and options; remote
# paths as USER@$CS_HOST:PATH.
cs_scp() {
	local CS__OPTS
	cs__client_opts
	scp "${CS__OPTS[@]}" -P "$CS_PORT" "$@"
}

# cs_sftp USER [SFTP-ARG...]: e.g. cs_sftp cstest1 -b batchfile
cs_sftp() {
	local user=$1 CS__OPTS
	shift
	cs__client_opts
	sftp "${CS__OPTS[@]}" -P "$CS_PORT" "$@" "$user@$CS_HOST"
}

# cs_rsync [RSYNC-ARG...]: rsync over the harness' ssh (USER@$CS_HOST:PATH).
cs_rsync() {
	rsync -e "$(cs_ssh_cmd)" "$@"
}
