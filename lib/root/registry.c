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
#include "lib/kv.h"
#include "lib/proc.h"

#define REG_MAX_SIZE CS_KV_MAX_TEXT

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
		int lr = cs_flock_within(fd, timeout_ms);
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
	cs_record_free(&e->rec);
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

static int parse_ull(const char *v, unsigned long long *out)
{
	char *end;
	errno = 0;
	if (*v < '0' || *v > '9')
		return -EINVAL;
	*out = strtoull(v, &end, 10);
	return errno || *end ? -EINVAL : 0;
}

/* One holder: "PID START". */
static int take_holder(struct cs_kv *kv, const char *v, struct cs_reg_entry *e)
{
	unsigned long long n, m;
	const char *sp = strchr(v, ' ');
	char pid[16];

	if (!sp || (size_t)(sp - v) >= sizeof(pid))
		return cs_kv_fail(kv, "holder=%s is not PID START", v);
	memcpy(pid, v, (size_t)(sp - v));
	pid[sp - v] = '\0';
	if (parse_ull(pid, &n) < 0 || parse_ull(sp + 1, &m) < 0 || n < 1 || n > INT32_MAX)
		return cs_kv_fail(kv, "holder=%s is not PID START", v);
	return cs_reg_add_holder(e, (pid_t)n, m);
}

/* Whose sandbox and which init: the same keys and bounds in every version
 * of the entry (teardown needs them from an older one too). */
static int take_identity(struct cs_kv *kv, struct cs_reg_entry *e)
{
	const char *user;
	uint64_t v;
	int r;

	if (!(user = cs_kv_get(kv, "user")) || !*user || strlen(user) >= sizeof(e->user))
		return cs_kv_fail(kv, "user is missing, empty or too long");
	strcpy(e->user, user);
	if ((r = cs_kv_get_u64(kv, "uid", UINT32_MAX - 1, &v)) < 0)
		return r == -ENOENT ? cs_kv_fail(kv, "no uid") : r;
	e->uid = (uid_t)v;
	if ((r = cs_kv_get_u64(kv, "gid", UINT32_MAX - 1, &v)) < 0)
		return r == -ENOENT ? cs_kv_fail(kv, "no gid") : r;
	e->gid = (gid_t)v;
	/* Root SIGKILLs this pid at teardown (through a pidfd checked
	 * against the start time): never 0, 1 or a negative number. */
	if ((r = cs_kv_get_u64(kv, "init_pid", INT32_MAX, &v)) < 0 || v <= 1)
		return r == -ENOENT ? cs_kv_fail(kv, "no init_pid") : cs_kv_fail(kv, "bad init_pid");
	e->init_pid = (pid_t)v;
	if ((r = cs_kv_get_u64(kv, "init_start", UINT64_MAX, &v)) < 0)
		return r == -ENOENT ? cs_kv_fail(kv, "no init_start") : r;
	e->init_start = v;
	return 0;
}

/* Strict (lib/kv.h): every key the entry has and nothing else, the record
 * among them (lib/root/record.c); any fault refuses the entry. */
static int parse_kv(struct cs_kv *kv, struct cs_reg_entry *e)
{
	const char *h;
	uint64_t v;
	size_t it = 0;
	int r;

	if ((r = cs_record_take(kv, &e->rec)) < 0)
		return r;
	if ((r = take_identity(kv, e)) < 0)
		return r;
	if ((r = cs_kv_get_u64(kv, "created", INT64_MAX, &v)) < 0)
		return r == -ENOENT ? cs_kv_fail(kv, "no created") : r;
	e->created = (long long)v;
	if ((r = cs_kv_get_u64(kv, "idle_since", INT64_MAX, &v)) < 0)
		return r == -ENOENT ? cs_kv_fail(kv, "no idle_since") : r;
	e->idle_since = (long long)v;
	while ((h = cs_kv_next(kv, "holder", &it)))
		if ((r = take_holder(kv, h, e)) < 0)
			return r;
	return cs_kv_done(kv);
}

int cs_reg_parse(const char *text, size_t len, struct cs_reg_entry *e, char *why, size_t whylen)
{
	static const char *const repeat[] = { "holder", CS_RECORD_REPEAT, NULL };
	struct cs_kv kv;
	int r;

	memset(e, 0, sizeof(*e));
	r = cs_kv_parse(text, len, repeat, &kv);
	if (r == 0)
		r = parse_kv(&kv, e);
	if (r < 0) {
		if (why)
			snprintf(why, whylen, "%s", kv.err[0] ? kv.err : strerror(-r));
		cs_reg_entry_free(e);
	} else {
		e->present = true;
		e->version = CS_RECORD_VERSION;
	}
	cs_kv_free(&kv);
	return r;
}

/*
 * Version 1, the entry of the release before the record: what ends its
 * sandbox is read, strictly, and nothing else is interpreted. Every key
 * that release wrote must be there once (cgroup and holder any number of
 * times) and no other: a text that is not such an entry is refused as any
 * unreadable one, so root never signals a pid or removes a directory from
 * a file it half understands.
 */
static int parse_v1(struct cs_kv *kv, struct cs_reg_entry *e)
{
	static const char *const unread[] = { "profile", "home", "net_none", "created",
					      "lifetime", "idle_since" };
	const char *v;
	size_t it = 0;
	int r;

	if (!(v = cs_kv_get(kv, "version")) || strcmp(v, "1"))
		return cs_kv_fail(kv, "not version 1");
	for (size_t i = 0; i < sizeof(unread) / sizeof(unread[0]); i++)
		if (!cs_kv_get(kv, unread[i]))
			return cs_kv_fail(kv, "no %s", unread[i]);
	if ((r = take_identity(kv, e)) < 0)
		return r;
	/* The cgroup directories root removes: absolute, at most as many as
	 * that release made. Which backend made them is not written in a
	 * version-1 entry; teardown.c derives it as that release did. */
	while ((v = cs_kv_next(kv, "cgroup", &it))) {
		if (e->rec.ncgroups >= CS_RECORD_MAX_CGROUPS || v[0] != '/')
			return cs_kv_fail(kv, "cgroup=%s is not an absolute path, or one too many", v);
		if (!(e->rec.cgroups[e->rec.ncgroups] = strdup(v)))
			return -ENOMEM;
		e->rec.ncgroups++;
	}
	it = 0;
	while ((v = cs_kv_next(kv, "holder", &it)))
		if ((r = take_holder(kv, v, e)) < 0)
			return r;
	return cs_kv_done(kv);
}

int cs_reg_parse_v1(const char *text, size_t len, struct cs_reg_entry *e, char *why, size_t whylen)
{
	static const char *const repeat[] = { "cgroup", "holder", NULL };
	struct cs_kv kv;
	int r;

	memset(e, 0, sizeof(*e));
	r = cs_kv_parse(text, len, repeat, &kv);
	if (r == 0)
		r = parse_v1(&kv, e);
	if (r < 0) {
		if (why)
			snprintf(why, whylen, "%s", kv.err[0] ? kv.err : strerror(-r));
		cs_reg_entry_free(e);
	} else {
		e->present = true;
		e->version = 1;
	}
	cs_kv_free(&kv);
	return r;
}

char *cs_reg_format(const struct cs_reg_entry *e)
{
	struct cs_kvw w = { 0 };

	/* An old entry is only ever ended, never rewritten: its record is
	 * not there to write. */
	if (e->version == 1)
		return NULL;
	/* The writer refuses, never escapes, a control character: a name with
	 * one never becomes a sandbox (lib/root/user.c refuses it before). */
	cs_record_put(&w, &e->rec);
	cs_kvw_str(&w, "user", e->user);
	cs_kvw_u64(&w, "uid", e->uid);
	cs_kvw_u64(&w, "gid", e->gid);
	cs_kvw_u64(&w, "init_pid", e->init_pid > 0 ? (uint64_t)e->init_pid : 0);
	cs_kvw_u64(&w, "init_start", e->init_start);
	cs_kvw_u64(&w, "created", e->created > 0 ? (uint64_t)e->created : 0);
	cs_kvw_u64(&w, "idle_since", e->idle_since > 0 ? (uint64_t)e->idle_since : 0);
	for (size_t i = 0; i < e->nholders; i++) {
		char h[48];

		snprintf(h, sizeof(h), "%d %llu", (int)e->holders[i].pid, e->holders[i].start);
		cs_kvw_str(&w, "holder", h);
	}
	return cs_kvw_end(&w, NULL);
}

/* The state directory's path, for a message only (root's fd). */
static const char *state_path(int statefd, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", statefd);
	n = readlink(link, buf, len - 1);
	if (n <= 0)
		return "STATE";
	buf[n] = '\0';
	return buf;
}

static int reg_read(struct cs_reg *reg, struct cs_reg_entry *e, bool old_ok, struct cs_err *err)
{
	char why[320], dir[256];
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
	r = cs_reg_parse(buf, off, e, why, sizeof(why));
	if (r < 0 && cs_reg_parse_v1(buf, off, e, NULL, 0) == 0) {
		if (!old_ok) {
			/* Never joined: it was not built with a record. It
			 * can only be ended, and the admin is told how. */
			r = cs_err_set(err, 0, "registry entry %s/%u: the sandbox of %s was started "
				       "by an older containsession (entry version 1) and cannot be "
				       "joined; end it with `containsession stop %s`",
				       state_path(reg->statefd, dir, sizeof(dir)), (unsigned)reg->uid,
				       e->user, e->user);
			cs_reg_entry_free(e);
			free(buf);
			return r;
		}
		r = 0;
	}
	free(buf);
	if (r < 0)
		/* Never filled in from the policy: a running sandbox is
		 * joined with what it was built with, or not at all. */
		return cs_err_set(err, 0, "registry entry %s/%u is unreadable (%.200s)",
				  state_path(reg->statefd, dir, sizeof(dir)), (unsigned)reg->uid, why);
	if (e->uid != reg->uid) {
		cs_reg_entry_free(e);
		return cs_err_set(err, EINVAL, "registry entry %u names uid %u",
				  (unsigned)reg->uid, (unsigned)e->uid);
	}
	return 0;
}

int cs_reg_read(struct cs_reg *reg, struct cs_reg_entry *e, struct cs_err *err)
{
	return reg_read(reg, e, false, err);
}

int cs_reg_read_old(struct cs_reg *reg, struct cs_reg_entry *e, struct cs_err *err)
{
	return reg_read(reg, e, true, err);
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
	/* Readers hold the same lock, so nobody sees the file half written;
	 * what must not happen is that a failed write loses the entry of a
	 * running sandbox (an empty file reads as "no sandbox", and a second
	 * one would be made). So the space for the new text is reserved
	 * first: a full /run fails here, with the old text whole. Then the
	 * new text over the old one, then the old one's tail cut off. A kill
	 * between those two leaves a text the parser refuses: logins are
	 * then refused, with the entry named, until `containsession stop`. */
	if (fallocate(reg->fd, FALLOC_FL_KEEP_SIZE, 0, (off_t)len) < 0 &&
	    errno != EOPNOTSUPP) {
		r = cs_err_set(err, errno, "make room for registry entry %u", (unsigned)reg->uid);
	} else if (lseek(reg->fd, 0, SEEK_SET) < 0) {
		r = cs_err_set(err, errno, "rewind registry entry %u", (unsigned)reg->uid);
	} else if ((r = cs_write_all(reg->fd, text, len)) < 0) {
		r = cs_err_set(err, -r, "write registry entry %u", (unsigned)reg->uid);
	} else if (ftruncate(reg->fd, (off_t)len) < 0) {
		r = cs_err_set(err, errno, "truncate registry entry %u", (unsigned)reg->uid);
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
