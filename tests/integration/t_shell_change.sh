#!/bin/bash
# The user's shell changes between authentication and the session (here a
# pam_exec hook earlier in the session stack runs usermod -s): sshd execs
# the shell of the passwd entry it copied at authentication (/bin/bash),
# the module reads the new one (/bin/sh). The login is refused or
# sandboxed, never a plain shell outside the sandbox.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox
user=cstestsh
cs_user_add $user || cs_fail "useradd $user"
{
	cs_policy_text | sed '/^\[rules\]/,$d'
	printf '[rules]\n%s = default\n' $user
	cs_policy_text | sed '1,/^\[rules\]/d'
} | cs_policy_write

hook=$CS_TT/chsh-hook
cat >"$hook" <<EOS
#!/bin/sh
[ "\$PAM_USER" = $user ] && [ "\$PAM_TYPE" = open_session ] && usermod -s /bin/sh $user
exit 0
EOS
chmod 0755 "$hook"
cp -p "$CS_PAM_FILE" "$CS_TT/pam.orig" || cs_fail "save $CS_PAM_FILE"
cs_on_exit 'cat "$CS_TT/pam.orig" >"$CS_PAM_FILE"'
# The hook goes right before the module's line.
sed -i "/pam_containsession/i session optional pam_exec.so $hook" "$CS_PAM_FILE" ||
	cs_fail "edit $CS_PAM_FILE"
grep -q "pam_exec.so $hook" "$CS_PAM_FILE" || cs_fail "hook not in $CS_PAM_FILE"

expect_eq /bin/bash "$(getent passwd $user | cut -d: -f7)" "$user's shell is /bin/bash at authentication"
mark=$(cs_log_mark)
host_ns=$(readlink /proc/self/ns/pid)
out=$(cs_ssh $user -- 'readlink /proc/self/ns/pid; hostname' 2>&1)
rc=$?
expect_eq /bin/sh "$(getent passwd $user | cut -d: -f7)" "the hook changed it to /bin/sh during the session's setup"
if [ $rc -eq 255 ] || [ $rc -eq 254 ]; then
	ok "the login was refused (ssh exit $rc)"
	line=$(cs_wait_log "$mark" "refusing session of $user")
	expect_contains "$line" "changed after this connection began" "the log line says why: $line"
else
	expect_ne "$host_ns" "$(sed -n 1p <<<"$out")" "not a plain login in the host's PID namespace ($out)"
	expect_eq "cstest-$user" "$(sed -n 2p <<<"$out")" "the sandbox's hostname"
fi
cat "$CS_TT/pam.orig" >"$CS_PAM_FILE"
# Without the hook the entry is stable again: the next login is sandboxed.
expect_eq "cstest-$user" "$(cs_ssh $user -- hostname 2>&1)" "the next login (shell /bin/sh throughout) is sandboxed"
expect_true "nothing of $user left" cs_wait_clean $user
cs_finish
