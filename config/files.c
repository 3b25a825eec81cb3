/* SPDX-License-Identifier: MIT */
/*
 * Reading the policy from disk: the main file, then NAME.conf in the
 * drop-in directory in strcmp order (never the locale's collation, which
 * would make the order, and so which rule comes first, depend on LANG).
 *
 * The module reads these as root and they decide who is confined: a file a
 * user could write, or replace through a directory they could write, would
 * let them take themselves (or anyone) out of the sandbox. So as root every
 * file and the directory must be root's and not group/world-writable, and
 * symlinks are not followed. The checks are made on the opened descriptor
 * (fstat), so what is checked is what is read.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/internal.h"

#define MAX_FILE (16u << 20) /* no policy is this big; a runaway file might be */

static const char *errstr(int e, char *buf, size_t len)
{
	return strerror_r(e, buf, len);
}

static bool secure(const struct stat *st)
{
	return st->st_uid == 0 && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

/* A file or directory that cannot be used: what the load returns (the
 * first such errno), the message says the rest. */
static void file_failed(struct cs_build *b, int err)
{
	if (!b->errnum)
		b->errnum = err;
}

static void insecure(struct cs_build *b)
{
	file_failed(b, EPERM);
	cs_err(b, 0, "must be owned by root and not writable by group or others");
}

/* Why open failed; O_NOFOLLOW reports a symlink as ELOOP (or ENOTDIR
 * with O_DIRECTORY), which would read as a puzzle: say what it is. */
static void open_failed(struct cs_build *b, int err, int dirfd, const char *name)
{
	struct stat st;
	char e[128];

	if ((err == ELOOP || err == ENOTDIR) &&
	    fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
		file_failed(b, ELOOP);
		cs_err(b, 0, "is a symbolic link, which is not followed");
	} else {
		file_failed(b, err);
		cs_err(b, 0, "cannot open: %s", errstr(err, e, sizeof(e)));
	}
}

static int slurp(int fd, char **out, size_t *outlen)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap), *nb;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			if (cap >= MAX_FILE) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			if (!(nb = realloc(buf, cap))) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			return -e;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

/* Read one file, opened relative to dirfd, named path in messages. */
static void read_file(struct cs_build *b, int dirfd, const char *name, const char *path,
		      bool check_owner)
{
	char e[128], *text = NULL;
	struct stat st;
	size_t len = 0;
	int fd, r;

	if (cs_build_add_file(b, path) < 0)
		return;
	/* O_NONBLOCK: a FIFO put where the policy should be must not hang
	 * the login; it is refused below as not a regular file. */
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		open_failed(b, errno, dirfd, name);
		return;
	}
	if (fstat(fd, &st) < 0) {
		file_failed(b, errno);
		cs_err(b, 0, "cannot stat: %s", errstr(errno, e, sizeof(e)));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		file_failed(b, EINVAL);
		cs_err(b, 0, "not a regular file");
		goto out;
	}
	if (check_owner && !secure(&st)) {
		insecure(b);
		goto out;
	}
	if ((r = slurp(fd, &text, &len)) < 0) {
		file_failed(b, -r);
		if (r == -EFBIG)
			cs_err(b, 0, "larger than %u bytes", MAX_FILE);
		else
			cs_err(b, 0, "cannot read: %s", errstr(-r, e, sizeof(e)));
		goto out;
	}
	cs_parse_text(b, text, len);
	free(text);
out:
	close(fd);
}

static bool wanted(const char *name)
{
	size_t n = strlen(name);

	/* Hidden files are editors' and package managers' leftovers
	 * (.foo.conf.swp, .#foo.conf), never policy. */
	return name[0] != '.' && n > 5 && !strcmp(name + n - 5, ".conf");
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The *.conf names in dir, sorted; a negative errno on error. */
static int list_dir(DIR *dir, char ***out, size_t *nout)
{
	char **names = NULL, **nn;
	size_t n = 0, cap = 0;
	struct dirent *de;

	errno = 0;
	while ((de = readdir(dir))) {
		if (!wanted(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if (!(nn = realloc(names, cap * sizeof(*nn))))
				goto fail;
			names = nn;
		}
		if (!(names[n] = strdup(de->d_name)))
			goto fail;
		n++;
		errno = 0;
	}
	if (errno)
		goto fail;
	if (n)
		qsort(names, n, sizeof(*names), cmp_name);
	*out = names;
	*nout = n;
	return 0;
fail: {
		int e = errno ? errno : ENOMEM;
		free_names(names, n);
		return -e;
	}
}

static void read_dir(struct cs_build *b, const char *confdir, bool check_owner)
{
	size_t dlen = strlen(confdir), n = 0;
	bool slash = dlen && confdir[dlen - 1] == '/';
	char e[128], **names = NULL;
	struct stat st;
	DIR *dir;
	int fd, r;

	fd = open(confdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT)
		return; /* no drop-ins: fine */
	if (fd < 0) {
		int err = errno;
		if (cs_build_add_file(b, confdir) == 0)
			open_failed(b, err, AT_FDCWD, confdir);
		return;
	}
	if (fstat(fd, &st) < 0) {
		int err = errno;
		file_failed(b, err);
		if (cs_build_add_file(b, confdir) == 0)
			cs_err(b, 0, "cannot stat: %s", errstr(err, e, sizeof(e)));
		close(fd);
		return;
	}
	/* Whoever can write the directory can swap in files of their own. */
	if (check_owner && !secure(&st)) {
		if (cs_build_add_file(b, confdir) == 0)
			insecure(b);
		close(fd);
		return;
	}
	if (!(dir = fdopendir(fd))) {
		int err = errno;
		file_failed(b, err);
		close(fd);
		if (cs_build_add_file(b, confdir) == 0)
			cs_err(b, 0, "cannot open: %s", errstr(err, e, sizeof(e)));
		return;
	}
	if ((r = list_dir(dir, &names, &n)) < 0) {
		int err = -r;
		file_failed(b, err);
		if (cs_build_add_file(b, confdir) == 0)
			cs_err(b, 0, "cannot read: %s", errstr(err, e, sizeof(e)));
		closedir(dir);
		return;
	}
	for (size_t i = 0; i < n && !b->stop; i++) {
		char *path;

		if (asprintf(&path, "%s%s%s", confdir, slash ? "" : "/", names[i]) < 0) {
			b->oom = b->stop = true;
			break;
		}
		if (fstatat(dirfd(dir), names[i], &st, AT_SYMLINK_NOFOLLOW) == 0) {
			if (S_ISLNK(st.st_mode)) {
				/* Not silently skipped: a drop-in the admin
				 * thinks is in force must not quietly be
				 * out of it. */
				file_failed(b, ELOOP);
				if (cs_build_add_file(b, path) == 0)
					cs_err(b, 0, "is a symbolic link, which is not followed");
			} else if (S_ISREG(st.st_mode)) {
				read_file(b, dirfd(dir), names[i], path, check_owner);
			}
			/* Directories and the like named *.conf: not policy. */
		} else if (errno != ENOENT) {
			int err = errno;
			file_failed(b, err);
			if (cs_build_add_file(b, path) == 0)
				cs_err(b, 0, "cannot stat: %s", errstr(err, e, sizeof(e)));
		}
		free(path);
	}
	free_names(names, n);
	closedir(dir);
}

int cs_policy_load_flags(const char *conf, const char *confdir, unsigned flags,
			 struct cs_policy **out, struct cs_diag *diag)
{
	struct cs_build b;
	bool check_owner;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!conf)
		conf = CS_DEFAULT_CONF;
	if (flags & CS_LOAD_OWNER_SKIP)
		check_owner = false;
	else
		check_owner = (flags & CS_LOAD_OWNER_CHECK) || geteuid() == 0;
	if (cs_build_init(&b) < 0) {
		if (diag) {
			struct cs_build tmp = { 0 };
			tmp.oom = true;
			cs_diag_flush(&tmp, diag);
		}
		return -ENOMEM;
	}
	read_file(&b, AT_FDCWD, conf, conf, check_owner);
	if (confdir && !b.stop)
		read_dir(&b, confdir, check_owner);
	return cs_build_finish(&b, out, diag);
}

int cs_policy_load(const char *conf, const char *confdir, struct cs_policy **out,
		   struct cs_diag *diag)
{
	return cs_policy_load_flags(conf, confdir, CS_LOAD_OWNER_AUTO, out, diag);
}
