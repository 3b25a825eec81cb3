#!/bin/bash
# containsession doctor: on this host every line is ok:/warning:/problem:,
# every problem has a fix, the exit status says whether there was a problem,
# and it finds sshd-cstest's PAM stack with the module after pam_systemd.
# With --sshd-config pointing at a config with "Subsystem sftp
# internal-sftp" it flags that (exit 1); with a tight config, no sshd
# problem. A PAM stack with the module before pam_systemd, or optional, is
# a problem. sshd's own PAM service (pamservicename, or sshd) must run the
# module. Match blocks that give the policy's users or a group's member
# internal-sftp, a chroot or forwarding are reported for them.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"

cs_use_cli

# check_shape WHAT OUTPUT RC: the output format and exit status contract.
check_shape() {
	local bad
	bad=$(grep -v -E '^(ok|warning|problem): ' <<<"$2")
	expect_eq "" "$bad" "$1: every line is ok:, warning: or problem:"
	bad=$(grep -E '^problem: ' <<<"$2" | grep -v -F '(fix: ')
	expect_eq "" "$bad" "$1: every problem says how to fix it"
	if grep -q '^problem: ' <<<"$2"; then
		expect_eq 1 "$3" "$1: exit 1 with a problem"
	else
		expect_eq 0 "$3" "$1: exit 0 without a problem"
	fi
}

out=$(csc doctor 2>"$CS_TT/err")
rc=$?
printf '%s\n' "$out" | sed 's/^/    doctor: /'
check_shape "doctor on this host" "$out" "$rc"
expect_eq "" "$(cat "$CS_TT/err")" "doctor: nothing on stderr"
expect_contains "$out" "ok: the policy $CS_POLICY loads" "doctor: the test policy loads"
expect_contains "$out" "user.max_user_namespaces" "doctor: user namespaces checked"
expect_contains "$out" "overlay" "doctor: the overlay probe ran"
expect_contains "$out" "cgroup" "doctor: the cgroup layout is reported"
if [ -z "$CS_NO_MODULE" ]; then
	expect_contains "$out" "ok: PAM service sshd-cstest: pam_containsession.so is session module" \
		"doctor: finds the module in sshd-cstest's stack"
	if grep -q pam_systemd /etc/pam.d/common-session 2>/dev/null; then
		expect_contains "$out" "ok: PAM service sshd-cstest: pam_systemd.so (" \
			"doctor: pam_systemd comes before the module in sshd-cstest"
	fi
	if [ "$(cat /proc/sys/user/max_user_namespaces)" -gt 0 ] &&
		[ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" = 1 ]; then
		expect_contains "$out" "ok: an unprivileged user (uid 65534) can make a user and mount namespace and mount overlayfs" \
			"doctor: the overlay probe succeeds where the sandbox tests run"
	fi
fi
expect_contains "$out" "read sshd's settings" "doctor: read sshd -T"

# A doctored sshd config: internal-sftp.
sed 's/^Subsystem.*/Subsystem sftp internal-sftp/' "$CS_SSHD_CONFIG" >"$CS_TT/sshd_bad"
grep -q '^Subsystem sftp internal-sftp' "$CS_TT/sshd_bad" || cs_fail "could not make the doctored config"
out=$(csc doctor --sshd-config "$CS_TT/sshd_bad" 2>&1)
rc=$?
check_shape "doctor --sshd-config (internal-sftp)" "$out" "$rc"
expect_eq 1 "$rc" "internal-sftp makes doctor exit 1"
expect_contains "$(grep '^problem: ' <<<"$out")" "internal-sftp" "a problem line names internal-sftp"
expect_contains "$out" "(fix: Subsystem sftp /usr/lib/openssh/sftp-server" "with the fix"

# A tight one: no sshd problem at all.
{
	grep -v -i -E '^(Subsystem|AllowTcpForwarding|AllowStreamLocalForwarding|PermitTunnel|X11Forwarding|AllowAgentForwarding|PermitUserRC)' "$CS_SSHD_CONFIG"
	printf '%s\n' "Subsystem sftp $CS_SFTP_SERVER" "AllowTcpForwarding no" \
		"AllowStreamLocalForwarding no" "PermitTunnel no" "X11Forwarding no" \
		"AllowAgentForwarding no" "PermitUserRC no"
} >"$CS_TT/sshd_good"
out=$(csc doctor --sshd-config "$CS_TT/sshd_good" 2>&1)
check_shape "doctor --sshd-config (tight)" "$out" "$?"
expect_eq "" "$(grep -E '^(problem|warning): sshd(:| for )' <<<"$out")" "a tight sshd config has no sshd finding"
expect_contains "$out" "ok: sshd: AllowTcpForwarding no" "forwarding off is ok"
expect_contains "$out" "ok: sshd: AllowAgentForwarding no" "agent forwarding is checked"
expect_contains "$out" "ok: sshd for user cstest1 (rule $CS_POLICY:" "the policy's users are checked"

# sshd's PAM service: what sshd -T calls pamservicename (OpenSSH 10.0+, set
# by the harness where sshd takes it), else sshd.
svc=$(awk 'tolower($1) == "pamservicename" { print $2 }' "$CS_SSHD_CONFIG")
if [ -n "$svc" ]; then
	if [ -z "$CS_NO_MODULE" ]; then
		expect_contains "$out" "ok: sshd's PAM service $svc (sshd -T: pamservicename) runs pam_containsession.so" \
			"doctor checks the stack of sshd's pamservicename"
	fi
else
	svc=sshd
	expect_contains "$out" "sshd's PAM service sshd (sshd -T names none" \
		"without pamservicename, doctor checks the service sshd"
fi

# Match blocks give sandboxed users what the base user does not get: each
# setting is reported for the user (named in the policy) or for a member
# of the group (cstest3: cstestoff, also a member, is "off"), and not for
# nobody. (PermitUserEnvironment cannot be set in a Match block.)
{
	cat "$CS_TT/sshd_good"
	printf '%s\n' "Match User cstest1" "	ForceCommand internal-sftp" "	ChrootDirectory /srv" \
		"	AllowStreamLocalForwarding yes" \
		"Match Group cstestgrp" "	PermitTunnel yes" "	X11Forwarding yes"
} >"$CS_TT/sshd_match"
# Subsystem in a Match block is newer than OpenSSH 9.2: only where sshd takes it.
printf '%s\n' "Match User cstest2" "	Subsystem sftp internal-sftp" >"$CS_TT/match_subsys"
cat "$CS_TT/sshd_match" "$CS_TT/match_subsys" >"$CS_TT/sshd_match2"
subsys=
/usr/sbin/sshd -t -f "$CS_TT/sshd_match2" 2>/dev/null && subsys=1 && mv "$CS_TT/sshd_match2" "$CS_TT/sshd_match"
out=$(csc doctor --sshd-config "$CS_TT/sshd_match" 2>&1)
rc=$?
grep -E '^(problem|warning): sshd for ' <<<"$out" | sed 's/^/    doctor (Match blocks): /'
check_shape "doctor --sshd-config (Match blocks)" "$out" "$rc"
expect_eq 1 "$rc" "Match blocks for sandboxed users make doctor exit 1"
u1='sshd for user cstest1 \(rule [^)]*\)' g3='sshd for user cstest3 \(member of group cstestgrp, rule [^)]*\)'
for want in "^problem: $u1: ForceCommand internal-sftp: " "^problem: $u1: ChrootDirectory /srv: " \
	"^warning: $u1: AllowStreamLocalForwarding yes: " "^problem: $g3: PermitTunnel yes: " \
	${subsys:+"^problem: sshd for user cstest2 \(rule [^)]*\): Subsystem sftp internal-sftp: "}; do
	expect_true "doctor reports /$want/" grep -q -E -- "$want" <<<"$out"
done
expect_false "X11 forwarding (it lands inside) is no finding" grep -q -E "^(problem|warning): $g3: X11Forwarding" <<<"$out"
expect_eq "" "$(grep -E '^(problem|warning): sshd: ' <<<"$out")" "nothing of the Match blocks is reported for nobody"
expect_not_contains "$out" "cstestoff" "cstestoff (off) is not checked"
expect_not_contains "$out" "could not read sshd's settings" "sshd -T -C read the Match config"
# PermitUserEnvironment is not allowed in a Match block: the global one.
{ cat "$CS_TT/sshd_good"; echo "PermitUserEnvironment yes"; } >"$CS_TT/sshd_pue"
out=$(csc doctor --sshd-config "$CS_TT/sshd_pue" 2>&1)
expect_contains "$out" "warning: sshd: PermitUserEnvironment yes: sshd sets variables from ~/.ssh/environment" \
	"PermitUserEnvironment is reported"

# PAM stacks in a directory of our own.
pam=$CS_TT/pam.d
mkdir -p "$pam"
printf 'session optional pam_systemd.so\n' >"$pam/common-session-test"
printf 'session required pam_unix.so\n@include common-session-test\nsession required pam_containsession.so\n' >"$pam/good"
out=$(csc doctor --pam-dir "$pam" --sshd-config "$CS_TT/sshd_good" 2>&1)
expect_contains "$out" "ok: PAM service good: pam_containsession.so is session module 3 of 3 ($pam/good:3)" \
	"position counted through @include"
expect_contains "$out" "ok: PAM service good: pam_systemd.so ($pam/common-session-test:1) comes before" \
	"pam_systemd found before it"
printf 'session optional pam_containsession.so\n@include common-session-test\n' >"$pam/bad"
out=$(csc doctor --pam-dir "$pam" --sshd-config "$CS_TT/sshd_good" 2>&1)
expect_eq 1 "$?" "a bad PAM stack makes doctor exit 1"
expect_contains "$out" "problem: $pam/bad:1: control 'optional'" "optional is a problem"
expect_contains "$out" "problem: PAM service bad: pam_systemd.so ($pam/common-session-test:1) runs after" \
	"pam_systemd after the module is a problem"
# The test policy's default profile has home = overlay: its home.max is
# the size of each user's image, and doctor checks what that needs from
# the host (loop devices, ext4, e2fsprogs), naming the profile by FILE:LINE.
defline=$(grep -n '^\[profile default\]' "$CS_POLICY" | cut -d: -f1)
expect_contains "$out" "ok: profile default ($CS_POLICY:$defline) has home = overlay: home.max ($((10 << 30)) bytes) is the size of each user's image in $CS_DATA_DIR/.images" \
	"doctor names the overlay home and where its bound comes from"
expect_contains "$out" "ok: /dev/loop-control opens" "doctor checks the loop devices a persistent home needs"
expect_contains "$out" "ok: the kernel has ext4" "doctor checks ext4"
expect_contains "$out" "/usr/sbin/mke2fs, /usr/sbin/e2fsck and /usr/sbin/resize2fs are there" "doctor checks e2fsprogs"
{
	cs_policy_text | sed '/^\[rules\]/,$d'
	printf '[profile tiny]\ninherit = default\nhome.max = 1M\n\n[rules]\ncstest1 = tiny\n'
} >"$CS_TT/tiny.conf"
out=$("$cli" --conf "$CS_TT/tiny.conf" --confdir "" doctor --pam-dir "$pam" --sshd-config "$CS_TT/sshd_good" 2>&1)
expect_contains "$out" "problem: profile tiny ($CS_TT/tiny.conf:" "a home.max too small for an image is a problem"
# home = bind lets the user plant what the host runs: a warning for each
# way, where it applies (pam_systemd in a stack that uses the module, an
# MTA), and for authorized_keys always. The test policy (no bind home)
# gets none of them.
out=$(csc doctor --pam-dir "$pam" --sshd-config "$CS_TT/sshd_good" 2>&1)
expect_not_contains "$out" "home = bind" "no bind home in the test policy: no such warning"
{
	cs_policy_text | sed '/^\[rules\]/,$d'
	printf '[profile bindhome]\ninherit = default\nhome = bind\n\n[rules]\ncstest1 = bindhome\n'
} >"$CS_TT/bind.conf"
bindline=$(grep -n '^\[profile bindhome\]' "$CS_TT/bind.conf" | cut -d: -f1)
rm -f "$pam/bad"
out=$("$cli" --conf "$CS_TT/bind.conf" --confdir "" doctor --pam-dir "$pam" --sshd-config "$CS_TT/sshd_good" 2>&1)
rc=$?
printf '%s\n' "$out" | grep 'home = bind' | sed 's/^/    doctor: /'
check_shape "doctor with a bind home" "$out" "$rc"
expect_contains "$out" "warning: profile bindhome ($CS_TT/bind.conf:$bindline) has home = bind: the user can write ~/.ssh/authorized_keys" \
	"bind home: authorized_keys key options are named, with FILE:LINE"
expect_contains "$out" "warning: profile bindhome has home = bind and pam_systemd.so runs in the PAM stack ($pam/common-session-test:1)" \
	"bind home + pam_systemd in the stack: ~/.config/systemd/user is named"
if [ -x /usr/sbin/sendmail ] || [ -x /usr/lib/sendmail ]; then
	expect_contains "$out" "a mail transfer agent is installed" "bind home + an MTA: ~/.forward is named"
else
	expect_not_contains "$out" "mail transfer agent" "no MTA on this host: no ~/.forward warning"
fi
rm -f "$pam/common-session-test"
printf 'session required pam_unix.so\nsession required pam_containsession.so\n' >"$pam/good"
out=$("$cli" --conf "$CS_TT/bind.conf" --confdir "" doctor --pam-dir "$pam" --sshd-config "$CS_TT/sshd_good" 2>&1)
expect_not_contains "$out" "pam_systemd.so runs in the PAM stack" "bind home without pam_systemd: no systemd warning"
expect_contains "$out" "problem: sshd's PAM service $svc (" "sshd's own service is checked in --pam-dir"
expect_contains "$out" "): $pam/$svc does not exist" "a missing service file is a problem"
printf 'session required pam_unix.so\n' >"$pam/$svc"
out=$(csc doctor --pam-dir "$pam" --sshd-config "$CS_TT/sshd_good" 2>&1)
expect_contains "$out" "problem: sshd's PAM service $svc (" "sshd's service without the module"
expect_contains "$out" "): no pam_containsession.so in its session stack: logins through this sshd are not sandboxed" \
	"a service without the module is a problem"
printf 'session optional pam_systemd.so\n' >"$pam/common-session-test"
printf 'session required pam_unix.so\n@include common-session-test\nsession required pam_containsession.so\n' >"$pam/$svc"
out=$(csc doctor --pam-dir "$pam" --sshd-config "$CS_TT/sshd_good" 2>&1)
expect_contains "$out" "ok: sshd's PAM service $svc (" "sshd's service with the module"
expect_contains "$out" "runs pam_containsession.so (session module 3 of 3, $pam/$svc:3)" \
	"its position counted through @include"
rm -f "$pam"/*
out=$(csc doctor --pam-dir "$pam" --sshd-config "$CS_TT/sshd_good" 2>&1)
expect_contains "$out" "warning: no PAM service in $pam uses pam_containsession.so" "no PAM service: a warning"
cs_finish
