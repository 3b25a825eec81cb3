/* SPDX-License-Identifier: MIT */
/*
 * Setting one key of a profile or of [global] from its text, the built-in
 * defaults, and copying a key down an inherit chain. The syntax of each
 * value is described in the keyword table (keys.c); the parsers of numbers
 * live in units.c, capabilities in caps.c, hostname templates in hostname.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/internal.h"

struct word {
	const char *s;
	int v;
};

static int lookup(const struct word *w, const char *s, int *out)
{
	for (; w->s; w++)
		if (!strcmp(w->s, s)) {
			*out = w->v;
			return 0;
		}
	return -ENOENT;
}

static const struct word home_words[] = {
	{ "overlay", CS_HOME_OVERLAY }, { "overlay-tmpfs", CS_HOME_OVERLAY_TMPFS },
	{ "bind", CS_HOME_BIND }, { "tmpfs", CS_HOME_TMPFS }, { NULL, 0 },
};
static const struct word tmp_words[] = {
	{ "private", CS_TMP_PRIVATE }, { "host", CS_TMP_HOST }, { NULL, 0 },
};
static const struct word net_words[] = {
	{ "host", CS_NET_HOST }, { "none", CS_NET_NONE }, { NULL, 0 },
};
static const struct word seccomp_words[] = {
	{ "default", 1 }, { "off", 0 }, { NULL, 0 },
};
static const struct word yesno_words[] = {
	{ "yes", 1 }, { "no", 0 }, { NULL, 0 },
};
static const struct word cgroup_words[] = {
	{ "auto", CS_CG_AUTO }, { "systemd", CS_CG_SYSTEMD }, { "v2", CS_CG_V2 },
	{ "v1", CS_CG_V1 }, { "off", CS_CG_OFF }, { NULL, 0 },
};

static bool in_set(char c, const char *extra)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr(extra, c));
}

bool cs_valid_profile_name(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (n >= CS_MAX_NAME || !in_set(s[n], "_.-"))
			return false;
	return n > 0;
}

bool cs_valid_user_name(const char *s)
{
	size_t n = 0;

	/* As shadow-utils allows: '$' only after the first character
	 * (machine accounts end in it). */
	for (; s[n]; n++)
		if (n >= CS_MAX_USER || !in_set(s[n], n ? "_.$-" : "_.-"))
			return false;
	return n > 0;
}

static void why_set(struct cs_why *why, const char *msg)
{
	snprintf(why->msg, sizeof(why->msg), "%s", msg);
}

static int size_key(const char *v, uint64_t *out, bool zero_ok, struct cs_why *why)
{
	uint64_t x;
	int r = cs_size_parse(v, &x);

	if (r == -ERANGE) {
		why_set(why, "too large");
		return CS_VAL_BAD;
	}
	if (r < 0)
		return CS_VAL_BAD;
	if (!x && !zero_ok) {
		why_set(why, "must be more than 0 (use max for no limit)");
		return CS_VAL_BAD;
	}
	*out = x;
	return CS_VAL_OK;
}

/* A bound on a file system: a size, never "max" (a tmpfs without size= may
 * take half the host's RAM; a home without a bound fills data_dir). */
static int bound_key(const char *v, uint64_t *out, struct cs_why *why)
{
	uint64_t x;

	if (!strcmp(v, "max")) {
		why_set(why, "must be a size: this bound cannot be lifted");
		return CS_VAL_BAD;
	}
	if (size_key(v, &x, true, why) < 0)
		return CS_VAL_BAD;
	if (!x) {
		why_set(why, "must be more than 0");
		return CS_VAL_BAD;
	}
	*out = x;
	return CS_VAL_OK;
}

static int strdup_to(char **dst, const char *v)
{
	char *s = strdup(v);

	if (!s)
		return CS_VAL_NOMEM;
	free(*dst);
	*dst = s;
	return CS_VAL_OK;
}

static int word_key(const struct word *w, const char *v, int *out)
{
	return lookup(w, v, out) < 0 ? CS_VAL_BAD : CS_VAL_OK;
}

int cs_profile_set(struct cs_profile *p, enum cs_key k, const char *v, struct cs_why *why)
{
	int r, x = 0;

	why->msg[0] = '\0';
	why->full = false;
	switch (k) {
	case CS_K_INHERIT:
		if (!cs_valid_profile_name(v))
			return CS_VAL_BAD;
		return strdup_to(&p->inherit, v);
	case CS_K_HOSTNAME:
		if (cs_hostname_tmpl_check(v, why) < 0)
			return CS_VAL_BAD;
		return strdup_to(&p->hostname, v);
	case CS_K_HOME:
		if ((r = word_key(home_words, v, &x)) == 0)
			p->home = (enum cs_home_mode)x;
		return r;
	case CS_K_TMP:
		if ((r = word_key(tmp_words, v, &x)) == 0)
			p->tmp = (enum cs_tmp_mode)x;
		return r;
	case CS_K_NETWORK:
		if ((r = word_key(net_words, v, &x)) == 0)
			p->network = (enum cs_net_mode)x;
		return r;
	case CS_K_MEMORY_MAX:
		return size_key(v, &p->memory_max, false, why);
	case CS_K_MEMORY_HIGH:
		return size_key(v, &p->memory_high, false, why);
	case CS_K_MEMORY_SWAP_MAX:
		return size_key(v, &p->memory_swap_max, true, why);
	case CS_K_PIDS_MAX:
		if ((r = cs_count_parse(v, &p->pids_max)) == -ERANGE)
			why_set(why, "too large");
		return r < 0 ? CS_VAL_BAD : CS_VAL_OK;
	case CS_K_CPU_MAX:
		if ((r = cs_cpu_max_parse(v, &p->cpu_quota_us, &p->cpu_period_us)) == -ERANGE)
			why_set(why, "out of range: N% is 1..100000, QUOTA 1000..1000 x PERIOD, "
				"PERIOD 1000..1000000");
		return r < 0 ? CS_VAL_BAD : CS_VAL_OK;
	case CS_K_CPU_WEIGHT:
		return cs_weight_parse(v, &p->cpu_weight) < 0 ? CS_VAL_BAD : CS_VAL_OK;
	case CS_K_IO_WEIGHT:
		return cs_weight_parse(v, &p->io_weight) < 0 ? CS_VAL_BAD : CS_VAL_OK;
	case CS_K_CAPABILITIES:
		return cs_caps_parse(v, &p->caps, &p->caps_list, why) < 0 ? CS_VAL_BAD : CS_VAL_OK;
	case CS_K_SECCOMP:
		if ((r = word_key(seccomp_words, v, &x)) == 0)
			p->seccomp = x;
		return r;
	case CS_K_NO_NEW_PRIVS:
		if ((r = word_key(yesno_words, v, &x)) == 0)
			p->no_new_privs = x;
		return r;
	case CS_K_HOME_MAX:
		return bound_key(v, &p->home_max, why);
	case CS_K_TMP_MAX:
		return bound_key(v, &p->tmp_max, why);
	case CS_K_LIFETIME:
		return cs_parse_lifetime(v, &p->lifetime, &p->lifetime_s) < 0 ? CS_VAL_BAD :
										 CS_VAL_OK;
	case CS_K_COUNT:
		break;
	}
	return CS_VAL_BAD;
}

int cs_profile_init(struct cs_profile *p, char *name, const char *file, unsigned line)
{
	memset(p, 0, sizeof(*p));
	p->hostname = strdup(CS_DEFAULT_HOSTNAME);
	if (!p->hostname) {
		free(name);
		return -ENOMEM;
	}
	p->name = name;
	p->home = CS_HOME_OVERLAY;
	p->tmp = CS_TMP_PRIVATE;
	p->network = CS_NET_HOST;
	p->memory_max = p->memory_high = p->memory_swap_max = CS_UNLIMITED;
	p->pids_max = CS_UNLIMITED;
	p->cpu_quota_us = CS_UNLIMITED;
	p->cpu_period_us = CS_DEFAULT_PERIOD;
	p->cpu_weight = 100;
	p->io_weight = 100;
	p->caps = CS_CAPS_DEFAULT;
	p->seccomp = true;
	p->no_new_privs = true;
	p->lifetime = CS_LIFE_LOGOUT;
	p->file = file;
	p->line = line;
	return 0;
}

void cs_profile_clear(struct cs_profile *p)
{
	free(p->name);
	free(p->inherit);
	free(p->hostname);
	memset(p, 0, sizeof(*p));
}

int cs_profile_copy_key(struct cs_profile *dst, const struct cs_profile *src, enum cs_key k)
{
	switch (k) {
	case CS_K_INHERIT:
		/* A profile's inherit is its own: it is how the chain is
		 * walked, not a setting that flows down it. */
		return 0;
	case CS_K_HOSTNAME:
		if (strdup_to(&dst->hostname, src->hostname) < 0)
			return -ENOMEM;
		break;
	case CS_K_HOME: dst->home = src->home; break;
	case CS_K_TMP: dst->tmp = src->tmp; break;
	case CS_K_NETWORK: dst->network = src->network; break;
	case CS_K_MEMORY_MAX: dst->memory_max = src->memory_max; break;
	case CS_K_MEMORY_HIGH: dst->memory_high = src->memory_high; break;
	case CS_K_MEMORY_SWAP_MAX: dst->memory_swap_max = src->memory_swap_max; break;
	case CS_K_PIDS_MAX: dst->pids_max = src->pids_max; break;
	case CS_K_CPU_MAX:
		dst->cpu_quota_us = src->cpu_quota_us;
		dst->cpu_period_us = src->cpu_period_us;
		break;
	case CS_K_CPU_WEIGHT: dst->cpu_weight = src->cpu_weight; break;
	case CS_K_IO_WEIGHT: dst->io_weight = src->io_weight; break;
	case CS_K_CAPABILITIES:
		dst->caps = src->caps;
		dst->caps_list = src->caps_list;
		break;
	case CS_K_SECCOMP: dst->seccomp = src->seccomp; break;
	case CS_K_NO_NEW_PRIVS: dst->no_new_privs = src->no_new_privs; break;
	case CS_K_HOME_MAX: dst->home_max = src->home_max; break;
	case CS_K_TMP_MAX: dst->tmp_max = src->tmp_max; break;
	case CS_K_LIFETIME:
		dst->lifetime = src->lifetime;
		dst->lifetime_s = src->lifetime_s;
		break;
	case CS_K_COUNT:
		return -EINVAL;
	}
	dst->set[k] = src->set[k];
	dst->origin[k] = src->origin[k];
	return 0;
}

/* ---- [global] ----------------------------------------------------------- */

/*
 * cgroup_root is joined below a hierarchy (or below the login's own cgroup)
 * by root; ".." would climb out of the subtree meant for us, into cgroups
 * other services own.
 */
static bool valid_cgroup_root(const char *v)
{
	const char *s = v;

	if (!strncmp(s, "./", 2))
		s += 2;
	if (!*s)
		return false;
	for (const char *c = s; *c; c++)
		if (!in_set(*c, "_.@:/-"))
			return false;
	/* Every component non-empty (no leading '/', no "//", no trailing
	 * '/'), and neither "." nor "..". */
	while (*s) {
		size_t n = strcspn(s, "/");
		if (!n || (n == 1 && s[0] == '.') || (n == 2 && !strncmp(s, "..", 2)))
			return false;
		s += n;
		if (*s == '/' && !*++s)
			return false;
	}
	return true;
}

/* state_dir and data_dir are walked component by component as root; a
 * plain absolute path keeps what the walk checks equal to what was meant. */
static bool valid_abs_dir(const char *v)
{
	const char *s = v;

	if (*s != '/' || !s[1])
		return false;
	for (const char *c = v; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return false;
	s++;
	while (*s) {
		size_t n = strcspn(s, "/");
		if (!n || (n == 1 && s[0] == '.') || (n == 2 && !strncmp(s, "..", 2)))
			return false;
		s += n;
		if (*s == '/' && !*++s)
			return false;
	}
	return true;
}

int cs_global_defaults(struct cs_policy *p)
{
	p->cgroup = CS_CG_AUTO;
	p->cgroup_root = strdup(CS_DEFAULT_CGROOT);
	p->state_dir = strdup(CS_DEFAULT_STATE);
	p->data_dir = strdup(CS_DEFAULT_DATA);
	return p->cgroup_root && p->state_dir && p->data_dir ? 0 : -ENOMEM;
}

int cs_global_set(struct cs_policy *p, enum cs_gkey g, const char *v, struct cs_why *why)
{
	int x;

	why->msg[0] = '\0';
	why->full = false;
	switch (g) {
	case CS_G_CGROUP:
		if (lookup(cgroup_words, v, &x) < 0)
			return CS_VAL_BAD;
		p->cgroup = (enum cs_cgroup_mode)x;
		return CS_VAL_OK;
	case CS_G_CGROUP_ROOT:
		if (!valid_cgroup_root(v)) {
			why_set(why, "a relative path or ./path of [A-Za-z0-9_.@:-] "
				"components, without '..', '.' or empty components");
			return CS_VAL_BAD;
		}
		return strdup_to(&p->cgroup_root, v);
	case CS_G_STATE_DIR:
	case CS_G_DATA_DIR:
		if (!valid_abs_dir(v)) {
			why_set(why, "an absolute path other than /, without '..', '.' "
				"or empty components and without a trailing /");
			return CS_VAL_BAD;
		}
		return strdup_to(g == CS_G_STATE_DIR ? &p->state_dir : &p->data_dir, v);
	case CS_G_COUNT:
		break;
	}
	return CS_VAL_BAD;
}
