/* SPDX-License-Identifier: MIT */
/*
 * bench/csbench — drives containsession-helper without ssh, the way the PAM
 * module does, for bench/sandbox.sh. Run as root; every mode first drops to
 * the given user for good (groups, gid, uid), exactly as pam_module/spawn.c.
 *
 *   csbench as UID GID -- CMD...
 *       drop to the user and exec CMD (so every contender in a hyperfine
 *       run pays the same one exec of this driver)
 *   csbench create UID GID USER HOME HOMEMODE DATA|- [CMD...]
 *       start a sandbox init (report pipe on fd 3; its /tmp a tmpfs and,
 *       for HOMEMODE overlay, the home image (fd 4) made and mounted as
 *       root, as the module does), wait for "ready", run
 *       CMD (default /bin/true) in it through `helper join`, then end the
 *       sandbox (SIGKILL on the init's pidfd) and wait until it is gone:
 *       the whole life of a one-command sandbox
 *   csbench start UID GID USER HOME HOMEMODE DATA|-
 *       start a sandbox init and leave it running; print the session
 *       description (lib/sessionfile.h format) on stdout
 *   csbench join UID GID SESSFILE -- CMD...
 *       exec `helper join -- CMD...` with SESSFILE's text on fd 3
 *   csbench stop PID
 *       SIGKILL PID through a pidfd and wait for it to exit
 *   csbench image UID GID USER DATA
 *       the home image alone: attach and mount it as `create ... overlay`
 *       does, then close the mount, which unmounts it (the last reference:
 *       the ext4's unmount and the loop device's clearing run in this
 *       close); the part of a create that bounds home.max
 *   csbench unpin UID STATE
 *       remove the kept mount of UID's image below STATE (what
 *       CSBENCH_STATE left; `containsession gc` does it on a host)
 *   csbench with HELPER MODE ...
 *       any mode above with another helper binary (an older build, say)
 *   csbench keep STATE MODE ...
 *       any mode above with CSBENCH_STATE=STATE (below)
 *
 * HELPER (environment) overrides the helper path; CSBENCH_STATE keeps the
 * home image mounted below that directory between runs, as the module does.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/root/homeimg.h"

#ifndef CS_HELPER_PATH
#define CS_HELPER_PATH "/usr/local/libexec/containsession/containsession-helper"
#endif

static const char *helper(void)
{
	const char *h = getenv("HELPER");
	return h && *h ? h : CS_HELPER_PATH;
}

static void die(const char *what)
{
	fprintf(stderr, "csbench: %s: %s\n", what, strerror(errno));
	exit(111);
}

static void drop(const char *uids, const char *gids)
{
	uid_t uid = (uid_t)strtoul(uids, NULL, 10);
	gid_t gid = (gid_t)strtoul(gids, NULL, 10);

	if (getuid() == uid && geteuid() == uid)
		return;
	if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0)
		die("drop to the user");
	umask(077);
}

static int pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static unsigned long long starttime(pid_t pid)
{
	char path[64], buf[1024];
	int fd;
	ssize_t n;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(path);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		die(path);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	for (int field = 3; p && field <= 22; field++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

static int kill_wait(pid_t pid)
{
	int fd = pidfd_open(pid);
	struct pollfd p;

	if (fd < 0)
		return errno == ESRCH ? 0 : -1;
	if (syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
		return -1;
	p.fd = fd;
	p.events = POLLIN;
	/* PID 1 of a namespace exits once everything in it is gone. */
	poll(&p, 1, 10000);
	close(fd);
	return 0;
}

/* Start the init as the module does (spawn.c): its own session, stdio on
 * /dev/null, only the report pipe on fd 3. Returns the init's pid. */
static pid_t start_init(char **av, int homefd)
{
	/* av: USER HOME HOMEMODE DATA */
	char uid[16], gid[16], host[80], buf[1024];
	int p[2], st;
	size_t len = 0;
	pid_t c, init = 0;
	int ready = 0;

	snprintf(uid, sizeof(uid), "%u", (unsigned)getuid());
	snprintf(gid, sizeof(gid), "%u", (unsigned)getgid());
	snprintf(host, sizeof(host), "bench-%s", av[0]);
	char *argv[] = { "containsession-helper", "init", "--user", av[0], "--uid", uid,
			 "--gid", gid, "--home", av[1], "--home-mode", av[2], "--data", av[3],
			 "--tmp", "cwd", "--net", "host", "--hostname", host,
			 "--home-max", "1073741824", "--tmp-max", "1073741824",
			 homefd >= 0 ? "--home-image" : NULL, "4", NULL };
	char *envp[] = { "PATH=/usr/local/bin:/usr/bin:/bin", NULL };

	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	c = fork();
	if (c < 0)
		die("fork");
	if (c == 0) {
		int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
		setsid();
		if (dup2(p[1], 3) < 0 || nul < 0 || dup2(nul, 0) < 0 || dup2(nul, 1) < 0)
			_exit(127);
		if (homefd >= 0 && dup2(homefd, 4) < 0)
			_exit(127);
		syscall(SYS_close_range, homefd >= 0 ? 5 : 4, ~0U, 0);
		execve(helper(), argv, envp);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		ssize_t n = read(p[0], buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		char *line = buf, *nl;
		for (; (nl = strchr(line, '\n')); line = nl + 1) {
			*nl = '\0';
			if (!strncmp(line, "pid=", 4))
				init = (pid_t)atoi(line + 4);
			else if (!strcmp(line, "ready"))
				ready = 1;
			else if (!strncmp(line, "error=", 6)) {
				fprintf(stderr, "csbench: init: %s\n", line + 6);
				exit(1);
			}
		}
		len = strlen(line);
		memmove(buf, line, len + 1);
		if (ready && init > 1)
			break;
	}
	close(p[0]);
	while (waitpid(c, &st, 0) < 0 && errno == EINTR)
		;
	if (!ready || init <= 1) {
		fprintf(stderr, "csbench: init did not get ready\n");
		if (init > 1)
			kill_wait(init);
		exit(1);
	}
	return init;
}

/* The sandbox's /tmp as the module makes it (lib/root/sessiontmp.c): a
 * root-owned tmpfs, mode 1777, sized, nosuid and nodev, that the init gets
 * as its working directory (--tmp cwd). Made as root in a mount namespace
 * of this driver's own (private: nothing reaches the host), so it is gone
 * with the sandbox and nothing is left to unmount. */
/* home = overlay: the upper layer lives in the user's home image, which
 * root attaches and mounts as the module does (lib/root/homeimg.c: made
 * once, 1 GiB sparse, then reused), handed to the init as fd 4. DATA is
 * DATA_DIR/<user>. With CSBENCH_STATE (a root-owned directory) the image
 * stays mounted there between runs, as the module keeps it in its state
 * directory; without it every run mounts and unmounts the ext4. Called
 * before make_tmp: the kept mount must be in root's own namespace, not in
 * this run's private one. Returns the mount's fd, or -1 for other home
 * modes. */
static int home_image(const char *user, const char *mode, const char *data, uid_t uid, gid_t gid)
{
	char dir[4096], note[512];
	struct cs_err err;
	int dfd, fd;

	if (strcmp(mode, "overlay"))
		return -1;
	snprintf(dir, sizeof(dir), "%s", data);
	if (!strrchr(dir, '/'))
		die("DATA is not DATA_DIR/USER");
	*strrchr(dir, '/') = '\0';
	const char *state = getenv("CSBENCH_STATE");
	int sfd = -1;

	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		die(dir);
	if (state && *state && (sfd = open(state, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		die(state);
	fd = cs_home_image_mount(dir, dfd, sfd, user, uid, gid, 1073741824ull, note, sizeof(note),
				 &err);
	close(dfd);
	if (sfd >= 0)
		close(sfd);
	if (fd < 0) {
		fprintf(stderr, "csbench: home image: %s\n", err.msg);
		exit(111);
	}
	if (*note) {
		fprintf(stderr, "csbench: home image: %s\n", note);
		exit(111);
	}
	/* Above 4, close-on-exec: only the init's fd 4 gets it. */
	int hi = fcntl(fd, F_DUPFD_CLOEXEC, 5);
	close(fd);
	return hi;
}

static void make_tmp(void)
{
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("private mount namespace");
	if (mount("csbench-tmp", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=1073741824") < 0)
		die("mount the sandbox's /tmp");
	if (chdir("/tmp") < 0)
		die("chdir the sandbox's /tmp");
}

static void session_text(pid_t init, char *buf, size_t len)
{
	/* caps=0: CS_CAPS_DEFAULT; seccomp and no_new_privs on, as the
	 * default profile has them. */
	snprintf(buf, len,
		 "uid=%u\ninit_pid=%d\ninit_start=%llu\nnet_none=0\nnetns=0\nseccomp=%d\n"
		 "no_new_privs=1\ncaps=0\ncaps_list=0\n",
		 (unsigned)getuid(), (int)init, starttime(init),
		 getenv("CSB_NOSECCOMP") ? 0 : 1);
}

static int run_join(const char *text, char **cmd)
{
	char *argv[64];
	int n = 0, st;
	pid_t c;

	argv[n++] = (char *)helper();
	argv[n++] = "join";
	argv[n++] = "--";
	for (; *cmd && n < 62; cmd++)
		argv[n++] = *cmd;
	argv[n] = NULL;
	/* Name the helper by its own name: main() picks the mode by it. */
	c = fork();
	if (c < 0)
		die("fork");
	if (c == 0) {
		char *a0 = argv[0];
		argv[0] = "containsession-helper";
		int p[2];
		if (pipe(p) < 0 || write(p[1], text, strlen(text)) < 0)
			_exit(127);
		close(p[1]);
		if (dup2(p[0], 3) < 0)
			_exit(127);
		execv(a0, argv);
		_exit(127);
	}
	while (waitpid(c, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	char text[512];

	/* csbench with HELPER ... and csbench keep STATE ...: the same modes
	 * with another helper binary, or with the home image kept mounted
	 * below STATE (no env(1) exec in the way of a timed run). */
	for (;;) {
		const char *var = argc > 3 && !strcmp(argv[1], "with") ? "HELPER" :
				  argc > 3 && !strcmp(argv[1], "keep") ? "CSBENCH_STATE" : NULL;
		if (!var)
			break;
		setenv(var, argv[2], 1);
		argv[2] = argv[0];
		argv += 2;
		argc -= 2;
	}
	if (argc >= 5 && !strcmp(argv[1], "as") && !strcmp(argv[4], "--") && argc > 5) {
		drop(argv[2], argv[3]);
		execvp(argv[5], argv + 5);
		die(argv[5]);
	}
	if (argc >= 8 && (!strcmp(argv[1], "create") || !strcmp(argv[1], "start"))) {
		char *deftrue[] = { "/bin/true", NULL };
		int rc;
		int homefd = home_image(argv[4], argv[6], argv[7], (uid_t)strtoul(argv[2], NULL, 10),
					(gid_t)strtoul(argv[3], NULL, 10));
		make_tmp();
		drop(argv[2], argv[3]);
		pid_t init = start_init(argv + 4, homefd);
		if (homefd >= 0)
			close(homefd);
		session_text(init, text, sizeof(text));
		if (!strcmp(argv[1], "start")) {
			fputs(text, stdout);
			return 0;
		}
		rc = run_join(text, argc > 8 ? argv + 8 : deftrue);
		if (kill_wait(init) < 0)
			die("kill the init");
		return rc;
	}
	if (argc >= 7 && !strcmp(argv[1], "join") && !strcmp(argv[5], "--")) {
		char *hargv[64];
		int n = 0, fd;
		ssize_t r;
		drop(argv[2], argv[3]);
		fd = open(argv[4], O_RDONLY | O_CLOEXEC);
		if (fd < 0 || (r = read(fd, text, sizeof(text) - 1)) <= 0)
			die(argv[4]);
		text[r] = '\0';
		close(fd);
		hargv[n++] = (char *)helper();
		hargv[n++] = "join";
		hargv[n++] = "--";
		for (int i = 6; i < argc && n < 62; i++)
			hargv[n++] = argv[i];
		hargv[n] = NULL;
		/* execv with argv[0] the helper's own name. */
		{
			char *a0 = hargv[0];
			hargv[0] = "containsession-helper";
			int p[2];
			if (pipe(p) < 0 || write(p[1], text, strlen(text)) < 0)
				die("pipe");
			close(p[1]);
			if (dup2(p[0], 3) < 0)
				die("dup2");
			execv(a0, hargv);
			die(a0);
		}
	}
	if (argc == 6 && !strcmp(argv[1], "image")) {
		int fd = home_image(argv[4], "overlay", argv[5], (uid_t)strtoul(argv[2], NULL, 10),
				    (gid_t)strtoul(argv[3], NULL, 10));
		return close(fd) < 0;
	}
	if (argc == 4 && !strcmp(argv[1], "unpin")) {
		struct cs_err err;
		int sfd = open(argv[3], O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (sfd < 0)
			die(argv[3]);
		if (cs_home_unpin(sfd, (uid_t)strtoul(argv[2], NULL, 10), &err) < 0) {
			fprintf(stderr, "csbench: unpin: %s\n", err.msg);
			return 1;
		}
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "stop"))
		return kill_wait((pid_t)atoi(argv[2])) < 0;
	fprintf(stderr, "usage: see the comment at the top of bench/csbench.c\n");
	return 2;
}
