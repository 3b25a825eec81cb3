/* SPDX-License-Identifier: MIT */
/*
 * One sandbox per user, shared by all their sessions. Every step that reads
 * or changes a user's sandbox runs under the lock of their registry entry,
 * so concurrent logins of one user make exactly one sandbox, and a teardown
 * never races a join.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_ext.h>

#include "lib/root/cgroup.h"
#include "lib/root/homeimg.h"
#include "lib/fsutil.h"
#include "lib/proc.h"
#include "lib/root/sandboxobj.h"
#include "lib/root/teardown.h"
#include "pam_module/module.h"

void cs_session_free(struct cs_session *s)
{
	if (s->netfd >= 0)
		close(s->netfd);
	free(s->user);
	free(s->profile);
	free(s->state_dir);
	cs_cgroup_free(&s->cg);
	memset(s, 0, sizeof(*s));
	s->netfd = -1;
}

/* The last session is closing already: no grace for the cgroup to empty
 * by itself (lib/root/teardown.c, shared with `containsession stop`). */
static int teardown(const struct cs_reg *reg, const struct cs_reg_entry *e, struct cs_err *err)
{
	return cs_sandbox_end(reg->statefd, e, 0, err);
}

/* Where the overlay upper layer lives: DATA/<user>, made by root with the
 * user as owner; everything below it is the helper's, done as the user.
 * For home = overlay, the image that bounds it by home.max too
 * (lib/root/homeimg.h), mounted for the spawn to hand to the init and kept
 * mounted below statefd for the next sandbox: no image, no login (a
 * persistent home is never left unbounded). */
static int prepare_data_dir(struct cs_login *l, const struct cs_record *rec, int statefd,
			    char **path, struct cs_err *err)
{
	_cleanup_close_ int dfd = -1;
	int ufd;

	*path = NULL;
	if (rec->home != CS_HOME_OVERLAY && rec->home != CS_HOME_OVERLAY_TMPFS)
		return 0;
	dfd = cs_open_root_dir(l->pol->data_dir, true, 0755, err);
	if (dfd < 0)
		return dfd;
	ufd = cs_open_user_dir(dfd, l->user, l->uid, l->gid, err);
	if (ufd < 0)
		return ufd;
	close(ufd);
	if (rec->home == CS_HOME_OVERLAY) {
		char note[512];

		l->spawn_homefd = cs_home_image_mount(l->pol->data_dir, dfd, statefd, l->user, l->uid,
						      l->gid, rec->home_max, note, sizeof(note), err);
		if (l->spawn_homefd < 0)
			return l->spawn_homefd;
		if (*note)
			cs_logf(&l->log, LOG_NOTICE, "%s", note);
	}
	if (asprintf(path, "%s/%s", l->pol->data_dir, l->user) < 0)
		return cs_err_set(err, ENOMEM, "data dir path");
	return 0;
}

/* The sandbox's /tmp and (network = none) network namespace, made by root
 * before the init (lib/root/sandboxobj.h); what a dead predecessor left is
 * removed first. The spawn hands them to the init; s keeps the namespace
 * for this login's post-auth child. */
static int make_objs(struct cs_login *l, const struct cs_record *rec, struct cs_session *s,
		     int statefd, struct cs_err *err)
{
	int r;

	if ((r = cs_sandbox_objs_remove(statefd, l->uid, err)) < 0)
		return r;
	if (rec->tmp == CS_TMP_PRIVATE) {
		if ((r = cs_tmp_create(statefd, l->uid, rec->tmp_max, err)) < 0)
			return r;
		if ((l->spawn_tmpfd = cs_tmp_open(statefd, l->uid, err)) < 0)
			return l->spawn_tmpfd;
		s->tmp_shared = true;
	}
	if (rec->network == CS_NET_NONE) {
		s->netfd = cs_netns_create(statefd, l->uid, l->gid, &s->netns_ino, err);
		if (s->netfd < 0)
			return s->netfd;
		l->spawn_netfd = s->netfd;
		l->netns_ino = s->netns_ino;
	}
	return 0;
}

/* Joining: what the running sandbox's record says it has, whatever the
 * policy says now. What the record names must be there: a login never
 * joins with the host's /tmp or network in place of the sandbox's. */
static int open_objs(const struct cs_reg *reg, const struct cs_reg_entry *e,
		     struct cs_session *s, struct cs_err *err)
{
	if (e->rec.tmp == CS_TMP_PRIVATE) {
		int fd = cs_tmp_open(reg->statefd, e->uid, err);

		if (fd < 0)
			return fd;
		close(fd);
		s->tmp_shared = true;
	}
	if (e->rec.network == CS_NET_NONE) {
		s->netfd = cs_netns_open(reg->statefd, e->uid, &s->netns_ino, err);
		if (s->netfd < 0)
			return s->netfd;
	}
	return 0;
}

static int create(struct cs_login *l, struct cs_session *s, const struct cs_reg *reg,
		  struct cs_cgroup *cg, struct cs_reg_entry *e, struct cs_err *err)
{
	_cleanup_free_ char *data = NULL;
	int r;

	/* The record first (lib/root/record.h): the one reading of the
	 * profile for this sandbox. Everything below builds what it says,
	 * and every later login joins what it says. */
	cs_reg_entry_free(e);
	if ((r = cs_record_make(l->prof, l->user, cg->backend ? cg->backend->name : "off", cg->dirs,
				cg->n, &e->rec, err)) < 0 ||
	    (r = prepare_data_dir(l, &e->rec, reg->statefd, &data, err)) < 0 ||
	    /* The limits are written once, here; the cgroup keeps them. */
	    (r = cs_cgroup_setup(cg, l->prof, &l->log, err)) < 0 ||
	    /* Into the user's cgroup before forking the init: it and every
	     * process of this login inherit it. */
	    (r = cs_cgroup_attach(cg, getpid(), err)) < 0)
		goto out;
	r = make_objs(l, &e->rec, s, reg->statefd, err);
	if (r == 0)
		r = cs_spawn_init(l, &e->rec, data, &e->init_pid, &e->init_start, err);
out:
	if (l->spawn_tmpfd >= 0)
		close(l->spawn_tmpfd);
	/* The init has its own reference to the home image's mount (or
	 * failed, and the mount goes with this fd). */
	if (l->spawn_homefd >= 0)
		close(l->spawn_homefd);
	l->spawn_tmpfd = l->spawn_netfd = l->spawn_homefd = -1;
	if (r < 0)
		return r;
	/* A unit of its own where the backend has them (systemd's scope). */
	cs_cgroup_adopt(cg, l->uid, l->user, e->init_pid, &l->log);
	e->present = true;
	e->uid = l->uid;
	e->gid = l->gid;
	snprintf(e->user, sizeof(e->user), "%s", l->user);
	e->created = (long long)time(NULL);
	return 0;
}

int cs_sandbox_open(struct cs_login *l, struct cs_session *s, struct cs_err *err)
{
	struct cs_cgroup cg;
	struct cs_reg reg = { .fd = -1 };
	struct cs_reg_entry e = { 0 };
	_cleanup_close_ int statefd = -1;
	bool fresh = false, moved_out;
	int r;

	if (strlen(l->user) >= sizeof(e.user))
		return cs_err_set(err, ENAMETOOLONG, "user name");
	s->uid = l->uid;
	s->self_pid = getpid();
	if ((r = cs_proc_starttime(s->self_pid, &s->self_start)) < 0)
		return cs_err_set(err, -r, "own start time");
	s->user = strdup(l->user);
	s->state_dir = strdup(l->pol->state_dir);
	if (!s->user || !s->state_dir)
		return cs_err_set(err, ENOMEM, "session");

	statefd = cs_open_root_dir(l->pol->state_dir, true, 0700, err);
	if (statefd < 0)
		return statefd;
	memset(&cg, 0, sizeof(cg));

	if ((r = cs_reg_lock(statefd, l->uid, &reg, err)) < 0)
		goto out_cg;
	if ((r = cs_reg_read(&reg, &e, err)) < 0)
		goto out_unlock;
	if (e.present) {
		const char *due;

		cs_reg_prune(&e);
		if (!cs_proc_alive(e.init_pid, e.init_start)) {
			/* The init died (killed by the user, or OOM): its PID
			 * namespace is gone with it. Start afresh; the cgroup
			 * directory is reused. */
			if (l->debug)
				pam_syslog(l->pamh, LOG_DEBUG, "stale sandbox of %s (init %d gone)",
					   l->user, (int)e.init_pid);
			cs_reg_entry_free(&e);
		} else if ((due = cs_sandbox_due(&e, (long long)time(NULL)))) {
			/* Kept after its last logout and its time is up (nobody
			 * ran gc yet): this login ends it and starts afresh
			 * rather than joining what should be gone. We are not
			 * in its cgroup yet, so removing it cannot hit us. */
			if ((r = teardown(&reg, &e, err)) < 0)
				goto out_unlock;
			cs_logf(&l->log, LOG_INFO, "sandbox of %s ended (%s; init pid %d)",
				l->user, due, (int)e.init_pid);
			cs_reg_entry_free(&e);
		}
	}
	if (!e.present) {
		/* Resolved from the policy only for a new sandbox: a join
		 * goes by the record (below), and reads the host's cgroup
		 * mounts once, not twice. */
		r = cs_cgroup_resolve(l->pol->cgroup, l->pol->cgroup_root, l->uid, &cg, &l->log, err);
		if (r < 0)
			goto out_unlock;
		fresh = true;
		/* This login's cgroup is the new sandbox's (its backend
		 * recorded with it): close leaves it. */
		s->cg = cg;
		memset(&cg, 0, sizeof(cg));
		r = create(l, s, &reg, &s->cg, &e, err);
		if (r < 0)
			goto out_undo;
		s->created = true;
	} else if ((r = cs_cgroup_from_record(e.rec.cgroup, e.rec.cgroups, e.rec.ncgroups, &s->cg,
					      err)) < 0 ||
		   (r = cs_cgroup_attach(&s->cg, getpid(), err)) < 0 ||
		   (r = open_objs(&reg, &e, s, err)) < 0) {
		/* A running sandbox is joined through the backend it was
		 * made with, whatever the policy says today. */
		goto out_undo;
	}
	/* A login rejoining a sandbox kept after the last logout. */
	e.idle_since = 0;
	if (!(s->profile = strdup(e.rec.profile)) ||
	    cs_reg_add_holder(&e, s->self_pid, s->self_start) < 0) {
		r = cs_err_set(err, ENOMEM, "registry entry");
		goto out_undo;
	}
	if ((r = cs_reg_write(&reg, &e, err)) < 0)
		goto out_undo;
	s->init_pid = e.init_pid;
	s->init_start = e.init_start;
	/* What this login's shell joins with (its session file), from the
	 * record, made or joined, never from l->prof. */
	s->info = (struct cs_session_info){ .uid = e.uid, .init_pid = e.init_pid,
					    .init_start = e.init_start, .netns = s->netns_ino };
	cs_record_session(&e.rec, &s->info);
	cs_reg_unlock(&reg);
	cs_reg_entry_free(&e);
	cs_cgroup_free(&cg);
	return 0;

out_undo:
	/* Leave nothing half-made: back out of the cgroup, and if this call
	 * made the sandbox, take it down again. */
	moved_out = cs_cgroup_leave(&s->cg, getpid(), NULL) == 0;
	if (fresh) {
		struct cs_err ignored;
		bool ended = true;

		if (!moved_out) {
			/* Still in the user's cgroup: destroying it now
			 * (cgroup.kill, or SIGKILL to every member) would kill
			 * this process too, before it logs the refusal. Only
			 * the init is ended; the emptied cgroup (its path is
			 * fixed per uid) is taken over by the next login. */
			int fd = e.init_pid > 1 ? cs_pidfd_open_checked(e.init_pid, e.init_start) : -ESRCH;
			if (fd >= 0) {
				cs_pidfd_send_signal(fd, SIGKILL);
				ended = cs_pidfd_wait_exit(fd, 5000) == 0;
				close(fd);
			} else {
				ended = fd == -ESRCH;
			}
		} else if (e.init_pid > 1) {
			ended = teardown(&reg, &e, &ignored) == 0;
		} else {
			cs_cgroup_destroy(&s->cg, NULL);
			cs_sandbox_objs_remove(reg.statefd, l->uid, &ignored);
		}
		/* An init that could not be ended stays recorded, with no
		 * holders, for the next login or `containsession stop`. */
		if (ended) {
			cs_reg_remove(&reg, NULL);
		} else {
			e.nholders = 0;
			cs_reg_write(&reg, &e, &ignored);
		}
	}
out_unlock:
	cs_reg_unlock(&reg);
	cs_reg_entry_free(&e);
out_cg:
	cs_cgroup_free(&cg);
	return r;
}

int cs_sandbox_close(struct cs_session *s, const struct cs_log *log,
		     struct cs_err *err)
{
	struct cs_reg reg = { .fd = -1 };
	struct cs_reg_entry e = { 0 };
	int statefd, r;

	/* Out of the user's cgroup first: it is removed below, and a cgroup
	 * that still holds us cannot be. */
	struct cs_err left = { 0 };
	int lr = cs_cgroup_leave(&s->cg, getpid(), &left);
	bool moved_out = lr == 0;

	statefd = cs_open_root_dir(s->state_dir, false, 0700, err);
	if (statefd < 0)
		return statefd;
	r = cs_reg_lock_existing(statefd, s->uid, &reg, err);
	if (r == -ENOENT) {
		/* Already gone: `containsession stop`, or a later login found
		 * it stale and made a new one. */
		close(statefd);
		return 0;
	}
	if (r < 0)
		goto out;
	if ((r = cs_reg_read(&reg, &e, err)) < 0 || !e.present)
		goto out;
	bool mine = cs_reg_del_holder(&e, s->self_pid, s->self_start);
	cs_reg_prune(&e);
	/* Only the sandbox this session joined is ours to end: a newer one
	 * (made after ours died) belongs to other sessions. */
	bool last = mine && e.nholders == 0 && e.init_pid == s->init_pid &&
		    e.init_start == s->init_start;
	const char *due = NULL;
	char life[32] = "";

	if (last) {
		/* Kept after the last logout (lifetime processes or a grace):
		 * it ends when gc or a later login finds it due. A processes
		 * sandbox with nothing left in it ends now. */
		cs_sandbox_mark_idle(&e, (long long)time(NULL));
		due = cs_sandbox_due(&e, (long long)time(NULL));
		if (!due) {
			cs_lifetime_format(e.rec.lifetime, e.rec.lifetime_s, life, sizeof(life));
			if ((r = cs_reg_write(&reg, &e, err)) == 0)
				cs_logf(log, LOG_INFO, "sandbox of %s kept after the last logout "
					"(lifetime %s, init pid %d)", s->user, life, (int)s->init_pid);
			goto out;
		}
	}
	if (last) {
		struct cs_err rm;
		/* Destroying a cgroup we are still in would kill us with it
		 * (cgroup.kill, or SIGKILL to every member). */
		if (moved_out) {
			r = teardown(&reg, &e, err);
		} else {
			/* left.msg already ends in the errno's text */
			cs_err_set(err, 0, "cannot leave the user's cgroup (%s); sandbox left for the next login",
				   left.msg);
			r = lr;
		}
		if (r < 0) {
			/* Not (completely) ended: the entry stays, with no
			 * holders, so the next login joins or replaces it
			 * and `containsession stop` can still end it. Removed,
			 * it would leave an init or cgroup running unrecorded. */
			cs_reg_write(&reg, &e, &rm);
		} else if ((r = cs_reg_remove(&reg, &rm)) < 0) {
			*err = rm;
		} else {
			cs_logf(log, LOG_INFO, "sandbox torn down for %s (uid %u, profile %s, init pid %d)",
				s->user, (unsigned)s->uid, s->profile, (int)s->init_pid);
		}
	} else if (mine) {
		r = cs_reg_write(&reg, &e, err);
	}
out:
	cs_reg_unlock(&reg);
	cs_reg_entry_free(&e);
	close(statefd);
	return r;
}
