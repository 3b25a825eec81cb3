#!/bin/bash
# Escape suite: the upper layer's directories cannot send root's writes
# into /etc. Root only ever creates, opens (O_NOFOLLOW) and chowns
# $CS_DATA_DIR/<user>; everything below it is the helper's, as the user.
#  1. $CS_DATA_DIR/cstest1 pre-placed as a symlink to /etc (by root, since
#     the data dir is root's): the module refuses the login.
#  2. upper, or work, pre-placed as a symlink to /etc inside the user's own
#     data dir: the helper (as the user) refuses upper (a layer from before
#     the home images), ignores work (the image has its own), and could not
#     have written to /etc anyway.
#  3. races: the data dir swapped with a symlink to /etc (by root), and
#     upper and work swapped (by the user), over and over during logins.
# After each: /etc is root's as before, holds no new entry and nothing of
# the user's; no command ran outside the sandbox.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

user=cstest1
uid=$(id -u $user) gid=$(id -g $user)
data=$CS_DATA_DIR/$user
snap() { stat -c '%u:%g %a' /etc; ls -A /etc | sort; }
etc_before=$(snap)
etc_check() { # WHAT
	local now
	now=$(snap)
	if [ "$now" = "$etc_before" ]; then ok "$1: /etc unchanged (owner, mode, entries)"; else
		not_ok "$1: /etc changed:"
		diff <(echo "$etc_before") <(echo "$now") | sed 's/^/    | /'
	fi
	expect_eq "" "$(find /etc -xdev -maxdepth 2 \( -uid "$uid" -o -gid "$gid" \) 2>/dev/null | head -n 5)" "$1: nothing in /etc owned by $user"
}
# A login's outcome: refused, or ran inside the sandbox. Never outside.
login_check() { # WHAT
	local out rc
	out=$(cs_ssh $user -- 'echo ran; id -u; hostname; echo x >~/cs-symlink-test && echo wrote' 2>&1)
	rc=$?
	if grep -qx ran <<<"$out"; then
		expect_true "$1: the login ran inside the sandbox" grep -qx cstest-$user <<<"$out"
	else
		expect_true "$1: login refused (ssh exit $rc)" [ "$rc" = 254 -o "$rc" = 255 ]
	fi
	expect_false "$1: no cs-symlink-test in /etc" [ -e /etc/cs-symlink-test ]
}
reset_data() {
	cs_wait_clean $user 10 >/dev/null 2>&1
	rm -rf --one-file-system "$data" "$CS_DATA_DIR/.cs-evil" "$CS_DATA_DIR/.cs-real"
}
cs_on_exit reset_data

# Make the data dir exist (root-owned, made by the module at a login).
expect_eq ok "$(cs_ssh $user -- echo ok)" "a first login works"
cs_wait_clean $user || cs_fail "$user not clean"
[ -d "$CS_DATA_DIR" ] || cs_fail "no $CS_DATA_DIR after a login"

# 1.
reset_data
ln -s /etc "$data"
mark=$(cs_log_mark)
out=$(cs_ssh $user -- 'echo ran' 2>&1)
rc=$?
expect_not_contains "$out" ran "data dir -> /etc: the command did not run"
expect_true "data dir -> /etc: login refused (ssh exit $rc)" [ "$rc" = 254 -o "$rc" = 255 ]
etc_check "data dir -> /etc"
expect_eq "/etc" "$(readlink "$data")" "the symlink is left as it was (not followed, not replaced)"
cs_wait_clean $user || not_ok "clean after the refusal"

# 2.
for d in upper work; do
	reset_data
	install -d -o $user -g "$gid" -m 0700 "$data"
	ln -s /etc "$data/$d"
	chown -h $user: "$data/$d"
	if [ $d = upper ]; then
		# An upper layer from before the images is used as a layer:
		# a symlink there is refused by the helper.
		out=$(cs_ssh $user -- 'echo ran' 2>&1)
		rc=$?
		expect_not_contains "$out" ran "$d -> /etc: the command did not run"
		expect_true "$d -> /etc: login refused by the helper (ssh exit $rc)" [ "$rc" = 254 -o "$rc" = 255 ]
	else
		# The work directory is the image's own: DATA/USER/work is
		# not used at all, and the login runs inside.
		login_check "$d -> /etc"
	fi
	expect_eq /etc "$(readlink "$data/$d")" "$d -> /etc: the symlink is left as it was"
	etc_check "$d -> /etc"
	cs_wait_clean $user || not_ok "$d -> /etc: clean afterwards"
done

# 3a. root swaps the whole data dir with a symlink to /etc.
reset_data
install -d -o $user -g "$gid" -m 0700 "$data"
ln -s /etc "$CS_DATA_DIR/.cs-evil"
python3 - "$CS_DATA_DIR" "$user" <<'PY' &
import os, sys, time
d, u = sys.argv[1], sys.argv[2]
end = time.time() + 12
while time.time() < end:
    try:
        os.rename(f"{d}/{u}", f"{d}/.cs-real")
        os.rename(f"{d}/.cs-evil", f"{d}/{u}")
        time.sleep(0.0005)
        os.rename(f"{d}/{u}", f"{d}/.cs-evil")
        os.rename(f"{d}/.cs-real", f"{d}/{u}")
    except OSError:
        time.sleep(0.001)
PY
racer=$!
cs_on_exit "kill $racer 2>/dev/null; wait $racer 2>/dev/null"
for i in $(seq 8); do login_check "data dir race, login $i"; done
kill "$racer" 2>/dev/null
wait "$racer" 2>/dev/null
etc_check "data dir race"
cs_wait_clean $user || not_ok "data dir race: clean afterwards"

# 3b. the user swaps upper and work with symlinks to /etc.
reset_data
install -d -o $user -g "$gid" -m 0700 "$data"
setpriv --reuid=$uid --regid=$gid --init-groups -- python3 - "$data" <<'PY' &
import os, sys, time
d = sys.argv[1]
end = time.time() + 12
while time.time() < end:
    for n in ("upper", "work"):
        try:
            if os.path.islink(f"{d}/{n}"):
                os.unlink(f"{d}/{n}")
            elif os.path.isdir(f"{d}/{n}"):
                os.rename(f"{d}/{n}", f"{d}/{n}.real")
            os.symlink("/etc", f"{d}/{n}")
            time.sleep(0.0005)
            os.unlink(f"{d}/{n}")
            if os.path.isdir(f"{d}/{n}.real"):
                os.rename(f"{d}/{n}.real", f"{d}/{n}")
        except OSError:
            time.sleep(0.001)
PY
racer=$!
cs_on_exit "kill $racer 2>/dev/null; wait $racer 2>/dev/null"
for i in $(seq 8); do login_check "upper/work race, login $i"; done
kill "$racer" 2>/dev/null
wait "$racer" 2>/dev/null
etc_check "upper/work race"
cs_wait_clean $user || not_ok "upper/work race: clean afterwards"

reset_data
expect_eq ok "$(cs_ssh $user -- echo ok)" "a login works again afterwards"
cs_finish
