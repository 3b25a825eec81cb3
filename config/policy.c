/* SPDX-License-Identifier: MIT */
/*
 * One load from start to finish: the builder's life, loading from memory,
 * freeing, and finding a profile by name in a loaded policy.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/internal.h"

/* For when even the builder cannot be made: say so if we can. */
static void nomem(struct cs_diag *d, const char *name)
{
	char **a, *m;

	if (!d || asprintf(&m, "%s: out of memory", name) < 0)
		return;
	if (!(a = realloc(d->errors, (d->nerrors + 1) * sizeof(*a)))) {
		free(m);
		return;
	}
	a[d->nerrors++] = m;
	d->errors = a;
}

int cs_build_init(struct cs_build *b)
{
	memset(b, 0, sizeof(*b));
	b->star = SIZE_MAX;
	b->cur = SIZE_MAX;
	if (!(b->p = calloc(1, sizeof(*b->p))))
		return -ENOMEM;
	if (cs_global_defaults(b->p) < 0) {
		cs_policy_free(b->p);
		b->p = NULL;
		return -ENOMEM;
	}
	return 0;
}

int cs_build_add_file(struct cs_build *b, const char *name)
{
	struct cs_policy *p = b->p;
	char *copy;

	if (p->nfiles == b->file_cap) {
		size_t cap = b->file_cap ? b->file_cap * 2 : 4;
		char **f = cap > SIZE_MAX / sizeof(*f) ? NULL
			   : realloc(p->files, cap * sizeof(*f));
		if (!f)
			goto oom;
		p->files = f;
		b->file_cap = cap;
	}
	if (!(copy = strdup(name)))
		goto oom;
	p->files[p->nfiles++] = copy;
	b->file = copy;
	return 0;
oom:
	b->oom = b->stop = true;
	return -ENOMEM;
}

static int cmp_profile(const void *a, const void *b)
{
	return strcmp(((const struct cs_profile *)a)->name,
		      ((const struct cs_profile *)b)->name);
}

int cs_build_finish(struct cs_build *b, struct cs_policy **out, struct cs_diag *diag)
{
	bool failed;

	if (!b->stop)
		cs_resolve(b);
	if (b->have_scratch)
		cs_profile_clear(&b->scratch);
	b->have_scratch = false;
	cs_nametab_free(&b->profs);
	cs_nametab_free(&b->users);
	cs_nametab_free(&b->groups);
	failed = b->nerrors > 0 || b->oom;
	/* Sorted by name so cs_policy_profile can bisect; origins and rules
	 * refer to names by pointer, which do not move. */
	if (!failed && b->p->nprofiles > 1)
		qsort(b->p->profiles, b->p->nprofiles, sizeof(*b->p->profiles), cmp_profile);
	cs_diag_flush(b, diag);
	if (failed) {
		cs_policy_free(b->p);
		b->p = NULL;
		*out = NULL;
		/* Out of memory, else the errno of a file that could not be
		 * read or was refused (the first), else the text is wrong. */
		return b->oom ? -ENOMEM : b->errnum ? -b->errnum : -EINVAL;
	}
	*out = b->p;
	b->p = NULL;
	return 0;
}

int cs_policy_load_buffer(const char *name, const char *text, size_t len,
			  struct cs_policy **out, struct cs_diag *diag)
{
	struct cs_build b;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!name)
		name = "(buffer)";
	if (cs_build_init(&b) < 0) {
		nomem(diag, name);
		return -ENOMEM;
	}
	if (cs_build_add_file(&b, name) == 0)
		cs_parse_text(&b, text, text ? len : 0);
	return cs_build_finish(&b, out, diag);
}

void cs_policy_free(struct cs_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nprofiles; i++)
		cs_profile_clear(&p->profiles[i]);
	for (size_t i = 0; i < p->nrules; i++) {
		free(p->rules[i].pattern);
		free(p->rules[i].profile);
	}
	for (size_t i = 0; i < p->nfiles; i++)
		free(p->files[i]);
	free(p->profiles);
	free(p->rules);
	free(p->files);
	free(p->cgroup_root);
	free(p->state_dir);
	free(p->data_dir);
	free(p);
}

const struct cs_profile *cs_policy_profile(const struct cs_policy *p, const char *name)
{
	struct cs_profile key;

	if (!p || !name || !p->nprofiles)
		return NULL;
	key.name = (char *)name;
	return bsearch(&key, p->profiles, p->nprofiles, sizeof(*p->profiles), cmp_profile);
}
