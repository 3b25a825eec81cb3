# containsession — per-user sandboxed SSH logins, configured in PAM.
#
#   sudo make demo    install what is needed, build, log in to a sandbox over ssh
#   sudo make check   install test dependencies, build, run every test
#
# Nothing here calls sudo: run it as root where root is needed.

PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
LIBEXECDIR ?= $(PREFIX)/libexec/containsession
MANDIR     ?= $(PREFIX)/share/man
# systemd reads units from /usr/local/lib/systemd/system too.
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
PAMDIR     ?= $(shell pkg-config --variable=libdir pam 2>/dev/null | sed 's,$$,/security,;s,^/usr/lib,/lib,' || echo /lib/x86_64-linux-gnu/security)
DESTDIR    ?=
VERSION    := 0.1.0

CC      ?= cc
BUILD   ?= build
# SAN=1: AddressSanitizer + UndefinedBehaviorSanitizer build (into build-asan).
SAN     ?=

WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-unused-parameter
HARDEN   := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fstack-clash-protection \
            -fcf-protection
CPPFLAGS += -D_GNU_SOURCE -I. -DCS_VERSION='"$(VERSION)"' \
            -DCS_HELPER_PATH='"$(LIBEXECDIR)/containsession-helper"' \
            -DCS_LIBEXECDIR='"$(LIBEXECDIR)"' \
            -DCS_REAPER_PATH='"$(LIBEXECDIR)/containsession-reaper"'
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 $(WARN) $(HARDEN) -fPIC
LDFLAGS  += -Wl,-z,relro,-z,now,--as-needed
ifeq ($(SAN),1)
CFLAGS   += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CFLAGS   := $(filter-out -D_FORTIFY_SOURCE=2,$(CFLAGS))
LDFLAGS  += -fsanitize=address,undefined
endif

# Debian package names; the same on Debian 12 and 13. gcc only recommends
# libc6-dev (libc.a, for the static helper), so it is named.
PKGS_BUILD   := gcc libc6-dev make pkg-config libpam0g-dev libcap-ng-dev \
                libseccomp-dev libsystemd-dev
# What the installed module runs: e2fsprogs' mke2fs, e2fsck and resize2fs
# for a persistent home's image (lib/root/homeimg.c). Priority important, so
# on every standard Debian install, but not in minimal roots and containers.
PKGS_RUN     := e2fsprogs
# What tests/lib/sshd.sh (the private sshd of the tests, the demo and the
# benchmarks) runs: sshd, the clients, useradd, ps, ss, python3 (xattr probe).
PKGS_HARNESS := openssh-server openssh-client openssh-sftp-server passwd procps \
                iproute2 util-linux python3
# clang and libclang-rt-dev are the release's default LLVM (Debian 12: 14,
# Debian 13: 19) through llvm-defaults' metapackages, so no version is
# named here; libclang-rt-dev holds libFuzzer and the sanitizer runtimes.
# tmux, screen, expect: t_pty_inside runs them in a sandbox's pty; curl, xvfb,
# xauth, x11-utils: the forwarding tests (t_fwd_*).
PKGS_TEST    := $(PKGS_RUN) $(PKGS_HARNESS) libcmocka-dev clang libclang-rt-dev rsync psmisc mandoc \
                tmux screen expect curl xvfb xauth x11-utils
PKGS_DEMO    := $(PKGS_RUN) $(PKGS_HARNESS)

CONFIG_SRC := $(wildcard config/*.c)
# lib/: linked into the helper (it runs as the user) and into root's
# programs; lib/root/: only into the module, the CLI and their tests. The
# helper links libcs.a alone, so helper code that calls root-only code does
# not link.
LIB_SRC    := $(wildcard lib/*.c)
ROOT_SRC   := $(wildcard lib/root/*.c)
MODULE_SRC := $(wildcard pam_module/*.c)
HELPER_SRC := $(wildcard helper/*.c)
CLI_SRC    := $(wildcard cli/*.c)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))

LIBCONFIG := $(BUILD)/libcsconfig.a
LIBCS     := $(BUILD)/libcs.a
LIBROOT   := $(BUILD)/libcsroot.a
MODULE    := $(BUILD)/pam_containsession.so
HELPER    := $(BUILD)/containsession-helper
REAPER    := $(BUILD)/containsession-reaper
CLI       := $(BUILD)/containsession
UNITS     := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

LIBS_CAPNG := $(shell pkg-config --libs libcap-ng 2>/dev/null || echo -lcap-ng)
LIBS_SECCOMP := $(shell pkg-config --libs libseccomp 2>/dev/null || echo -lseccomp)
# sd-bus, for the systemd cgroup backend (lib/root/cgroup_systemd.c).
LIBS_SYSTEMD := $(shell pkg-config --libs libsystemd 2>/dev/null || echo -lsystemd)

.PHONY: all units install uninstall deps deps-build deps-test check check-unit bench deps-bench \
        pkgs-bench bench-bin bench-vm deps-vm check-vm check-fresh \
        check-asan check-integration check-fuzz fuzz demo clean

# The product only: the unit tests (cmocka, a test dependency) are built by
# check-unit / `make units`.
all: $(MODULE) $(HELPER) $(REAPER) $(if $(CLI_SRC),$(CLI))
units: $(UNITS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIBCONFIG): $(call obj,$(CONFIG_SRC))
	$(AR) rcs $@ $^

$(LIBCS): $(call obj,$(LIB_SRC))
	$(AR) rcs $@ $^

$(LIBROOT): $(call obj,$(ROOT_SRC))
	$(AR) rcs $@ $^

# The module exports only pam_sm_* (version script), so nothing of ours can
# collide with symbols of sshd or other modules.
$(MODULE): $(call obj,$(MODULE_SRC)) $(LIBROOT) $(LIBCS) $(LIBCONFIG) pam_module/exports.map
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,--version-script=pam_module/exports.map \
		-o $@ $(call obj,$(MODULE_SRC)) $(LIBROOT) $(LIBCS) $(LIBCONFIG) -lpam $(LIBS_CAPNG) \
		$(LIBS_SYSTEMD)

# The helper runs at every login (sshd execs it in place of the shell) and
# its init stays resident for the life of a sandbox, so it is linked
# statically: no ld.so, no relocation of libc at each login,
# and less to map for the init while it builds the sandbox. The ASan build cannot be
# static. The seccomp filter is compiled here, once, by genbpf (libseccomp
# is a build dependency only).
HELPER_OBJ := $(call obj,$(filter-out helper/genbpf.c helper/reaper.c,$(HELPER_SRC)))
GENBPF     := $(BUILD)/helper/genbpf
SECCOMP_H  := $(BUILD)/helper/seccomp_filter.h
HELPER_LINK := $(if $(filter 1,$(SAN)),-pie,-static-pie)
CPPFLAGS += -I$(BUILD)/helper

$(GENBPF): helper/genbpf.c helper/seccomp_rules.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBS_SECCOMP)

$(SECCOMP_H): $(GENBPF)
	$(GENBPF) >$@.tmp && mv $@.tmp $@

$(BUILD)/helper/seccomp.o $(BUILD)/tests/test_seccomp $(BUILD)/tests/test_initprivs: $(SECCOMP_H)
$(BUILD)/tests/test_seccomp: helper/seccomp.c
$(BUILD)/tests/test_initprivs: helper/initprivs.c helper/caps.c helper/seccomp.c helper/userns.c
# The unit test of doctor's sshd -T reading compiles the file itself.
$(BUILD)/tests/test_sshd_settings: cli/sshd_settings.c cli/sshd_settings.h
# So does the unit test of the CLI's escaper.
$(BUILD)/tests/test_cli_text: cli/text.c cli/cli.h

# The idle sandbox's PID 1 (helper/reaper.c): freestanding, a few pages.
$(REAPER): helper/reaper.c
	$(CC) -O2 -Wall -Wextra -Werror -ffreestanding -fno-stack-protector -fno-pie \
		-no-pie -static -nostdlib -Wl,-z,noexecstack -o $@ $<

$(HELPER): $(HELPER_OBJ) $(LIBCS) $(LIBCONFIG)
	$(CC) $(CFLAGS) $(LDFLAGS) $(HELPER_LINK) -o $@ $(HELPER_OBJ) $(LIBCS) \
		$(LIBCONFIG) $(LIBS_CAPNG)

$(CLI): $(call obj,$(CLI_SRC)) $(LIBROOT) $(LIBCS) $(LIBCONFIG)
	$(CC) $(CFLAGS) $(LDFLAGS) -pie -o $@ $(call obj,$(CLI_SRC)) $(LIBROOT) $(LIBCS) $(LIBCONFIG) \
		$(LIBS_SECCOMP) $(LIBS_CAPNG) $(LIBS_SYSTEMD)

# Every unit test on the shared test headers too (child.h, policy_test.h):
# one edit rebuilds a few more tests than need it, never fewer.
$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(LIBROOT) $(LIBCS) $(LIBCONFIG)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -pie -o $@ $< $(LIBROOT) $(LIBCS) $(LIBCONFIG) \
		-lcmocka $(LIBS_CAPNG) $(LIBS_SYSTEMD)

# Not below build/vm and build/fresh-* (check-fresh's Debian root, whose
# /etc and /usr hold files named *.d, as invoke-rc.d, and, while mmdebstrap
# builds it, a mounted /proc).
-include $(shell find $(BUILD) \( -path $(BUILD)/vm -o -path '$(BUILD)/fresh-*' \) -prune -o -name '*.d' -type f -print 2>/dev/null)

# ---- install ---------------------------------------------------------------

install: $(MODULE) $(HELPER) $(REAPER) $(if $(CLI_SRC),$(CLI))
	install -d -m 0755 $(DESTDIR)$(PAMDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(SBINDIR)
	install -m 0644 $(MODULE) $(DESTDIR)$(PAMDIR)/pam_containsession.so
	install -m 0755 $(HELPER) $(DESTDIR)$(LIBEXECDIR)/containsession-helper
	install -m 0755 $(REAPER) $(DESTDIR)$(LIBEXECDIR)/containsession-reaper
	install -d -m 0755 $(DESTDIR)$(LIBEXECDIR)/session
	$(if $(CLI_SRC),install -m 0755 $(CLI) $(DESTDIR)$(SBINDIR)/containsession)
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/security/containsession.d
	@# Never overwrite an admin's policy.
	if [ ! -e $(DESTDIR)$(SYSCONFDIR)/security/containsession.conf ]; then \
		install -m 0644 config/containsession.conf \
			$(DESTDIR)$(SYSCONFDIR)/security/containsession.conf; fi
	for m in $(wildcard man/*.[58]); do \
		s=$${m##*.}; install -d -m 0755 $(DESTDIR)$(MANDIR)/man$$s; \
		install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
	@# containsession gc every 30 s (lifetimes: containsession.conf(5)).
	@# Enabled only on a running systemd; elsewhere the files are inert
	@# and containsession(8) gives a cron line.
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	sed 's,@SBINDIR@,$(SBINDIR),' systemd/containsession-gc.service.in \
		>$(DESTDIR)$(UNITDIR)/containsession-gc.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/containsession-gc.service
	install -m 0644 systemd/containsession-gc.timer $(DESTDIR)$(UNITDIR)/
	if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then \
		systemctl daemon-reload && systemctl enable --now containsession-gc.timer || \
			echo "warning: could not enable containsession-gc.timer" >&2; fi
	@# Where AppArmor mediates user namespaces: Ubuntu's restriction
	@# (23.10+), or any AppArmor 4 kernel (Debian 13), where a profile
	@# that confines the helper must grant "userns". The profile needs
	@# AppArmor 4's parser (abi/4.0); it is no use, and does not load,
	@# where AppArmor is off or older (Debian 12).
	if { [ -e /proc/sys/kernel/apparmor_restrict_unprivileged_userns ] || \
	     grep -qsw userns_create /sys/kernel/security/apparmor/features/namespaces/mask; } && \
	   [ -e $(SYSCONFDIR)/apparmor.d/abi/4.0 ]; then \
		install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/apparmor.d; \
		sed 's,@LIBEXECDIR@,$(LIBEXECDIR),' apparmor/containsession-helper.in \
			>$(DESTDIR)$(SYSCONFDIR)/apparmor.d/containsession-helper; \
		chmod 0644 $(DESTDIR)$(SYSCONFDIR)/apparmor.d/containsession-helper; \
		if [ -z "$(DESTDIR)" ] && command -v apparmor_parser >/dev/null; then \
			apparmor_parser -r $(SYSCONFDIR)/apparmor.d/containsession-helper; fi; \
	fi

# Removes what install put there; the policy is removed only while it is
# still the shipped example (an admin's edits are kept).
uninstall:
	rm -f $(DESTDIR)$(PAMDIR)/pam_containsession.so
	rm -f $(DESTDIR)$(LIBEXECDIR)/containsession-helper
	rm -f $(DESTDIR)$(LIBEXECDIR)/containsession-reaper
	-rmdir $(DESTDIR)$(LIBEXECDIR)/session $(DESTDIR)$(LIBEXECDIR)
	rm -f $(DESTDIR)$(SBINDIR)/containsession
	if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then \
		systemctl disable --now containsession-gc.timer 2>/dev/null || true; fi
	rm -f $(DESTDIR)$(UNITDIR)/containsession-gc.service $(DESTDIR)$(UNITDIR)/containsession-gc.timer
	-rmdir $(DESTDIR)$(UNITDIR) $(DESTDIR)$(PREFIX)/lib/systemd
	if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then \
		systemctl daemon-reload || true; fi
	for m in $(wildcard man/*.[58]); do s=$${m##*.}; \
		rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done
	if cmp -s config/containsession.conf $(DESTDIR)$(SYSCONFDIR)/security/containsession.conf; then \
		rm -f $(DESTDIR)$(SYSCONFDIR)/security/containsession.conf; fi
	-rmdir $(DESTDIR)$(SYSCONFDIR)/security/containsession.d
	if [ -e $(DESTDIR)$(SYSCONFDIR)/apparmor.d/containsession-helper ]; then \
		if [ -z "$(DESTDIR)" ] && command -v apparmor_parser >/dev/null; then \
			apparmor_parser -R $(SYSCONFDIR)/apparmor.d/containsession-helper || true; fi; \
		rm -f $(DESTDIR)$(SYSCONFDIR)/apparmor.d/containsession-helper; fi

# ---- dependencies ----------------------------------------------------------

# Installs only what is missing, so a second run does nothing. Service starts
# are held back while packages install (openssh-server would otherwise start
# an sshd on port 22): a policy-rc.d is put in place only if none exists, and
# only ours is removed again.
deps-build:
	@scripts/apt-install $(PKGS_BUILD)
deps-test:
	@scripts/apt-install $(PKGS_BUILD) $(PKGS_TEST)
deps: deps-test
# make check-vm: image builder and emulator for the systemd / cgroup v2 guest.
PKGS_VM    := mmdebstrap qemu-system-x86 qemu-utils
deps-vm:
	@scripts/apt-install $(PKGS_VM)

# ---- tests -----------------------------------------------------------------

# Fault injection (tests/fault/fault.c): LD_PRELOADed into the test sshd,
# fails the Nth call of one libc function made by the PAM module.
FAULT_SO := $(BUILD)/fault/fault.so
# What doctor's overlay probe holds as uid 65534 (tests/fault/probe_spy.c):
# LD_PRELOADed into the CLI by t_cli_doctor_probe.
PROBE_SPY_SO := $(BUILD)/fault/probe_spy.so
$(BUILD)/fault/%.so: tests/fault/%.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Werror -fPIC -shared -o $@ $< -ldl

# libFuzzer target for the policy parser (tests/fuzz/fuzz_policy.c), built
# with clang into build-fuzz/. `make fuzz` runs FUZZ_TIME seconds on a
# working corpus seeded from tests/fuzz/corpus; `make check-fuzz` is the
# short bounded run of `make check`.
# The unversioned clang of the `clang` package, else the newest clang-N.
FUZZ_CC   ?= $(shell command -v clang || ls /usr/bin/clang-[0-9]* 2>/dev/null | sort -V | tail -n 1 | grep . || echo clang)
FUZZ_TIME ?= 300
FUZZ_BIN  := build-fuzz/fuzz_policy
$(FUZZ_BIN): tests/fuzz/fuzz_policy.c $(CONFIG_SRC) $(wildcard config/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -D_GNU_SOURCE -I. -std=gnu11 -g -O1 -fno-omit-frame-pointer \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ tests/fuzz/fuzz_policy.c $(CONFIG_SRC) $(LIBS_CAPNG)

# The key=value codec (tests/fuzz/fuzz_kv.c): parse, write back, parse.
FUZZ_KV   := build-fuzz/fuzz_kv
$(FUZZ_KV): tests/fuzz/fuzz_kv.c lib/kv.c lib/kv.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -D_GNU_SOURCE -I. -std=gnu11 -g -O1 -fno-omit-frame-pointer \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ tests/fuzz/fuzz_kv.c lib/kv.c

fuzz: $(FUZZ_BIN) $(FUZZ_KV)
	@mkdir -p build-fuzz/corpus build-fuzz/corpus-kv
	$(FUZZ_BIN) -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
		build-fuzz/corpus tests/fuzz/corpus
	$(FUZZ_KV) -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
		build-fuzz/corpus-kv tests/fuzz/corpus-kv

check-fuzz: $(FUZZ_BIN) $(FUZZ_KV)
	rm -rf build-fuzz/check-corpus && cp -r tests/fuzz/corpus build-fuzz/check-corpus
	$(FUZZ_BIN) -max_total_time=20 -print_final_stats=1 build-fuzz/check-corpus
	rm -rf build-fuzz/check-corpus-kv && cp -r tests/fuzz/corpus-kv build-fuzz/check-corpus-kv
	$(FUZZ_KV) -max_total_time=10 -print_final_stats=1 build-fuzz/check-corpus-kv

check-unit: $(UNITS)
	@set -e; for t in $(UNITS); do echo "== $$t"; $$t; done

# Also builds the ASan/UBSan helper that `make check` hands to the
# integration tests (INTEGRATION_HELPER).
check-asan:
	$(MAKE) BUILD=build-asan SAN=1 check-unit build-asan/containsession-helper

# The tests need the module, helper and CLI installed where the PAM stack and
# the helper path expect them. A host that did not have them installed
# before the run does not have them after it either.
# The test sshd runs with the fault-injection shim preloaded (inert until a
# test arms it); INTEGRATION_HELPER=PATH runs the logins with that helper
# (installed root-owned into the test's temp dir, passed as helper=).
# First tests/harness/recover.sh: a run killed before its cleanup must not
# leave the host unusable for the next one (the next setup undoes it).
INTEGRATION_HELPER ?=
check-integration: all $(FAULT_SO) $(PROBE_SPY_SO)
	@pre=$$(test -e $(DESTDIR)$(PAMDIR)/pam_containsession.so && echo yes); \
	$(MAKE) --no-print-directory install >/dev/null || exit 1; \
	tests/harness/recover.sh; hrc=$$?; \
	CS_SSHD_PRELOAD=$(CURDIR)/$(FAULT_SO) CS_PROBE_SPY=$(CURDIR)/$(PROBE_SPY_SO) \
		CS_HELPER=$(INTEGRATION_HELPER) \
		tests/integration/run; rc=$$?; \
	case $$hrc,$${CI:-} in 0,*) ;; 77,true|77,1|77,yes) rc=1 ;; 77,*) ;; *) rc=1 ;; esac; \
	if [ -z "$$pre" ]; then $(MAKE) --no-print-directory uninstall >/dev/null; fi; \
	exit $$rc

check: deps-test
	$(MAKE) all
	$(MAKE) check-unit
	$(MAKE) check-asan
	$(MAKE) check-fuzz
	$(MAKE) check-integration INTEGRATION_HELPER=$(CURDIR)/build-asan/containsession-helper

# The systemd + cgroup v2 paths, in a Debian 12 and a Debian 13 guest under
# qemu, side by side (vm/check-all: one guest per host CPU, CS_VM_JOBS; each
# guest is vm/check RELEASE): the systemd checks through
# each guest's own sshd, on Debian 13 the AppArmor checks, and the
# integration suite with cgroup = systemd and = v2 (CS_VM_FULL=1: every test
# in both modes in both guests). The images are cached in build/vm/.
# Exit 77 (skip) without qemu, unless CI=true; 1 if any guest failed.
CS_VM_RELEASES ?= bookworm trixie
check-vm: deps-vm
	@vm/check-all $(CS_VM_RELEASES)

# make check (FRESH_TARGETS="demo check": both) in a fresh Debian userspace
# of RELEASE made by mmdebstrap (variant important + make), entered by
# pivot_root in private mount and PID namespaces; see scripts/check-fresh.
RELEASE       ?= trixie
FRESH_TARGETS ?= check
check-fresh:
	@scripts/apt-install mmdebstrap
	RELEASE=$(RELEASE) FRESH_TARGETS="$(FRESH_TARGETS)" scripts/check-fresh

demo:
	@scripts/apt-install $(PKGS_BUILD) $(PKGS_DEMO)
	$(MAKE) all
	$(MAKE) install
	scripts/demo

# ---- benchmarks (issue 7) --------------------------------------------------

# make bench (root): bench/run — sandbox cost against unshare, bwrap,
# firejail and the minimal static joiner; logins through the real sshd; 200
# concurrent logins; the 1,000-cycle leak soak; overlay home I/O; policy
# resolution; where a login's time goes in sshd (strace). BENCH="NAME..."
# runs some of them (bench/run).
PKGS_BENCH := hyperfine bubblewrap firejail python3 util-linux strace linux-perf
BENCH_BIN  := $(BUILD)/bench/csbench $(BUILD)/bench/minjoin $(BUILD)/bench/policy \
              $(BUILD)/bench/sessionns

# Links the module's home image code (lib/root/homeimg.c).
$(BUILD)/bench/csbench: bench/csbench.c $(LIBROOT) $(LIBCS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -DCS_HELPER_PATH='"$(LIBEXECDIR)/containsession-helper"' \
		-o $@ $< $(LIBROOT) $(LIBCS)

# The floor for a join: statically linked, pidfd_open + setns + fork + exec.
$(BUILD)/bench/minjoin: bench/minjoin.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -static -o $@ $<

$(BUILD)/bench/policy: bench/policy.c $(LIBCONFIG)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBCONFIG) $(LIBS_CAPNG)

# What the session mount namespace costs a login (the module's own code).
# sessionns.c binds the sandbox's /tmp with sessiontmp.c's code.
BENCH_SESSIONNS_OBJ := $(BUILD)/pam_module/sessionns.o $(BUILD)/pam_module/sessiontmp.o
$(BUILD)/bench/sessionns: bench/sessionns.c $(BENCH_SESSIONNS_OBJ) $(LIBROOT) $(LIBCS) $(LIBCONFIG)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BENCH_SESSIONNS_OBJ) $(LIBROOT) $(LIBCS) \
		$(LIBCONFIG) $(LIBS_CAPNG)

deps-bench:
	@scripts/apt-install $(PKGS_BUILD) $(PKGS_TEST) $(PKGS_BENCH)
# vm/build-image reads the list from here: the guests get the same tools.
pkgs-bench:
	@echo $(PKGS_BENCH)

bench-bin: all $(BENCH_BIN)

bench: deps-bench
	$(MAKE) all $(BENCH_BIN)
	$(MAKE) install
	bench/run $(BENCH)

# make bench-vm: bench/run BENCH (default: the rows of issue 16) in the
# systemd / cgroup v2 guest (vm/check RELEASE with CS_VM_ONLY=bench, which
# runs vm/guest-bench there), CS_VM_RELEASES (here default trixie) one after
# the other (CS_VM_JOBS=1: a guest's timings must not share the host); CS_VM_BENCH_MODES="systemd v2" also with cgroup = v2. The
# guest's results land in build/bench/results-guest-RELEASE-MODE-DATE.md.
# Smaller run counts under TCG: see vm/guest-bench.
bench-vm: deps-vm
	@CS_VM_JOBS=1 CS_VM_ONLY=bench BENCH="$(or $(BENCH),sandbox login pam)" \
		vm/check-all $(if $(filter command line environment environment override,$(origin CS_VM_RELEASES)),$(CS_VM_RELEASES),trixie)

clean:
	rm -rf build build-asan build-fuzz
