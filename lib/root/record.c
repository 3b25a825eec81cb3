/* SPDX-License-Identifier: MIT */
#include "lib/root/record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Names of the enumerations, index = value. */
static const char *const home_names[] = {
	[CS_HOME_OVERLAY] = "overlay", [CS_HOME_OVERLAY_TMPFS] = "overlay-tmpfs",
	[CS_HOME_BIND] = "bind", [CS_HOME_TMPFS] = "tmpfs",
};
static const char *const tmp_names[] = { [CS_TMP_PRIVATE] = "private", [CS_TMP_HOST] = "host" };
static const char *const net_names[] = { [CS_NET_HOST] = "host", [CS_NET_NONE] = "none" };
static const char *const caps_names[] = {
	[CS_CAPS_DEFAULT] = "default", [CS_CAPS_NONE] = "none",
	[CS_CAPS_ALL] = "all", [CS_CAPS_LIST] = "list",
};
static const char *const backends[] = { "v1", "v2", "systemd", "off" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int name_index(const char *const *names, size_t n, const char *v)
{
	for (size_t i = 0; v && i < n; i++)
		if (names[i] && !strcmp(names[i], v))
			return (int)i;
	return -1;
}

int cs_record_make(const struct cs_profile *p, const char *user, const char *backend,
		   char *const *dirs, size_t ndirs, struct cs_record *r, struct cs_err *err)
{
	char host[256] = "";

	memset(r, 0, sizeof(*r));
	if (strlen(p->name) >= sizeof(r->profile))
		return cs_err_set(err, ENAMETOOLONG, "profile name %s", p->name);
	if (gethostname(host, sizeof(host) - 1) < 0)
		return cs_err_set(err, errno, "gethostname");
	host[strcspn(host, ".")] = '\0';
	if (cs_expand_hostname(p->hostname, user, host, r->hostname, sizeof(r->hostname)) < 0)
		return cs_err_set(err, EINVAL, "hostname '%s' of profile %s is not a valid hostname for %s",
				  p->hostname, p->name, user);
	if (name_index(backends, N(backends), backend) < 0 || ndirs > CS_RECORD_MAX_CGROUPS)
		return cs_err_set(err, EINVAL, "cgroup backend %s with %zu directories", backend, ndirs);
	strcpy(r->profile, p->name);
	strcpy(r->cgroup, backend);
	r->home = p->home;
	r->tmp = p->tmp;
	r->network = p->network;
	r->caps = p->caps;
	r->caps_list = p->caps_list;
	r->seccomp = p->seccomp;
	r->no_new_privs = p->no_new_privs;
	r->home_max = p->home_max;
	r->tmp_max = p->tmp_max;
	r->lifetime = p->lifetime;
	r->lifetime_s = p->lifetime_s;
	for (; r->ncgroups < ndirs; r->ncgroups++)
		if (!(r->cgroups[r->ncgroups] = strdup(dirs[r->ncgroups]))) {
			cs_record_free(r);
			return cs_err_set(err, ENOMEM, "record");
		}
	return 0;
}

void cs_record_free(struct cs_record *r)
{
	for (size_t i = 0; i < r->ncgroups; i++)
		free(r->cgroups[i]);
	memset(r, 0, sizeof(*r));
}

const char *cs_record_home_name(const struct cs_record *r)
{
	return (size_t)r->home < N(home_names) ? home_names[r->home] : "?";
}

void cs_record_put(struct cs_kvw *w, const struct cs_record *r)
{
	char life[24];

	/* An enumeration out of range (memory gone wrong) poisons the writer:
	 * nothing half-right is written. */
	if ((size_t)r->caps >= N(caps_names) || (size_t)r->home >= N(home_names)) {
		w->error = -EINVAL;
		return;
	}
	cs_kvw_u64(w, "version", CS_RECORD_VERSION);
	cs_kvw_str(w, "profile", r->profile);
	cs_kvw_str(w, "hostname", r->hostname);
	cs_kvw_str(w, "home", cs_record_home_name(r));
	cs_kvw_str(w, "tmp", tmp_names[r->tmp == CS_TMP_HOST]);
	cs_kvw_str(w, "network", net_names[r->network == CS_NET_NONE]);
	cs_kvw_str(w, "capabilities", caps_names[r->caps]);
	cs_kvw_u64(w, "capabilities.list", r->caps_list);
	cs_kvw_u64(w, "seccomp", r->seccomp);
	cs_kvw_u64(w, "no_new_privs", r->no_new_privs);
	cs_kvw_u64(w, "home.max", r->home_max);
	cs_kvw_u64(w, "tmp.max", r->tmp_max);
	if (r->lifetime == CS_LIFE_GRACE)
		snprintf(life, sizeof(life), "%u", (unsigned)r->lifetime_s);
	else
		snprintf(life, sizeof(life), "%s", r->lifetime == CS_LIFE_PROCESSES ? "processes" : "logout");
	cs_kvw_str(w, "lifetime", life);
	cs_kvw_str(w, "cgroup", r->cgroup);
	for (size_t i = 0; i < r->ncgroups; i++)
		cs_kvw_str(w, "cgroup.dir", r->cgroups[i]);
}

/* A string key into buf, which it must fit. */
static int take_str(struct cs_kv *kv, const char *key, char *buf, size_t len)
{
	const char *v = cs_kv_get(kv, key);

	if (!v)
		return cs_kv_fail(kv, "no %s", key);
	if (!*v || strlen(v) >= len)
		return cs_kv_fail(kv, "%s=%s is empty or too long", key, v);
	memcpy(buf, v, strlen(v) + 1);
	return 0;
}

/* One of names (its index), or an error naming the key. */
static int take_enum(struct cs_kv *kv, const char *key, const char *const *names, size_t n)
{
	const char *v = cs_kv_get(kv, key);
	int i = name_index(names, n, v);

	return i >= 0 ? i : v ? cs_kv_fail(kv, "%s=%s is not a value it takes", key, v) :
			 cs_kv_fail(kv, "no %s", key);
}

static int take_u64(struct cs_kv *kv, const char *key, uint64_t min, uint64_t max, uint64_t *out)
{
	int r = cs_kv_get_u64(kv, key, max, out);

	if (r == -ENOENT)
		return cs_kv_fail(kv, "no %s", key);
	if (r == 0 && *out < min)
		return cs_kv_fail(kv, "%s is out of range", key);
	return r;
}

int cs_record_take(struct cs_kv *kv, struct cs_record *r)
{
	uint64_t v, u;
	const char *life, *dir;
	size_t it = 0;
	int i;

	memset(r, 0, sizeof(*r));
	/* The version first: an entry of another version is not read further,
	 * so the message names the version, not some key it lacks. */
	if (take_u64(kv, "version", 0, UINT32_MAX, &v) < 0)
		return -EINVAL;
	if (v != CS_RECORD_VERSION)
		return cs_kv_fail(kv, "version %llu, not %d: made by another containsession",
				  (unsigned long long)v, CS_RECORD_VERSION);
	if (take_str(kv, "profile", r->profile, sizeof(r->profile)) < 0 ||
	    take_str(kv, "hostname", r->hostname, sizeof(r->hostname)) < 0 ||
	    take_str(kv, "cgroup", r->cgroup, sizeof(r->cgroup)) < 0)
		return -EINVAL;
	if (name_index(backends, N(backends), r->cgroup) < 0)
		return cs_kv_fail(kv, "cgroup=%s is not a backend", r->cgroup);
	if ((i = take_enum(kv, "home", home_names, N(home_names))) < 0)
		return i;
	r->home = (enum cs_home_mode)i;
	if ((i = take_enum(kv, "tmp", tmp_names, N(tmp_names))) < 0)
		return i;
	r->tmp = (enum cs_tmp_mode)i;
	if ((i = take_enum(kv, "network", net_names, N(net_names))) < 0)
		return i;
	r->network = (enum cs_net_mode)i;
	if ((i = take_enum(kv, "capabilities", caps_names, N(caps_names))) < 0)
		return i;
	r->caps = (enum cs_caps_mode)i;
	if (take_u64(kv, "capabilities.list", 0, UINT64_MAX, &r->caps_list) < 0 ||
	    take_u64(kv, "seccomp", 0, 1, &v) < 0 || take_u64(kv, "no_new_privs", 0, 1, &u) < 0)
		return -EINVAL;
	r->seccomp = v;
	r->no_new_privs = u;
	/* Never 0: a tmpfs without size= may take half of the host's RAM. */
	if (take_u64(kv, "home.max", 1, UINT64_MAX, &r->home_max) < 0 ||
	    take_u64(kv, "tmp.max", 1, UINT64_MAX, &r->tmp_max) < 0)
		return -EINVAL;
	if (!(life = cs_kv_get(kv, "lifetime")))
		return cs_kv_fail(kv, "no lifetime");
	if (!strcmp(life, "logout") || !strcmp(life, "processes")) {
		r->lifetime = life[0] == 'l' ? CS_LIFE_LOGOUT : CS_LIFE_PROCESSES;
	} else {
		if (take_u64(kv, "lifetime", 1, CS_LIFETIME_MAX_S, &v) < 0)
			return -EINVAL;
		r->lifetime = CS_LIFE_GRACE;
		r->lifetime_s = (uint32_t)v;
	}
	while ((dir = cs_kv_next(kv, "cgroup.dir", &it))) {
		/* Root writes to these paths at teardown: absolute, as made. */
		if (dir[0] != '/' || r->ncgroups == CS_RECORD_MAX_CGROUPS)
			return cs_kv_fail(kv, "cgroup.dir=%s: not absolute, or too many", dir);
		if (!(r->cgroups[r->ncgroups++] = strdup(dir)))
			return -ENOMEM;
	}
	if (!strcmp(r->cgroup, "off") && r->ncgroups)
		return cs_kv_fail(kv, "cgroup=off with directories");
	return 0;
}

void cs_record_session(const struct cs_record *r, struct cs_session_info *si)
{
	si->net_none = r->network == CS_NET_NONE;
	si->seccomp = r->seccomp;
	si->no_new_privs = r->no_new_privs;
	si->caps = (int)r->caps;
	si->caps_list = r->caps_list;
}
