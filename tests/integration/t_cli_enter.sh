#!/bin/bash
# containsession enter: with no sandbox running it refuses (exit 1); with a
# login held open, CMD runs in the same sandbox as the login (same PID
# namespace, hostname, home overlay, seccomp, no_new_privs and capability
# sets), as the user on the host and in the user's cgroup, and its exit
# status comes back. No root process ever appears in the sandbox.
# shellcheck source=tests/lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
cs_require_sandbox

cs_use_cli

user=cstest1
uid=$(id -u $user)
home=$(getent passwd $user | cut -d: -f6)
tag=$$-$RANDOM
cs_wait_clean $user || cs_fail "$user not clean before the test"

out=$(csc enter $user true 2>&1)
expect_eq 1 "$?" "enter with no sandbox running exits 1"
expect_contains "$out" "no sandbox running for $user" "and says so"

cs_hold $user 64 || cs_fail "login of $user did not start"
init=$(sed -n 's/^init_pid=//p' "$CS_STATE_DIR/$uid")

login_ns=$(cs_ssh $user -- readlink /proc/self/ns/pid)
enter_ns=$(csc enter $user readlink /proc/self/ns/pid)
expect_eq "$login_ns" "$enter_ns" "enter sees the PID namespace a login sees"
expect_eq "$(readlink "/proc/$init/ns/pid")" "$enter_ns" "which is the sandbox init's"
expect_ne "$(readlink /proc/self/ns/pid)" "$enter_ns" "and not the host's"

expect_eq 0 "$(csc enter $user id -u)" "id -u inside is 0"
expect_eq "cstest-$user" "$(csc enter $user hostname)" "hostname is the sandbox's"
# shellcheck disable=SC2016 # expanded inside the sandbox
expect_eq "$home $user $user /bin/bash" "$(csc enter $user sh -c 'echo $HOME $USER $LOGNAME $SHELL')" \
	"environment: HOME USER LOGNAME SHELL of the user"

csc enter $user sh -c 'exit 7'
expect_eq 7 "$?" "CMD's exit status comes back"
out=$(printf 'id -u\nexit 3\n' | csc enter $user)
expect_eq "3 0" "$? $out" "default CMD is the user's shell (exit 3, id -u 0)"

# Same security settings as a login of the same profile.
status='^(Seccomp|NoNewPrivs|CapBnd|CapEff):'
expect_eq "$(cs_ssh $user -- "grep -E '$status' /proc/self/status")" \
	"$(csc enter $user grep -E "$status" /proc/self/status)" \
	"seccomp, no_new_privs and capabilities as in a login"

# The home is the sandbox's overlay, shared with the login.
csc enter $user sh -c "echo $tag > ~/entered_$tag.txt"
expect_eq "$tag" "$(cs_ssh $user -- cat "\$HOME/entered_$tag.txt")" "a file written by enter is seen by a login"
expect_false "and it is not in the real home" [ -e "$home/entered_$tag.txt" ]

# Root's terminal never becomes the entered program's: run enter on a real
# pty (what an admin's terminal is) and compare the terminal the program
# holds with root's. The program gets a fresh pty of its
# own in its own session, with root's window size; its exit status comes
# back. With stdin not a tty (still a terminal on stdout), pipes: no tty
# at all.
printf -v cscq '%q ' "$cli" --conf "$CS_POLICY" --confdir "$CS_POLICY_DIR"
# shellcheck disable=SC2016 # expanded by the bash on the pty / in the sandbox
out=$(cs_onpty 'echo root_tty=$(cut -d" " -f7 /proc/$$/stat) root_term=$(stat -L -c %d:%i /proc/$$/fd/0); '"$cscq"' enter '$user' sh -c '\''echo in_tty=$(cut -d" " -f7 /proc/$$/stat); for f in 0 1 2; do echo in_fd$f=$(stat -L -c %d:%i /proc/$$/fd/$f); done; test -t 0 && echo in_isatty; echo size=$(stty size); exit 5'\''; echo rc=$?; '"$cscq"' enter '$user' sh -c '\''echo pipe_tty=$(cut -d" " -f7 /proc/$$/stat); echo pipe_fd0=$(readlink /proc/$$/fd/0); echo pipe_fd1=$(readlink /proc/$$/fd/1)'\'' </dev/null')
root_tty=$(sed -n 's/^root_tty=\([0-9]*\) .*/\1/p' <<<"$out")
root_term=$(sed -n 's/^root_tty=.* root_term=//p' <<<"$out")
in_tty=$(sed -n 's/^in_tty=//p' <<<"$out")
expect_true "enter ran on a pty (root's tty_nr '$root_tty', device:inode $root_term)" \
	[ -n "$root_tty" ] && [ "$root_tty" != 0 ] && [ -n "$root_term" ]
# tty_nr alone cannot tell the ptys apart: every devpts instance (the
# sandbox has its own) numbers its ptys from 0. The terminal file itself
# (device and inode of what fds 0-2 are) can; and a controlling tty needs
# a session that holds it, which the program's new session does not.
for f in 0 1 2; do
	expect_ne "$root_term" "$(sed -n "s/^in_fd$f=//p" <<<"$out")" "the entered program's fd $f is not root's terminal"
done
expect_true "it has a controlling tty of its own (tty_nr '$in_tty')" [ -n "$in_tty" ] && [ "$in_tty" != 0 ]
expect_contains "$out" "in_isatty" "its stdin is a terminal (the fresh pty)"
expect_contains "$out" "size=33 101" "root's window size is the program's"
expect_contains "$out" "rc=5" "the exit status comes back through the pty relay"
expect_eq 0 "$(sed -n 's/^pipe_tty=//p' <<<"$out")" "stdin not a tty: no controlling tty"
expect_contains "$(grep '^pipe_fd' <<<"$out")" "pipe_fd0=pipe:" "stdin not a tty: stdin is a pipe"
expect_contains "$(grep '^pipe_fd1' <<<"$out")" "pipe_fd1=pipe:" "and stdout a pipe, not root's terminal"

# A SIGTERM sent to enter reaches the program (its trap runs, its status
# comes back); the relay does not just die and leave it running.
# shellcheck disable=SC2016 # expanded inside the sandbox
"$cli" --conf "$CS_POLICY" --confdir "$CS_POLICY_DIR" enter $user \
	sh -c 'trap "exit 42" TERM; sleep 30 & wait' </dev/null &
bg=$! # the CLI itself (csc is a function: its $! would be a subshell)
for _ in $(seq 50); do
	pgrep -u "$uid" -x -f 'sleep 30' >/dev/null && break
	sleep 0.1
done
kill -TERM "$bg"
rc=
for _ in $(seq 50); do
	kill -0 "$bg" 2>/dev/null || { wait "$bg"; rc=$?; break; }
	sleep 0.1
done
expect_eq 42 "$rc" "SIGTERM to enter is passed to the program (its trap's exit status)"
[ -n "$rc" ] || { kill -KILL "$bg" 2>/dev/null; wait "$bg" 2>/dev/null; }
pkill_sleep=$(pgrep -u "$uid" -x -f 'sleep 30')
[ -n "$pkill_sleep" ] && kill $pkill_sleep 2>/dev/null

# On the host: the entered process runs as the user, in the user's cgroup,
# and the sandbox's PID namespace holds no root process.
csc enter $user sleep 41 &
bg=$!
pid=
for _ in $(seq 50); do
	pid=$(pgrep -u "$uid" -x -f 'sleep 41' | head -n 1)
	[ -n "$pid" ] && break
	sleep 0.1
done
expect_true "the entered 'sleep 41' runs on the host (pid ${pid:-none})" [ -n "$pid" ]
if [ -n "$pid" ]; then
	expect_eq "$uid $uid" "$(ps -o ruid=,euid= -p "$pid" | cs_norm)" "it runs as uid $uid on the host"
	expect_eq "$enter_ns" "$(readlink "/proc/$pid/ns/pid")" "in the sandbox's PID namespace"
	expect_true "in the user's cgroup" grep -q "/user-$uid\$" "/proc/$pid/cgroup"
fi
rootprocs=
for p in $(ps -e -o pid=); do
	[ "$(readlink "/proc/$p/ns/pid" 2>/dev/null)" = "$enter_ns" ] || continue
	u=$(ps -o euid= -p "$p" | tr -d ' ')
	[ -n "$u" ] && [ "$u" != "$uid" ] && rootprocs+=" $p(uid $u)"
done
expect_eq "" "$rootprocs" "no process of another uid in the sandbox's PID namespace"
# enter is not a login: the sandbox ends with the last login, and CMD with it.
cs_release "$CS_HOLD_PID"
for _ in $(seq 50); do kill -0 "$bg" 2>/dev/null || break; sleep 0.2; done
expect_false "the entered command ended with the sandbox" kill -0 "$bg"
wait "$bg" 2>/dev/null
expect_true "nothing of $user left" cs_wait_clean $user
cs_finish
