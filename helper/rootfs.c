/* SPDX-License-Identifier: MIT */
/*
 * The sandbox's root: a fresh tmpfs, entered with pivot_root, with the old
 * root detached. Only what is put here is reachable: the host's system
 * directories read-only, a small /dev, a /proc of the sandbox's own PID
 * namespace, /tmp, /run, and the user's home. No /sys and no host /proc:
 * once the old root is detached no path leads back to them, even for a
 * process that holds every capability of the sandbox's user namespace and
 * unmounts everything it can (unmounting only uncovers empty directories
 * of this tmpfs).
 *
 * Runs as PID 1 of the sandbox, as the user (uid 0 of its own user
 * namespace): nothing here has more rights than the user.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper/helper.h"
#include "lib/sandboxdirs.h"

/* Where the new root is assembled (covered in this mount namespace only):
 * /run exists on every host and is not one of the directories bound into
 * the new root, so the stage never shows up inside it again. */
#define STAGE "/run"

/* Ptys one sandbox may hold at once (devpts max=): a login takes one, each
 * tmux or screen window one more. containsession.conf(5) says so. */
#define CS_PTY_MAX 64
#define CS_STR_(x) #x
#define CS_STR(x) CS_STR_(x)

/* Device nodes bound from the host /dev. */
static const char *const devices[] = { "null", "zero", "full", "random", "urandom", "tty" };

static int make_ro(const char *path)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

	/* Recursive: the bound tree's submounts are read-only too. Flags the
	 * host set (nosuid, nodev, noexec) are kept as they are. */
	if (syscall(SYS_mount_setattr, AT_FDCWD, path, AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return cs_fail(errno, "make %s read-only", path);
	return 0;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];

	if (strlen(path) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(buf, mode) < 0 && errno != EEXIST ? -errno : 0;
}

static int bind_ro(const char *src, const char *dst)
{
	if (mkdir(dst, 0755) < 0 && errno != EEXIST)
		return cs_fail(errno, "mkdir %s", dst);
	if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		return cs_fail(errno, "bind %s", src);
	return make_ro(dst);
}

/* System directories: a symlink at the top (usrmerge: /bin -> usr/bin)
 * is recreated as the same symlink, a directory is bound read-only. */
static int system_tree(void)
{
	char dst[PATH_MAX], src[PATH_MAX], target[PATH_MAX];
	int r;
	struct stat st;

	for (size_t i = 0; i < CS_SYSTEM_DIRS_N; i++) {
		snprintf(src, sizeof(src), "/%s", cs_system_dirs[i]);
		snprintf(dst, sizeof(dst), STAGE "/%s", cs_system_dirs[i]);
		if (lstat(src, &st) < 0)
			continue; /* not on this host */
		if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlink(src, target, sizeof(target) - 1);
			if (n < 0)
				return cs_fail(errno, "readlink %s", src);
			target[n] = '\0';
			if (symlink(target, dst) < 0)
				return cs_fail(errno, "symlink %s", dst);
		} else if (S_ISDIR(st.st_mode) && (r = bind_ro(src, dst)) < 0) {
			return r;
		}
	}
	return 0;
}

/* tmpfs options "mode=MODE,size=BYTES": every tmpfs of the sandbox has a
 * bound (without size= the kernel allows half of the host's RAM). */
static const char *tmpfs_opts(char *buf, size_t len, const char *mode, unsigned long long size)
{
	snprintf(buf, len, "mode=%s,size=%llu", mode, size);
	return buf;
}

static int dev_tree(const struct cs_init_opts *o)
{
	char src[64], dst[PATH_MAX], opts[64];
	static const char *const links[][2] = {
		{ "ptmx", "pts/ptmx" }, { "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	};

	if (mkdir(STAGE "/dev", 0755) < 0)
		return cs_fail(errno, "mkdir /dev");
	if (mount("tmpfs", STAGE "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k") < 0)
		return cs_fail(errno, "mount tmpfs on /dev");
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
		snprintf(src, sizeof(src), "/dev/%s", devices[i]);
		snprintf(dst, sizeof(dst), STAGE "/dev/%s", devices[i]);
		int fd = open(dst, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
		if (fd < 0)
			return cs_fail(errno, "create %s", dst);
		close(fd);
		if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
			return cs_fail(errno, "bind %s", src);
	}
	/* A devpts of the sandbox's own (newinstance): its ptys are
	 * numbered from 0 and seen by no one else, /dev/ptmx (pts/ptmx,
	 * below) opens one for anybody inside, and at most CS_PTY_MAX of
	 * them: the kernel keeps kernel.pty.reserve ptys for the host's
	 * own devpts (mounted in the initial mount namespace), and this
	 * bound keeps one sandbox from taking the rest from the others.
	 * The host's devpts is not here at all: a login's terminal is
	 * relayed to one of these (pty.c). */
	if (mkdir(STAGE "/dev/pts", 0755) < 0 ||
	    mount("devpts", STAGE "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620,max=" CS_STR(CS_PTY_MAX)) < 0)
		return cs_fail(errno, "mount the sandbox's devpts");
	if (mkdir(STAGE "/dev/shm", 01777) < 0 ||
	    mount("tmpfs", STAGE "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV,
		  tmpfs_opts(opts, sizeof(opts), "1777", o->tmp_max)) < 0)
		return cs_fail(errno, "mount /dev/shm");
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(dst, sizeof(dst), STAGE "/dev/%s", links[i][0]);
		if (symlink(links[i][1], dst) < 0)
			return cs_fail(errno, "symlink %s", dst);
	}
	return 0;
}

int cs_rootfs_setup(struct cs_init_opts *o)
{
	char home[PATH_MAX], src[64], opts[64];
	int r;

	/* The home is built in place first, then held by an fd together
	 * with the host /tmp (root's tmpfs is held already, init.c): the
	 * stage on /run may cover either path. */
	if ((r = cs_home_prepare(o)) < 0)
		return r;
	o->homefd = open(o->home, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (o->homefd < 0)
		return cs_fail(errno, "open home %s", o->home);
	if (!o->tmp_cwd && (o->tmpfd = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return cs_fail(errno, "open /tmp");

	/* Nothing mounted here may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return cs_fail(errno, "make / a slave mount");
	if (mount("tmpfs", STAGE, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m") < 0)
		return cs_fail(errno, "mount the new root");
	if ((r = system_tree()) < 0 || (r = dev_tree(o)) < 0)
		return r;
	if (mkdir(STAGE "/proc", 0555) < 0 || mkdir(STAGE "/tmp", 01777) < 0 ||
	    mkdir(STAGE "/run", 0755) < 0 || mkdir(STAGE "/home", 0755) < 0)
		return cs_fail(errno, "mkdir in the new root");
	/* A /proc of the sandbox's own PID namespace. The kernel allows it
	 * only while a full procfs is visible: so before the old root goes. */
	if (mount("proc", STAGE "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return cs_fail(errno, "mount /proc");
	if (mount("tmpfs", STAGE "/run", "tmpfs", MS_NOSUID | MS_NODEV,
		  tmpfs_opts(opts, sizeof(opts), "0755", o->tmp_max)) < 0)
		return cs_fail(errno, "mount /run");
	/* tmp = private: root's per-user tmpfs, the same file system the
	 * login's session namespace has at /tmp (sshd's forwarded agent and
	 * streamlocal sockets are made there); tmp = host: the host's. */
	snprintf(src, sizeof(src), "/proc/self/fd/%d", o->tmpfd);
	if (mount(src, STAGE "/tmp", NULL, MS_BIND | MS_REC, NULL) < 0)
		return cs_fail(errno, "bind /tmp");
	/* The home at its usual path. If it lies in a bound system directory
	 * it exists already; otherwise it is made in the new root. */
	if (snprintf(home, sizeof(home), STAGE "%s", o->home) >= (int)sizeof(home))
		return cs_fail(ENAMETOOLONG, "home %s", o->home);
	if (access(home, F_OK) < 0 && mkdir_p(home, 0700) < 0)
		return cs_fail(errno, "mkdir %s", home);
	snprintf(src, sizeof(src), "/proc/self/fd/%d", o->homefd);
	if (mount(src, home, NULL, MS_BIND | MS_REC, NULL) < 0)
		return cs_fail(errno, "bind the home into the new root");

	/* pivot_root(".", ".") stacks the old root on top of the new one;
	 * detaching it leaves no path to anything of the host's that was
	 * not bound above. */
	if (chdir(STAGE) < 0)
		return cs_fail(errno, "chdir to the new root");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return cs_fail(errno, "pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		return cs_fail(errno, "detach the old root");
	if (chdir("/") < 0)
		return cs_fail(errno, "chdir /");
	close(o->homefd);
	if (o->tmpfd >= 0)
		close(o->tmpfd);
	o->homefd = o->tmpfd = -1;
	/* The root itself read-only: no new top-level entries. */
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0)
		return cs_fail(errno, "make the new root read-only");
	return 0;
}
