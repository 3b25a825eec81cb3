/* SPDX-License-Identifier: MIT */
#include "lib/root/registry.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "lib/proc.h"

#define REG_MAX_SIZE (1 << 20)

/*
 * flock(LOCK_EX) with a bound. A holder can be held up by the user (its
 * helper child stopped with SIGSTOP) or be stuck, and whoever waits here
 * (another login, root's `list` or `stop`) must not wait with it for
 * ever. The backoff stays short: a lock is normally held for milliseconds.
 */
static int lock_within(int fd, int timeout_ms)
{
	struct timespec t0, now;
	long sleep_ms = 1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = timeout_ms - ((now.tv_sec - t0.tv_sec) * 1000 +
					  (now.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			return -EBUSY;
		if (sleep_ms > left)
			sleep_ms = left;
		nanosleep(&(struct timespec){ sleep_ms / 1000, (sleep_ms % 1000) * 1000000 }, NULL);
		if (sleep_ms < 32)
			sleep_ms *= 2;
	}
}

static int reg_lock(int statefd, uid_t uid, bool create, int timeout_ms, struct cs_reg *reg,
		    struct cs_err *err)
{
	char name[32];

	snprintf(name, sizeof(name), "%u", (unsigned)uid);
	for (int attempt = 0; attempt < 100; attempt++) {
		struct stat fst, pst;
		int flags = O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0);
		int fd = openat(statefd, name, flags, 0600);

		if (fd < 0)
			return errno == ENOENT && !create ? -ENOENT :
			       cs_err_set(err, errno, "open registry entry %s", name);
		int lr = lock_within(fd, timeout_ms);
		if (lr < 0) {
			int r = lr == -EBUSY ?
				cs_err_set(err, EBUSY, "registry entry %s: its lock was not free within %d s "
					   "(a login or stop of that user is under way or stuck)",
					   name, timeout_ms / 1000) :
				cs_err_set(err, -lr, "lock registry entry %s", name);
			close(fd);
			return r;
		}
		/* The previous holder may have unlinked the entry (teardown)
		 * while we waited: then our lock is on a dead inode. Only a
		 * lock on the file the name points to now counts. */
		if (fstat(fd, &fst) == 0 && fstatat(statefd, name, &pst, AT_SYMLINK_NOFOLLOW) == 0 &&
		    fst.st_ino == pst.st_ino && fst.st_dev == pst.st_dev && fst.st_nlink > 0) {
			if (!S_ISREG(fst.st_mode) || fst.st_uid != 0) {
				close(fd);
				return cs_err_set(err, EPERM, "registry entry %s is not a root-owned file", name);
			}
			reg->fd = fd;
			reg->statefd = statefd;
			reg->uid = uid;
			return 0;
		}
		close(fd);
		if (!create && fstatat(statefd, name, &pst, AT_SYMLINK_NOFOLLOW) < 0)
			return -ENOENT;
	}
	return cs_err_set(err, EAGAIN, "registry entry %s keeps changing", name);
}

int cs_reg_lock(int statefd, uid_t uid, struct cs_reg *reg, struct cs_err *err)
{
	return reg_lock(statefd, uid, true, CS_REG_WAIT_MS, reg, err);
}

int cs_reg_lock_existing(int statefd, uid_t uid, struct cs_reg *reg,
			 struct cs_err *err)
{
	return reg_lock(statefd, uid, false, CS_REG_WAIT_MS, reg, err);
}

int cs_reg_lock_existing_within(int statefd, uid_t uid, int timeout_ms, struct cs_reg *reg,
				struct cs_err *err)
{
	return reg_lock(statefd, uid, false, timeout_ms, reg, err);
}

void cs_reg_unlock(struct cs_reg *reg)
{
	if (reg->fd >= 0)
		close(reg->fd); /* releases the flock */
	reg->fd = -1;
}

void cs_reg_entry_free(struct cs_reg_entry *e)
{
	for (size_t i = 0; i < e->ncgroups; i++)
		free(e->cgroups[i]);
	free(e->holders);
	memset(e, 0, sizeof(*e));
}

int cs_reg_add_holder(struct cs_reg_entry *e, pid_t pid, unsigned long long start)
{
	struct cs_holder *h = realloc(e->holders, (e->nholders + 1) * sizeof(*h));
	if (!h)
		return -ENOMEM;
	h[e->nholders++] = (struct cs_holder){ pid, start };
	e->holders = h;
	return 0;
}

bool cs_reg_del_holder(struct cs_reg_entry *e, pid_t pid, unsigned long long start)
{
	for (size_t i = 0; i < e->nholders; i++) {
		if (e->holders[i].pid == pid && e->holders[i].start == start) {
			e->holders[i] = e->holders[--e->nholders];
			return true;
		}
	}
	return false;
}

size_t cs_reg_prune(struct cs_reg_entry *e)
{
	size_t j = 0;
	for (size_t i = 0; i < e->nholders; i++)
		if (cs_proc_alive(e->holders[i].pid, e->holders[i].start))
			e->holders[j++] = e->holders[i];
	e->nholders = j;
	return j;
}

/* A field value the one-line-per-key format (and the CLI's output) can
 * carry: names come from NSS, which a hostile source may fill with a
 * newline ("alice\nuid=0") or terminal escapes. */
static bool field_ok(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static int copy_field(char *dst, size_t len, const char *v)
{
	if (strlen(v) >= len || !field_ok(v))
		return -EINVAL;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

static int parse_ull(const char *v, unsigned long long *out)
{
	char *end;
	errno = 0;
	if (*v < '0' || *v > '9')
		return -EINVAL;
	*out = strtoull(v, &end, 10);
	return errno || *end ? -EINVAL : 0;
}

/* One line: key=value. Unknown keys are errors: the registry is ours. */
static int parse_line(char *line, struct cs_reg_entry *e)
{
	char *v = strchr(line, '=');
	unsigned long long n, m;

	if (!v)
		return -EINVAL;
	*v++ = '\0';
	if (!strcmp(line, "version"))
		return strcmp(v, "1") ? -EINVAL : 0;
	if (!strcmp(line, "user"))
		return copy_field(e->user, sizeof(e->user), v);
	if (!strcmp(line, "profile"))
		return copy_field(e->profile, sizeof(e->profile), v);
	if (!strcmp(line, "home"))
		return copy_field(e->home, sizeof(e->home), v);
	if (!strcmp(line, "lifetime")) {
		/* logout | processes | seconds of grace. An entry without the
		 * line was made before lifetimes existed: logout. */
		if (!strcmp(v, "logout") || !strcmp(v, "processes")) {
			e->lifetime = v[0] == 'l' ? CS_LIFE_LOGOUT : CS_LIFE_PROCESSES;
			return 0;
		}
		if (parse_ull(v, &n) < 0 || n < 1 || n > CS_LIFETIME_MAX_S)
			return -EINVAL;
		e->lifetime = CS_LIFE_GRACE;
		e->lifetime_s = (uint32_t)n;
		return 0;
	}
	if (!strcmp(line, "cgroup")) {
		if (e->ncgroups >= CS_REG_MAX_CGROUPS || v[0] != '/' || !field_ok(v))
			return -EINVAL;
		return (e->cgroups[e->ncgroups++] = strdup(v)) ? 0 : -ENOMEM;
	}
	if (!strcmp(line, "holder")) {
		char *sp = strchr(v, ' ');
		if (!sp)
			return -EINVAL;
		*sp++ = '\0';
		if (parse_ull(v, &n) < 0 || parse_ull(sp, &m) < 0 || n > INT32_MAX)
			return -EINVAL;
		return cs_reg_add_holder(e, (pid_t)n, m);
	}
	if (parse_ull(v, &n) < 0)
		return -EINVAL;
	if (!strcmp(line, "uid"))
		e->uid = (uid_t)n;
	else if (!strcmp(line, "gid"))
		e->gid = (gid_t)n;
	else if (!strcmp(line, "net_none"))
		e->net_none = n != 0;
	else if (!strcmp(line, "init_pid") && n <= INT32_MAX)
		e->init_pid = (pid_t)n;
	else if (!strcmp(line, "init_start"))
		e->init_start = n;
	else if (!strcmp(line, "created"))
		e->created = (long long)n;
	else if (!strcmp(line, "idle_since"))
		e->idle_since = (long long)n;
	else
		return -EINVAL;
	return 0;
}

int cs_reg_parse(const char *text, struct cs_reg_entry *e)
{
	char *copy = strdup(text), *save = NULL;
	int r = 0;

	memset(e, 0, sizeof(*e));
	if (!copy)
		return -ENOMEM;
	for (char *line = strtok_r(copy, "\n", &save); line && r == 0;
	     line = strtok_r(NULL, "\n", &save))
		r = parse_line(line, e);
	free(copy);
	if (r == 0 && (!e->user[0] || e->init_pid <= 1))
		r = -EINVAL;
	if (r < 0)
		cs_reg_entry_free(e);
	else
		e->present = true;
	return r;
}

char *cs_reg_format(const struct cs_reg_entry *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	/* Refused, not escaped: a name with a control character never
	 * becomes a sandbox (lib/root/user.c refuses it before). */
	if (!field_ok(e->user) || !field_ok(e->profile) || !field_ok(e->home))
		return NULL;
	for (size_t i = 0; i < e->ncgroups; i++)
		if (!field_ok(e->cgroups[i]))
			return NULL;
	if (!(f = open_memstream(&buf, &len)))
		return NULL;
	fprintf(f, "version=1\nuser=%s\nuid=%u\ngid=%u\nprofile=%s\nhome=%s\n"
		   "net_none=%d\ninit_pid=%d\ninit_start=%llu\ncreated=%lld\n",
		e->user, (unsigned)e->uid, (unsigned)e->gid, e->profile, e->home,
		e->net_none ? 1 : 0, (int)e->init_pid, e->init_start, e->created);
	if (e->lifetime == CS_LIFE_GRACE)
		fprintf(f, "lifetime=%u\n", (unsigned)e->lifetime_s);
	else
		fprintf(f, "lifetime=%s\n", e->lifetime == CS_LIFE_PROCESSES ? "processes" : "logout");
	fprintf(f, "idle_since=%lld\n", e->idle_since);
	for (size_t i = 0; i < e->ncgroups; i++)
		fprintf(f, "cgroup=%s\n", e->cgroups[i]);
	for (size_t i = 0; i < e->nholders; i++)
		fprintf(f, "holder=%d %llu\n", (int)e->holders[i].pid, e->holders[i].start);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int cs_reg_read(struct cs_reg *reg, struct cs_reg_entry *e, struct cs_err *err)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t off = 0;
	int r;

	memset(e, 0, sizeof(*e));
	if (fstat(reg->fd, &st) < 0)
		return cs_err_set(err, errno, "stat registry entry %u", (unsigned)reg->uid);
	if (st.st_size == 0)
		return 0; /* freshly created: no sandbox */
	if (st.st_size > REG_MAX_SIZE)
		return cs_err_set(err, EFBIG, "registry entry %u", (unsigned)reg->uid);
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return cs_err_set(err, ENOMEM, "registry entry %u", (unsigned)reg->uid);
	while (off < (size_t)st.st_size) {
		n = pread(reg->fd, buf + off, (size_t)st.st_size - off, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	buf[off] = '\0';
	r = cs_reg_parse(buf, e);
	free(buf);
	if (r < 0)
		return cs_err_set(err, -r, "registry entry %u is corrupt", (unsigned)reg->uid);
	if (e->uid != reg->uid) {
		cs_reg_entry_free(e);
		return cs_err_set(err, EINVAL, "registry entry %u names uid %u",
				  (unsigned)reg->uid, (unsigned)e->uid);
	}
	return 0;
}

int cs_reg_write(struct cs_reg *reg, const struct cs_reg_entry *e,
		 struct cs_err *err)
{
	char *text = cs_reg_format(e);
	size_t len;
	int r;

	if (!text)
		return cs_err_set(err, EINVAL, "format registry entry %u (out of memory, or a "
				  "control character in a name)", (unsigned)reg->uid);
	len = strlen(text);
	/* Truncate first, then one write: readers hold the same lock, so
	 * nobody sees the file between the two. */
	if (ftruncate(reg->fd, 0) < 0) {
		r = cs_err_set(err, errno, "truncate registry entry %u", (unsigned)reg->uid);
	} else if (lseek(reg->fd, 0, SEEK_SET) < 0) {
		r = cs_err_set(err, errno, "seek registry entry %u", (unsigned)reg->uid);
	} else if ((r = cs_write_all(reg->fd, text, len)) < 0) {
		r = cs_err_set(err, -r, "write registry entry %u", (unsigned)reg->uid);
	}
	free(text);
	return r;
}

int cs_reg_remove(struct cs_reg *reg, struct cs_err *err)
{
	char name[32];
	int r = 0;

	snprintf(name, sizeof(name), "%u", (unsigned)reg->uid);
	/* Unlinked while still locked, so a waiter that gets the lock next
	 * sees its inode is gone and starts over on a fresh file. */
	if (unlinkat(reg->statefd, name, 0) < 0 && errno != ENOENT)
		r = cs_err_set(err, errno, "remove registry entry %s", name);
	cs_reg_unlock(reg);
	return r;
}

int cs_reg_list(int statefd, uid_t **uids, size_t *n, struct cs_err *err)
{
	int fd = openat(statefd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *de;

	*uids = NULL;
	*n = 0;
	if (fd < 0 || !(d = fdopendir(fd))) {
		int r = cs_err_set(err, errno, "open state dir");
		if (fd >= 0)
			close(fd);
		return r;
	}
	while ((de = readdir(d))) {
		unsigned long long v;
		if (parse_ull(de->d_name, &v) < 0 || v > UINT32_MAX)
			continue;
		uid_t *u = realloc(*uids, (*n + 1) * sizeof(**uids));
		if (!u) {
			closedir(d);
			return cs_err_set(err, ENOMEM, "list state dir");
		}
		*uids = u;
		u[(*n)++] = (uid_t)v;
	}
	closedir(d);
	return 0;
}
