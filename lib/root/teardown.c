/* SPDX-License-Identifier: MIT */
#include "lib/root/teardown.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "lib/root/cgroup.h"
#include "lib/root/pidns.h"
#include "lib/proc.h"
#include "lib/root/sandboxobj.h"

#define INIT_EXIT_TIMEOUT_MS 5000
#define POLL_MS 50

/* Is there no process left in any of the directories? A directory that
 * cannot be read counts as empty: the backend's destroy has the last word. */
static bool cgroups_empty(char *const *dirs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		FILE *f;
		int ch;

		if (snprintf(path, sizeof(path), "%s/cgroup.procs", dirs[i]) >= (int)sizeof(path))
			continue;
		if (!(f = fopen(path, "re")))
			continue;
		ch = getc(f);
		fclose(f);
		if (ch != EOF)
			return false;
	}
	return true;
}

int cs_sandbox_teardown(const struct cs_reg_entry *e, int grace_ms, struct cs_err *err)
{
	/* Root signals only the pidfd of the exact process recorded (pid and
	 * start time), never a pid that may have been recycled. */
	int fd = cs_pidfd_open_checked(e->init_pid, e->init_start);

	/* Only "gone" (ESRCH) lets teardown go on without the kill: any other
	 * failure (EMFILE, ENOMEM) would otherwise leave the init running,
	 * unrecorded once the registry entry is removed, and with cgroup =
	 * off nothing else would ever end it. */
	if (fd < 0 && fd != -ESRCH)
		return cs_err_set(err, -fd, "cannot reach sandbox init %d to end it",
				  (int)e->init_pid);
	if (fd >= 0) {
		cs_pidfd_send_signal(fd, SIGKILL);
		/* PID 1 of a namespace exits only after the kernel has
		 * killed every other process in it. */
		if (cs_pidfd_wait_exit(fd, INIT_EXIT_TIMEOUT_MS) < 0) {
			close(fd);
			return cs_err_set(err, ETIMEDOUT, "sandbox init %d did not exit",
					  (int)e->init_pid);
		}
		close(fd);
	}
	/* Through the backend the sandbox was made with, not today's. A
	 * version-1 entry names none: the one its release made the
	 * directories with (cs_cgroup_backend_of_v1_entry). */
	const char *backend = e->version == 1 ?
		cs_cgroup_backend_of_v1_entry(e->rec.cgroups, e->rec.ncgroups) : e->rec.cgroup;
	struct cs_cgroup cg;
	int r;

	if (!backend)
		return cs_err_set(err, ENOENT, "cgroup %s of the sandbox is in no hierarchy mounted here",
				  e->rec.cgroups[0]);
	if ((r = cs_cgroup_from_record(backend, e->rec.cgroups, e->rec.ncgroups, &cg, err)) < 0)
		return r;
	for (int waited = 0; waited < grace_ms && !cgroups_empty(cg.dirs, cg.n);
	     waited += POLL_MS)
		nanosleep(&(struct timespec){ 0, POLL_MS * 1000 * 1000 }, NULL);
	/* What outlived the grace (processes outside the PID namespace), then
	 * the cgroup itself; systemd's slice is neither killed nor removed. */
	cs_cgroup_kill(&cg);
	r = cs_cgroup_destroy(&cg, err);
	cs_cgroup_free(&cg);
	return r;
}

const char *cs_sandbox_due(const struct cs_reg_entry *e, long long now)
{
	bool others;
	int r;

	if (!cs_proc_alive(e->init_pid, e->init_start))
		return "its init has exited";
	if (e->nholders > 0)
		return NULL;
	/* Started by an older containsession: no login can join it again,
	 * so nothing is left to wait for once its own logins are gone. */
	if (e->version == 1)
		return "it was started by an older containsession and no login is left";
	switch (e->rec.lifetime) {
	case CS_LIFE_LOGOUT:
		return "no login is left";
	case CS_LIFE_GRACE:
		return e->idle_since > 0 && now >= e->idle_since + (long long)e->rec.lifetime_s ?
			       "its grace after the last logout is over" : NULL;
	case CS_LIFE_PROCESSES:
		r = cs_pidns_others(e->init_pid, e->init_start, &others);
		if (r == -ESRCH)
			return "its init has exited";
		/* Cannot tell (out of fds, say): keep it, the next look decides. */
		return r == 0 && !others ? "no process but its init is left" : NULL;
	}
	return NULL;
}

bool cs_sandbox_mark_idle(struct cs_reg_entry *e, long long now)
{
	if (e->nholders > 0 || e->idle_since > 0)
		return false;
	e->idle_since = now;
	return true;
}

long long cs_sandbox_ends_at(const struct cs_reg_entry *e)
{
	if (e->nholders > 0 || e->rec.lifetime != CS_LIFE_GRACE || e->idle_since <= 0)
		return -1;
	return e->idle_since + (long long)e->rec.lifetime_s;
}

int cs_sandbox_end(int statefd, const struct cs_reg_entry *e, int grace_ms, struct cs_err *err)
{
	int r = cs_sandbox_teardown(e, grace_ms, err);

	return r < 0 ? r : cs_sandbox_objs_remove(statefd, e->uid, err);
}
