/* SPDX-License-Identifier: MIT */
/*
 * The network namespace of a `network = none` sandbox (lib/root/sandboxobj.h).
 *
 * Root makes it, so it is owned by the initial user namespace: nobody in
 * the sandbox holds a capability over it (no CAP_NET_ADMIN: no routes,
 * addresses, interfaces or netfilter of theirs), and root may enter it
 * without entering anything the user controls. sshd's post-auth child is
 * forked into it (pam_module/netns.c) and the init is spawned in it, so
 * every forwarded connection (-L, -D, -W dial; -R, X11 listen) happens on
 * the sandbox's loopback and nowhere else.
 *
 * Two sysctls are set in it, because they decide what the sandbox's
 * processes (which no longer hold CAP_NET_BIND_SERVICE or CAP_NET_RAW over
 * their network namespace) may do: ports below 1024 and ICMP echo sockets.
 * Both exist to protect users from each other on a shared stack; this
 * namespace holds one user's processes and nothing else, so the user gets
 * what a namespace of their own (the design before root made it) gave them.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "lib/root/sandboxobj.h"

#define NSFS_MAGIC 0x6e736673

static int loopback_up(struct cs_err *err)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = 0;

	if (fd < 0)
		return cs_err_set(err, errno, "socket in the sandbox's network namespace");
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		r = cs_err_set(err, errno, "flags of lo in the sandbox's network namespace");
	} else {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			r = cs_err_set(err, errno, "bring up lo in the sandbox's network namespace");
	}
	close(fd);
	return r;
}

/* In the new namespace: /proc/sys/net is the opener's namespace's. */
static int configure(gid_t gid, struct cs_err *err)
{
	char range[32];
	int r;

	if ((r = loopback_up(err)) < 0)
		return r;
	if ((r = cs_write_str(AT_FDCWD, "/proc/sys/net/ipv4/ip_unprivileged_port_start", "0")) < 0)
		return cs_err_set(err, -r, "net.ipv4.ip_unprivileged_port_start in the sandbox's network namespace");
	/* The user's own group: their processes, and nobody else's. */
	snprintf(range, sizeof(range), "%u %u", (unsigned)gid, (unsigned)gid);
	if ((r = cs_write_str(AT_FDCWD, "/proc/sys/net/ipv4/ping_group_range", range)) < 0)
		return cs_err_set(err, -r, "net.ipv4.ping_group_range in the sandbox's network namespace");
	return 0;
}

int cs_netns_create(int statefd, uid_t uid, gid_t gid, unsigned long long *ino,
		    struct cs_err *err)
{
	char name[32], path[96], src[64];
	struct stat st;
	int orig, nsfd = -1, fd, r = 0;

	orig = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (orig < 0)
		return cs_err_set(err, errno, "open /proc/self/ns/net");
	/* Made by this (root) process in the initial user namespace, then
	 * left again at once: only the fd and the bind below stay in it. */
	if (unshare(CLONE_NEWNET) < 0) {
		r = cs_err_set(err, errno, "create the sandbox's network namespace");
		close(orig);
		return r;
	}
	r = configure(gid, err);
	if (r == 0 && (nsfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
		r = cs_err_set(err, errno, "open the sandbox's network namespace");
	/* Back home whatever happened. A process that cannot get back would
	 * go on in a namespace with nothing in it: refused like any failure
	 * (sshd ends this connection). */
	if (setns(orig, CLONE_NEWNET) < 0) {
		int e = errno;
		close(orig);
		if (nsfd >= 0)
			close(nsfd);
		return cs_err_set(err, e, "return to the host's network namespace");
	}
	close(orig);
	if (r < 0)
		return r;
	if (fstat(nsfd, &st) < 0) {
		r = cs_err_set(err, errno, "stat the sandbox's network namespace");
		goto fail;
	}
	*ino = (unsigned long long)st.st_ino;
	/* Kept alive by a bind on a root-only path as long as the sandbox
	 * lives (as `ip netns add` does), so that every later login enters
	 * this namespace, and never the init's current one, which the user
	 * could change (a process of theirs inside can ptrace the init). */
	snprintf(name, sizeof(name), "%u.net", (unsigned)uid);
	snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", statefd, name);
	snprintf(src, sizeof(src), "/proc/self/fd/%d", nsfd);
	fd = openat(statefd, name, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
	if (fd < 0) {
		r = cs_err_set(err, errno, "create %s", name);
		goto fail;
	}
	close(fd);
	if (mount(src, path, NULL, MS_BIND, NULL) < 0) {
		r = cs_err_set(err, errno, "bind the sandbox's network namespace on %s", name);
		unlinkat(statefd, name, 0);
		goto fail;
	}
	return nsfd;
fail:
	close(nsfd);
	return r;
}

int cs_netns_open(int statefd, uid_t uid, unsigned long long *ino, struct cs_err *err)
{
	char name[32];
	struct stat st, own;
	struct statfs sfs;
	int fd, ufd;

	snprintf(name, sizeof(name), "%u.net", (unsigned)uid);
	fd = openat(statefd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return cs_err_set(err, errno, "open the sandbox's network namespace %s", name);
	/* The bind, not the empty file it covers; a network namespace; and
	 * one owned by our own user namespace (the initial one), so that
	 * entering it never puts root into anything the user controls. */
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != NSFS_MAGIC ||
	    ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET)
		goto bad;
	ufd = ioctl(fd, NS_GET_USERNS);
	if (ufd < 0)
		goto bad;
	if (fstat(ufd, &st) < 0 || stat("/proc/self/ns/user", &own) < 0 ||
	    st.st_ino != own.st_ino || st.st_dev != own.st_dev) {
		close(ufd);
		goto bad;
	}
	close(ufd);
	if (fstat(fd, &st) < 0)
		goto bad;
	*ino = (unsigned long long)st.st_ino;
	return fd;
bad:
	close(fd);
	return cs_err_set(err, EPERM, "%s is not a network namespace of root's", name);
}
