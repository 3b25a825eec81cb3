/* SPDX-License-Identifier: MIT */
/*
 * The canonical text of a resolved value, for `containsession explain` and
 * the round-trip tests: whatever is printed here parses back to the same
 * value (as OpenSSH checks for `sshd -T`). Sizes print as exact bytes and
 * cpu.max as "QUOTA PERIOD": plain, never rounded.
 */
#include <inttypes.h>
#include <stdio.h>

#include "config/internal.h"

static int put(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int put(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < len ? 0 : -ENOSPC;
}

static int limit(char *buf, size_t len, uint64_t v)
{
	if (v == CS_UNLIMITED)
		return put(buf, len, "max");
	return put(buf, len, "%" PRIu64, v);
}

int cs_profile_format(const struct cs_profile *p, enum cs_key k, char *buf, size_t len)
{
	static const char *const home[] = {
		[CS_HOME_OVERLAY] = "overlay", [CS_HOME_OVERLAY_TMPFS] = "overlay-tmpfs",
		[CS_HOME_BIND] = "bind", [CS_HOME_TMPFS] = "tmpfs",
	};

	if (!p || !buf || !len)
		return -EINVAL;
	buf[0] = '\0';
	switch (k) {
	case CS_K_INHERIT:
		/* No parent prints as nothing: there is no value for "none". */
		return put(buf, len, "%s", p->inherit ? p->inherit : "");
	case CS_K_HOSTNAME:
		return put(buf, len, "%s", p->hostname ? p->hostname : "");
	case CS_K_HOME:
		if ((unsigned)p->home >= sizeof(home) / sizeof(home[0]))
			return -EINVAL;
		return put(buf, len, "%s", home[p->home]);
	case CS_K_TMP:
		return put(buf, len, "%s", p->tmp == CS_TMP_HOST ? "host" : "private");
	case CS_K_NETWORK:
		return put(buf, len, "%s", p->network == CS_NET_NONE ? "none" : "host");
	case CS_K_MEMORY_MAX:
		return limit(buf, len, p->memory_max);
	case CS_K_MEMORY_HIGH:
		return limit(buf, len, p->memory_high);
	case CS_K_MEMORY_SWAP_MAX:
		return limit(buf, len, p->memory_swap_max);
	case CS_K_PIDS_MAX:
		return limit(buf, len, p->pids_max);
	case CS_K_CPU_MAX:
		if (p->cpu_quota_us != CS_UNLIMITED)
			return put(buf, len, "%" PRIu64 " %" PRIu64, p->cpu_quota_us,
				   p->cpu_period_us);
		if (p->cpu_period_us == CS_DEFAULT_PERIOD)
			return put(buf, len, "max");
		return put(buf, len, "max %" PRIu64, p->cpu_period_us);
	case CS_K_CPU_WEIGHT:
		return put(buf, len, "%" PRIu32, p->cpu_weight);
	case CS_K_IO_WEIGHT:
		return put(buf, len, "%" PRIu32, p->io_weight);
	case CS_K_CAPABILITIES:
		return cs_caps_format(p->caps, p->caps_list, buf, len);
	case CS_K_SECCOMP:
		return put(buf, len, "%s", p->seccomp ? "default" : "off");
	case CS_K_NO_NEW_PRIVS:
		return put(buf, len, "%s", p->no_new_privs ? "yes" : "no");
	case CS_K_HOME_MAX:
		return put(buf, len, "%" PRIu64, p->home_max);
	case CS_K_TMP_MAX:
		return put(buf, len, "%" PRIu64, p->tmp_max);
	case CS_K_LIFETIME:
		return cs_lifetime_format(p->lifetime, p->lifetime_s, buf, len);
	case CS_K_COUNT:
		break;
	}
	return -EINVAL;
}
