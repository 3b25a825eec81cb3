/* SPDX-License-Identifier: MIT */
/*
 * containsession doctor, the login side: where pam_containsession sits in
 * each PAM service that names it, and in the service sshd uses. sshd's
 * settings are checked in doctor_sshd.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"

#define MAX_INCLUDE_DEPTH 8
#define MODULE_NAME "pam_containsession"

/* ---- PAM ----------------------------------------------------------------- */

struct pam_entry {
	char *module;  /* basename without .so */
	char *control;
	char *where;   /* FILE:LINE */
};

struct stack {
	struct pam_entry *v;
	size_t n, cap;
};

static void stack_free(struct stack *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].module);
		free(s->v[i].control);
		free(s->v[i].where);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static void stack_add(struct stack *s, const char *module, const char *control,
		      const char *file, unsigned line)
{
	const char *base = strrchr(module, '/');
	char *m;

	base = base ? base + 1 : module;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct pam_entry *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return;
		s->v = v;
		s->cap = cap;
	}
	if (!(m = strdup(base)))
		return;
	if (strlen(m) > 3 && !strcmp(m + strlen(m) - 3, ".so"))
		m[strlen(m) - 3] = '\0';
	s->v[s->n].module = m;
	s->v[s->n].control = strdup(control);
	if (asprintf(&s->v[s->n].where, "%s:%u", file, line) < 0)
		s->v[s->n].where = NULL;
	s->n++;
}

/* One logical PAM line into type, control (a [...] control keeps its
 * spaces) and module; comments cut. false for blank lines. */
static bool pam_split(char *line, char **type, char **control, char **module)
{
	char *p, *save = NULL;

	line[strcspn(line, "#\n")] = '\0';
	if (!(*type = strtok_r(line, " \t", &save)))
		return false;
	p = save + strspn(save, " \t");
	if (*p == '[') {
		char *end = strchr(p, ']');
		if (!end)
			return false;
		end[1] = '\0';
		*control = p;
		save = end + 2;
	} else if (!(*control = strtok_r(NULL, " \t", &save))) {
		*control = "";
	}
	*module = strtok_r(NULL, " \t", &save);
	if (!*module)
		*module = "";
	return true;
}

/* The session stack of a PAM service, includes and substacks inlined, in
 * the order libpam runs it. */
static void expand(struct stack *s, const char *pamdir, const char *name, int depth)
{
	char path[4096], *line = NULL, *type, *control, *module;
	size_t cap = 0;
	unsigned no = 0;
	FILE *f;

	if (depth > MAX_INCLUDE_DEPTH || strchr(name, '/') ||
	    snprintf(path, sizeof(path), "%s/%s", pamdir, name) >= (int)sizeof(path))
		return;
	if (!(f = fopen(path, "re")))
		return;
	while (getline(&line, &cap, f) > 0) {
		no++;
		if (!pam_split(line, &type, &control, &module))
			continue;
		if (!strcmp(type, "@include")) {
			expand(s, pamdir, control, depth + 1);
			continue;
		}
		if (type[0] == '-')
			type++;
		if (strcmp(type, "session"))
			continue;
		if (!strcmp(control, "include") || !strcmp(control, "substack"))
			expand(s, pamdir, module, depth + 1);
		else
			stack_add(s, module, control, path, no);
	}
	free(line);
	fclose(f);
}

/* Lines of the file itself that name the module, checked for type and
 * control. Returns how many there are. */
static unsigned check_lines(struct cli_doctor *d, const char *path)
{
	char *line = NULL, *type, *control, *module;
	size_t cap = 0;
	unsigned no = 0, found = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0) {
		no++;
		if (!pam_split(line, &type, &control, &module) || !strstr(module, MODULE_NAME))
			continue;
		found++;
		if (type[0] == '-')
			type++;
		if (strcmp(type, "session"))
			cli_report(d, CLI_PROBLEM, "use it in the session stack only",
				   "%s:%u: pam_containsession.so in the %s stack (it only "
				   "implements sessions)", path, no, type);
		else if (!strcmp(control, "optional") || !strcmp(control, "sufficient"))
			cli_report(d, CLI_PROBLEM, "make it 'session required pam_containsession.so'",
				   "%s:%u: control '%s': a sandbox that cannot be built would not "
				   "refuse the login", path, no, control);
		else if (control[0] == '[')
			cli_report(d, CLI_WARNING, "prefer 'required'", "%s:%u: control %s: make "
				   "sure a failure (session_err) refuses the login", path, no, control);
	}
	free(line);
	fclose(f);
	return found;
}

static bool mentions_module(const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	bool found = false;
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	while (!found && getline(&line, &cap, f) > 0) {
		line[strcspn(line, "#")] = '\0';
		found = strstr(line, MODULE_NAME) != NULL;
	}
	free(line);
	fclose(f);
	return found;
}

static void check_service(struct cli_doctor *d, const char *pamdir, const char *name)
{
	struct stack s = { 0 };
	char path[4096];
	size_t ours = SIZE_MAX, systemd = SIZE_MAX;

	snprintf(path, sizeof(path), "%s/%s", pamdir, name);
	if (!check_lines(d, path))
		return;
	expand(&s, pamdir, name, 0);
	for (size_t i = 0; i < s.n; i++) {
		if (!strcmp(s.v[i].module, MODULE_NAME) && ours == SIZE_MAX)
			ours = i;
		if (!strcmp(s.v[i].module, "pam_systemd") && systemd == SIZE_MAX)
			systemd = i;
	}
	if (ours == SIZE_MAX) {
		stack_free(&s);
		return;
	}
	cli_report(d, CLI_OK_FINDING, NULL, "PAM service %s: pam_containsession.so is session "
		   "module %zu of %zu (%s)", name, ours + 1, s.n, s.v[ours].where);
	if (systemd != SIZE_MAX && !d->pam_systemd_at[0])
		snprintf(d->pam_systemd_at, sizeof(d->pam_systemd_at), "%s", s.v[systemd].where);
	if (systemd == SIZE_MAX)
		cli_report(d, CLI_OK_FINDING, NULL, "PAM service %s: no pam_systemd.so in the session "
			   "stack", name);
	else if (systemd < ours)
		cli_report(d, CLI_OK_FINDING, NULL, "PAM service %s: pam_systemd.so (%s) comes before "
			   "pam_containsession.so", name, s.v[systemd].where);
	else
		cli_report(d, CLI_PROBLEM, "move the pam_containsession.so line below pam_systemd.so "
			   "(after '@include common-session' on Debian)", "PAM service %s: pam_systemd.so "
			   "(%s) runs after pam_containsession.so and moves the login out of the "
			   "sandbox's cgroup into its own scope", name, s.v[systemd].where);
	stack_free(&s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void cli_doctor_pam(struct cli_doctor *d, const char *pamdir)
{
	DIR *dir = opendir(pamdir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;

	if (!dir) {
		cli_report(d, CLI_WARNING, NULL, "cannot read %s: %s", pamdir, strerror(errno));
		return;
	}
	while ((de = readdir(dir))) {
		char path[4096], **v;
		struct stat st;

		if (de->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), "%s/%s", pamdir, de->d_name) >= (int)sizeof(path) ||
		    stat(path, &st) < 0 || !S_ISREG(st.st_mode) || !mentions_module(path))
			continue;
		if (!(v = realloc(names, (n + 1) * sizeof(*v))))
			break;
		names = v;
		if ((names[n] = strdup(de->d_name)))
			n++;
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		check_service(d, pamdir, names[i]);
		free(names[i]);
	}
	free(names);
	if (!n)
		cli_report(d, CLI_WARNING, "add 'session required pam_containsession.so' at the end "
			   "of /etc/pam.d/sshd", "no PAM service in %s uses pam_containsession.so: "
			   "nobody is sandboxed", pamdir);
}

/* The PAM service sshd uses (doctor_sshd.c found its name; how says how):
 * does its session stack run the module? A login through a service
 * without it is not sandboxed, whatever the other services say. */
void cli_doctor_sshd_pam_service(struct cli_doctor *d, const char *pamdir, const char *name,
				 const char *how, bool sandboxes)
{
	struct stack s = { 0 };
	char path[4096], fix[4300];
	size_t ours = SIZE_MAX;
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", pamdir, name);
	snprintf(fix, sizeof(fix), "add 'session required pam_containsession.so' to %s, or "
		 "set PAMServiceName in sshd_config (OpenSSH 10.0+) to a service that has it",
		 path);
	if (strchr(name, '/') || stat(path, &st) < 0) {
		cli_report(d, sandboxes ? CLI_PROBLEM : CLI_WARNING, fix, "sshd's PAM service %s "
			   "(%s): %s does not exist (libpam then uses 'other'): logins through "
			   "this sshd are not sandboxed", name, how, path);
		return;
	}
	expand(&s, pamdir, name, 0);
	for (size_t i = 0; i < s.n && ours == SIZE_MAX; i++)
		if (!strcmp(s.v[i].module, MODULE_NAME))
			ours = i;
	if (ours == SIZE_MAX)
		cli_report(d, sandboxes ? CLI_PROBLEM : CLI_WARNING, fix, "sshd's PAM service %s "
			   "(%s): no pam_containsession.so in its session stack: logins through "
			   "this sshd are not sandboxed", name, how);
	else
		cli_report(d, CLI_OK_FINDING, NULL, "sshd's PAM service %s (%s) runs "
			   "pam_containsession.so (session module %zu of %zu, %s)", name, how,
			   ours + 1, s.n, s.v[ours].where);
	stack_free(&s);
}
