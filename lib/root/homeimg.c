/* SPDX-License-Identifier: MIT */
/*
 * The persistent home's image (lib/root/homeimg.h). Everything here is
 * root's own: DATA/.images is root's 0700 and the image root's 0600, so no
 * path walked below is one the user can change, and root never looks into
 * the file system it mounts (its root directory's owner aside). The user
 * reaches it only through the mount fd handed to the sandbox init.
 */
#include "lib/root/homeimg.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/loop.h>

#include "lib/fsutil.h"
#include "lib/proc.h"
#include "lib/root/privileges.h"
#include "lib/root/sandboxobj.h"

#define TOOL_TIMEOUT_MS 30000
#define LOOP_TRIES 16

/* DATA/.images, made root's 0700 when missing and checked to be that. */
static int open_images_dir(const char *data_dir, int datafd, struct cs_err *err)
{
	struct stat st;
	int fd;

	if (mkdirat(datafd, CS_IMAGES_DIR, 0700) < 0 && errno != EEXIST)
		return cs_err_set(err, errno, "create %s/" CS_IMAGES_DIR, data_dir);
	/* O_NOFOLLOW, and root's 0700: nobody else can put or swap a file
	 * below it, so the names opened below are root's own. */
	fd = openat(datafd, CS_IMAGES_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return cs_err_set(err, errno, "open %s/" CS_IMAGES_DIR, data_dir);
	if (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 077)) {
		close(fd);
		return cs_err_set(err, EPERM, "%s/" CS_IMAGES_DIR " is not root's directory of mode 0700",
				  data_dir);
	}
	return fd;
}

/* Move fd to at least 10 (close-on-exec), so the child's dup2 onto 2 and 3
 * cannot overwrite one with the other. */
static int high_fd(int fd)
{
	return fcntl(fd, F_DUPFD_CLOEXEC, 10);
}

/*
 * An e2fsprogs tool (argv[0], absolute) on the open file imgfd, named
 * /proc/self/fd/3 in argv: as root with an empty environment and only the
 * file (fd 3) and its error pipe (fd 2), within a time bound; what it says
 * on failure goes into err. An exit status above max_ok fails.
 */
static int run_tool(char *const argv[], int imgfd, int max_ok, const char *path,
		    struct cs_err *err)
{
	char out[400] = "";
	int p[2], status, r;
	size_t len = 0;
	pid_t c;
	char *envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	int fd3, fd2;

	/* Checked here, not left to execve in the child: its failure would
	 * read as "exit 127", which names no cause. */
	if (access(argv[0], X_OK) < 0)
		return cs_err_set(err, errno, "%s cannot be run (install e2fsprogs)", argv[0]);
	if ((fd3 = high_fd(imgfd)) < 0)
		return cs_err_set(err, errno, "dup");
	if (pipe2(p, O_CLOEXEC) < 0) {
		close(fd3);
		return cs_err_set(err, errno, "pipe");
	}
	fd2 = high_fd(p[1]);
	close(p[1]);
	if (fd2 < 0) {
		close(fd3);
		close(p[0]);
		return cs_err_set(err, errno, "dup");
	}
	c = fork();
	if (c == 0) {
		/* Between fork and exec: async-signal-safe calls only. */
		int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (cs_priv_reset_signals() < 0 || nul < 0 || dup2(nul, 0) < 0 || dup2(nul, 1) < 0 ||
		    dup2(fd2, 2) < 0 || dup2(fd3, 3) < 0 || syscall(SYS_close_range, 4, ~0U, 0) < 0)
			_exit(127);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	r = c < 0 ? -errno : 0;
	close(fd2);
	close(fd3);
	if (r < 0) {
		close(p[0]);
		return cs_err_set(err, -r, "fork for %s", argv[0]);
	}
	/* What it says, to the end, within the same bound as its run: the
	 * first bytes are kept for the error, the rest read and dropped.
	 * Closing the pipe early would kill a chatty e2fsck with SIGPIPE in
	 * the middle of a repair (and not reading would stop it on a full
	 * pipe until the bound ran out). */
	struct pollfd pf = { .fd = p[0], .events = POLLIN };
	struct timespec t0;
	long left = TOOL_TIMEOUT_MS;
	char drop[4096];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (left > 0 && poll(&pf, 1, (int)left) > 0) {
		ssize_t n = len < sizeof(out) - 1 ? read(p[0], out + len, sizeof(out) - 1 - len)
						   : read(p[0], drop, sizeof(drop));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len < sizeof(out) - 1)
			len += (size_t)n;
		left = cs_ms_left(&t0, TOOL_TIMEOUT_MS);
	}
	close(p[0]);
	out[len] = '\0';
	for (char *q = out; *q; q++)
		if (*q == '\n' || *q == '\t')
			*q = ' ';
	if (cs_child_reap(c, TOOL_TIMEOUT_MS, &status) < 0) {
		cs_child_kill(c, &status);
		return cs_err_set(err, ETIMEDOUT, "%s on %s did not finish", argv[0], path);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) > max_ok)
		return cs_err_set(err, 0, "%s on %s failed (%s%d)%s%s", argv[0], path,
				  WIFEXITED(status) ? "exit " : "signal ",
				  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
				  *out ? ": " : "", out);
	return 0;
}

/* mke2fs: no blocks reserved for root (the user's files are the user's),
 * the root directory owned by the user, and nothing written that a sparse
 * file reads as zeros already (inode tables, journal), so a new image
 * takes a few MiB of the host's disk whatever its size. */
static int run_mke2fs(int imgfd, const char *path, uid_t uid, gid_t gid, struct cs_err *err)
{
	char ext[128];

	snprintf(ext, sizeof(ext), "root_owner=%u:%u,lazy_itable_init=1,lazy_journal_init=1,nodiscard",
		 (unsigned)uid, (unsigned)gid);
	char *argv[] = { CS_MKE2FS, "-q", "-F", "-t", "ext4", "-m", "0", "-L", "containsession",
			 "-E", ext, "/proc/self/fd/3", NULL };
	return run_tool(argv, imgfd, 0, path, err);
}

/*
 * home.max grew: the image too, offline, before it is attached (online
 * growth needs CAP_SYS_RESOURCE, which sshd may not have). resize2fs wants
 * a freshly checked file system: e2fsck -f -p first (it also replays a
 * journal; exit 1, errors corrected, is fine). If e2fsck fails the file
 * gets its old size back, so the next login tries again; if resize2fs
 * does, the file keeps the new size (see below) and the admin is told.
 */
static int grow_image(int imgfd, off_t old, uint64_t bytes, const char *path, struct cs_err *err)
{
	char size[32];
	int r;

	snprintf(size, sizeof(size), "%" PRIu64 "K", bytes >> 10);
	char *fsck[] = { CS_E2FSCK, "-f", "-p", "/proc/self/fd/3", NULL };
	char *resize[] = { CS_RESIZE2FS, "/proc/self/fd/3", size, NULL };

	if (ftruncate(imgfd, (off_t)bytes) < 0)
		return cs_err_set(err, errno, "grow %s to %" PRIu64 " bytes", path, bytes);
	if ((r = run_tool(fsck, imgfd, 1, path, err)) < 0) {
		/* e2fsck wrote nothing past the file system's old end. */
		(void)!ftruncate(imgfd, old);
		return r;
	}
	/* Once resize2fs has run, whatever its end, the file stays at the
	 * new size: cutting it back under a file system it may have grown
	 * in part would leave one that points past the end of its device. */
	if ((r = run_tool(resize, imgfd, 0, path, err)) < 0) {
		size_t used = strlen(err->msg);
		snprintf(err->msg + used, sizeof(err->msg) - used,
			 "; the image is left at %" PRIu64 " bytes: check it with e2fsck -f, "
			 "then resize2fs, before the next login", bytes);
		return r;
	}
	return 0;
}

/* A new image under a temporary name, renamed into place once it is
 * whole: a crash leaves no half-made file system under the real name. */
static int make_image(int dirfd, const char *name, const char *path, uid_t uid, gid_t gid,
		      uint64_t bytes, struct cs_err *err)
{
	char tmp[300];
	int fd, r;

	if (snprintf(tmp, sizeof(tmp), "%s.new", name) >= (int)sizeof(tmp))
		return cs_err_set(err, ENAMETOOLONG, "%s", path);
	if (unlinkat(dirfd, tmp, 0) < 0 && errno != ENOENT)
		return cs_err_set(err, errno, "remove %s.new", path);
	fd = openat(dirfd, tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return cs_err_set(err, errno, "create %s.new", path);
	/* Sparse: the host's disk is taken as the user writes, never more
	 * than bytes in all. */
	if (ftruncate(fd, (off_t)bytes) < 0) {
		r = cs_err_set(err, errno, "size %s.new to %" PRIu64 " bytes", path, bytes);
		goto fail;
	}
	if ((r = run_mke2fs(fd, path, uid, gid, err)) < 0)
		goto fail;
	if (fsync(fd) < 0) {
		r = cs_err_set(err, errno, "fsync %s.new", path);
		goto fail;
	}
	if (renameat2(dirfd, tmp, dirfd, name, RENAME_NOREPLACE) < 0) {
		r = cs_err_set(err, errno, "rename %s.new into place", path);
		goto fail;
	}
	(void)fsync(dirfd);
	return fd;
fail:
	close(fd);
	unlinkat(dirfd, tmp, 0);
	return r;
}

/*
 * A loop device that already has this image (dev, ino) behind it: a
 * mount of it outlived the last sandbox (a process of the user's kept a
 * file of it open, or the namespace pinned). Mounting the image through a
 * second loop device would make a second ext4 of the same blocks and
 * corrupt it; mounting this device again shares the live one. Returns an
 * open fd of it (which keeps it from clearing itself), or -ENOENT.
 */
static int find_loop(const struct stat *img, bool want_rw, bool *ro)
{
	DIR *d = opendir("/sys/block");
	struct dirent *de;
	int found = -ENOENT;

	if (!d)
		return -ENOENT;
	while (found < 0 && (de = readdir(d))) {
		char sub[300], dev[300];
		struct loop_info64 info;
		struct stat st;
		unsigned n;
		int fd;

		if (sscanf(de->d_name, "loop%u", &n) != 1)
			continue;
		/* loop/ is there only while a file is attached. */
		snprintf(sub, sizeof(sub), "%s/loop", de->d_name);
		if (fstatat(dirfd(d), sub, &st, 0) < 0)
			continue;
		snprintf(dev, sizeof(dev), "/dev/loop%u", n);
		/* Read-only, and closed at once unless it is ours: an open
		 * never writes, and cannot clear a device another process
		 * is setting up (it holds its own open until it mounts). */
		fd = open(dev, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (ioctl(fd, LOOP_GET_STATUS64, &info) == 0 && info.lo_inode == img->st_ino &&
		    info.lo_device == (uint64_t)img->st_dev &&
		    !(want_rw && (info.lo_flags & LO_FLAGS_READ_ONLY))) {
			*ro = info.lo_flags & LO_FLAGS_READ_ONLY;
			found = fd;
		} else {
			close(fd);
		}
	}
	closedir(d);
	return found;
}

/* A free loop device with imgfd behind it, clearing itself once nothing
 * has it open or mounted (LO_FLAGS_AUTOCLEAR): no loop device outlives
 * the mount; read-only when ro (a look: the image is left as it is).
 * Another process may take the same free device meanwhile (EBUSY): then
 * the next. Returns its fd; *idx its number. */
static int attach_loop(int imgfd, bool ro, unsigned *idx, struct cs_err *err)
{
	_cleanup_close_ int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	struct loop_config cfg = { .fd = (uint32_t)imgfd };

	if (ctl < 0)
		return cs_err_set(err, errno, "open /dev/loop-control (a persistent home needs "
				  "loop devices)");
	cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR | (ro ? LO_FLAGS_READ_ONLY : 0);
	for (int i = 0; i < LOOP_TRIES; i++) {
		char dev[32];
		int n = ioctl(ctl, LOOP_CTL_GET_FREE), fd;

		if (n < 0)
			return cs_err_set(err, errno, "get a free loop device");
		snprintf(dev, sizeof(dev), "/dev/loop%d", n);
		fd = open(dev, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return cs_err_set(err, errno, "open %s", dev);
		if (ioctl(fd, LOOP_CONFIGURE, &cfg) == 0) {
			*idx = (unsigned)n;
			return fd;
		}
		int e = errno;
		close(fd);
		if (e != EBUSY)
			return cs_err_set(err, e, "attach the home image to %s", dev);
	}
	return cs_err_set(err, EBUSY, "no free loop device after %d tries", LOOP_TRIES);
}

/* The kernel's own words on a failed mount (the fs context's log). */
static void fs_log(int fsfd, char *buf, size_t len)
{
	ssize_t n = read(fsfd, buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/*
 * ext4 on the loop device, as a detached mount: nosuid,nodev (the user
 * writes there), discard (a deleted file gives its blocks back to the
 * host's file system: the loop device punches them out of the image),
 * errors=remount-ro (a damaged image stops taking writes rather than
 * spreading the damage), noinit_itable (the image is sparse: its
 * unwritten inode tables read as zeros already). A journal left by a
 * crash is replayed by the mount itself; no fsck is run. sb_ro: a
 * read-only file system (on a read-only loop device), which writes
 * nothing at all, not even a journal's replay: an image that needs one
 * then does not mount.
 */
static int mount_image(unsigned idx, const char *path, unsigned attrs, bool sb_ro,
		       struct cs_err *err)
{
	_cleanup_close_ int fsfd = fsopen("ext4", FSOPEN_CLOEXEC);
	char dev[32], why[256] = "";
	int fd;

	if (fsfd < 0)
		return cs_err_set(err, errno, "fsopen ext4 (a persistent home needs ext4)");
	snprintf(dev, sizeof(dev), "/dev/loop%u", idx);
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "source", dev, 0) < 0 ||
	    fsconfig(fsfd, FSCONFIG_SET_FLAG, "discard", NULL, 0) < 0 ||
	    fsconfig(fsfd, FSCONFIG_SET_FLAG, "noinit_itable", NULL, 0) < 0 ||
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "errors", "remount-ro", 0) < 0 ||
	    (sb_ro && fsconfig(fsfd, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0) ||
	    fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		int e = errno;
		fs_log(fsfd, why, sizeof(why));
		return cs_err_set(err, e, "mount the home image %s (%s%s%s; check it with e2fsck)",
				  path, dev, *why ? ": " : "", why);
	}
	fd = fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | attrs);
	if (fd < 0)
		return cs_err_set(err, errno, "mount the home image %s", path);
	return fd;
}

int cs_home_unpin(int statefd, uid_t uid, struct cs_err *err)
{
	return cs_state_obj_remove(statefd, uid, CS_HOME_PIN, AT_REMOVEDIR, err);
}

/*
 * Keep the image's file system mounted after the sandbox ends: a second
 * mount of the loop device (the live ext4, so it costs no mount of its
 * own), read-only, noexec, nosuid, nodev, at STATE/<uid>.home in root's
 * mount namespace. While it is there the loop device stays attached,
 * find_loop finds it, and the next sandbox's mount is the live file
 * system again: no journal to set up, and no unmount at the sandbox's end,
 * which commits the journal and has the loop device flush its file to the
 * host's disk (most of what a persistent home added to a creating login).
 * What the user wrote is as durable as on any ext4: jbd2 commits it
 * within seconds. Safe to show in the host's mount table: it is below the
 * state directory (root's, 0700), nobody can write through it, and root
 * never looks into it. A pin of the same file system is kept as it is; a
 * bare directory, or a pin of an image since replaced, is replaced.
 */
static int pin(int statefd, uid_t uid, unsigned idx, int mntfd, const char *path,
	       struct cs_err *err)
{
	char name[32];
	struct stat ms, ps;
	int fd, r;

	snprintf(name, sizeof(name), "%u." CS_HOME_PIN, (unsigned)uid);
	if (fstat(mntfd, &ms) < 0)
		return cs_err_set(err, errno, "stat the home image's mount");
	if (fstatat(statefd, name, &ps, AT_SYMLINK_NOFOLLOW) == 0) {
		if (ps.st_dev == ms.st_dev)
			return 0;
		if ((r = cs_home_unpin(statefd, uid, err)) < 0)
			return r;
	}
	if ((fd = mount_image(idx, path, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOEXEC, false, err)) < 0)
		return fd;
	/* mntfd holds the loop device bound to the image, so this is the
	 * same file system; checked all the same before it is kept. */
	if (fstat(fd, &ps) < 0 || ps.st_dev != ms.st_dev) {
		close(fd);
		return cs_err_set(err, EIO, "the second mount of the home image %s is not the first's "
				  "file system", path);
	}
	if (mkdirat(statefd, name, 0700) < 0) {
		r = cs_err_set(err, errno, "create %s in the state directory", name);
		close(fd);
		return r;
	}
	r = move_mount(fd, "", statefd, name, MOVE_MOUNT_F_EMPTY_PATH);
	if (r < 0) {
		r = cs_err_set(err, errno, "mount the home image %s on %s in the state directory",
			       path, name);
		unlinkat(statefd, name, AT_REMOVEDIR);
	}
	close(fd);
	return r;
}

/*
 * The image's own lock, from before find_loop until the mount is made: a
 * login (under its user's registry lock) and `containsession diff` (under
 * none) each find no loop device and attach one, or a look attaches while
 * a login's e2fsck and resize2fs grow the file; either makes two file
 * systems of the same blocks. flock on a second open of the image, checked
 * to be the same file, because the loop device keeps a reference to the
 * first (imgfd) and with it any lock on it for as long as it is attached.
 * The wait is bounded like the registry's: a growth takes seconds.
 */
static int lock_image(int dirfd, const char *name, const struct stat *img, const char *path,
		      struct cs_err *err)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	int r;

	if (fd < 0 || fstat(fd, &st) < 0)
		return cs_err_set(err, errno, "open %s to lock it", path);
	if (st.st_dev != img->st_dev || st.st_ino != img->st_ino)
		return cs_err_set(err, EAGAIN, "%s was replaced while it was opened", path);
	r = cs_flock_within(fd, CS_IMAGE_LOCK_MS);
	if (r == -EBUSY)
		return cs_err_set(err, EBUSY, "lock the home image %s: still in use (a login "
				  "growing it, or `containsession diff`) after %d s", path,
				  CS_IMAGE_LOCK_MS / 1000);
	if (r < 0)
		return cs_err_set(err, -r, "lock the home image %s", path);
	r = fd;
	fd = -1;
	return r;
}

int cs_home_image_mount(const char *data_dir, int datafd, int statefd, const char *user,
			uid_t uid, gid_t gid, uint64_t bytes, char *note, size_t notelen,
			struct cs_err *err)
{
	_cleanup_close_ int dirfd = -1, imgfd = -1, lockfd = -1, loopfd = -1;
	char name[300], path[4200];
	struct stat st;
	unsigned idx = 0;
	bool ro = false;
	int mntfd, r;

	*note = '\0';
	if (!cs_safe_component(user) || !strcmp(user, CS_IMAGES_DIR))
		return cs_err_set(err, EINVAL, "user name '%s' cannot have a persistent home", user);
	if (snprintf(name, sizeof(name), "%s" CS_IMAGE_SUFFIX, user) >= (int)sizeof(name))
		return cs_err_set(err, ENAMETOOLONG, "home image name of %s", user);
	snprintf(path, sizeof(path), "%s/" CS_IMAGES_DIR "/%s", data_dir, name);
	if (bytes && bytes < CS_IMAGE_MIN_BYTES)
		return cs_err_set(err, EINVAL, "home.max (%" PRIu64 " bytes) is below the %llu MiB "
				  "a persistent home's image needs", bytes, CS_IMAGE_MIN_BYTES >> 20);
	if ((dirfd = open_images_dir(data_dir, datafd, err)) < 0)
		return dirfd;
	imgfd = openat(dirfd, name, (bytes ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC);
	if (imgfd < 0 && errno == ENOENT && !bytes)
		return -ENOENT;
	if (imgfd < 0 && errno == ENOENT)
		imgfd = make_image(dirfd, name, path, uid, gid, bytes, err);
	else if (imgfd < 0)
		return cs_err_set(err, errno, "open the home image %s", path);
	if (imgfd < 0)
		return imgfd;
	if (fstat(imgfd, &st) < 0)
		return cs_err_set(err, errno, "stat %s", path);
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 077) || st.st_nlink != 1)
		return cs_err_set(err, EPERM, "%s is not root's regular file of mode 0600", path);
	if ((lockfd = lock_image(dirfd, name, &st, path, err)) < 0)
		return lockfd;

	/* The pin holds the loop device, which find_loop would share at its
	 * old size: a growth lets it go first, to be done offline below. */
	if (statefd >= 0 && bytes > (uint64_t)st.st_size && (r = cs_home_unpin(statefd, uid, err)) < 0)
		return r;
	/* A login shares a live read-write device only: a look's read-only
	 * one is skipped, and its own device then makes a second ext4 of the
	 * same blocks, which is safe only because the look's writes nothing. */
	loopfd = find_loop(&st, bytes != 0, &ro);
	if (loopfd >= 0) {
		/* Still mounted from before: shared as it is (its size is
		 * the live file system's; a growth waits for a fresh mount). */
		struct loop_info64 info;
		if (ioctl(loopfd, LOOP_GET_STATUS64, &info) < 0)
			return cs_err_set(err, errno, "loop device of %s", path);
		idx = info.lo_number;
	} else {
		if (!bytes) {
			/* As it is (a look from the CLI), and left so. */
			ro = true;
		} else if ((uint64_t)st.st_size < bytes) {
			if ((r = grow_image(imgfd, st.st_size, bytes, path, err)) < 0)
				return r;
		} else if ((uint64_t)st.st_size > bytes) {
			/* Shrinking would need the file system offline and
			 * checked (e2fsck -f, resize2fs): left to the admin;
			 * the bound stays the image's size. */
			snprintf(note, notelen, "home image %s is %lld bytes, more than home.max "
				 "(%" PRIu64 "): kept at its size (shrink it offline with resize2fs)",
				 path, (long long)st.st_size, bytes);
		}
		if ((loopfd = attach_loop(imgfd, ro, &idx, err)) < 0)
			return loopfd;
	}
	mntfd = mount_image(idx, path, bytes ? 0 : MOUNT_ATTR_RDONLY, ro, err);
	/* From here the mount holds the loop device; closing ours (cleanup)
	 * leaves it to clear itself when the mount goes. */
	if (mntfd < 0)
		return mntfd;
	if (fstat(mntfd, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != uid) {
		r = cs_err_set(err, EPERM, "the root of the home image %s is not a directory of uid "
			       "%u (an image of an earlier user of that name?)", path, (unsigned)uid);
		close(mntfd);
		return r;
	}
	if (statefd >= 0 && bytes) {
		/* Only the next sandbox's cost depends on it: a pin that
		 * fails is said, and this login goes on. */
		struct cs_err perr;
		size_t used = strlen(note);

		if (pin(statefd, uid, idx, mntfd, path, &perr) < 0)
			snprintf(note + used, notelen - used, "%shome image %s not kept mounted for "
				 "the next sandbox: %s", used ? "; " : "", path, perr.msg);
	}
	return mntfd;
}
