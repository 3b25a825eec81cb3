#!/usr/bin/env python3
# bench/pamperf.py HZ LOGINS KIND=FILE... — bench/pam.sh's CPU table from
# `perf script -F comm,ip,sym,dso` output of perf record -a -g. Each sample
# of sshd's processes (comm sshd, or sshd-session from OpenSSH 10 on) is
# charged to where it was: in user space to the library or program it was
# in (the module is pam_containsession.so), in the kernel to the system
# call whose entry is on its stack (the kernel's stacks are whole; user
# space ones are not, without frame pointers), else to page faults or
# other kernel work. As ms of CPU per login, kinds side by side, the rows
# where the kinds differ most first.
import collections
import os
import re
import sys

hz, logins = int(sys.argv[1]), int(sys.argv[2])
SYS = re.compile(r"^(?:__x64_sys_|__do_sys_|__se_sys_|ksys_)(\w+)")
kinds, per = [], {}


def charge(frames):
    """frames: [(sym, dso)], leaf first -> category"""
    if not frames:
        return "unknown"
    sym, dso = frames[0]
    if "kernel.kallsyms" not in dso:
        return os.path.basename(dso.strip("()")) or "unknown"
    for s, d in frames:
        m = SYS.match(s)
        if m:
            return "kernel: " + m.group(1)
        if s.startswith(("asm_exc_page_fault", "exc_page_fault")):
            return "kernel: page faults"
    return "kernel: other (scheduling, interrupts, exit)"


for arg in sys.argv[3:]:
    kind, path = arg.split("=", 1)
    kinds.append(kind)
    c = per[kind] = collections.Counter()
    comm, frames = None, []

    def flush():
        if comm and comm.startswith("sshd"):
            c["**sshd, in all**"] += 1
            c[charge(frames)] += 1

    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if not line.strip():
            flush()
            comm, frames = None, []
            continue
        if not line.startswith((" ", "\t")):
            flush()
            f = line.split()
            comm, frames = f[0], []
            # no call graph: the sample's own ip, sym and dso on this line
            if len(f) >= 4:
                frames.append((f[2], f[-1]))
            continue
        f = line.split()
        if len(f) >= 3:
            frames.append((f[1].split("+")[0], f[-1]))
    flush()

ms = lambda k, cat: per[k][cat] / hz * 1000 / logins
cats = set().union(*per.values())
total = "**sshd, in all**"
base = kinds[0]
rows = sorted((x for x in cats if x != total),
              key=lambda x: -max(abs(ms(k, x) - ms(base, x)) for k in kinds))
print("| where | " + " | ".join(kinds) + " |")
print("| --- |" + " --- |" * len(kinds))
for x in [r for r in rows if max(ms(k, r) for k in kinds) >= 0.2][:14] + [total]:
    print("| %s | %s |" % (x, " | ".join("%.2f" % ms(k, x) for k in kinds)))
