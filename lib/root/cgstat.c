/* SPDX-License-Identifier: MIT */
#include "lib/root/cgstat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fsutil.h"

/* A file of one decimal number (cgroupfs), as uint64. */
static int read_u64(const char *dir, const char *file, uint64_t *out)
{
	char path[4096], buf[64], *end;
	unsigned long long v;
	ssize_t n;

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	n = cs_read_small(AT_FDCWD, path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n'))
		return -EINVAL;
	*out = v;
	return 0;
}

/* Lines of a pid list (cgroup.threads, tasks): one task each. */
static int count_lines(const char *dir, const char *file, uint64_t *out)
{
	char path[4096];
	uint64_t n = 0;
	FILE *f;
	int ch;

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if (!(f = fopen(path, "re")))
		return -errno;
	while ((ch = getc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	*out = n;
	return 0;
}

static int first_of(char *const *dirs, size_t n, const char *const *files,
		    int (*get)(const char *, const char *, uint64_t *), uint64_t *out)
{
	for (const char *const *f = files; *f; f++)
		for (size_t i = 0; i < n; i++)
			if (get(dirs[i], *f, out) == 0)
				return 0;
	return -ENOENT;
}

int cs_cgroup_memory_current(char *const *dirs, size_t n, uint64_t *bytes)
{
	static const char *const files[] = { "memory.current", "memory.usage_in_bytes", NULL };
	return first_of(dirs, n, files, read_u64, bytes);
}

int cs_cgroup_tasks_current(char *const *dirs, size_t n, uint64_t *tasks)
{
	static const char *const counters[] = { "pids.current", NULL };
	static const char *const lists[] = { "cgroup.threads", "tasks", NULL };

	if (first_of(dirs, n, counters, read_u64, tasks) == 0)
		return 0;
	return first_of(dirs, n, lists, count_lines, tasks);
}
