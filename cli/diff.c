/* SPDX-License-Identifier: MIT */
/*
 * containsession diff USER: what USER's persistent overlay upper layer
 * (in their home image, DATA/.images/USER.img) changes in their home,
 * relative to the real home:
 *
 *   A path   added: in the upper layer, not in the real home
 *   M path   modified: in both (copied up, then written, chmod'ed...)
 *   D path   deleted: a whiteout (character device 0/0, or a file with the
 *            user.overlay.whiteout xattr)
 *   O path/  an opaque directory (user.overlay.opaque = "y"): it was removed
 *            and made again, so nothing of the real home's directory shows
 *            through; what it holds now is listed below it
 *
 * The module mounts the overlay with "userxattr" (the helper does it in a
 * user namespace), so its metadata is in user.overlay.*, not trusted.*.
 *
 * Root walks directories the user owns and may be changing right now. So
 * every step is an openat() relative to the directory above it with
 * O_NOFOLLOW, entries are looked at with fstatat(AT_SYMLINK_NOFOLLOW), and
 * nothing but directories is ever opened for reading (a FIFO would block, a
 * device would act). Nothing in the layer or the home is written.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/fsutil.h"
#include "lib/root/homeimg.h"

#define MAX_DEPTH 200 /* the warning below says 200 */

/*
 * The walk prints as it goes: memory is one directory's names per level
 * (at most MAX_DEPTH levels), never the whole tree's paths, however much
 * the user put in their layer. Each directory's entries are sorted by name
 * with a '/' after a directory's, which makes the depth-first order the
 * same as sorting the full paths bytewise.
 */
struct walk {
	bool json;
	size_t n;     /* changes printed */
	bool failed;
};

static void print_change(struct walk *w, char kind, const char *rel, const char *name, bool dir)
{
	char *p;

	if (asprintf(&p, "%s%s%s%s", rel ? rel : "", rel ? "/" : "", name, dir ? "/" : "") < 0) {
		cli_err("out of memory");
		w->failed = true;
		return;
	}
	if (w->json) {
		printf("%s\n  {\"change\": \"%c\", \"path\": ", w->n ? "," : "", kind);
		cli_json_str(stdout, p);
		printf("}");
	} else {
		printf("%c ", kind);
		cli_text_path(stdout, p);
		printf("\n");
	}
	w->n++;
	free(p);
}

/* A warning about a path of the user's: escaped like the output. */
static void warn_path(const char *rel, const char *name, const char *what)
{
	fputs("containsession: warning: ", stderr);
	if (rel)
		cli_text_path(stderr, rel);
	if (rel && name)
		fputc('/', stderr);
	if (name)
		cli_text_path(stderr, name);
	if (!rel && !name)
		fputs("upper layer", stderr);
	fprintf(stderr, ": %s\n", what);
}

/* Is the xattr name on fd "value"? fd must be a real (not O_PATH) fd. */
static bool xattr_is(int fd, const char *name, const char *value)
{
	char buf[16];
	ssize_t n = fgetxattr(fd, name, buf, sizeof(buf));

	return n == (ssize_t)strlen(value) && !memcmp(buf, value, (size_t)n);
}

/* A regular file marked as a whiteout by xattr. Looked at through an O_PATH
 * fd (opening the file itself could have side effects) checked to still be a
 * regular file, via its /proc/self/fd link. */
static bool xwhiteout(int dirfd, const char *name)
{
	char proc[64];
	struct stat st;
	int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	bool r = false;

	if (fd < 0)
		return false;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		r = getxattr(proc, "user.overlay.whiteout", NULL, 0) >= 0;
	}
	close(fd);
	return r;
}

struct ent {
	char *name;
	bool dir;
};

/* By name, a directory's as if it ended in '/'. */
static int cmp_ent(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	const unsigned char *p = (const unsigned char *)x->name, *q = (const unsigned char *)y->name;

	for (;; p++, q++) {
		int c = *p ? *p : x->dir ? '/' : 0;
		int d = *q ? *q : y->dir ? '/' : 0;
		if (c != d || !c)
			return c - d;
		if (!*p || !*q)
			/* One ended (its '/' matched the other's): the
			 * shorter, a directory, comes first. */
			return *p ? 1 : *q ? -1 : 0;
	}
}

static void free_ents(struct ent *v, size_t n)
{
	while (n)
		free(v[--n].name);
	free(v);
}

/* The entries of directory fd (not . and ..), sorted; NULL on error. */
static struct ent *read_names(int fd, size_t *n)
{
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct ent *v = NULL;
	size_t cap = 0;
	struct dirent *de;
	DIR *d;

	*n = 0;
	if (dfd < 0 || !(d = fdopendir(dfd))) {
		if (dfd >= 0)
			close(dfd);
		return NULL;
	}
	while ((de = readdir(d))) {
		struct stat st;
		bool dir;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		dir = de->d_type == DT_DIR;
		if (de->d_type == DT_UNKNOWN)
			dir = fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			      S_ISDIR(st.st_mode);
		if (*n == cap) {
			struct ent *nv = realloc(v, (cap = cap ? cap * 2 : 32) * sizeof(*nv));
			if (!nv)
				goto fail;
			v = nv;
		}
		if (!(v[*n].name = strdup(de->d_name)))
			goto fail;
		v[(*n)++].dir = dir;
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_ent);
	return v ? v : calloc(1, sizeof(*v));
fail:
	closedir(d);
	free_ents(v, *n);
	*n = 0;
	return NULL;
}

static void walk(struct walk *w, int upfd, int homefd, const char *rel, int depth);

static void walk_entry(struct walk *w, int upfd, int homefd, const char *rel,
		       const char *name, int depth)
{
	struct stat st, hst;
	bool in_home;
	int r = 0;

	if (fstatat(upfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return; /* gone meanwhile */
	in_home = homefd >= 0 && fstatat(homefd, name, &hst, AT_SYMLINK_NOFOLLOW) == 0;

	if ((S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) ||
	    (S_ISREG(st.st_mode) && xwhiteout(upfd, name))) {
		print_change(w, 'D', rel, name, false);
	} else if (S_ISDIR(st.st_mode)) {
		int cfd = openat(upfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int chome = -1;
		char *crel;

		if (cfd < 0) {
			/* Replaced by a symlink or removed since fstatat. */
			if (errno != ENOENT && errno != ELOOP && errno != ENOTDIR) {
				warn_path(rel, name, strerror(errno));
				w->failed = true;
			}
			return;
		}
		if (xattr_is(cfd, "user.overlay.opaque", "y") && in_home)
			print_change(w, 'O', rel, name, true);
		else if (!in_home || !S_ISDIR(hst.st_mode))
			print_change(w, in_home ? 'M' : 'A', rel, name, true);
		if (in_home && S_ISDIR(hst.st_mode))
			chome = openat(homefd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (asprintf(&crel, "%s%s%s", rel ? rel : "", rel ? "/" : "", name) >= 0) {
			walk(w, cfd, chome, crel, depth + 1);
			free(crel);
		} else {
			r = -ENOMEM;
		}
		if (chome >= 0)
			close(chome);
		close(cfd);
	} else {
		print_change(w, in_home ? 'M' : 'A', rel, name, false);
	}
	if (r < 0) {
		cli_err("out of memory");
		w->failed = true;
	}
}

static void walk(struct walk *w, int upfd, int homefd, const char *rel, int depth)
{
	struct ent *names;
	size_t n;

	if (depth > MAX_DEPTH) {
		warn_path(rel, NULL, "deeper than 200 levels (MAX_DEPTH), not listed");
		w->failed = true;
		return;
	}
	if (!(names = read_names(upfd, &n))) {
		warn_path(rel, NULL, strerror(errno));
		w->failed = true;
		return;
	}
	for (size_t i = 0; i < n; i++)
		walk_entry(w, upfd, homefd, rel, names[i].name, depth);
	free_ents(names, n);
}

/* The real home, as root: its parent must be root's all the way down
 * (cs_open_root_dir), the home itself is opened with O_NOFOLLOW. Returns an
 * O_PATH fd, -ENOENT when there is no home, or another negative errno. */
static int open_home(const char *home, struct cs_err *err)
{
	char *copy = strdup(home), *slash;
	int pfd, fd;

	if (!copy)
		return cs_err_set(err, ENOMEM, "home");
	while (strlen(copy) > 1 && copy[strlen(copy) - 1] == '/')
		copy[strlen(copy) - 1] = '\0';
	slash = strrchr(copy, '/');
	if (copy[0] != '/' || !slash || !slash[1]) {
		free(copy);
		return cs_err_set(err, EINVAL, "home '%s' is not an absolute path below /", home);
	}
	*slash = '\0';
	if (slash == copy) {
		pfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (pfd < 0)
			pfd = cs_err_set(err, errno, "open /");
	} else {
		pfd = cs_open_root_dir(copy, false, 0755, err);
	}
	if (pfd < 0) {
		free(copy);
		return pfd;
	}
	fd = openat(pfd, slash + 1, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		fd = errno == ENOENT ? -ENOENT :
		     cs_err_set(err, errno, "open home %s (symlinks are not followed)", home);
	close(pfd);
	free(copy);
	return fd;
}

/* The upper layer in the user's home image (lib/root/homeimg.h), mounted
 * read-only for this look (a running sandbox's image is shared as it is,
 * the same ext4), or -ENOENT. An upper layer from before the images
 * (DATA/USER/upper) is what is listed for a user who has no image yet;
 * once there is one it is a read-only layer below the image's, not listed
 * (said on stderr). */
static int open_upper(const struct cs_policy *pol, const struct cs_user *u, struct cs_err *err)
{
	_cleanup_close_ int dfd = -1, mfd = -1, legacy = -1;
	char note[8];
	int fd;

	if (!cs_safe_component(u->name))
		return cs_err_set(err, EINVAL, "unsafe user name '%s'", u->name);
	dfd = cs_open_root_dir(pol->data_dir, false, 0755, err);
	if (dfd < 0)
		return dfd;
	int ufd = openat(dfd, u->name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (ufd >= 0) {
		legacy = openat(ufd, "upper", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(ufd);
	}
	mfd = cs_home_image_mount(pol->data_dir, dfd, -1, u->name, u->uid, u->gid, 0, note,
				  sizeof(note), err);
	if (mfd == -ENOENT && legacy >= 0) {
		fd = legacy;
		legacy = -1;
		return fd;
	}
	if (mfd < 0)
		return mfd;
	if (legacy >= 0)
		cli_err("note: %s/%s/upper, from before home images, is a layer below what is "
			"listed here, and not part of it", pol->data_dir, u->name);
	fd = openat(mfd, "upper", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT :
		       cs_err_set(err, errno, "open upper in %s's home image", u->name);
	return fd;
}

int cli_diff(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cs_policy *pol = NULL;
	struct cs_err err = { "" };
	struct cs_user u = { 0 };
	struct walk w = { .json = false };
	bool json = false;
	int opt, r, upfd = -1, homefd = -1, ret = CLI_FAIL;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 'j')
			json = true;
		else if ((r = cli_common_opt(c, "diff", opt, optarg)) >= 0)
			return r;
	}
	if (argc - optind != 1)
		return cli_usage("diff", "exactly one USER");
	if (cli_user_get(argv[optind], &u))
		return CLI_FAIL;
	if (cli_load_policy(c, true, &pol) < 0)
		goto out;
	upfd = open_upper(pol, &u, &err);
	if (upfd == -ENOENT) {
		/* Never logged in with home = overlay: nothing changed. */
		printf("%s", json ? "[]\n" : "");
		ret = CLI_OK;
		goto out;
	}
	if (upfd < 0) {
		cli_err("%s", err.msg);
		goto out;
	}
	/* No home (any more): everything in the layer counts as added. */
	homefd = open_home(u.home, &err);
	if (homefd < 0 && homefd != -ENOENT) {
		cli_err("%s", err.msg);
		goto out;
	}
	w.json = json;
	if (json)
		printf("[");
	walk(&w, upfd, homefd, NULL, 0);
	if (json)
		printf("%s]\n", w.n ? "\n" : "");
	ret = w.failed ? CLI_FAIL : CLI_OK;
out:
	if (upfd >= 0)
		close(upfd);
	if (homefd >= 0)
		close(homefd);
	cs_policy_free(pol);
	cs_user_free(&u);
	return ret;
}
