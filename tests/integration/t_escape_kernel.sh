#!/bin/bash
# Escape suite: no kernel module and no BPF program can be loaded from
# inside, not even from a nested `unshare -r` with every capability there;
# io_uring is refused too (its operations bypass the filter). seccomp is on
# (mode 2) with no_new_privs, and the bounding set lacks CAP_SYS_MODULE,
# CAP_SYS_ADMIN and CAP_BPF (a nested user namespace gets a full set of its
# own, which is why the filter must hold on its own). Control: keyctl,
# which anyone may call, fails inside only because of the filter (it works
# in a plain login).
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=tests/lib/escape.sh
. "$CS_LIB_DIR/escape.sh"
cs_require_sandbox

ctl=$(cs_probe cstestplain -- kernel)
expect_eq OK "$(pv "$ctl" keyctl)" "control: keyctl works in an unsandboxed login"
uring_ctl=$(pv "$ctl" io_uring_setup)

b64=$(base64 -w0 "$CS_LIB_DIR/escape_probe.py")
for how in direct nested; do
	if [ $how = direct ]; then
		out=$(cs_probe cstest1 -- kernel)
	else
		out=$(cs_ssh cstest1 -- 'f=$(mktemp); echo '"$b64"' | base64 -d >$f; unshare -r python3 $f kernel; rm -f $f' 2>&1)
	fi
	printf '%s\n' "$out" | sed "s/^/    $how: /"
	for k in finit_module init_module bpf_prog_load keyctl userfaultfd io_uring_setup; do
		expect_eq EPERM "$(pv "$out" $k)" "$how: $k refused with EPERM"
	done
	expect_eq 2 "$(pv "$out" Seccomp)" "$how: seccomp filter mode"
	expect_eq 1 "$(pv "$out" NoNewPrivs)" "$how: no_new_privs"
	# A nested user namespace starts with a full bounding set of its own
	# (its capabilities act only on what it owns): checked directly only.
	[ $how = direct ] || continue
	bnd=$(pv "$out" CapBnd)
	for cap in 16:CAP_SYS_MODULE 21:CAP_SYS_ADMIN 39:CAP_BPF; do
		bit=${cap%%:*}
		expect_eq 0 "$(( (16#${bnd:-ffffffffff} >> bit) & 1 ))" "$how: $cap not in the bounding set"
	done
done
echo "    io_uring_setup in an unsandboxed login: ${uring_ctl:-?} (kernel.io_uring_disabled: $(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo n/a))"
cs_finish
