#!/bin/bash
# Escape suite: nothing written inside reaches a file the user could not
# write outside, nor the real home. System files and directories refuse
# writes (read-only binds of files the user maps to no one); a nested
# `unshare -Urm` that remounts them read-write is refused; the real home
# stays untouched whatever is done to the overlay over it (written through,
# unmounted in a nested namespace, or with every capability).
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=tests/lib/escape.sh
. "$CS_LIB_DIR/escape.sh"
cs_require_sandbox

home=$(getent passwd cstest1 | cut -d: -f6)
before=$(stat -c '%i %Y' /etc/passwd /etc/shadow /usr/bin)
targets="/etc/passwd /etc/shadow /usr/bin/cs-escape /usr/bin /etc /var/lib /opt /"
out=$(cs_probe cstest1 -- write $targets)
printf '%s\n' "$out" | sed 's/^/    write: /'
for t in $targets; do
	v=$(pv "$out" "write_$t")
	expect_true "write to $t refused (${v:-no answer})" [ -n "$v" -a "$v" != OK ]
done

# Read-write remount in a nested user+mount namespace: the kernel locks the
# read-only flag of mounts inherited from a more privileged namespace.
out=$(cs_ssh cstest1 -- '
	for d in /etc /usr /; do
		unshare -Urm sh -c "mount -o remount,bind,rw $d 2>/dev/null && echo remount_$d=OK || echo remount_$d=refused"
	done
	unshare -Urm sh -c "mount -o remount,bind,rw /etc 2>/dev/null; echo x >>/etc/passwd 2>/dev/null && echo passwd=written || echo passwd=refused"
	unshare -Urm sh -c "umount -l $HOME 2>/dev/null && echo home_umount=OK || echo home_umount=refused; echo x >$HOME/cs-escape-nested 2>/dev/null && echo nested_home=written || echo nested_home=refused"
	echo inside >$HOME/cs-escape-overlay && echo overlay=written
' 2>&1)
printf '%s\n' "$out" | sed 's/^/    nested: /'
expect_not_contains "$out" "=OK" "no read-write remount of /etc, /usr or / succeeds"
expect_contains "$out" passwd=refused "/etc/passwd stays unwritable"
expect_contains "$out" overlay=written "writing the home inside works (the overlay)"
expect_eq "$before" "$(stat -c '%i %Y' /etc/passwd /etc/shadow /usr/bin)" "/etc/passwd, /etc/shadow, /usr/bin unchanged on the host"
expect_false "/usr/bin/cs-escape does not exist on the host" [ -e /usr/bin/cs-escape ]
expect_eq "" "$(find /etc /usr /var/lib /opt -xdev -maxdepth 1 -name '.cs-escape-*' 2>/dev/null)" "no probe file in /etc, /usr, /var/lib, /opt on the host"
expect_false "real home: no file written through the overlay" [ -e "$home/cs-escape-overlay" ]
expect_false "real home: no file written in a nested namespace" [ -e "$home/cs-escape-nested" ]

# All capabilities of the sandbox's own user namespace, in its own mount
# namespace: unmount the home overlay and write where the home was.
cs_on_exit cs_policy_reset
cs_policy_text | sed 's/^pids.max = 64$/pids.max = 64\ncapabilities = all/' | cs_policy_write
out=$(cs_ssh cstest1 -- '
	cd /; umount -l "$HOME" 2>/dev/null && echo home_umount=OK
	echo x >"$HOME/cs-escape-allcaps" 2>/dev/null && echo allcaps_home=written
	echo capeff=$(awk "/^CapEff/ { print \$2 }" /proc/self/status)
	mount -o remount,bind,rw /etc 2>/dev/null && echo etc_rw=OK
	mount -o remount,bind,rw /usr 2>/dev/null && echo usr_rw=OK
	mount -o remount,rw /usr 2>/dev/null && echo usr_rw2=OK
	umount /usr 2>/dev/null && echo usr_umount=OK
	echo x >>/etc/passwd 2>/dev/null && echo allcaps_passwd=written || echo allcaps_passwd=refused
' 2>&1)
printf '%s\n' "$out" | sed 's/^/    all caps: /'
capeff=$(sed -n 's/^capeff=//p' <<<"$out")
expect_eq 1 "$(( (0x${capeff:-0} >> 21) & 1 ))" "all caps: the shell holds CAP_SYS_ADMIN (CapEff $capeff)"
# The tree was built in the sandbox's user namespace and then locked (the
# init moved into a nested one): its read-only binds stay read-only and
# in place even for CAP_SYS_ADMIN.
expect_not_contains "$out" "etc_rw=OK" "all caps: /etc cannot be remounted read-write"
expect_not_contains "$out" "usr_rw=OK" "all caps: /usr cannot be remounted read-write (bind)"
expect_not_contains "$out" "usr_rw2=OK" "all caps: /usr cannot be remounted read-write"
expect_not_contains "$out" "usr_umount=OK" "all caps: /usr cannot be unmounted"
expect_not_contains "$out" "home_umount=OK" "all caps: the home cannot be unmounted"
expect_contains "$out" allcaps_passwd=refused "all caps: /etc/passwd stays unwritable"
expect_false "all caps: nothing reached the real home" [ -e "$home/cs-escape-allcaps" ]
expect_eq "" "$(find "$home" -xdev -newer "$CS_TT" -name 'cs-escape*' 2>/dev/null)" "real home unchanged"
cs_finish
