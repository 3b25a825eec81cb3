# shellcheck shell=bash
#
# tests/lib/sshd.sh — a private, throw-away sshd that uses its own PAM
# service, for the integration tests (tests/integration/run) and the demo
# (scripts/demo). Source it from bash; it defines functions and variables
# only (no side effects until cs_env_setup is called). Needs root.
#
# This file is the entry point: it sets the variables below and sources
# the harness's parts, one concern each:
#   host.sh     the ONLY part that changes the host: setup, cleanup, users
#               and groups, the policy, killing what the environment started
#   client.sh   ssh, scp, sftp, rsync with the harness's key and options
#   observe.sh  processes, cgroups, mounts, ports, logs (read-only)
#   leaks.sh    leftovers of a login or of the environment (read-only)
#
# What cs_env_setup (host.sh) puts in place (see docs/DESIGN.md, "Testing"),
# and cs_env_cleanup takes away again:
#
#   $CS_T                     temp dir, root-owned 0755, under /run (not /tmp:
#                             sshd's StrictModes rejects an AuthorizedKeysFile
#                             below a group/world-writable directory)
#   /usr/local/sbin/sshd-cstest  symlink to /usr/sbin/sshd, only for an sshd
#                             without PAMServiceName (before OpenSSH 10.0) and
#                             only if missing; removed only if we made it
#   /etc/pam.d/sshd-cstest    copy of /etc/pam.d/sshd + our session line
#                             (CS_NO_MODULE=1: without it)
#   /run/sshd                 sshd's privilege separation dir, only if missing
#                             (no init system made it on a host whose sshd
#                             never ran); removed only if we made it
#   /dev/log                  only if there is no syslog at all: a small
#                             listener copies what PAM modules send to syslog
#                             into $CS_T/syslog (CS_SYSLOG_CAPTURE=0 turns it
#                             off); removed only if we made it
#   users, groups             by cs_user_add / cs_group_add, names cstest*
#   $CS_FAULT_CTL             ($CS_T/fault) the fault-injection control file,
#                             empty (inert), and $CS_FAULT_CTL.fired
#
# A run killed before its cleanup is undone by the next cs_env_setup, from
# the record the dead run kept in its $CS_T (cs__recover_interrupted).
#
# Options (environment, read by cs_env_setup):
#   CS_SSHD_PRELOAD=PATH      start sshd with LD_PRELOAD=PATH and CS_FAULT_CTL
#                             in its environment (tests/fault/fault.c: fails
#                             the Nth call of the module that the control
#                             file names; tests/integration/t_fault_*.sh)
#   CS_HELPER=PATH            use this helper binary (e.g. the ASan build):
#                             installed root-owned 0755 as
#                             $CS_T/libexec/containsession-helper and passed
#                             to the module as helper=; CS_HELPER_USED says
#                             which helper the logins run
#   CS_MODULE=PATH            use this build of pam_containsession.so instead
#                             of the installed one: installed root-owned 0644
#                             as $CS_T/lib/pam_containsession.so and named by
#                             that absolute path in the PAM line (a build can
#                             be tested without `make install`)
#
# The caller must install the cleanup trap *before* calling cs_env_setup:
#
#   . tests/lib/sshd.sh
#   trap cs_env_cleanup EXIT; trap 'exit 130' INT; trap 'exit 143' TERM
#   cs_env_setup || exit 1
#   cs_user_add cstest1
#   cs_policy_text | cs_policy_write
#   cs_ssh cstest1 -- id -u
#
# Variables set by cs_env_setup and exported (so test scripts started from
# the caller see them; they re-source this file for the functions):
#   CS_T CS_PORT CS_HOST CS_KEY CS_SSHD_BIN CS_SSHD_PID CS_SSHD_PIDFILE
#   CS_SSHD_CONFIG CS_SSHD_LOG CS_SYSLOG (file, or empty when the host has its
#   own syslog) CS_PAM_FILE CS_POLICY CS_POLICY_DIR CS_STATE_DIR CS_DATA_DIR
#   CS_CG_NAME (cstest-<pid>) CS_CGROUP_ROOT (./cstest-<pid>) CS_CG_PARENTS
#   (file: one "KEY<TAB>DIR" line per cgroup hierarchy: sshd's own cgroup
#   directory; KEY is the v1 controller list or "unified") CS_NO_MODULE
#   CS_LIB_DIR CS_TOP CS_START_EPOCH CS_FAULT_CTL CS_HELPER_USED
#
# Functions (details above each; the file that holds them):
#   host.sh      cs_env_setup, cs_env_cleanup, cs_user_add NAME [GROUPS],
#                cs_group_add NAME, cs_policy_text, cs_policy_write (stdin),
#                cs_policy_reset
#   client.sh    cs_ssh USER [OPTS] -- CMD, cs_ssh_exec (same, exec'ing),
#                cs_scp ARGS, cs_sftp USER ARGS, cs_rsync ARGS, cs_ssh_cmd
#   observe.sh   cs_uid_pids UID, cs_cgroup_dirs [PID], cs_user_cgroup_dirs UID,
#                cs_cgroup_has_controller NAME, cs_user_limit_file UID memory|pids,
#                cs_mounts_mentioning PATH, cs_kept_image USER, cs_wait_sshd_idle [SECS],
#                cs_wait_sshd_conns MAX TRIES STEP,
#                cs_log_mark, cs_logs [MARK], cs_wait_log MARK GREP-ARG...,
#                cs_pam_module_dir
#   leaks.sh     cs_wait_clean USER [SECS], cs_user_leftovers USER,
#                cs_loops_on PATH, cs_leak_counts UID..., cs_settle SECS USER...,
#                cs_env_touched, cs_verify_host_clean

CS_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CS_TOP=$(cd "$CS_LIB_DIR/../.." && pwd)
CS_HOST=127.0.0.1
# The program-name symlink for sshd before 9.8 (cs__pam_service_setup);
# CS_SSHD_BIN is what setup chose to start: the symlink or the real sshd.
CS_SSHD_LINK=/usr/local/sbin/sshd-cstest
CS_SSHD_BIN=${CS_SSHD_BIN:-$CS_SSHD_LINK}
CS_REAL_SSHD=${CS_REAL_SSHD:-/usr/sbin/sshd}
CS_PAM_FILE=/etc/pam.d/sshd-cstest
CS_PAM_SOURCE=${CS_PAM_SOURCE:-/etc/pam.d/sshd}
CS_SFTP_SERVER=${CS_SFTP_SERVER:-/usr/lib/openssh/sftp-server}
CS_PRIVSEP_DIR=/run/sshd
CS_USER_PREFIX=cstest
CS_NO_MODULE=${CS_NO_MODULE:-}
export CS_LIB_DIR CS_TOP CS_HOST CS_SSHD_BIN CS_PAM_FILE CS_NO_MODULE

cs_log() { printf 'cstest: %s\n' "$*" >&2; }

# shellcheck source=tests/lib/host.sh
. "$CS_LIB_DIR/host.sh"
# shellcheck source=tests/lib/client.sh
. "$CS_LIB_DIR/client.sh"
# shellcheck source=tests/lib/observe.sh
. "$CS_LIB_DIR/observe.sh"
# shellcheck source=tests/lib/leaks.sh
. "$CS_LIB_DIR/leaks.sh"
