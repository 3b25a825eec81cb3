/* SPDX-License-Identifier: MIT */
/*
 * containsession doctor: what bounds a sandbox's writes on the host. Every
 * tmpfs of a sandbox has a size (tmp.max, and home.max for tmpfs-backed
 * homes). The persistent upper layer of home = overlay is bounded by its
 * ext4 image of home.max bytes (lib/root/homeimg.h), which needs from the
 * host: loop devices (/dev/loop-control and its /dev/loopN nodes), ext4,
 * and e2fsprogs' mke2fs, e2fsck and resize2fs at their Debian paths. Each
 * missing one is a problem: such a login is refused (fail closed), never
 * given an unbounded home. Homes from before the images (DATA/USER/upper)
 * are reported: they are kept as a read-only layer, outside the bound.
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
#include "lib/root/homeimg.h"

static bool have_fs(const char *name)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/filesystems", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *t = strrchr(line, '\t');
		t = t ? t + 1 : line;
		t[strcspn(t, "\n")] = '\0';
		found = !strcmp(t, name);
	}
	fclose(f);
	return found;
}

static void host_needs(struct cli_doctor *d)
{
	static const char *const tools[] = { CS_MKE2FS, CS_E2FSCK, CS_RESIZE2FS };
	int fd = open("/dev/loop-control", O_RDWR | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		cli_report(d, CLI_OK_FINDING, NULL, "/dev/loop-control opens (home = overlay: "
			   "its image is put on a loop device)");
	} else {
		cli_report(d, CLI_PROBLEM, "load the loop driver (modprobe loop) and give this "
			   "host /dev/loop-control and /dev/loopN (devtmpfs)",
			   "home = overlay needs loop devices: /dev/loop-control: %s; such logins "
			   "are refused", strerror(errno));
	}
	if (have_fs("ext4"))
		cli_report(d, CLI_OK_FINDING, NULL, "the kernel has ext4 (the home images' file system)");
	else
		cli_report(d, CLI_PROBLEM, "a kernel with ext4 (modprobe ext4)",
			   "home = overlay needs ext4 for its image: not in /proc/filesystems; "
			   "such logins are refused");
	for (size_t i = 0; i < CS_ARRAY_SIZE(tools); i++) {
		if (access(tools[i], X_OK) == 0)
			continue;
		cli_report(d, CLI_PROBLEM, "apt-get install e2fsprogs",
			   "home = overlay needs %s (makes and grows the home images): %s", tools[i],
			   strerror(errno));
		return;
	}
	cli_report(d, CLI_OK_FINDING, NULL, "%s, %s and %s are there (e2fsprogs)", CS_MKE2FS,
		   CS_E2FSCK, CS_RESIZE2FS);
}

/* DATA/USER/upper: a home's upper layer from before the images. Read as
 * root without following anything the user may have put there. */
static void legacy_homes(struct cli_doctor *d, const char *data_dir)
{
	DIR *dir = opendir(data_dir);
	struct dirent *de;
	unsigned n = 0;
	char first[256] = "";

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		struct stat st;
		int ufd;

		if (de->d_name[0] == '.')
			continue;
		ufd = openat(dirfd(dir), de->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (ufd < 0)
			continue;
		if (fstatat(ufd, "upper", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) &&
		    !n++)
			snprintf(first, sizeof(first), "%s", de->d_name);
		close(ufd);
	}
	closedir(dir);
	if (n)
		cli_report(d, CLI_WARNING, "copy what the user needs into the sandboxed home, then "
			   "remove DATA/USER/upper",
			   "%u home(s) in %s have an upper layer from before home images (%s/%s/upper%s): "
			   "kept as a read-only layer under the image, so the user sees those files, but "
			   "that space is outside home.max", n, data_dir, data_dir, first,
			   n > 1 ? ", ..." : "");
}

static bool overlay_home(const struct cs_profile *p)
{
	return p->home == CS_HOME_OVERLAY;
}

void cli_doctor_bounds(struct cli_doctor *d, const struct cs_policy *pol)
{
	size_t n;
	const struct cs_profile **ps = cli_ruled_profiles(pol, overlay_home, &n);

	if (!ps) {
		cli_report(d, CLI_PROBLEM, "free some memory", "cannot check home.max: out of memory");
		return;
	}
	if (n) {
		host_needs(d);
		legacy_homes(d, pol->data_dir);
	}
	for (size_t i = 0; i < n; i++) {
		if (ps[i]->home_max < CS_IMAGE_MIN_BYTES)
			cli_report(d, CLI_PROBLEM, "a larger home.max",
				   "profile %s (%s:%u) has home = overlay and home.max = %llu bytes: "
				   "below the %llu MiB its image needs; such logins are refused",
				   ps[i]->name, ps[i]->file, ps[i]->line,
				   (unsigned long long)ps[i]->home_max, CS_IMAGE_MIN_BYTES >> 20);
		else
			cli_report(d, CLI_OK_FINDING, NULL,
				   "profile %s (%s:%u) has home = overlay: home.max (%llu bytes) is the "
				   "size of each user's image in %s/" CS_IMAGES_DIR, ps[i]->name,
				   ps[i]->file, ps[i]->line, (unsigned long long)ps[i]->home_max,
				   pol->data_dir);
	}
	free(ps);
}
