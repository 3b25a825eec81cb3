# tests/integration/escape_probe.py — run inside a sandbox by the escape
# tests (tests/lib/escape.sh copies it in and runs "python3 probe.py VERB ARGS").
# Each verb tries one way out and prints "KEY VALUE" lines the test checks;
# it never decides pass or fail itself. Only the standard library (python3 is
# all the sandbox is sure to have): syscalls and ioctls through ctypes.
import ctypes
import errno
import os
import signal
import sys

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

# Held open so that /proc stays readable after umount_all detached it.
PROC = os.open("/proc", os.O_RDONLY | os.O_DIRECTORY)

# x86_64 syscall numbers (the sandbox only allows the native ABI).
NR = {"pidfd_open": 434, "finit_module": 313, "init_module": 175,
      "bpf": 321, "keyctl": 250, "add_key": 248, "perf_event_open": 298,
      "open_by_handle_at": 304, "userfaultfd": 323, "kexec_load": 246,
      "io_uring_setup": 425, "ptrace": 101}


def out(key, val):
    print(f"{key} {val}", flush=True)


def ename(e):
    return errno.errorcode.get(e, str(e)) if e else "OK"


def sysc(name, *args):
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(NR[name]), *[ctypes.c_long(a) if isinstance(a, int) else a for a in args])
    return r, (ctypes.get_errno() if r < 0 else 0)


def v_pid(args):
    """Can a host pid be seen or signalled?"""
    for p in args:
        pid = int(p)
        out(f"proc_{pid}", "present" if os.path.exists(f"/proc/{pid}") else "absent")
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                out(f"cmdline_{pid}", f.read().replace(b"\0", b" ").decode(errors="replace").strip() or "-")
        except OSError as e:
            out(f"cmdline_{pid}", ename(e.errno))
        for sig in (0, signal.SIGKILL):
            try:
                os.kill(pid, sig)
                out(f"kill{int(sig)}_{pid}", "OK")
            except OSError as e:
                out(f"kill{int(sig)}_{pid}", ename(e.errno))
        r, e = sysc("pidfd_open", pid, 0)
        out(f"pidfd_{pid}", "OK" if r >= 0 else ename(e))
    # What the sandbox's own /proc lists.
    pids = sorted(int(d) for d in os.listdir("/proc") if d.isdigit())
    out("nprocs", len(pids))
    out("maxpid", max(pids))
    try:
        with open("/proc/1/comm") as f:
            out("pid1", f.read().strip())
    except OSError as e:
        out("pid1", ename(e.errno))


def v_roots(args):
    """Every /proc/*/root and /proc/*/cwd must be the sandbox's own; a
    host-only file (args[0]) must not be reachable through any of them."""
    marker = args[0]
    rootst = os.stat("/")
    bad = []
    found = []
    for d in os.listdir(PROC):
        if not d.isdigit():
            continue
        for link in ("root", "cwd"):
            p = f"{d}/{link}"
            try:
                t = os.readlink(p, dir_fd=PROC)
            except OSError:
                continue
            if link == "root":
                try:
                    st = os.stat(p + "/", dir_fd=PROC)
                    if (st.st_dev, st.st_ino) != (rootst.st_dev, rootst.st_ino):
                        bad.append(f"/proc/{p}->{t}")
                except OSError:
                    pass
            try:
                os.stat(p + marker, dir_fd=PROC)
                found.append("/proc/" + p + marker)
            except OSError:
                pass
    try:
        os.stat(marker)
        found.append(marker)
    except OSError:
        pass
    out("foreign_roots", ",".join(bad) or "none")
    out("marker_found", ",".join(found) or "none")


def mounts():
    res = []
    with open(os.open("self/mountinfo", os.O_RDONLY, dir_fd=PROC)) as f:
        for line in f:
            a, b = line.split(" - ", 1)
            fa, fb = a.split(), b.split()
            res.append((fa[4], fb[0], fa[3]))
    return res


def v_fs(args):
    """Which proc, sysfs and other kernel file systems does mountinfo show?"""
    m = mounts()
    kinds = {}
    for point, fstype, root in m:
        if fstype in ("proc", "sysfs", "cgroup", "cgroup2", "debugfs", "tracefs",
                      "securityfs", "configfs", "bpf", "efivarfs", "fusectl", "pstore"):
            kinds.setdefault(fstype, []).append(point)
    out("proc_mounts", ",".join(kinds.get("proc", [])) or "none")
    out("sysfs_mounts", ",".join(kinds.get("sysfs", [])) or "none")
    other = [f"{k}:{','.join(v)}" for k, v in kinds.items() if k not in ("proc", "sysfs")]
    out("other_kernel_fs", ";".join(other) or "none")
    out("nmounts", len(m))
    out("sys_exists", "yes" if os.path.exists("/sys/kernel") else "no")
    if args:
        # A host pid visible through this /proc?
        seen = os.path.exists(f"/proc/{args[0]}")
        try:
            os.stat(args[0], dir_fd=PROC)
            seen = True
        except OSError:
            pass
        out("host_pid_visible", "yes" if seen else "no")


def v_umount_all(args):
    """Unmount everything we can (deepest first, repeatedly), then report."""
    n = 0
    for _ in range(5):
        progress = False
        for point, _, _ in reversed(mounts()):
            if point == "/":
                continue
            if libc.umount2(point.encode(), 2) == 0:  # MNT_DETACH
                n += 1
                progress = True
        if not progress:
            break
    out("unmounted", n)
    v_fs(args)
    v_roots(args[1:] if len(args) > 1 else ["/nonexistent-marker"])


def v_write(args):
    """Try to create or change each path; print the errno."""
    for p in args:
        try:
            if os.path.isdir(p):
                fd = os.open(os.path.join(p, f".cs-escape-{os.getpid()}"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            else:
                fd = os.open(p, os.O_WRONLY | os.O_APPEND | (0 if os.path.exists(p) else os.O_CREAT), 0o644)
            os.close(fd)
            out(f"write_{p}", "OK")
        except OSError as e:
            out(f"write_{p}", ename(e.errno))


def v_tiocsti(args):
    """Push a byte into the terminal on fd 0 (and /dev/tty)."""
    TIOCSTI, TIOCLINUX = 0x5412, 0x541C
    c = ctypes.c_char(b"\n")
    for name, req in (("tiocsti", TIOCSTI), ("tiocsti_hi", TIOCSTI | (1 << 32)),
                      ("tioclinux", TIOCLINUX)):
        ctypes.set_errno(0)
        r = libc.ioctl(0, ctypes.c_ulong(req), ctypes.byref(c))
        out(name, "OK" if r == 0 else ename(ctypes.get_errno()))
    try:
        fd = os.open("/dev/tty", os.O_RDWR)
        ctypes.set_errno(0)
        r = libc.ioctl(fd, ctypes.c_ulong(TIOCSTI), ctypes.byref(c))
        out("devtty_tiocsti", "OK" if r == 0 else ename(ctypes.get_errno()))
        os.close(fd)
    except OSError as e:
        out("devtty_tiocsti", "open:" + ename(e.errno))
    out("isatty", "yes" if os.isatty(0) else "no")


def keyctl():
    """keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1) works for
    anyone without seccomp: shows whether the filter is what refuses."""
    r, e = sysc("keyctl", 0, -3, 1)
    return "OK" if r >= 0 else ename(e)


def v_kernel(args):
    """Load a kernel module or a BPF program; keyring as seccomp control."""
    fd = os.open("/dev/null", os.O_RDONLY)
    r, e = sysc("finit_module", fd, ctypes.c_char_p(b""), 0)
    out("finit_module", "OK" if r >= 0 else ename(e))
    buf = ctypes.create_string_buffer(64)
    r, e = sysc("init_module", buf, 64, ctypes.c_char_p(b""))
    out("init_module", "OK" if r >= 0 else ename(e))
    # BPF_PROG_LOAD of "r0 = 0; exit" as a socket filter.
    insns = (ctypes.c_uint64 * 2)(0x00000000000000b7, 0x0000000000000095)
    lic = ctypes.c_char_p(b"GPL")
    attr = ctypes.create_string_buffer(128)
    ctypes.memmove(attr, (ctypes.c_uint32 * 2)(1, 2), 8)  # prog_type SOCKET_FILTER, insn_cnt 2
    ctypes.memmove(ctypes.byref(attr, 8), ctypes.byref(ctypes.c_uint64(ctypes.addressof(insns))), 8)
    ctypes.memmove(ctypes.byref(attr, 16), ctypes.byref(ctypes.c_uint64(ctypes.cast(lic, ctypes.c_void_p).value)), 8)
    r, e = sysc("bpf", 5, attr, 128)
    out("bpf_prog_load", "OK" if r >= 0 else ename(e))
    out("keyctl", keyctl())
    r, e = sysc("userfaultfd", 0)
    out("userfaultfd", "OK" if r >= 0 else ename(e))
    params = ctypes.create_string_buffer(120)
    r, e = sysc("io_uring_setup", 1, params)
    out("io_uring_setup", "OK" if r >= 0 else ename(e))
    with open("/proc/self/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("Seccomp", "NoNewPrivs", "CapBnd", "CapEff"):
                out(k, v.strip())


def v_hog(args):
    """Allocate and touch MB megabytes, reporting progress."""
    mb = int(args[0])
    chunks = []
    for i in range(mb // 16):
        b = bytearray(16 << 20)
        for j in range(0, len(b), 4096):
            b[j] = 1
        chunks.append(b)
        if i % 4 == 0:
            out("allocated_mb", (i + 1) * 16)
    out("hog", "survived")


def v_forkbomb(args):
    """Fork until the kernel says no, then kill every process we can see."""
    secs = float(args[0]) if args else 2
    kids = []
    err = "none"
    for _ in range(10000):
        try:
            p = os.fork()
        except OSError as e:
            err = ename(e.errno)
            break
        if p == 0:
            # Each child tries to fork on too (a real bomb).
            try:
                while True:
                    if os.fork() == 0:
                        continue
                    signal.pause()
            except OSError:
                signal.pause()
            os._exit(0)
        kids.append(p)
    import time
    time.sleep(secs)
    out("forked", len(kids))
    out("fork_error", err)
    n = len([d for d in os.listdir("/proc") if d.isdigit()])
    out("procs_during", n)
    # Everything but ourselves and PID 1 (the kernel spares both).
    try:
        os.kill(-1, signal.SIGKILL)
        out("kill_all", "OK")
    except OSError as e:
        out("kill_all", ename(e.errno))
    time.sleep(0.5)
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG) == (0, 0):
                break
        except ChildProcessError:
            break
    n = [d for d in os.listdir("/proc") if d.isdigit() and int(d) != os.getpid()]
    out("procs_after", len(n))


def v_pid1(args):
    """What the sandbox's PID 1 holds, and whether a tracer can make it run
    a syscall: keyctl, which the default filter refuses, run in PID 1."""
    with open("/proc/1/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("CapEff", "CapPrm", "CapInh", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp"):
                out("pid1_" + k, v.strip())
    try:
        out("pid1_fds", ",".join(sorted(os.listdir("/proc/1/fd"), key=int)) or "none")
    except OSError as e:
        out("pid1_fds", ename(e.errno))
    out("self_keyctl", keyctl())
    if os.uname().machine != "x86_64":  # NR and the registers below
        out("pid1_attach", "not-tried")
        return
    seize, interrupt, getregs, setregs, syscall, detach = 0x4206, 0x4207, 12, 13, 24, 17
    r, e = sysc("ptrace", seize, 1, 0, 0)
    out("pid1_attach", "OK" if r == 0 else ename(e))
    if r != 0:
        out("pid1_keyctl", "not-attached")
        return
    status = ctypes.c_int()

    def stop():
        return libc.waitpid(1, ctypes.byref(status), 0x40000000) == 1  # __WALL

    # x86_64 struct user_regs_struct: 27 words; rax 10, rdx 12, rsi 13,
    # rdi 14, orig_rax 15, rip 16.
    saved, regs = (ctypes.c_ulong * 27)(), (ctypes.c_ulong * 27)()
    ok = sysc("ptrace", interrupt, 1, 0, 0)[0] == 0 and stop() and \
        sysc("ptrace", getregs, 1, 0, saved)[0] == 0
    res = "stop-failed"
    if ok:
        # PID 1 sits in rt_sigtimedwait: back up to its syscall instruction
        # and run keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1)
        # there; orig_rax -1 keeps the kernel from restarting the wait.
        ctypes.memmove(regs, saved, ctypes.sizeof(regs))
        regs[16] -= 2
        regs[10], regs[15] = NR["keyctl"], ctypes.c_ulong(-1).value
        regs[14], regs[13], regs[12] = 0, ctypes.c_ulong(-3).value, 1
        res = "inject-failed"
        if sysc("ptrace", setregs, 1, 0, regs)[0] == 0 and \
                sysc("ptrace", syscall, 1, 0, 0)[0] == 0 and stop() and \
                sysc("ptrace", syscall, 1, 0, 0)[0] == 0 and stop() and \
                sysc("ptrace", getregs, 1, 0, regs)[0] == 0:
            rax = ctypes.c_long(regs[10]).value
            res = "OK" if rax >= 0 else ename(-rax)
        sysc("ptrace", setregs, 1, 0, saved)
    out("pid1_keyctl", res)
    sysc("ptrace", detach, 1, 0, 0)


VERBS = {"pid": v_pid, "roots": v_roots, "fs": v_fs, "umount_all": v_umount_all,
         "write": v_write, "tiocsti": v_tiocsti, "kernel": v_kernel, "hog": v_hog,
         "forkbomb": v_forkbomb, "pid1": v_pid1}

if __name__ == "__main__":
    VERBS[sys.argv[1]](sys.argv[2:])
