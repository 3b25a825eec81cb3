# shellcheck shell=bash
#
# tests/lib/faultwalk.sh — the fault-injection walk shared by
# tests/integration/t_fault_*.sh (each walks a part of the module's
# privileged steps, to stay within a test's time limit). Source after
# testlib.sh, call cs_fault_prelude (skips without the shim), then
# cs_fault_walk "KIND ERRNO FILTER"...
#
# With tests/fault/fault.so preloaded into sshd (CS_SSHD_PRELOAD), fail the
# Nth call of one step the module takes, for N = 1, 2, ... until the Nth
# call no longer happens in a login. For every fault that fired:
#   - either the login is refused (ssh exit 254/255, the command never ran)
#     with exactly one syslog line from pam_containsession, or the step's
#     failure is one the module tolerates and the command ran inside the
#     sandbox (never outside it);
#   - nothing is left: no process, mount, cgroup or registry entry
#     (cs_wait_clean); or, for a fault in the close of a login that ran,
#     the sandbox stays recorded and the next login ends it.
# After each kind, a login without a fault works.
# KIND ERRNO FILTER: filter is a substring of the path acted on ("-" none);
# KIND+ fails the Nth call and every later one (a step and its undo).

cs_fault_prelude() {
	[ -n "${CS_SSHD_PRELOAD:-}" ] ||
		cs_skip "sshd runs without the fault shim (set CS_SSHD_PRELOAD=build/fault/fault.so; make check-integration does)"
	grep -qF "$CS_SSHD_PRELOAD" "/proc/$CS_SSHD_PID/maps" 2>/dev/null ||
		cs_skip "the fault shim $CS_SSHD_PRELOAD is not loaded in sshd $CS_SSHD_PID"
	user=cstest1
	fired=$CS_FAULT_CTL.fired
	disarm() { : >"$CS_FAULT_CTL"; }
	cs_on_exit disarm

	# The module's lines since MARK, once they have all arrived.
	module_lines() { # MARK
		local prev=-1 cur
		for _ in $(seq 20); do
			cur=$(cs_logs "$1" | grep -c 'pam_containsession(')
			[ "$cur" -gt 0 ] && [ "$cur" = "$prev" ] && break
			prev=$cur
			sleep 0.15
		done
		cs_logs "$1" | grep 'pam_containsession('
	}

	mark=$(cs_log_mark)
	expect_eq ok "$(cs_ssh $user -- echo ok 2>&1)" "a login without a fault works"
	cs_wait_clean $user || cs_fail "$user not clean"
	module_lines "$mark" | grep -q "sandbox created for $user" ||
		cs_skip "the module's syslog lines cannot be read on this host (syslog is someone else's: no CS_SYSLOG capture)"
}

cs_fault_walk() {
	total=0 refused=0 tolerated=0
	for f in "$@"; do
		read -r kind err filter <<<"$f"
		[ "$filter" = - ] && filter=
		plus=
		case $kind in *+) kind=${kind%+} plus=+ ;; esac
		n=1
		while [ $n -le 40 ]; do
			# No data dir: every login walks its creation (mkdir, chown).
			rm -rf --one-file-system "${CS_DATA_DIR:?}/$user"
			: >"$fired"
			printf '%s %s%s %s %s\n' "$kind" "$n" "$plus" "$err" "$filter" >"$CS_FAULT_CTL"
			mark=$(cs_log_mark)
			out=$(cs_ssh $user -- 'echo RAN; id -u; hostname' 2>&1)
			rc=$?
			# The session closes after the client is gone: wait for it,
			# so faults in the close path are seen too.
			cs_wait_sshd_idle 10
			disarm
			if [ ! -s "$fired" ]; then
				echo "    $kind${filter:+ [$filter]}: $((n - 1)) call(s) per login"
				break
			fi
			what="$kind #$n$plus${filter:+ [$filter]} ($(cut -d' ' -f4 "$fired" | head -n 1))"
			total=$((total + 1))
			lines=$(module_lines "$mark")
			if grep -qx RAN <<<"$out"; then
				tolerated=$((tolerated + 1))
				if grep -qx "cstest-$user" <<<"$out" && grep -qx 0 <<<"$out"; then
					ok "$what: tolerated, the command ran inside the sandbox"
				else
					not_ok "$what: the command ran OUTSIDE the sandbox: $(tr '\n' ' ' <<<"$out")"
				fi
				printf '%s\n' "$lines" | grep -v 'sandbox \(created\|torn down\|joined\)' | sed 's/^/    log: /'
			else
				refused=$((refused + 1))
				expect_true "$what: login refused (ssh exit $rc)" [ "$rc" = 254 -o "$rc" = 255 ]
				nl=$(printf '%s\n' "$lines" | grep -c .)
				if [ "$nl" = 1 ] && grep -q "refusing session of $user" <<<"$lines"; then
					ok "$what: one syslog line: ${lines#*pam_containsession(sshd-cstest:session): }"
				else
					not_ok "$what: expected one refusal line from pam_containsession, got $nl:"
					printf '%s\n' "$lines" | sed 's/^/    | /'
				fi
			fi
			if cs_wait_clean $user 4 2>"$CS_TT/left"; then
				:
			elif [ "$(grep -c . "$CS_TT/left")" = 1 ] && grep -q "registry entry $CS_STATE_DIR/" "$CS_TT/left" &&
				[ ! -s "$CS_STATE_DIR/$(id -u $user)" ]; then
				# flock failed on an entry the module had just created:
				# without the lock it cannot safely unlink it (another
				# login may hold it by now). Empty means "no sandbox".
				ok "$what: only an empty registry file is left (no sandbox; removed at the next teardown)"
				cs_ssh $user -- true >/dev/null 2>&1
				cs_wait_clean $user 10 || not_ok "$what: still not clean after the next login"
			elif grep -qx RAN <<<"$out"; then
				# The login worked and the fault hit its close: the
				# module keeps a sandbox it could not end in the
				# registry; the next login must take it over and end it.
				sed 's/^/    /' "$CS_TT/left"
				cs_ssh $user -- true >/dev/null 2>&1
				if cs_wait_clean $user 10; then
					ok "$what: a fault at close left the sandbox recorded; the next login ended it"
				else
					not_ok "$what: still not clean after the next login"
				fi
			elif [ -n "$plus" ] && ! grep -vq "not clean after .*: cgroup " "$CS_TT/left"; then
				# The step and its undo both failed: the module could
				# not move itself back out of the user's cgroup, so it
				# must not destroy it (that would kill this very
				# process before it logs). Only empty cgroup
				# directories stay, at the fixed per-uid path the next
				# login takes over.
				sed 's/^/    /' "$CS_TT/left"
				cs_ssh $user -- true >/dev/null 2>&1
				if cs_wait_clean $user 10; then
					ok "$what: step and undo failed: empty cgroup dirs left, taken over by the next login"
				else
					not_ok "$what: still not clean after the next login"
				fi
			else
				not_ok "$what: the refused login left something behind:"
				sed 's/^/    /' "$CS_TT/left"
				cs_ssh $user -- true >/dev/null 2>&1
				cs_wait_clean $user 10 || cs_fail "$user cannot be cleaned up"
			fi
			n=$((n + 1))
		done
		[ $n -le 40 ] || not_ok "$kind: still firing after 40 calls"
		expect_eq ok "$(cs_ssh $user -- echo ok 2>&1)" "$kind: the next login without a fault works"
		cs_wait_clean $user || cs_fail "$user not clean"
	done
	echo "    $total faults injected: $refused refused, $tolerated tolerated"
	expect_true "faults were injected" [ "$total" -gt 0 ]
}
