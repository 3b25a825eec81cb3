# shellcheck shell=bash
#
# tests/lib/fwd.sh — what the forwarding tests (t_fwd_*.sh) share, sourced
# after testlib.sh: a network = none profile, servers on loopback ports, and
# waits for them.

# cs_fwd_nonet USER: the standard policy plus a profile "nonet" (default
# with network = none) that USER gets.
cs_fwd_nonet() {
	cs_policy_text | awk -v u="$1" '
		/^\[rules\]$/ { print "[profile nonet]\ninherit = default\nnetwork = none\n"; print; print u " = nonet"; next }
		{ print }' | cs_policy_write
	grep -q "^$1 = nonet\$" "$CS_POLICY" || cs_fail "policy edit for $1 did not apply"
}

# cs_fwd_port: a free TCP port on the host's loopback.
cs_fwd_port() { cs__pick_port; }

# cs_fwd_host_http PORT TEXT: an HTTP server on the host's 127.0.0.1:PORT
# whose /f is TEXT (stopped at test exit).
cs_fwd_host_http() {
	local dir=$CS_TT/www.$1
	mkdir -p "$dir" && echo "$2" >"$dir/f" || return 1
	python3 -m http.server "$1" --bind 127.0.0.1 --directory "$dir" >/dev/null 2>&1 &
	cs_on_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
	cs_fwd_wait "host server on port $1" curl -fsS -o /dev/null "http://127.0.0.1:$1/f"
}

# cs_fwd_sandbox_http USER PORT TEXT: the same inside USER's sandbox, in a
# background login (ended at test exit); waits until a login of USER gets
# TEXT from it.
cs_fwd_sandbox_http() {
	local user=$1 port=$2 text=$3
	(cs_ssh_exec "$user" -- "mkdir -p /tmp/www.$port && echo $text >/tmp/www.$port/f &&
		exec python3 -m http.server $port --bind 127.0.0.1 --directory /tmp/www.$port") \
		</dev/null >/dev/null 2>"$CS_TT/http.$port.err" &
	CS_HOLD_PIDS+=("$!")
	cs_fwd_wait "server on port $port in $user's sandbox" \
		cs_ssh "$user" -- "curl -fsS -o /dev/null http://127.0.0.1:$port/f"
}

# cs_fwd_wait WHAT CMD...: retry CMD for up to 10 s.
cs_fwd_wait() {
	local what=$1 i
	shift
	for i in $(seq 50); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	echo "cstest: $what did not come up" >&2
	return 1
}

# cs_fwd_bg USER SSH-OPTION... : a background `ssh -N` with the forwarding
# options (ended at test exit); its pid in CS_FWD_PID.
cs_fwd_bg() {
	local user=$1
	shift
	(cs_ssh_exec "$user" -N -o ExitOnForwardFailure=yes "$@") </dev/null >/dev/null 2>"$CS_TT/fwd.err" &
	CS_FWD_PID=$!
	CS_HOLD_PIDS+=("$CS_FWD_PID")
}
