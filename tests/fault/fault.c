/* SPDX-License-Identifier: MIT */
/*
 * tests/fault/fault.so — fault injection for the PAM module, LD_PRELOADed
 * into the test sshd (tests/lib/sshd.sh, CS_SSHD_PRELOAD). It fails the Nth
 * call of one libc function, counting only calls made from
 * pam_containsession.so itself (the return address is looked up with
 * dladdr), so sshd and libpam run untouched.
 *
 * sshd's environment is fixed when it starts, so what to fail is read from
 * a control file ($CS_FAULT_CTL) at every counted call:
 *
 *     KIND N[+] [ERRNO [SUBSTRING]]
 *
 * fails the Nth counted call of KIND (with "+", that one and every later
 * one: a step failing, then the undo of it failing too) in each process (counts start at zero
 * in every process: one sshd [priv] process per connection) with ERRNO
 * (a number; 0 or missing: EIO, EAGAIN for fork). With SUBSTRING only calls
 * whose path (the file a write goes to, the path an open or mkdir names,
 * made absolute through the directory fd) contains it are counted. KIND is
 * one of: unshare mount umount setns fork open mkdir write flock fchown
 * fchmod ftruncate unlink rmdir pipe setgroups setresgid setresuid execve
 * pidfd_open pidfd_send_signal pivot_root group.
 *
 * "group" is an NSS source that is down for the groups whose name holds
 * SUBSTRING: getgrouplist leaves them out (glibc skips a source that
 * fails and cannot say so), and getgrnam_r and getgrgid_r for them fail
 * with ERRNO or, for ERRNO 2 (ENOENT), answer "no such group", as glibc
 * does when sssd's socket is gone. Each such group a call meets is one
 * counted call.
 *
 * One KIND injects a state, not an error: "stopfork N" lets the Nth fork
 * succeed and stops the child (SIGSTOP, before it runs anything), as a
 * process of the user's could stop the helper it becomes: the module's
 * waits for that child must each end within their bound.
 *
 * Every injected fault is appended to $CS_FAULT_CTL.fired as
 * "KIND N PID PATH" (the harness makes that file writable for everyone: a
 * fault can fire in the module's child after it dropped to the user).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MODULE_NAME "pam_containsession"

enum kind {
	K_UNSHARE, K_MOUNT, K_UMOUNT, K_SETNS, K_FORK, K_OPEN, K_MKDIR, K_WRITE,
	K_FLOCK, K_FCHOWN, K_FCHMOD, K_FTRUNCATE, K_UNLINK, K_RMDIR, K_PIPE,
	K_SETGROUPS, K_SETRESGID, K_SETRESUID, K_EXECVE, K_PIDFD_OPEN,
	K_PIDFD_SEND_SIGNAL, K_PIVOT_ROOT, K_GROUP, K_STOPFORK, K_COUNT
};

static const char *const kind_names[K_COUNT] = {
	"unshare", "mount", "umount", "setns", "fork", "open", "mkdir", "write",
	"flock", "fchown", "fchmod", "ftruncate", "unlink", "rmdir", "pipe",
	"setgroups", "setresgid", "setresuid", "execve", "pidfd_open",
	"pidfd_send_signal", "pivot_root", "group", "stopfork",
};

static unsigned long counts[K_COUNT];
static int in_shim;

#define REAL(ret, name, ...)                                                     \
	static ret (*real_##name)(__VA_ARGS__);                                  \
	if (!real_##name)                                                        \
		real_##name = (ret (*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name)

/* Was this call made by the module? */
static int from_module(const void *ret)
{
	Dl_info info;

	if (in_shim || !getenv("CS_FAULT_CTL"))
		return 0;
	return dladdr(ret, &info) && info.dli_fname && strstr(info.dli_fname, MODULE_NAME);
}

static ssize_t raw_read(int fd, void *buf, size_t len)
{
	return syscall(SYS_read, fd, buf, len);
}

/* Read the control file: 1 when it names kind, with n, errno and filter. */
static int armed(enum kind k, unsigned long *n, int *on, int *err, char *filter, size_t flen)
{
	char buf[512], name[32], nbuf[32];
	const char *ctl = getenv("CS_FAULT_CTL");
	int fd, fields;
	ssize_t len;

	fd = (int)syscall(SYS_openat, AT_FDCWD, ctl, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	len = raw_read(fd, buf, sizeof(buf) - 1);
	syscall(SYS_close, fd);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	filter[0] = '\0';
	*err = 0;
	fields = sscanf(buf, "%31s %31s %d %511[^\n]", name, nbuf, err, filter);
	(void)flen;
	if (fields < 2 || strcmp(name, kind_names[k]))
		return 0;
	*n = strtoul(nbuf, NULL, 10);
	*on = nbuf[strlen(nbuf) - 1] == '+';
	return 1;
}

static void fd_path(int fd, char *out, size_t len)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = syscall(SYS_readlinkat, AT_FDCWD, link, out, len - 1);
	out[n > 0 ? n : 0] = '\0';
}

static void at_path(int dirfd, const char *path, char *out, size_t len)
{
	char dir[PATH_MAX];
	int n;

	if (!path)
		path = "";
	if (path[0] == '/' || dirfd == AT_FDCWD) {
		snprintf(out, len, "%s", path);
		return;
	}
	fd_path(dirfd, dir, sizeof(dir));
	n = snprintf(out, len, "%s/%s", dir, path);
	if (n < 0 || (size_t)n >= len)
		out[0] = '\0';
}

/*
 * Count a call of kind k (path: what it acts on, for the filter); returns
 * the errno to fail it with, or 0 to let it through.
 */
static int fault(enum kind k, const char *path)
{
	char filter[512], line[PATH_MAX + 128];
	unsigned long n;
	int err, fd, on, saved = errno;

	in_shim = 1;
	if (!armed(k, &n, &on, &err, filter, sizeof(filter)) ||
	    (filter[0] && (!path || !strstr(path, filter)))) {
		in_shim = 0;
		errno = saved;
		return 0;
	}
	++counts[k];
	if (on ? counts[k] < n : counts[k] != n) {
		in_shim = 0;
		errno = saved;
		return 0;
	}
	if (!err)
		err = k == K_FORK ? EAGAIN : EIO;
	snprintf(line, sizeof(line), "%s %lu %d %s\n", kind_names[k], counts[k], (int)getpid(),
		 path ? path : "-");
	snprintf(filter, sizeof(filter), "%s.fired", getenv("CS_FAULT_CTL"));
	fd = (int)syscall(SYS_openat, AT_FDCWD, filter, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd >= 0) {
		syscall(SYS_write, fd, line, strlen(line));
		syscall(SYS_close, fd);
	}
	in_shim = 0;
	return err;
}

#define CHECK(k, path)                                                           \
	do {                                                                     \
		if (from_module(__builtin_return_address(0))) {                  \
			int e_ = fault(k, path);                                 \
			if (e_) {                                                \
				errno = e_;                                      \
				return -1;                                       \
			}                                                        \
		}                                                                \
	} while (0)

int unshare(int flags)
{
	REAL(int, unshare, int);
	CHECK(K_UNSHARE, NULL);
	return real_unshare(flags);
}

int mount(const char *src, const char *tgt, const char *type, unsigned long flags,
	  const void *data)
{
	REAL(int, mount, const char *, const char *, const char *, unsigned long, const void *);
	CHECK(K_MOUNT, tgt);
	return real_mount(src, tgt, type, flags, data);
}

int umount2(const char *tgt, int flags)
{
	REAL(int, umount2, const char *, int);
	CHECK(K_UMOUNT, tgt);
	return real_umount2(tgt, flags);
}

int setns(int fd, int type)
{
	REAL(int, setns, int, int);
	CHECK(K_SETNS, NULL);
	return real_setns(fd, type);
}

pid_t fork(void)
{
	int stop = 0;
	pid_t pid;

	REAL(pid_t, fork, void);
	CHECK(K_FORK, NULL);
	if (from_module(__builtin_return_address(0)))
		stop = fault(K_STOPFORK, NULL) != 0;
	pid = real_fork();
	if (pid == 0 && stop)
		raise(SIGSTOP);
	return pid;
}

int openat(int dirfd, const char *path, int flags, ...)
{
	char full[PATH_MAX];
	mode_t mode = 0;
	va_list ap;

	REAL(int, openat, int, const char *, int, ...);
	if (flags & (O_CREAT | __O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (from_module(__builtin_return_address(0))) {
		at_path(dirfd, path, full, sizeof(full));
		int e = fault(K_OPEN, full);
		if (e) {
			errno = e;
			return -1;
		}
	}
	return real_openat(dirfd, path, flags, mode);
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	REAL(int, open, const char *, int, ...);
	if (flags & (O_CREAT | __O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	CHECK(K_OPEN, path);
	return real_open(path, flags, mode);
}

/* _FORTIFY_SOURCE turns open/openat with a constant flag set into these. */
int __open_2(const char *path, int flags)
{
	REAL(int, __open_2, const char *, int);
	CHECK(K_OPEN, path);
	return real___open_2(path, flags);
}

int __openat_2(int dirfd, const char *path, int flags)
{
	char full[PATH_MAX];

	REAL(int, __openat_2, int, const char *, int);
	if (from_module(__builtin_return_address(0))) {
		at_path(dirfd, path, full, sizeof(full));
		int e = fault(K_OPEN, full);
		if (e) {
			errno = e;
			return -1;
		}
	}
	return real___openat_2(dirfd, path, flags);
}

int mkdir(const char *path, mode_t mode)
{
	REAL(int, mkdir, const char *, mode_t);
	CHECK(K_MKDIR, path);
	return real_mkdir(path, mode);
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
	char full[PATH_MAX];

	REAL(int, mkdirat, int, const char *, mode_t);
	if (from_module(__builtin_return_address(0))) {
		at_path(dirfd, path, full, sizeof(full));
		int e = fault(K_MKDIR, full);
		if (e) {
			errno = e;
			return -1;
		}
	}
	return real_mkdirat(dirfd, path, mode);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	char path[PATH_MAX];

	REAL(ssize_t, write, int, const void *, size_t);
	if (from_module(__builtin_return_address(0))) {
		fd_path(fd, path, sizeof(path));
		int e = fault(K_WRITE, path);
		if (e) {
			errno = e;
			return -1;
		}
	}
	return real_write(fd, buf, len);
}

int flock(int fd, int op)
{
	char path[PATH_MAX];

	REAL(int, flock, int, int);
	if (from_module(__builtin_return_address(0))) {
		fd_path(fd, path, sizeof(path));
		int e = fault(K_FLOCK, path);
		if (e) {
			errno = e;
			return -1;
		}
	}
	return real_flock(fd, op);
}

int fchown(int fd, uid_t uid, gid_t gid)
{
	REAL(int, fchown, int, uid_t, gid_t);
	CHECK(K_FCHOWN, NULL);
	return real_fchown(fd, uid, gid);
}

int fchmod(int fd, mode_t mode)
{
	REAL(int, fchmod, int, mode_t);
	CHECK(K_FCHMOD, NULL);
	return real_fchmod(fd, mode);
}

int ftruncate(int fd, off_t len)
{
	REAL(int, ftruncate, int, off_t);
	CHECK(K_FTRUNCATE, NULL);
	return real_ftruncate(fd, len);
}

int unlinkat(int dirfd, const char *path, int flags)
{
	char full[PATH_MAX];

	REAL(int, unlinkat, int, const char *, int);
	if (from_module(__builtin_return_address(0))) {
		at_path(dirfd, path, full, sizeof(full));
		int e = fault(K_UNLINK, full);
		if (e) {
			errno = e;
			return -1;
		}
	}
	return real_unlinkat(dirfd, path, flags);
}

int rmdir(const char *path)
{
	REAL(int, rmdir, const char *);
	CHECK(K_RMDIR, path);
	return real_rmdir(path);
}

int pipe2(int fds[2], int flags)
{
	REAL(int, pipe2, int *, int);
	CHECK(K_PIPE, NULL);
	return real_pipe2(fds, flags);
}

int setgroups(size_t n, const gid_t *list)
{
	REAL(int, setgroups, size_t, const gid_t *);
	CHECK(K_SETGROUPS, NULL);
	return real_setgroups(n, list);
}

int setresgid(gid_t r, gid_t e, gid_t s)
{
	REAL(int, setresgid, gid_t, gid_t, gid_t);
	CHECK(K_SETRESGID, NULL);
	return real_setresgid(r, e, s);
}

int setresuid(uid_t r, uid_t e, uid_t s)
{
	REAL(int, setresuid, uid_t, uid_t, uid_t);
	CHECK(K_SETRESUID, NULL);
	return real_setresuid(r, e, s);
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	REAL(int, execve, const char *, char *const *, char *const *);
	CHECK(K_EXECVE, path);
	return real_execve(path, argv, envp);
}

/* The module reaches pidfd_open, pidfd_send_signal, pivot_root and
 * close_range through syscall(2). */
long syscall(long nr, ...)
{
	long a[6];
	va_list ap;

	REAL(long, syscall, long, ...);
	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (from_module(__builtin_return_address(0))) {
		enum kind k = nr == SYS_pidfd_open ? K_PIDFD_OPEN :
			      nr == SYS_pidfd_send_signal ? K_PIDFD_SEND_SIGNAL :
			      nr == SYS_pivot_root ? K_PIVOT_ROOT : K_COUNT;
		if (k != K_COUNT) {
			int e = fault(k, NULL);
			if (e) {
				errno = e;
				return -1;
			}
		}
	}
	return real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* A group lookup of the module's that meets a "down" group: ENOENT is
 * "no such group" (0 with *res NULL), any other errno the lookup's error. */
static int group_down(int err, struct group **res)
{
	*res = NULL;
	return err == ENOENT ? 0 : err;
}

int getgrnam_r(const char *name, struct group *gr, char *buf, size_t len, struct group **res)
{
	REAL(int, getgrnam_r, const char *, struct group *, char *, size_t, struct group **);
	if (from_module(__builtin_return_address(0))) {
		int e = fault(K_GROUP, name);
		if (e)
			return group_down(e, res);
	}
	return real_getgrnam_r(name, gr, buf, len, res);
}

int getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len, struct group **res)
{
	int r;

	REAL(int, getgrgid_r, gid_t, struct group *, char *, size_t, struct group **);
	r = real_getgrgid_r(gid, gr, buf, len, res);
	if (r == 0 && *res && from_module(__builtin_return_address(0))) {
		int e = fault(K_GROUP, (*res)->gr_name);
		if (e)
			return group_down(e, res);
	}
	return r;
}

/* The list without the down groups; the module's getgrgid_r of the gids
 * left goes through the wrapper above, not this one's lookups. */
int getgrouplist(const char *user, gid_t gid, gid_t *groups, int *ngroups)
{
	int n, kept = 0;

	REAL(int, getgrouplist, const char *, gid_t, gid_t *, int *);
	n = real_getgrouplist(user, gid, groups, ngroups);
	if (n < 0 || !from_module(__builtin_return_address(0)))
		return n;
	for (int i = 0; i < n; i++) {
		struct group *g = getgrgid(groups[i]);

		if (!g || !fault(K_GROUP, g->gr_name))
			groups[kept++] = groups[i];
	}
	*ngroups = kept;
	return kept;
}
