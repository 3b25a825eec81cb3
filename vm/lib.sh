# shellcheck shell=bash
#
# vm/lib.sh — boot the check-vm guest under qemu and talk to it over ssh.
# Sourced by vm/check. Functions only; state in VM_* variables:
#
#   vm_boot IMGDIR RUNDIR   start qemu (TCG, user-mode network, ssh of the
#                           guest forwarded to 127.0.0.1:VM_PORT only; the
#                           disk is a snapshot: nothing is written back to
#                           the cached image), wait until ssh answers
#   vm_ssh [CMD...]         run CMD in the guest as root
#   vm_run UNIT LOG CMD     run CMD (bash) in the guest as the transient
#                           service UNIT, its output to LOG there, and
#                           follow LOG here; returns CMD's exit status
#   vm_stop                 power the guest off; kill qemu (by its pid) if it
#                           does not exit; idempotent
#
#   VM_PID (qemu), VM_PORT, VM_RUN (console.log, qemu.err live there)

VM_PID='' VM_PORT='' VM_RUN='' VM_KEY=''
VM_MEM=${VM_MEM:-2048}
# One vCPU. Under thread=single (below) two vCPUs share one host thread, so
# a second one buys no speed; what it costs: the Debian 13 guest (Linux
# 6.12) stopped answering at the first test of the cgroup = v2 suite, with
# nothing on its console, while with one vCPU the same suite passes
# (10 of 10, 431 s). Suspected, not proven: cross-CPU kernel text patching
# (static keys flipped by cpu.max), as in the int3 oops below.
VM_CPUS=${VM_CPUS:-1}
VM_BOOT_TIMEOUT=${VM_BOOT_TIMEOUT:-300}

# The guest's own lines, followed live, carry its name too (as vm_log's
# do): vm/check-all runs guests side by side on one output.
vm__tag() { sed -u "s/^/${VM_NAME:-guest}| /"; }
vm_log() { printf 'check-vm%s: %s\n' "${VM_NAME:+ $VM_NAME}" "$*" >&2; }

vm__ssh_opts() {
	VM_SSH_OPTS=(-F /dev/null -i "$VM_KEY" -p "$VM_PORT" -o BatchMode=yes
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
		-o LogLevel=ERROR -o ConnectTimeout=10 -o ServerAliveInterval=15
		-o ServerAliveCountMax=8)
}

vm_ssh() {
	local VM_SSH_OPTS
	vm__ssh_opts
	ssh "${VM_SSH_OPTS[@]}" root@127.0.0.1 "$@"
}

# How long the guest may answer no ssh at all before vm_run gives up.
VM_ANSWER_TIMEOUT=${VM_ANSWER_TIMEOUT:-300}

# CMD runs as a service of the guest, not in our ssh session: a broken
# connection (the guest's ssh is reached through qemu's user-mode network,
# and a run under a loaded host is long) would otherwise end the run with
# a hang-up. Here the connection is made again and following goes on from
# the first byte not yet received; only a guest that answers no ssh for
# VM_ANSWER_TIMEOUT seconds fails the run. The copy is $VM_RUN/UNIT.log.
vm_run() {
	local unit=$1 log=$2 cmd=$3 copy=$VM_RUN/$1.log state=$VM_RUN/$1.state
	local rc sub status from broken=''
	: >"$copy"
	vm_ssh "systemd-run --quiet --unit=$unit -p RemainAfterExit=yes --setenv=HOME=/root \
		/bin/bash -c $(printf %q "exec >$log 2>&1; $cmd")" </dev/null || {
		vm_log "cannot start $cmd in the guest"
		return 1
	}
	while :; do
		# The state first: if it says the service has ended, the log
		# printed after it is complete. While it runs, follow the log
		# until its process ends.
		from=$(($(stat -c %s "$copy") + 1))
		if vm_ssh "s=\"\$(systemctl show -p SubState --value $unit) \$(systemctl show -p ExecMainStatus --value $unit)\"
			p=\$(systemctl show -p MainPID --value $unit)
			if [ \"\${p:-0}\" -gt 0 ]; then tail -c +$from --pid=\$p -f $log
			else tail -c +$from $log; fi
			echo \"state \$s\" >&2" </dev/null 2>"$state" | tee -a "$copy" | vm__tag; then
			rc=0
		else
			rc=$? # ssh's (pipefail; tee and sed do not fail)
		fi
		if [ "$rc" = 0 ] && read -r _ sub status < <(grep '^state ' "$state" | tail -n 1); then
			broken=''
			case $sub in
			running | start*) sleep 1 && continue ;;
			exited) return "$status" ;;
			failed) [ "${status:-0}" != 0 ] && return "$status"; return 1 ;;
			*) vm_log "$unit in the guest is $sub"; return 1 ;;
			esac
		fi
		broken=${broken:-$SECONDS}
		if [ $((SECONDS - broken)) -ge "$VM_ANSWER_TIMEOUT" ]; then
			vm_log "the guest answered no ssh for ${VM_ANSWER_TIMEOUT} s: giving up"
			return 1
		fi
		vm_log "ssh to the guest broke (exit $rc): connecting again"
		sleep 5
	done
}

vm__port_free() {
	[ -z "$(ss -Htan "( sport = :$1 )" 2>/dev/null)" ]
}

vm_boot() {
	local img=$1 try
	VM_RUN=$2
	# The key must be private to us or ssh ignores it.
	install -m 0600 "$img/id_ed25519" "$VM_RUN/id_ed25519"
	VM_KEY=$VM_RUN/id_ed25519
	for try in 1 2 3 4 5; do
		VM_PORT=$((2300 + RANDOM % 100))
		vm__port_free "$VM_PORT" || continue
		# -snapshot semantics per drive: writes go to a temporary file
		# that qemu deletes itself, so no overlay can be left behind.
		# One TCG thread for all vCPUs (thread=single), not one each:
		# with multi-threaded TCG a vCPU can run a stale translation of
		# kernel text the other one is patching with int3 (static keys:
		# setting and resetting cpu.max flips one), and the guest
		# kernel oopses on the int3 ("Oops: int3" in
		# propagate_entity_cfs_rq, panic) -- seen in the Debian 13 guest
		# during the systemd checks.
		qemu-system-x86_64 \
			-machine q35 -accel tcg,thread=single -cpu max -smp "$VM_CPUS" -m "$VM_MEM" \
			-nodefaults -display none -no-reboot \
			-kernel "$img/vmlinuz" -initrd "$img/initrd.img" \
			-append "root=/dev/vda rw console=ttyS0 systemd.unified_cgroup_hierarchy=1 net.ifnames=0 panic=-1" \
			-drive "file=$img/rootfs.ext4,format=raw,if=virtio,snapshot=on" \
			-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$VM_PORT-:22" \
			-device virtio-net-pci,netdev=n0 \
			-device virtio-rng-pci \
			-serial "file:$VM_RUN/console.log" \
			</dev/null >"$VM_RUN/qemu.err" 2>&1 &
		VM_PID=$!
		sleep 1
		if ! kill -0 "$VM_PID" 2>/dev/null; then
			wait "$VM_PID" 2>/dev/null
			VM_PID=
			if grep -qi 'hostfwd\|address already in use' "$VM_RUN/qemu.err"; then
				vm_log "port $VM_PORT taken meanwhile; trying another"
				continue
			fi
			vm_log "qemu did not start: $(cat "$VM_RUN/qemu.err")"
			return 1
		fi
		break
	done
	[ -n "$VM_PID" ] || { vm_log "no free port for the guest's ssh"; return 1; }
	vm_log "qemu pid $VM_PID, guest ssh on 127.0.0.1:$VM_PORT, console $VM_RUN/console.log"
	local start=$SECONDS
	while [ $((SECONDS - start)) -lt "$VM_BOOT_TIMEOUT" ]; do
		if ! kill -0 "$VM_PID" 2>/dev/null; then
			vm_log "qemu exited during boot; console:"
			tail -n 40 "$VM_RUN/console.log" | sed 's/^/  | /' >&2
			VM_PID=
			return 1
		fi
		if vm_ssh true 2>/dev/null; then
			vm_log "guest up after $((SECONDS - start)) s"
			return 0
		fi
		sleep 3
	done
	vm_log "guest did not answer on ssh within ${VM_BOOT_TIMEOUT}s; console:"
	tail -n 40 "$VM_RUN/console.log" | sed 's/^/  | /' >&2
	return 1
}

vm_stop() {
	[ -n "$VM_PID" ] || return 0
	if kill -0 "$VM_PID" 2>/dev/null; then
		# A clean poweroff first (-no-reboot: qemu exits with it).
		local VM_SSH_OPTS
		vm__ssh_opts
		timeout 20 ssh "${VM_SSH_OPTS[@]}" root@127.0.0.1 systemctl poweroff \
			</dev/null >/dev/null 2>&1 || true
		for _ in $(seq 60); do
			kill -0 "$VM_PID" 2>/dev/null || break
			sleep 0.5
		done
	fi
	if kill -0 "$VM_PID" 2>/dev/null; then
		vm_log "guest did not power off: killing qemu (pid $VM_PID)"
		kill -TERM "$VM_PID" 2>/dev/null
		sleep 2
		kill -KILL "$VM_PID" 2>/dev/null
	fi
	wait "$VM_PID" 2>/dev/null
	VM_PID=
}
