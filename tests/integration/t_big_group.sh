#!/bin/bash
# A member of a 3,000-member group under "@cstestbig = default" and
# "* = off" is sandboxed (or refused), never given a plain login. The
# group's entry (~40 KB) is larger than any fixed lookup buffer; a lookup
# that gave up on it used to skip the group, and the user then matched
# "* = off". explain decides the same way.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

cs_use_cli

grp=cstestbig user=cstestbg
cs_group_add $grp || cs_fail "groupadd $grp"
cs_user_add $user $grp || cs_fail "useradd $user"

# 2,999 more members. gpasswd and usermod insist on existing users, so
# the names go into /etc/group directly, under the shadow suite's lock
# (lckpwdf) and by rename, as the shadow tools write it. NSS "files" gives
# member names back as they are written; they need not be users.
python3 - "$grp" <<'PY' || cs_fail "could not add members to $grp"
import ctypes, os, sys
grp = sys.argv[1]
libc = ctypes.CDLL(None, use_errno=True)
if libc.lckpwdf() != 0:
    sys.exit("lckpwdf failed")
try:
    with open("/etc/group") as f:
        lines = f.read().splitlines()
    out = []
    for l in lines:
        f = l.split(":")
        if f[0] == grp:
            members = [m for m in f[3].split(",") if m]
            members += ["cstestmember%04d" % i for i in range(1, 3000)]
            f[3] = ",".join(members)
            l = ":".join(f)
        out.append(l)
    st = os.stat("/etc/group")
    tmp = "/etc/group.cstest%d" % os.getpid()
    with open(tmp, "w") as f:
        f.write("\n".join(out) + "\n")
    os.chmod(tmp, st.st_mode & 0o7777)
    os.chown(tmp, st.st_uid, st.st_gid)
    os.rename(tmp, "/etc/group")
finally:
    libc.ulckpwdf()
PY
n=$(getent group $grp | cut -d: -f4 | tr ',' '\n' | grep -c .)
expect_eq 3000 "$n" "$grp has 3,000 members"
expect_true "getent group $grp is over 16 KiB" [ "$(getent group $grp | wc -c)" -gt 16384 ]

{
	cs_policy_text | sed '/^\[rules\]/,$d'
	printf '[rules]\n@%s = default\n* = off\n' $grp
} | cs_policy_write

out=$(csc explain $user 2>&1)
expect_contains "$out" "@$grp = default" "explain: $user matches @$grp"

host_ns=$(readlink /proc/self/ns/pid)
out=$(cs_ssh $user -- 'hostname; readlink /proc/self/ns/pid; id -u' 2>&1)
rc=$?
if [ $rc -eq 255 ]; then
	ok "$user refused (fail closed): $out"
else
	expect_ne "$host_ns" "$(sed -n 2p <<<"$out")" "$user is not in the host's PID namespace (never a plain login)"
	expect_eq "cstest-$user" "$(sed -n 1p <<<"$out")" "$user is in the sandbox of @$grp's profile"
	expect_eq 0 "$(sed -n 3p <<<"$out")" "uid 0 inside"
fi
expect_true "nothing of $user left" cs_wait_clean $user
cs_finish
