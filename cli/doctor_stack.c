/* SPDX-License-Identifier: MIT */
/*
 * containsession doctor, the login side: where pam_containsession sits in
 * each PAM service that names it, and which sshd settings let a login do
 * things outside its sandbox (sshd itself, not the user's shell, does them).
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

#define SSHD_PATH "/usr/sbin/sshd"
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

/* ---- sshd ------------------------------------------------------------------ */

/* Run argv, stdout and stderr into *out; returns the wait status or -1. */
static int run_capture(char *const argv[], char **out)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int p[2], status;
	pid_t pid;

	*out = NULL;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	for (;;) {
		if (cap - len < 4096) {
			char *b = cap < (1u << 22) ? realloc(buf, cap + 65536) : NULL;
			if (!b)
				break;
			buf = b;
			cap += 65536;
		}
		ssize_t r = read(p[0], buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(p[0]);
	if (buf)
		buf[len] = '\0';
	*out = buf;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

/* The value of key in `sshd -T` output (lower-case key, one space); the
 * n-th occurrence for keys that repeat (subsystem). */
static const char *sshd_value(const char *out, const char *key, unsigned nth, char *buf,
			      size_t len)
{
	size_t kl = strlen(key);

	for (const char *p = out; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, kl) || p[kl] != ' ')
			continue;
		if (nth--)
			continue;
		const char *v = p + kl + 1;
		size_t vl = strcspn(v, "\n");
		snprintf(buf, len, "%.*s", (int)vl, v);
		return buf;
	}
	return NULL;
}

static void check_forwarding(struct cli_doctor *d, const char *out, const char *key,
			     const char *option, const char *what)
{
	char v[256];

	if (!sshd_value(out, key, 0, v, sizeof(v)))
		return;
	if (!strcmp(v, "no")) {
		cli_report(d, CLI_OK_FINDING, NULL, "sshd: %s no", option);
		return;
	}
	char fix[160];
	snprintf(fix, sizeof(fix), "%s no (in a Match block for sandboxed users, at least)", option);
	cli_report(d, CLI_PROBLEM, fix, "sshd: %s %s: %s", option, v, what);
}

void cli_doctor_sshd(struct cli_doctor *d, const char *config)
{
	char *argv[] = { SSHD_PATH, "-T", "-C", "user=nobody,host=localhost,addr=127.0.0.1",
			 config ? "-f" : NULL, (char *)config, NULL };
	char v[1024], *out = NULL;
	int status;

	if (access(SSHD_PATH, X_OK) < 0) {
		cli_report(d, config ? CLI_PROBLEM : CLI_WARNING, "install openssh-server",
			   "%s not found: sshd settings not checked", SSHD_PATH);
		return;
	}
	status = run_capture(argv, &out);
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || !out) {
		char first[256] = "";
		if (out)
			snprintf(first, sizeof(first), "%.*s", (int)strcspn(out, "\n"), out);
		cli_report(d, config ? CLI_PROBLEM : CLI_WARNING, "run sshd -T and check what it says",
			   "could not read sshd's settings (sshd -T%s%s): %s", config ? " -f " : "",
			   config ? config : "", first[0] ? first : "it failed");
		free(out);
		return;
	}
	cli_report(d, CLI_OK_FINDING, NULL, "read sshd's settings for user nobody (sshd -T%s%s)",
		   config ? " -f " : "", config ? config : "");

	if (sshd_value(out, "usepam", 0, v, sizeof(v)) && strcmp(v, "yes"))
		cli_report(d, CLI_PROBLEM, "UsePAM yes", "sshd: UsePAM %s: sshd never calls "
			   "pam_containsession.so", v);
	/* internal-sftp runs in sshd's own process, not through the user's
	 * shell: the module's hand-off never happens and the files are the
	 * host's. */
	bool sftp_ok = true;
	for (unsigned i = 0; sshd_value(out, "subsystem", i, v, sizeof(v)); i++)
		if (strstr(v, "internal-sftp")) {
			sftp_ok = false;
			cli_report(d, CLI_PROBLEM, "Subsystem sftp /usr/lib/openssh/sftp-server "
				   "(the external server runs through the shell, in the sandbox)",
				   "sshd: Subsystem %s: internal-sftp serves files from sshd's own "
				   "process, outside the sandbox", v);
		}
	if (sftp_ok)
		cli_report(d, CLI_OK_FINDING, NULL, "sshd: no internal-sftp subsystem");
	if (sshd_value(out, "forcecommand", 0, v, sizeof(v)) && strcmp(v, "none")) {
		if (strstr(v, "internal-sftp"))
			cli_report(d, CLI_PROBLEM, "ForceCommand none, or an external command",
				   "sshd: ForceCommand %s: internal-sftp runs outside the sandbox", v);
		else
			cli_report(d, CLI_WARNING, NULL, "sshd: ForceCommand %s: it runs through the "
				   "user's shell, so inside the sandbox; make sure it never becomes "
				   "internal-sftp", v);
	}
	if (sshd_value(out, "permituserrc", 0, v, sizeof(v)) && !strcmp(v, "yes"))
		cli_report(d, CLI_WARNING, "PermitUserRC no", "sshd: PermitUserRC yes: ~/.ssh/rc "
			   "runs through /bin/sh, which the module covers, but it is one more path "
			   "to keep in mind");
	check_forwarding(d, out, "allowtcpforwarding", "AllowTcpForwarding",
			 "sshd opens forwarded connections from the host's network, outside the "
			 "sandbox (network = none included)");
	check_forwarding(d, out, "allowstreamlocalforwarding", "AllowStreamLocalForwarding",
			 "sshd makes and connects Unix sockets on the host's file system, outside "
			 "the sandbox");
	check_forwarding(d, out, "permittunnel", "PermitTunnel",
			 "sshd (as root) opens tun/tap devices on the host for the login");
	if (sshd_value(out, "x11forwarding", 0, v, sizeof(v)) && !strcmp(v, "yes"))
		cli_report(d, CLI_WARNING, "X11Forwarding no", "sshd: X11Forwarding yes: sshd "
			   "listens for X11 on the host for the login");
	free(out);
}
