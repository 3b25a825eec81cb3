/* SPDX-License-Identifier: MIT */
/*
 * containsession doctor: network = none. The sandbox's own network
 * namespace holds its IP traffic and its abstract unix sockets, but not a
 * socket with a path: connect() finds that through the file system, and
 * the host directories a sandbox sees (lib/sandboxdirs.h, and /tmp with
 * tmp = host) are the host's. Binding them read-only changes nothing, as
 * connecting is no write to the file system. So a service listening on a
 * socket there that any user may connect to is reachable from the sandbox,
 * and it may reach the network for the user (a proxy, a mail queue, a bus).
 * Also any other local user can make such a socket in /var/tmp (or /tmp).
 * Each one found is a warning, for the profiles with network = none that
 * a rule uses; containsession.conf(5) says the same. A kernel with
 * Landlock's LANDLOCK_ACCESS_FS_RESOLVE_UNIX could close this; the ones
 * this project supports have no such control.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/sandboxdirs.h"

/* Bounds of the walk: deep enough for /var/spool/<mta>/public/<socket>,
 * and an end on a host whose /var holds millions of files. */
#define WALK_DEPTH 8
#define WALK_ENTRIES 400000
#define SHOW_MAX 8

struct walk {
	struct cli_doctor *d;
	const char *profiles; /* "a, b" */
	unsigned long entries;
	unsigned found;
};

static void report_socket(struct walk *w, const char *path)
{
	if (++w->found > SHOW_MAX)
		return;
	/* Any local user names files in /var/tmp: cli_report escapes it
	 * before it reaches root's terminal. */
	cli_report(w->d, CLI_WARNING, "restrict the socket's mode or its directory's, or stop "
		   "its service, if sandboxes with network = none must not reach it",
		   "%s is a socket any user may connect to, and sandboxes of profile %s see it: "
		   "network = none does not hold a socket with a path (connect() finds it through "
		   "the file system, not the network namespace)", path, w->profiles);
}

/* Sockets below dirfd (path), where every directory up to here lets any
 * user through: others must have search (x) on each and write on the
 * socket. A directory without o+x hides all below it, so it is not
 * entered. Symlinks are not followed: what the walk sees is what path
 * lookup from inside finds at these names. */
static void walk_dir(struct walk *w, int dirfd, char *path, size_t plen, int depth)
{
	DIR *dir = fdopendir(dirfd);
	struct dirent *de;

	if (!dir) {
		close(dirfd);
		return;
	}
	while ((de = readdir(dir)) && w->entries < WALK_ENTRIES) {
		struct stat st;
		size_t nlen = strlen(de->d_name);

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		w->entries++;
		if (plen + 1 + nlen >= PATH_MAX)
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		path[plen] = '/';
		memcpy(path + plen + 1, de->d_name, nlen + 1);
		if (S_ISSOCK(st.st_mode) && (st.st_mode & S_IWOTH)) {
			report_socket(w, path);
		} else if (S_ISDIR(st.st_mode) && (st.st_mode & S_IXOTH) && depth < WALK_DEPTH) {
			int fd = openat(dirfd, de->d_name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0)
				walk_dir(w, fd, path, plen + 1 + nlen, depth + 1);
		}
		path[plen] = '\0';
	}
	closedir(dir);
}

static void walk_top(struct walk *w, const char *top)
{
	char path[PATH_MAX];
	struct stat st;
	int fd = open(top, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return; /* not on this host, or a symlink (usrmerge) */
	if (fstat(fd, &st) < 0 || !(st.st_mode & S_IXOTH)) {
		close(fd);
		return;
	}
	snprintf(path, sizeof(path), "%s", top);
	walk_dir(w, fd, path, strlen(path), 1);
}

static bool net_none(const struct cs_profile *p)
{
	return p->network == CS_NET_NONE;
}

/* "a, b" of the profiles' names, or NULL when out of memory. */
static char *names(const struct cs_profile **ps, size_t n, bool tmp_host_only)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; i < n; i++)
		len += strlen(ps[i]->name) + 2;
	if (!(s = calloc(1, len)))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (tmp_host_only && ps[i]->tmp != CS_TMP_HOST)
			continue;
		if (s[0])
			strcat(s, ", ");
		strcat(s, ps[i]->name);
	}
	return s;
}

void cli_doctor_net_none(struct cli_doctor *d, const struct cs_policy *pol)
{
	size_t n;
	const struct cs_profile **ps = cli_ruled_profiles(pol, net_none, &n);
	struct walk w = { .d = d };
	char *all = NULL, *tmp = NULL;
	char top[64];

	if (!ps || !(all = names(ps, n, false)) || !(tmp = names(ps, n, true))) {
		cli_report(d, CLI_PROBLEM, "free some memory",
			   "cannot check network = none: out of memory");
		goto out;
	}
	if (!n)
		goto out;
	/* Not the trees dpkg fills with package files (/usr and, merged or
	 * not, /bin, /sbin, /lib*): no service makes its socket there, and
	 * /usr alone is hundreds of thousands of entries. */
	w.profiles = all;
	for (size_t i = 0; i < CS_SYSTEM_DIRS_N; i++) {
		const char *t = cs_system_dirs[i];

		if (!strcmp(t, "usr") || !strcmp(t, "bin") || !strcmp(t, "sbin") ||
		    !strncmp(t, "lib", 3))
			continue;
		snprintf(top, sizeof(top), "/%s", t);
		walk_top(&w, top);
	}
	if (tmp[0]) {
		w.profiles = tmp;
		walk_top(&w, "/tmp");
	}
	if (w.found > SHOW_MAX)
		cli_report(d, CLI_WARNING, NULL, "%u more such sockets not shown", w.found - SHOW_MAX);
	if (w.entries >= WALK_ENTRIES)
		cli_report(d, CLI_WARNING, NULL, "the look for sockets stopped after %d entries; "
			   "there may be more", WALK_ENTRIES);
	if (!w.found && w.entries < WALK_ENTRIES)
		cli_report(d, CLI_OK_FINDING, NULL, "no socket any user may connect to in the host "
			   "directories that sandboxes of profile %s see", all);
out:
	free(all);
	free(tmp);
	free(ps);
}
