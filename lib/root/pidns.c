/* SPDX-License-Identifier: MIT */
/*
 * Two looks, because neither alone sees everything:
 *   - the init's children (/proc/PID/task/PID/children): every process
 *     started in the sandbox descends from its PID 1, and an orphan is
 *     reparented to it before its parent is gone, so this one list, read at
 *     once, has no gap for a job that forks and exits meanwhile;
 *   - every process whose PID namespace is the init's: a login's shell is
 *     forked into the namespace by the helper, which stays outside, so it
 *     is nobody's child in there until that helper exits.
 * Both only read /proc as root; nothing here is written, and a process
 * that cannot be looked at (it exited meanwhile) is simply not counted.
 */
#include "lib/root/pidns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/proc.h"

static int has_children(int pidfd_dir, pid_t init, bool *any)
{
	char path[64], c;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "task/%d/children", (int)init);
	fd = openat(pidfd_dir, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, &c, 1);
	close(fd);
	if (n < 0)
		return -errno;
	*any = n > 0;
	return 0;
}

static int others_in_ns(pid_t init, const struct stat *ns, bool *any)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d)
		return -errno;
	*any = false;
	while (!*any && (de = readdir(d))) {
		char path[300], *end;
		struct stat st;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0 || pid == init)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/pid", pid);
		if (stat(path, &st) == 0 && st.st_ino == ns->st_ino && st.st_dev == ns->st_dev)
			*any = true;
	}
	closedir(d);
	return 0;
}

int cs_pidns_others(pid_t init, unsigned long long start, bool *others)
{
	char path[64];
	struct stat ns;
	int dfd, r;

	*others = false;
	snprintf(path, sizeof(path), "/proc/%d", (int)init);
	dfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	/* The directory is pinned to the process it was opened for: checked
	 * after the open, a recycled pid cannot slip in between. */
	if (!cs_proc_alive(init, start)) {
		close(dfd);
		return -ESRCH;
	}
	r = fstatat(dfd, "ns/pid", &ns, 0) < 0 ? -errno : has_children(dfd, init, others);
	close(dfd);
	if (r == 0 && !*others)
		r = others_in_ns(init, &ns, others);
	return r == -ENOENT ? -ESRCH : r;
}
