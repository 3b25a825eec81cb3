#!/usr/bin/env python3
# bench/pamprof.py DIR N — the tables of bench/pam.sh from its traces:
# DIR/pam-KIND-k (strace -f -k -T: stacks) and DIR/pam-KIND-1..N (strace
# -f -T). Every system call of sshd's [priv] process (the one that reads
# the policy) in a timed trace is matched to the same call in the traced
# one (difflib, on the call's name and first path), whose stack says which
# of the module's functions made it. Medians over the N timed logins.
import collections
import difflib
import re
import statistics
import sys

d, n = sys.argv[1], int(sys.argv[2])
MOD = "pam_containsession.so"
# The innermost frame of the module that matches wins. Static functions
# inlined into their callers count as those.
CATS = [
    ("cs_cgroupfs_attach", "cgroup: move in"), ("cs_cgroup_attach", "cgroup: move in"),
    ("cs_cgroupfs_leave", "cgroup: move out"), ("cs_cgroup_leave", "cgroup: move out"),
    ("cs_cgroup_setup", "cgroup: mkdir + limits"),
    ("cs_cgroup_destroy", "teardown: cgroup kill + rmdir"), ("cs_cgroupfs_destroy", "teardown: cgroup kill + rmdir"),
    ("cs_sandbox_end", "teardown: end the init, objects"),
    ("cs_cgroup_resolve", "cgroup: resolve (mountinfo, /proc/self/cgroup)"),
    ("cs_cgroup_from_record", "cgroup: resolve (mountinfo, /proc/self/cgroup)"),
    ("cs_cgroup_host_read", "cgroup: resolve (mountinfo, /proc/self/cgroup)"),
    ("cs_spawn_init", "spawn the sandbox init (fork, wait for ready)"),
    ("cs_home_image", "home image: attach the loop device, mount the ext4"),
    ("cs_sandbox_objs_remove", "sandbox /tmp + netns objects"), ("cs_tmp_", "sandbox /tmp + netns objects"),
    ("cs_netns_create", "sandbox /tmp + netns objects"), ("cs_netns_open", "sandbox /tmp + netns objects"),
    ("cs_session_tmp", "session ns: bind the sandbox /tmp"),
    ("cs_priv_open_helper", "session ns: unshare, tmpfs, overlays, binds"),
    ("cs_session_ns", "session ns: unshare, tmpfs, overlays, binds"),
    ("cs_netns", "netns at fork"),
    ("cs_reg_", "registry: lock, read, write"),
    ("cs_policy_load", "policy: read + parse"), ("cs_policy_match", "policy: match"),
    ("cs_user_lookup", "user + groups lookup"),
    ("cs_passwd_stable", "passwd stable check"),
    ("cs_open_root_dir", "state/data dir open"), ("cs_open_user_dir", "state/data dir open"),
    ("cs_proc_", "/proc: start times, alive checks"), ("cs_pidfd", "/proc: start times, alive checks"),
    ("cs_sandbox_open", "sandbox_open: other"), ("cs_sandbox_close", "sandbox_close: other"),
    ("pam_sm_", "module: other (syslog)"),
]
LINE = re.compile(r'^(\d+)\s+[\d:.]+\s+(.*)$')
FRAME = re.compile(r'^\s*> (\S+)\(([^+)]*)')
DT = re.compile(r'<(\d+\.\d+)>$')


def cat_of(frames):
    phase = None
    for lib, fn in frames:
        if MOD in lib and fn.startswith("pam_sm_open"):
            phase = "open"
        elif MOD in lib and fn.startswith("pam_sm_close"):
            phase = "close"
    # Innermost first: a call sd-bus makes for the module (the systemd
    # cgroup backend's D-Bus calls) is charged to D-Bus, not to whichever
    # of the module's functions called into it.
    bus = False
    for lib, fn in frames:
        if "libsystemd.so" in lib:
            bus = True
        elif MOD in lib:
            if bus:
                return (phase or "child", "cgroup (systemd): D-Bus to systemd")
            for pre, c in CATS:
                if fn.startswith(pre):
                    return (phase or "child", c)
    return None


def sig(call):
    name = re.match(r'[a-z0-9_]+', call)
    path = re.search(r'"([^"]*)"', call)
    p = re.sub(r'\d+', 'N', path.group(1)) if path else ""
    return (name.group(0) if name else "?") + " " + p[:80]


def parse(path):
    """Events per pid: [sig, seconds, category or None, text]."""
    ev = collections.defaultdict(list)
    pend = {}
    try:
        lines = open(path).read().split("\n")
    except OSError:
        return None
    k = 0
    while k < len(lines):
        m = LINE.match(lines[k])
        k += 1
        if not m:
            continue
        pid, rest = m.group(1), m.group(2)
        frames = []
        while k < len(lines) and lines[k].startswith(" >"):
            f = FRAME.match(lines[k])
            k += 1
            if f:
                frames.append((f.group(1), f.group(2)))
        if rest.startswith("<..."):
            e = pend.pop(pid, None)
            t = DT.search(rest)
            if e:
                e[1] = float(t.group(1)) if t else 0.0
            continue
        e = [sig(rest), 0.0, cat_of(frames), rest.split("(")[0], rest[:300]]
        ev[pid].append(e)
        if rest.endswith("<unfinished ...>"):
            pend[pid] = e
        else:
            t = DT.search(rest)
            e[1] = float(t.group(1)) if t else 0.0
    return ev


def priv(ev):
    for pid, es in ev.items():
        if any(e[0].startswith("openat ") and e[0].endswith("policy.conf") for e in es):
            return pid
    return None


def med(v):
    return statistics.median(v) if v else 0.0


print()
print("### Where a login's time goes in sshd's [priv] process (strace -T, median of %d logins per kind)" % n)
print()
print("ms = time inside system calls the module made (strace -T), by the module's function that made them")
print("(strace -k on one more login); calls = how many. Time in user space is not in these figures.")
print()
print("| kind | phase | what | calls | ms in the kernel | slowest call |")
print("| --- | --- | --- | --- | --- | --- |")
counts = {}
for kind in ("unsandboxed", "joining", "created"):
    ref = parse(f"{d}/pam-{kind}-k")
    if not ref or not priv(ref):
        print("| %s | - | no traced login | | | |" % kind)
        continue
    rp = priv(ref)
    rsig = [e[0] for e in ref[rp]]
    child = collections.Counter(e[2] for p, es in ref.items() if p != rp for e in es if e[2])
    per = []
    for i in range(1, n + 1):
        ev = parse(f"{d}/pam-{kind}-{i}")
        if not ev or not priv(ev):
            continue
        es = ev[priv(ev)]
        acc = collections.defaultdict(lambda: [0, 0.0, 0.0, ""])
        sm = difflib.SequenceMatcher(None, rsig, [e[0] for e in es], autojunk=False)
        for a, b, size in sm.get_matching_blocks():
            for j in range(size):
                c = ref[rp][a + j][2]
                if not c:
                    continue
                e = es[b + j]
                x = acc[c]
                x[0] += 1
                x[1] += e[1]
                if e[1] >= x[2]:
                    x[2], x[3] = e[1], e[3]
        alltime = sum(e[1] for e in es if not e[3] in ("wait4", "poll", "ppoll", "select", "pselect6", "read", "clock_nanosleep"))
        per.append((acc, alltime))
        counts.setdefault(kind, []).append(ev)
    cats = sorted({c for acc, _ in per for c in acc}, key=lambda c: (c[0] != "open", c[1]))
    for c in cats:
        v = [acc.get(c, [0, 0.0, 0.0, ""]) for acc, _ in per]
        slow = max(v, key=lambda x: x[2])
        print("| %s | %s | %s | %d | %.2f | %.2f ms %s |" % (kind, c[0], c[1], med([x[0] for x in v]),
              med([x[1] * 1000 for x in v]), slow[2] * 1000, slow[3]))
    print("| %s | both | **the module in [priv], in all** | %d | **%.2f** | |" % (
        kind, med([sum(x[0] for x in acc.values()) for acc, _ in per]),
        med([sum(x[1] for x in acc.values()) * 1000 for acc, _ in per])))
    for c, k in sorted(child.items()):
        print("| %s | child | %s (in a forked child, stack trace only) | %d | | |" % (kind, c[1], k))

print()
print("Per login, all processes of the connection (median): cgroup.procs and tasks opened for writing (each one move), mount, unshare, fsync")
print()
for kind, evs in counts.items():
    def cnt(pred):
        return med([sum(1 for es in ev.values() for e in es if pred(e)) for ev in evs])
    print("- %s: cgroup.procs opened %d, tasks opened %d, mount %d, umount2 %d, unshare %d, fsync %d" % (
        kind,
        cnt(lambda e: e[0].startswith("openat ") and e[0].endswith("/cgroup.procs") and "O_WRONLY" in e[4]),
        cnt(lambda e: e[0].startswith("openat ") and e[0].endswith("/tasks") and "O_WRONLY" in e[4]),
        cnt(lambda e: e[3] == "mount"), cnt(lambda e: e[3] == "umount2"),
        cnt(lambda e: e[3] == "unshare"), cnt(lambda e: e[3] in ("fsync", "fdatasync"))))
