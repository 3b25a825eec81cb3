/* SPDX-License-Identifier: MIT */
#include "lib/fsutil.h"
#include "lib/proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

bool cs_safe_component(const char *name)
{
	if (!name || !*name || strlen(name) > 255)
		return false;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	return strchr(name, '/') == NULL;
}

static int check_component(const struct stat *st, const char *path,
			   bool leaf, mode_t mode, struct cs_err *err)
{
	if (!S_ISDIR(st->st_mode))
		return cs_err_set(err, ENOTDIR, "%s", path);
	/* Root-owned all the way down: otherwise its owner could swap what
	 * we are about to open below it. */
	if (st->st_uid != 0)
		return cs_err_set(err, EPERM, "%s: not owned by root", path);
	if (leaf) {
		if ((st->st_mode & 022) || (st->st_mode & 07777 & ~(mode | 01000)))
			return cs_err_set(err, EPERM,
					  "%s: mode %04o is too open (want %04o)",
					  path, st->st_mode & 07777, mode);
	} else if ((st->st_mode & 022) && !(st->st_mode & S_ISVTX)) {
		return cs_err_set(err, EPERM,
				  "%s: writable by others and not sticky", path);
	}
	return 0;
}

int cs_open_root_dir(const char *path, bool create, mode_t mode,
		     struct cs_err *err)
{
	char buf[4096];
	struct stat st;
	int fd, r;

	if (!path || path[0] != '/' || strlen(path) >= sizeof(buf))
		return cs_err_set(err, EINVAL, "invalid directory path '%s'",
				  path ? path : "");
	memcpy(buf, path, strlen(path) + 1);

	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cs_err_set(err, errno, "open /");
	if (fstat(fd, &st) < 0) {
		r = cs_err_set(err, errno, "stat /");
		close(fd);
		return r;
	}
	if ((r = check_component(&st, "/", false, 0, err)) < 0) {
		close(fd);
		return r;
	}

	char *save = NULL;
	char *comp = strtok_r(buf + 1, "/", &save);
	while (comp) {
		char *next = strtok_r(NULL, "/", &save);
		bool leaf = next == NULL;
		int nfd;

		if (!strcmp(comp, "..") || !strcmp(comp, ".")) {
			close(fd);
			return cs_err_set(err, EINVAL, "%s: '.' or '..' in path", path);
		}
		nfd = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0 && errno == ENOENT && create) {
			/* Created root-owned with the final mode: umask is
			 * the caller's (sshd: 022), so set it explicitly. */
			if (mkdirat(fd, comp, leaf ? mode : 0755) < 0 && errno != EEXIST) {
				r = cs_err_set(err, errno, "mkdir %s", path);
				close(fd);
				return r;
			}
			nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (nfd >= 0 && fchmod(nfd, leaf ? mode : 0755) < 0) {
				r = cs_err_set(err, errno, "chmod %s", path);
				close(nfd);
				close(fd);
				return r;
			}
		}
		if (nfd < 0) {
			r = cs_err_set(err, errno == ELOOP ? ENOTDIR : errno,
				       "open %s (component '%s'%s)", path, comp,
				       errno == ELOOP || errno == ENOTDIR ?
				       ", symlinks are not followed" : "");
			close(fd);
			return r;
		}
		close(fd);
		fd = nfd;
		if (fstat(fd, &st) < 0) {
			r = cs_err_set(err, errno, "stat %s", path);
			close(fd);
			return r;
		}
		if ((r = check_component(&st, leaf ? path : comp, leaf, mode, err)) < 0) {
			close(fd);
			return r;
		}
		comp = next;
	}
	return fd;
}

/* 1 if the directory fd names has no entry but . and .., 0 if it has one,
 * or -errno. Reads through its own fd, so fd's offset is left alone. */
static int dir_is_empty(int fd)
{
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *d;
	int r = 1;

	if (dfd < 0 || !(d = fdopendir(dfd))) {
		r = -errno;
		if (dfd >= 0)
			close(dfd);
		return r;
	}
	errno = 0;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			r = 0;
			break;
		}
	}
	if (r == 1 && errno)
		r = -errno;
	closedir(d);
	return r;
}

int cs_open_user_dir(int datafd, const char *user, uid_t uid, gid_t gid,
		     struct cs_err *err)
{
	struct stat st;
	bool made = true;
	int fd, r;

	if (!cs_safe_component(user))
		return cs_err_set(err, EINVAL, "unsafe user name '%s'", user);
	/* Entries of DATA that begin with a dot are root's own (.images holds
	 * every user's home image): a user so named, possible through NSS or
	 * useradd --badname, would otherwise be handed one of them below. */
	if (user[0] == '.')
		return cs_err_set(err, EINVAL,
				  "user name '%s' begins with a dot: such names in the data directory are containsession's own",
				  user);
	if (mkdirat(datafd, user, 0700) < 0) {
		if (errno != EEXIST)
			return cs_err_set(err, errno, "mkdir data dir for %s", user);
		made = false;
	}
	/* O_NOFOLLOW: if the user replaced the entry by a symlink (they
	 * cannot, DATA is root-owned, but a stale one from an older layout
	 * might exist), refuse rather than chown through it. */
	fd = openat(datafd, user, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return cs_err_set(err, errno, "open data dir for %s", user);
	if (fstat(fd, &st) < 0) {
		r = cs_err_set(err, errno, "stat data dir for %s", user);
		goto fail;
	}
	if (st.st_uid == 0 && st.st_gid == 0) {
		/* Ours, just made, or left by a crash before the chown, and then
		 * empty. A root directory with something in it is someone else's
		 * (an admin's, lost+found): never given away. */
		if (!made && (r = dir_is_empty(fd)) <= 0) {
			r = r < 0 ? cs_err_set(err, -r, "read data dir for %s", user)
				  : cs_err_set(err, EEXIST,
					       "data dir for %s is root's and not empty: not taking it over",
					       user);
			goto fail;
		}
		if (fchown(fd, uid, gid) < 0 || fchmod(fd, 0700) < 0) {
			r = cs_err_set(err, errno, "chown data dir for %s", user);
			goto fail;
		}
	} else if (st.st_uid != uid) {
		r = cs_err_set(err, EPERM, "data dir for %s is owned by uid %u",
			       user, (unsigned)st.st_uid);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return r;
}

ssize_t cs_read_small(int dirfd, const char *path, char *buf, size_t len)
{
	size_t off = 0;
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return -errno;
	while (off + 1 < len) {
		ssize_t n = read(fd, buf + off, len - 1 - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	buf[off] = '\0';
	close(fd);
	return (ssize_t)off;
}

int cs_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int cs_relay_copy(int from, int to)
{
	char buf[16384];
	ssize_t n = read(from, buf, sizeof(buf));
	int r;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n <= 0)
		return 0;
	r = cs_write_all(to, buf, (size_t)n);
	return r < 0 ? r : 1;
}

int cs_write_str(int dirfd, const char *path, const char *s)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	int r;

	if (fd < 0)
		return -errno;
	/* cgroupfs and procfs take a value in a single write. */
	r = write(fd, s, strlen(s)) < 0 ? -errno : 0;
	close(fd);
	return r;
}

int cs_flock_within(int fd, int timeout_ms)
{
	struct timespec t0;
	long sleep_ms = 1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		long left = cs_ms_left(&t0, timeout_ms);
		if (left <= 0)
			return -EBUSY;
		if (sleep_ms > left)
			sleep_ms = left;
		nanosleep(&(struct timespec){ sleep_ms / 1000, (sleep_ms % 1000) * 1000000 }, NULL);
		if (sleep_ms < 32)
			sleep_ms *= 2;
	}
}
