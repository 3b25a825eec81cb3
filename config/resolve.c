/* SPDX-License-Identifier: MIT */
/*
 * What needs the whole policy: inherit chains and the profiles rules name.
 *
 * Chains are walked with an explicit stack, never by recursion: the policy
 * may come from anywhere (a fuzzer, a broken drop-in), and a chain of ten
 * thousand profiles must not exhaust the stack of sshd. Each profile is
 * pushed at most once, so the walk is linear and its depth is at most the
 * number of profiles.
 */
#include <stdlib.h>
#include <string.h>

#include "config/internal.h"

#define NONE SIZE_MAX

enum { NEW, ON_STACK, DONE };

/* "a -> b -> a" for the profiles stack[pos..depth-1], back to stack[pos]. */
static char *cycle_text(const struct cs_policy *p, const size_t *stack, size_t pos,
			size_t depth)
{
	size_t len = 1;
	char *s, *o;

	for (size_t i = pos; i < depth; i++)
		len += strlen(p->profiles[stack[i]].name) + 4;
	len += strlen(p->profiles[stack[pos]].name);
	if (!(s = malloc(len)))
		return NULL;
	o = s;
	for (size_t i = pos; i <= depth; i++) {
		const char *n = p->profiles[stack[i < depth ? i : pos]].name;
		size_t l = strlen(n);
		memcpy(o, n, l);
		o += l;
		if (i < depth) {
			memcpy(o, " -> ", 4);
			o += 4;
		}
	}
	*o = '\0';
	return s;
}

/* Keys the child does not give come from its (already resolved) parent,
 * along with the parent's set flag and origin, so `explain` can say which
 * ancestor a value came from. */
static int take_from_parent(struct cs_profile *child, const struct cs_profile *parent)
{
	for (int k = 0; k < CS_K_COUNT; k++)
		if (k != CS_K_INHERIT && !child->set[k] &&
		    cs_profile_copy_key(child, parent, (enum cs_key)k) < 0)
			return -ENOMEM;
	return 0;
}

static void find_parents(struct cs_build *b, size_t *parent)
{
	struct cs_policy *p = b->p;

	for (size_t i = 0; i < p->nprofiles; i++) {
		const struct cs_profile *pr = &p->profiles[i];
		parent[i] = NONE;
		if (pr->inherit && !cs_nametab_get(&b->profs, pr->inherit, &parent[i])) {
			parent[i] = NONE;
			cs_diag_at(b, false, pr->file, pr->origin[CS_K_INHERIT].line,
				   "unknown profile '%s' in inherit", pr->inherit);
		}
	}
}

static void resolve_profiles(struct cs_build *b)
{
	struct cs_policy *p = b->p;
	size_t n = p->nprofiles;
	size_t *parent, *stack;
	unsigned char *state;

	if (!n)
		return;
	parent = calloc(n, sizeof(*parent));
	stack = calloc(n, sizeof(*stack));
	state = calloc(n, sizeof(*state));
	if (!parent || !stack || !state) {
		b->oom = b->stop = true;
		goto out;
	}
	find_parents(b, parent);
	for (size_t i = 0; i < n && !b->oom; i++) {
		size_t depth = 0, j = i;

		/* Climb until a resolved ancestor, the root, or a profile
		 * already on this climb (a cycle). */
		while (j != NONE && state[j] == NEW) {
			state[j] = ON_STACK;
			stack[depth++] = j;
			j = parent[j];
		}
		if (j != NONE && state[j] == ON_STACK) {
			/* The last profile pushed is the one whose inherit
			 * closes the cycle: that line is where to look. */
			size_t pos = 0, last = stack[depth - 1];
			char *text;

			while (stack[pos] != j)
				pos++;
			if (!(text = cycle_text(p, stack, pos, depth))) {
				b->oom = b->stop = true;
				break;
			}
			cs_diag_at(b, false, p->profiles[last].file,
				   p->profiles[last].origin[CS_K_INHERIT].line,
				   "inherit cycle: %s", text);
			free(text);
			/* Cut it there, so the rest still resolves (and
			 * reports its own errors). */
			parent[last] = NONE;
		}
		while (depth--) {
			size_t x = stack[depth];
			if (parent[x] != NONE &&
			    take_from_parent(&p->profiles[x], &p->profiles[parent[x]]) < 0) {
				b->oom = b->stop = true;
				break;
			}
			state[x] = DONE;
		}
	}
out:
	free(parent);
	free(stack);
	free(state);
}

static void check_rules(struct cs_build *b)
{
	const struct cs_policy *p = b->p;
	char q[CS_QUOTE_BUF];

	for (size_t i = 0; i < p->nrules && !b->stop; i++) {
		const struct cs_rule *r = &p->rules[i];
		if (r->profile && !cs_nametab_get(&b->profs, r->profile, NULL))
			cs_diag_at(b, false, r->file, r->line,
				   "rule for '%s%s' names unknown profile '%s'",
				   r->is_group ? "@" : "", r->pattern,
				   cs_quote(q, sizeof(q), r->profile));
	}
}

/*
 * The bounds a profile does not give, from what it does: a memory-backed
 * file system (each private tmpfs, the tmpfs of an overlay-tmpfs or tmpfs
 * home) gets half of memory.max, at most CS_DEFAULT_TMP_MAX, and that
 * when memory.max is max; a persistent overlay upper CS_DEFAULT_HOME_MAX.
 * memory.swap.max: half of memory.max, or 0 when memory.max is max (what
 * a sandbox writes to its tmpfs can otherwise go to swap without limit);
 * marked set so every backend writes it, its origin still built-in.
 * After inheritance, so a child's memory.max counts.
 */
static void default_bounds(struct cs_policy *p)
{
	for (size_t i = 0; i < p->nprofiles; i++) {
		struct cs_profile *pr = &p->profiles[i];
		uint64_t mem = CS_DEFAULT_TMP_MAX;

		if (pr->memory_max != CS_UNLIMITED && pr->memory_max / 2 < mem)
			mem = pr->memory_max / 2 ? pr->memory_max / 2 : 1;
		if (!pr->set[CS_K_TMP_MAX])
			pr->tmp_max = mem;
		if (!pr->set[CS_K_HOME_MAX])
			pr->home_max = pr->home == CS_HOME_OVERLAY ? CS_DEFAULT_HOME_MAX : mem;
		if (!pr->set[CS_K_MEMORY_SWAP_MAX]) {
			pr->memory_swap_max = pr->memory_max != CS_UNLIMITED ? pr->memory_max / 2 : 0;
			pr->set[CS_K_MEMORY_SWAP_MAX] = true;
		}
	}
}

void cs_resolve(struct cs_build *b)
{
	resolve_profiles(b);
	if (!b->oom)
		default_bounds(b->p);
	check_rules(b);
}
