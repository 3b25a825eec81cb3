#!/bin/bash
#
# t_cli_doctor_probe: doctor's overlay probe, the child that runs as uid
# 65534 (nobody) when root runs doctor, holds nothing of root's that a
# process of that uid could take from it: no terminal (not on an fd, not as
# its controlling tty), no fd but /dev/null and its pipe and socket to
# doctor, and it is not dumpable (no ptrace, no /proc/PID/mem or environ
# for uid 65534). And what comes back on its report pipe reaches root's
# terminal only made safe for it.
#
# The probe lives for milliseconds, so it is looked at from inside:
# tests/fault/probe_spy.so, preloaded into doctor, records what the probe
# holds at its unshare(CLONE_NEWUSER) as uid 65534; doctor runs as root on
# a pty, as from an admin's terminal. With CS_PROBE_SPY_FORGE the spy
# writes escape sequences into the report pipe instead, as a process that
# got hold of the probe could.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"

cs_use_cli
cs_require_userns
spy=${CS_PROBE_SPY:-$CS_TOP/build/fault/probe_spy.so}
[ -r "$spy" ] || cs_skip "no probe spy at $spy (make build/fault/probe_spy.so; make check-integration builds it)"

# The spy writes as uid 65534: its file is that uid's, in a directory it
# may pass through.
rec=$CS_TT/probe.rec
chmod 0711 "$CS_TT" || cs_fail "chmod $CS_TT"
install -o 65534 -g 65534 -m 0600 /dev/null "$rec" || cs_fail "make $rec"

printf -v doctor '%q ' env LD_PRELOAD="$spy" CS_PROBE_SPY_REC="$rec" \
	"$cli" --conf "$CS_POLICY" --confdir "$CS_POLICY_DIR" doctor
# shellcheck disable=SC2016 # expanded by the bash on the pty
out=$(cs_onpty 'echo root_tty=$(cut -d" " -f7 /proc/$$/stat); '"$doctor")
root_tty=$(sed -n 's/^root_tty=//p' <<<"$out")
expect_true "doctor ran on a pty, its controlling terminal (tty_nr '$root_tty')" \
	[ -n "$root_tty" ] && [ "$root_tty" != 0 ]
expect_contains "$out" "ok: an unprivileged user (uid 65534) can make a user and mount namespace and mount overlayfs" \
	"the overlay probe still succeeds"
sed 's/^/    probe: /' "$rec"
[ -s "$rec" ] || cs_fail "the spy recorded nothing: the probe did not unshare a user namespace as uid 65534"

fds=$(grep '^fd ' "$rec")
expect_true "the spy saw the probe's fds" [ -n "$fds" ]
expect_not_contains "$fds" "/dev/pts" "no fd of the probe is root's pty"
expect_not_contains "$fds" "/dev/tty" "no fd of the probe is a tty"
expect_eq "" "$(awk '$3 != "/dev/null" && $3 !~ /^(pipe|socket):\[[0-9]+\]$/' <<<"$fds")" \
	"the probe holds only /dev/null, its report pipe and its socket to doctor"
for f in 0 1 2; do
	expect_eq "fd $f /dev/null" "$(grep "^fd $f " <<<"$fds")" "the probe's fd $f is /dev/null"
done
expect_eq "tty_nr 0" "$(grep '^tty_nr ' "$rec")" "the probe has no controlling terminal"
expect_eq "sid $(sed -n 's/^pid //p' "$rec")" "$(grep '^sid ' "$rec")" \
	"the probe is in a session of its own (not root's shell's)"
expect_eq "dumpable 0" "$(grep '^dumpable ' "$rec")" \
	"the probe is not dumpable (a process of uid 65534 cannot ptrace it)"

# What the probe reports is printed made safe: the forged bytes come out
# as \xHH and \n, on doctor's one line for the probe, never as themselves.
LD_PRELOAD=$spy CS_PROBE_SPY_FORGE=1 csc doctor </dev/null >"$CS_TT/forged" 2>&1
grep -a "overlay probe" "$CS_TT/forged" | sed 's/^/    forged: /' | cat -v
expect_eq 0 "$(LC_ALL=C grep -a -c $'[^\t -~]' "$CS_TT/forged")" \
	"no byte outside printable ASCII in doctor's output"
expect_contains "$(grep -a '^problem: overlay probe as uid 65534 failed: ' "$CS_TT/forged")" \
	'\x1b]0;forged\x07\x1b[31m\x1b[2J\x9bm\nok: forged verdict\n' \
	"the forged message is shown escaped, on the probe's problem line"
expect_false "the forged verdict is not a line of its own" grep -a -q '^ok: forged verdict' "$CS_TT/forged"

# A probe stopped by a process of its uid once doctor has mapped its ids
# (two waits were still ahead, 10 s each): doctor ends within the probe's
# one bound of 10 s, and says why.
start=$(date +%s%N)
LD_PRELOAD=$spy CS_PROBE_SPY_STALL=1 csc doctor </dev/null >"$CS_TT/stalled" 2>&1
took=$((($(date +%s%N) - start) / 1000000))
echo "    doctor with the probe stopped took $took ms"
expect_contains "$(grep '^problem: overlay probe' "$CS_TT/stalled")" \
	"did not finish within 10 s (killed)" "a stopped probe is killed and reported"
expect_true "doctor ends within the probe's bound (took $took ms; two waits of 10 s were 20 s)" \
	test "$took" -lt 15000
cs_finish
