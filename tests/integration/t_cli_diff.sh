#!/bin/bash
# containsession diff: after an sftp upload, an edit, a delete, a new
# directory, a directory removed and made again, and a symlink, all in the
# sandbox's overlay home, diff lists exactly those changes (A, M, D, O),
# sorted, relative to the home; it never follows the user's symlink; and
# --json says the same.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

cs_use_cli

user=cstest1
home=$(getent passwd $user | cut -d: -f6)
tag=$$-$RANDOM
cs_wait_clean $user || cs_fail "$user not clean before the test"
# The upper layer is in the user's image (mounted only in a sandbox): what
# the test made there is removed from inside, then the real home's.
cs_on_exit "cs_ssh $user -- 'rm -rf ~/*_$tag*' >/dev/null 2>&1; cs_wait_clean $user; rm -rf '$home'/*_$tag*"

# The real home: what the sandbox will change.
for f in edit del keep; do echo "$f" >"$home/${f}_$tag.txt"; done
mkdir "$home/dir_$tag"
echo old >"$home/dir_$tag/old"
chown -R $user: "$home"/*_$tag*

echo upload >"$CS_TT/up"
printf 'put %s up_%s.txt\n' "$CS_TT/up" "$tag" >"$CS_TT/batch"
expect_true "sftp upload" cs_sftp $user -b "$CS_TT/batch"
expect_true "edit, delete, mkdir, rm -rf + mkdir, symlink in a login" cs_ssh $user -- "
	echo more >> edit_$tag.txt && rm del_$tag.txt &&
	mkdir new_$tag && echo f > new_$tag/f &&
	rm -rf dir_$tag && mkdir dir_$tag && echo n > dir_$tag/new &&
	ln -s /etc link_$tag"
cs_wait_clean $user

out=$(csc diff $user)
expect_eq 0 "$?" "diff exits 0"
printf '%s\n' "$out" | sed 's/^/    diff: /'
mine=$(grep -F "_$tag" <<<"$out")
expect_eq "D del_$tag.txt
O dir_$tag/
A dir_$tag/new
M edit_$tag.txt
A link_$tag
A new_$tag/
A new_$tag/f
A up_$tag.txt" "$mine" "exactly the changes made, in path order"
expect_not_contains "$out" "keep_$tag" "an untouched file is not listed"
expect_not_contains "$out" "link_$tag/" "the user's symlink to /etc is not followed"
expect_not_contains "$out" "dir_$tag/old" "the replaced directory's old content is not listed"
expect_true "sorted by path" bash -c 'cut -c3- | LC_ALL=C sort -c' <<<"$out"
expect_false "the real home is untouched" [ -e "$home/up_$tag.txt" ]
expect_eq "edit" "$(cat "$home/edit_$tag.txt")" "the real home's file keeps its content"

if command -v python3 >/dev/null; then
	j=$(csc diff --json $user | python3 -c '
import json, sys
for o in json.load(sys.stdin):
    assert set(o) == {"change", "path"}, o
    print(o["change"], o["path"])')
	expect_eq 0 "$?" "diff --json parses"
	expect_eq "$out" "$j" "diff --json says what diff says"
fi

# Names that would act on root's terminal: a raw C1 CSI (0x9b), its UTF-8
# form (C2 9B), a bidi override (U+202E) and isolate (U+2066), and bytes
# that are not UTF-8. None reaches the output raw, in text or JSON.
expect_true "files with terminal controls in their names, made in a login" cs_ssh $user -- "
	touch \"\$(printf 'c1_\\233_$tag')\" \"\$(printf 'u8_\\302\\233_$tag')\" \
	      \"\$(printf 'bidi_\\342\\200\\256_$tag')\" \"\$(printf 'iso_\\342\\201\\246_$tag')\" \
	      \"\$(printf 'bad_\\377_$tag')\""
cs_wait_clean $user
for fmt in text json; do
	if [ $fmt = json ]; then out=$(csc diff --json $user); else out=$(csc diff $user); fi
	for b in $'\x9b' $'\xc2' $'\xe2\x80\xae' $'\xe2\x81\xa6' $'\xff'; do
		if printf '%s' "$out" | LC_ALL=C grep -qF -- "$b"; then
			not_ok "diff ($fmt) printed the raw byte(s) $(printf '%s' "$b" | od -An -tx1 | tr -d ' ')"
		else
			ok "diff ($fmt) prints no raw $(printf '%s' "$b" | od -An -tx1 | tr -d ' ')"
		fi
	done
done
out=$(csc diff $user)
expect_contains "$out" "A c1_\x9b_$tag" "a C1 byte is shown as \\x9b"
expect_contains "$out" "A u8_\xc2\x9b_$tag" "U+009B is shown as its bytes"
expect_contains "$out" "A bidi_\xe2\x80\xae_$tag" "U+202E is shown as its bytes"
expect_contains "$(csc diff --json $user)" "\"bidi_\\u202e_$tag\"" "and in JSON as \\u202e"

# diff mounted the image read-only for its look, and nothing of that
# is left (no loop device, no mount).
cs_wait_clean $user || not_ok "diff left a mount or loop device of $user's image"
out=$(csc diff cstest3 2>&1)
expect_eq 0 "$?" "diff of a user with no upper layer yet exits 0"
cs_finish
