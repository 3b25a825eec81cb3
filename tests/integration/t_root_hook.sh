#!/bin/bash
# Issue 13 item 6: a root hook after the module in the session stack
# (pam_exec of a "#!/bin/sh" script) runs: /bin/sh in the login's session
# mount namespace stands for the helper, and the helper, exec'd by anyone
# but the sandboxed user, runs the real program. The hook proves it ran as
# root by writing a file; the login itself is still sandboxed.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

hook=$CS_TT/hook
cat >"$hook" <<HOOK || cs_fail "write $hook"
#!/bin/sh
echo "\$PAM_TYPE \$PAM_USER uid=\$(id -u) sh=\$(stat -L -c %d:%i /proc/\$\$/exe)" >>$CS_TT/hook.out
HOOK
chmod 0755 "$hook"
cp -p "$CS_PAM_FILE" "$CS_TT/pam.saved" || cs_fail "save $CS_PAM_FILE"
cs_on_exit "cp -p '$CS_TT/pam.saved' '$CS_PAM_FILE'"
echo "session required pam_exec.so $hook" >>"$CS_PAM_FILE"

out=$(cs_ssh cstest1 -- 'echo "$(id -u) $(hostname)"' 2>&1)
expect_eq "0 cstest-cstest1" "$out" "the login with a root hook after the module is sandboxed"
for _ in $(seq 25); do grep -q close_session "$CS_TT/hook.out" 2>/dev/null && break; sleep 0.2; done
res=$(cat "$CS_TT/hook.out" 2>/dev/null)
echo "    hook wrote: $res"
expect_contains "$res" "open_session cstest1 uid=0" "the #!/bin/sh hook ran as root at open_session"
expect_contains "$res" "close_session cstest1 uid=0" "the #!/bin/sh hook ran as root at close_session"
real_sh=$(stat -L -c %d:%i /bin/sh)
expect_eq 2 "$(grep -c "sh=$real_sh\$" <<<"$res")" "both times the hook's /bin/sh was the host's real one ($real_sh), not the helper"
cs_finish
