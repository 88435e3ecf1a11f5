/* cmd.c — the command table and everything that reads it: parsing a
 * command line (argv or a `:` line) into an entry and its arguments,
 * argument and read-only checks with messages made from the table, Tab
 * completion, and the help listings. Adding a command is one entry in
 * `commands` and its exec function. */
#include "cmd/cmd.h"
#include "act/act-desktop.h"
#include "act/act-domain.h"
#include "act/act-pool.h"
#include "cmd/cmd-audit.h"
#include "cmd/cmd-desktop-new.h"
#include "cmd/cmd-job.h"
#include "cmd/cmd-migrate.h"
#include "cmd/cmd-role.h"
#include "cmd/cmd-volume.h"
#include "cmd/cmd-derive.h"
#include "cmd/cmd-face.h"
#include "cmd/cmd-host.h"
#include "core/job.h"
#include "core/model.h"
#include "core/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* desktop toggle-pause: pause, or resume a paused desktop */
#define ACTION_TOGGLE_PAUSE (-1)

static int exec_list_commands(struct cmd_ctx *, const struct cmd_entry *, int, char **, char **);
static int exec_desktop(struct cmd_ctx *, const struct cmd_entry *, int, char **, char **);
static int exec_pool_refresh(struct cmd_ctx *, const struct cmd_entry *, int, char **, char **);

#define RO CMD_READ_ONLY_OK
#define DESKTOP_ARG (CMD_LINE | CMD_ARG_NAME | CMD_ARG_DESKTOP | CMD_SEL_DESKTOP)
/* desktop verbs the command line has too (NAME then required), and the
 * console runs on every marked desktop */
#define DESKTOP_VERB (DESKTOP_ARG | CMD_CLI | CMD_SEL_MARKS)
/* the marked desktops one verb may act on in the console (the command
 * line takes one: exec_desktop) */
#define DESKTOPS_MAX 4096

static const struct cmd_entry commands[] = {
	{ "list-commands", NULL, 0, 0, "", CMD_CLI | RO | CMD_NO_CONFIG,
	  "print every command: where it runs, its arguments and help", exec_list_commands, 0 },
	{ "host role", NULL, 0, 2, "NAME hypervisor|disk|mixed",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_HOST | CMD_SEL_HOST,
	  "set a host's role and save it (console: default the selected host; without a role, a form)",
	  cmd_role_exec_role, 0 },
	{ "host maintenance", NULL, 0, 2, "NAME on|off",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_HOST | CMD_SEL_HOST,
	  "put a host in or out of maintenance and save it (console: without on|off, toggle after asking)",
	  cmd_role_exec_maintenance, 0 },
	{ "desktop start", NULL, 0, DESKTOPS_MAX, "[NAME]", DESKTOP_VERB,
	  "start the desktop (in the console, default: the selected one, or every marked one after asking once)", exec_desktop, DA_START },
	{ "desktop shutdown", NULL, 0, DESKTOPS_MAX, "[NAME]", DESKTOP_VERB,
	  "graceful shutdown (ACPI)", exec_desktop, DA_SHUTDOWN },
	{ "desktop reboot", NULL, 0, DESKTOPS_MAX, "[NAME]", DESKTOP_VERB,
	  "reboot", exec_desktop, DA_REBOOT },
	{ "desktop pause", NULL, 0, DESKTOPS_MAX, "[NAME]", DESKTOP_VERB,
	  "pause", exec_desktop, DA_PAUSE },
	{ "desktop resume", NULL, 0, DESKTOPS_MAX, "[NAME]", DESKTOP_VERB,
	  "resume a paused desktop", exec_desktop, DA_RESUME },
	{ "desktop toggle-pause", NULL, 0, DESKTOPS_MAX, "[NAME]", DESKTOP_ARG | CMD_SEL_MARKS,
	  "pause / resume", exec_desktop, ACTION_TOGGLE_PAUSE },
	{ "desktop force-off", NULL, 0, DESKTOPS_MAX, "[NAME]", DESKTOP_VERB,
	  "force off (asks, naming the desktop)", exec_desktop, DA_FORCE_OFF },
	{ "desktop new", NULL, 0, 64,
	  "TEMPLATE_DESKTOP NAME... [--count N] [--on HOST] [--start]",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_DESKTOP,
	  "new desktops from a template desktop: each a qcow2 overlay of its disk in the groups pool and a copy of its definition (new UUID, MACs); NAME may hold one range {01..20} (console: without names, a form)",
	  cmd_desktop_exec_new, 0 },
	{ "desktop delete", NULL, 0, 1, "DESKTOP [--with-disk] [--yes]",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_DESKTOP | CMD_SEL_DESKTOP,
	  "undefine a desktop that is not running, --with-disk also its overlay (never a base or template volume, never a disk others use); asks first unless --yes",
	  cmd_desktop_exec_delete, 0 },
	{ "template from", NULL, 0, 2, "DESKTOP NAME [--flatten]",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_DESKTOP | CMD_SEL_DESKTOP,
	  "a template from a shut-off desktop: its disk copied into the templates pool as NAME.qcow2 (keeping its base, or --flatten: standalone) and a shut-off template desktop NAME on it",
	  cmd_desktop_exec_template, 0 },
	{ "desktop migrate", NULL, 0, 2, "[NAME] [DEST_HOST] [--bandwidth MIBS] "
	  "[--max-downtime MS] [--auto-converge] [--postcopy] [--compress] "
	  "[--copy-storage] [--unsafe] [--no-persist]", DESKTOP_ARG | CMD_SEL_DESKTOP,
	  "live-migrate a running desktop (default: the selected one); without "
	  "DEST_HOST a form lists the hosts that may receive it", cmd_migrate_exec, 0 },
	{ "job cancel", NULL, 0, 1, "[ID]", CMD_LINE | CMD_SEL_JOB,
	  "cancel a job after asking (default: the selected job or the progress view's); "
	  "a cancelled migration leaves the desktop on its source", cmd_job_exec, JOB_OP_CANCEL },
	{ "job bandwidth", NULL, 0, 2, "[ID] [MIBS]", CMD_LINE | CMD_SEL_JOB,
	  "set a running migration's bandwidth in MiB/s, 0 unlimited (without MIBS: a form)",
	  cmd_job_exec, JOB_OP_BANDWIDTH },
	{ "job downtime", NULL, 0, 2, "[ID] [MS]", CMD_LINE | CMD_SEL_JOB,
	  "set a running migration's allowed downtime in ms (without MS: a form)",
	  cmd_job_exec, JOB_OP_DOWNTIME },
	{ "job postcopy", NULL, 0, 1, "[ID]", CMD_LINE | CMD_SEL_JOB,
	  "switch a migration started with post-copy allowed to post-copy, after asking",
	  cmd_job_exec, JOB_OP_POSTCOPY },
	{ "job dismiss", NULL, 0, 1, "[ID]", CMD_LINE | RO | CMD_SEL_JOB,
	  "forget a finished job (remove its row)", cmd_job_exec, JOB_OP_DISMISS },
	{ "job dismiss-finished", NULL, 0, 0, "", CMD_LINE | RO,
	  "forget every finished job", cmd_job_exec, JOB_OP_DISMISS_FINISHED },
	{ "derive", NULL, 0, 2, "SOURCE NAME [--pool POOL] [--count N] [--on HOST] "
	  "[--cluster-size BYTES] [--lazy-refcounts] [--extended-l2]", CMD_CLI | CMD_LINE,
	  "thin qcow2 overlays backed by a base or template volume; NAME may hold one range, "
	  "class-{01..20}.qcow2 (console: without NAME, a form for the selected volume)",
	  cmd_derive_exec, 0 },
	{ "pool refresh", NULL, 0, 1, "[NAME]", CMD_LINE | CMD_ARG_NAME | CMD_SEL_POOL,
	  "rescan a storage pool for new volumes (default: the selected one)", exec_pool_refresh, 0 },
	{ "volume delete", NULL, 0, 1, "POOL/NAME [--on HOST] [--yes]",
	  CMD_CLI | CMD_LINE | CMD_SEL_VOLUME,
	  "delete a volume, refused while any volume is derived from it, a desktop uses it or a host sharing its pool is offline (console: default the selected one, asking first unless --yes)",
	  cmd_volume_exec_delete, 0 },
	{ "host remove", NULL, 0, 1, "[NAME]",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_HOST | CMD_SEL_HOST,
	  "remove a hypervisor from the config and hvdeck's known_hosts, never touching the host (the console asks; default: the selected one)",
	  cmd_host_remove_exec, 0 },
	{ "host rekey", NULL, 1, 1, "NAME [--yes-fingerprint FP]", CMD_CLI,
	  "replace a host's key in hvdeck's known_hosts after it legitimately changed: shows the old and new fingerprints, the new one must be typed or given",
	  cmd_host_rekey_exec, 0 },
};

#undef RO
#undef DESKTOP_ARG
#undef DESKTOP_VERB

/* The one table: cmd's own entries, then those the faces registered
 * (the command line's, the console's), in the order they came. */
#define TABLES_MAX 8
static struct cmd_entry *entries;
static size_t nall;
static const struct cmd_entry *tables[TABLES_MAX];
static size_t ntables;

static void append(const struct cmd_entry *t, size_t n)
{
	entries = xreallocarray(entries, nall + n, sizeof *entries);
	memcpy(entries + nall, t, n * sizeof *t);
	nall += n;
}

const struct cmd_entry *cmd_table(size_t *n)
{
	if (entries == NULL)
		append(commands, sizeof commands / sizeof commands[0]);
	*n = nall;
	return entries;
}

void cmd_register_table(const struct cmd_entry *t, size_t n)
{
	size_t i, had;

	for (i = 0; i < ntables; i++)
		if (tables[i] == t)
			return;	/* registered already (tests set up often) */
	if (ntables == TABLES_MAX)
		abort();
	tables[ntables++] = t;
	cmd_table(&had);
	append(t, n);
}

const struct cmd_entry *cmd_find(const char *name)
{
	const struct cmd_entry *t;
	size_t i, n;

	t = cmd_table(&n);
	for (i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0 ||
		    (t[i].alias != NULL && strcmp(t[i].alias, name) == 0))
			return &t[i];
	return NULL;
}

/* ---- words ---- */

int cmd_split(const char *line, char ***words)
{
	char **w = xcalloc(1, sizeof *w), *cur;
	int n = 0;
	size_t len;

	while (line != NULL && *line != '\0') {
		while (isspace((unsigned char)*line))
			line++;
		if (*line == '\0')
			break;
		cur = xcalloc(strlen(line) + 1, 1);
		len = 0;
		while (*line != '\0' && !isspace((unsigned char)*line)) {
			if (*line == '"') {
				/* inside quotes \" and \\ stand for themselves:
				 * cmd_quote writes any name back this way */
				for (line++; *line != '\0' && *line != '"'; line++) {
					if (*line == '\\' && (line[1] == '"' ||
					    line[1] == '\\'))
						line++;
					cur[len++] = *line;
				}
				if (*line == '"')
					line++;
			} else {
				cur[len++] = *line++;
			}
		}
		w = xreallocarray(w, (size_t)n + 2, sizeof *w);
		w[n++] = cur;
		w[n] = NULL;
	}
	*words = w;
	return n;
}

char *cmd_quote(const char *s)
{
	char *q = xcalloc(2 * strlen(s) + 3, 1), *p = q;

	*p++ = '"';
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			*p++ = '\\';
		*p++ = *s;
	}
	*p = '"';
	return q;
}

void cmd_free_words(char **words)
{
	size_t i;

	for (i = 0; words != NULL && words[i] != NULL; i++)
		free(words[i]);
	free(words);
}

/* ---- parsing ---- */

static int allowed(const struct cmd_entry *e, unsigned where)
{
	return where == 0 || (e->flags & where) != 0;
}

static const char *where_hint(unsigned where)
{
	return where == CMD_CLI ? "try --help" : "try :help";
}

char *cmd_usage(const struct cmd_entry *e)
{
	return xasprintf("usage: %s%s%s", e->name, e->args[0] != '\0' ? " " : "",
	    e->args);
}

/* The verbs of a family, "start, shutdown, ..." (NULL: not a family). */
static char *family_verbs(const char *family, unsigned where)
{
	const struct cmd_entry *cmds;
	size_t ncmd;
	size_t i, flen = strlen(family);
	char *list = NULL, *tmp;

	for (i = 0, cmds = cmd_table(&ncmd); i < ncmd; i++) {
		const struct cmd_entry *e = &cmds[i];

		if (strncmp(e->name, family, flen) != 0 || e->name[flen] != ' ' ||
		    !allowed(e, where))
			continue;
		tmp = list == NULL ? xstrdup(e->name + flen + 1) :
		    xasprintf("%s, %s", list, e->name + flen + 1);
		free(list);
		list = tmp;
	}
	return list;
}

static const struct cmd_entry *lookup(char **words, int nwords, unsigned where,
    int *used)
{
	const struct cmd_entry *e = NULL;

	if (nwords >= 2) {
		char *two = xasprintf("%s %s", words[0], words[1]);

		e = cmd_find(two);
		free(two);
		*used = 2;
	}
	if (e == NULL || !allowed(e, where)) {
		e = cmd_find(words[0]);
		*used = 1;
	}
	return e;
}

const struct cmd_entry *cmd_parse(char **words, int nwords, unsigned where,
    int *nargs, char ***args, char **cause)
{
	const struct cmd_entry *e;
	char *usage, *verbs;
	int used = 0, n;

	if (nwords == 0) {
		*cause = xasprintf("no command (%s)", where_hint(where));
		return NULL;
	}
	e = lookup(words, nwords, where, &used);
	if (e == NULL) {
		verbs = family_verbs(words[0], where);
		if (verbs != NULL)
			*cause = xasprintf("unknown command '%s %s' (%s: %s)", words[0],
			    nwords > 1 ? words[1] : "", words[0], verbs);
		else
			*cause = xasprintf("unknown command '%s' (%s)", words[0],
			    where_hint(where));
		free(verbs);
		return NULL;
	}
	if (!allowed(e, where)) {
		if (e->flags & CMD_CLI)
			*cause = xasprintf("'%s' runs from the command line: hvdeck %s",
			    e->name, e->name);
		else if (e->flags & CMD_LINE)
			*cause = xasprintf("'%s' is a console command: type :%s in the console",
			    e->name, e->name);
		else
			*cause = xasprintf("unknown command '%s' (%s)", words[0],
			    where_hint(where));
		return NULL;
	}
	n = nwords - used;
	if (n < e->min_args || n > e->max_args) {
		usage = cmd_usage(e);
		if (n < e->min_args)
			*cause = xasprintf("%s: missing argument (%s)", e->name, usage);
		else
			*cause = xasprintf("%s: unexpected argument '%s' (%s)", e->name,
			    words[used + e->max_args], usage);
		free(usage);
		return NULL;
	}
	*nargs = n;
	*args = words + used;
	return e;
}

/* ---- options ---- */

/* Whether args declares --name, and whether it takes a value: the
 * declaration "--name" is followed by a space or '=' and a metavariable. */
static int declares(const char *args, const char *name, int *has_arg)
{
	size_t len = strlen(name);
	const char *p;

	for (p = strstr(args, "--"); p != NULL; p = strstr(p + 2, "--")) {
		if (strncmp(p + 2, name, len) != 0 ||
		    (p[2 + len] != '\0' && p[2 + len] != ' ' &&
		    p[2 + len] != '=' && p[2 + len] != ']'))
			continue;
		*has_arg = p[2 + len] == ' ' || p[2 + len] == '=';
		return 1;
	}
	return 0;
}

/* Some entry declares --name. */
static int any_declares(const char *name, int *has_arg)
{
	const struct cmd_entry *cmds;
	size_t ncmd;
	size_t i;

	for (i = 0, cmds = cmd_table(&ncmd); i < ncmd; i++)
		if (declares(cmds[i].args, name, has_arg))
			return 1;
	return 0;
}

static int listed(const char *const *names, const char *name)
{
	for (; names != NULL && *names != NULL; names++)
		if (strcmp(*names, name) == 0)
			return 1;
	return 0;
}

int cmd_take_options(int *nwords, char **words, const char *const *globals,
    struct cmd_opts *o, char **cause)
{
	int i, out = 0, has_arg;
	char name[32];
	const char *eq;
	size_t len;

	memset(o, 0, sizeof *o);
	for (i = 0; i < *nwords; i++) {
		const char *w = words[i];

		if (strcmp(w, "--") == 0) {	/* the rest are arguments */
			for (i++; i < *nwords; i++)
				words[out++] = words[i];
			break;
		}
		eq = strchr(w, '=');
		len = eq != NULL ? (size_t)(eq - w) : strlen(w);
		if (strncmp(w, "--", 2) != 0 || len - 2 >= sizeof name ||
		    len <= 2) {
			words[out++] = words[i];
			continue;
		}
		memcpy(name, w + 2, len - 2);
		name[len - 2] = '\0';
		if (listed(globals, name) || !any_declares(name, &has_arg)) {
			words[out++] = words[i];
			continue;
		}
		if (o->n == CMD_OPTS_MAX) {
			*cause = xstrdup("too many options");
			return -1;
		}
		snprintf(o->v[o->n].name, sizeof o->v[o->n].name, "%s", name);
		if (!has_arg && eq != NULL) {
			*cause = xasprintf("option '--%s' takes no value", name);
			return -1;
		}
		if (has_arg && eq != NULL)
			o->v[o->n].value = eq + 1;
		else if (has_arg && i + 1 < *nwords)
			o->v[o->n].value = words[++i];
		else if (has_arg) {
			*cause = xasprintf("option '--%s' needs a value", name);
			return -1;
		} else
			o->v[o->n].value = "";
		o->n++;
	}
	*nwords = out;
	words[out] = NULL;
	return 0;
}

int cmd_check_options(const struct cmd_entry *e, const struct cmd_opts *o,
    char **cause)
{
	int i, has_arg;
	char *usage;

	for (i = 0; o != NULL && i < o->n; i++) {
		if (declares(e->args, o->v[i].name, &has_arg))
			continue;
		usage = cmd_usage(e);
		*cause = xasprintf("%s does not take --%s (%s)", e->name,
		    o->v[i].name, usage);
		free(usage);
		return -1;
	}
	return 0;
}

const char *cmd_opt(const struct cmd_opts *o, const char *name)
{
	int i;

	for (i = 0; o != NULL && i < o->n; i++)
		if (strcmp(o->v[i].name, name) == 0)
			return o->v[i].value;
	return NULL;
}

static int refuse_read_only(const struct cmd_entry *e, char **cause)
{
	const char *verb = strrchr(e->name, ' ');
	char *v = xstrdup(verb != NULL ? verb + 1 : e->name), *dash;

	while ((dash = strchr(v, '-')) != NULL)
		*dash = ' ';
	*cause = xasprintf("cannot %s: hvdeck runs read-only", v);
	free(v);
	return -1;
}

/* Every way in passes here: the audit log records each command that
 * changes something, refused ones (read-only too) included. */
int cmd_exec_entry(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct cmd_audit *a = cmd_audit_begin(c, e, argc, argv);
	int rc;

	if (c->read_only && !(e->flags & CMD_READ_ONLY_OK))
		rc = refuse_read_only(e, cause);
	else
		rc = e->exec(c, e, argc, argv, cause);
	cmd_audit_done(a, rc, c->status, rc < 0 ? *cause : NULL);
	return rc;
}

int cmd_run_line(struct cmd_ctx *c, const char *line, unsigned where,
    char **cause)
{
	char **all, **words, **args;
	int n = cmd_split(line, &all), nargs, rc = -1;
	const struct cmd_entry *e;
	const struct cmd_opts *saved = c->opts;
	struct cmd_opts opts;

	if (n == 0) {	/* an empty `:` line does nothing */
		cmd_free_words(all);
		return 0;
	}
	/* cmd_take_options drops option words from the array: keep them all
	 * to free */
	words = xreallocarray(NULL, (size_t)n + 1, sizeof *words);
	memcpy(words, all, ((size_t)n + 1) * sizeof *words);
	if (cmd_take_options(&n, words, NULL, &opts, cause) == 0 &&
	    (e = cmd_parse(words, n, where, &nargs, &args, cause)) != NULL &&
	    cmd_check_options(e, &opts, cause) == 0) {
		c->opts = &opts;
		rc = cmd_exec_entry(c, e, nargs, args, cause);
		c->opts = saved;
	}
	free(words);
	cmd_free_words(all);
	return rc;
}

/* ---- completion ---- */

struct names {
	char **v;
	size_t n;
};

static void names_add(struct names *s, const char *name, const char *prefix)
{
	size_t i;

	if (name == NULL || strncmp(name, prefix, strlen(prefix)) != 0)
		return;
	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], name) == 0)
			return;
	s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
	s->v[s->n++] = xstrdup(name);
}

/* Names of model objects the entry's argument can be. */
static void model_names(struct names *s, unsigned flags, const char *prefix)
{
	struct m_host **hosts;
	struct m_desktop **ds;
	size_t nh, nd, i, k, v;
	int any = !(flags & (CMD_ARG_HOST | CMD_ARG_DESKTOP));

	model_lock();
	hosts = model_hosts(&nh);
	if (any || (flags & CMD_ARG_HOST))
		for (i = 0; i < nh; i++)
			names_add(s, hosts[i]->name, prefix);
	ds = model_desktops(&nd);
	if (any || (flags & CMD_ARG_DESKTOP))
		for (i = 0; i < nd; i++)
			names_add(s, ds[i]->name, prefix);
	for (i = 0; any && i < nh; i++) {
		for (k = 0; k < hosts[i]->npools; k++) {
			names_add(s, hosts[i]->pools[k]->name, prefix);
			for (v = 0; v < hosts[i]->pools[k]->nvols; v++)
				names_add(s, hosts[i]->pools[k]->vols[v].name, prefix);
		}
	}
	model_unlock();
}

/* Command names (or a family's verbs) for word `pos` of a line. */
static void command_names(struct names *s, const char *family, const char *prefix)
{
	const struct cmd_entry *cmds;
	size_t ncmd;
	size_t i, flen = family != NULL ? strlen(family) : 0;

	for (i = 0, cmds = cmd_table(&ncmd); i < ncmd; i++) {
		const char *name = cmds[i].name;
		char *first;

		if (!(cmds[i].flags & CMD_LINE))
			continue;
		if (family == NULL) {
			first = xstrndup(name, strcspn(name, " "));
			names_add(s, first, prefix);
			free(first);
		} else if (strncmp(name, family, flen) == 0 && name[flen] == ' ') {
			names_add(s, name + flen + 1, prefix);
		}
	}
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Which candidates word `pos` (words before it: w[0..pos-1]) may take. */
static void candidates(struct names *s, char **w, int pos, const char *prefix)
{
	const struct cmd_entry *e;

	if (pos == 0) {
		command_names(s, NULL, prefix);
		return;
	}
	if (pos == 1) {
		command_names(s, w[0], prefix);
		e = cmd_find(w[0]);
		if (e != NULL && (e->flags & CMD_LINE) && (e->flags & CMD_ARG_NAME))
			model_names(s, e->flags, prefix);
		return;
	}
	if (pos == 2) {
		char *two = xasprintf("%s %s", w[0], w[1]);

		e = cmd_find(two);
		free(two);
		if (e != NULL && (e->flags & CMD_LINE) && (e->flags & CMD_ARG_NAME))
			model_names(s, e->flags, prefix);
	}
}

size_t cmd_complete(const char *line, char **completed, char **list)
{
	char **w, *prefix, *tmp;
	struct names s = { NULL, 0 };
	size_t i, lcp, start, count;
	int n = cmd_split(line, &w), pos;
	size_t len = strlen(line);

	/* the word being completed: a new one after a trailing space */
	if (n == 0 || (len > 0 && isspace((unsigned char)line[len - 1]))) {
		pos = n;
		prefix = xstrdup("");
		start = len;
	} else {
		pos = n - 1;
		prefix = xstrdup(w[n - 1]);
		start = len;
		while (start > 0 && !isspace((unsigned char)line[start - 1]))
			start--;
	}
	candidates(&s, w, pos, prefix);
	cmd_free_words(w);
	if (s.n > 1)
		qsort(s.v, s.n, sizeof *s.v, by_string);
	lcp = s.n > 0 ? strlen(s.v[0]) : 0;
	for (i = 1; i < s.n; i++) {
		size_t k = 0;

		while (k < lcp && s.v[i][k] == s.v[0][k])
			k++;
		lcp = k;
	}
	if (s.n == 0 || lcp < strlen(prefix))
		*completed = xstrdup(line);
	else
		*completed = xasprintf("%.*s%.*s%s", (int)start, line, (int)lcp,
		    s.v[0], s.n == 1 ? " " : "");
	*list = NULL;
	for (i = 0; s.n > 1 && i < s.n; i++) {
		tmp = *list == NULL ? xstrdup(s.v[i]) : xasprintf("%s %s", *list, s.v[i]);
		free(*list);
		*list = tmp;
	}
	for (i = 0; i < s.n; i++)
		free(s.v[i]);
	free(s.v);
	free(prefix);
	count = s.n;
	return count;
}

/* ---- help ---- */

/* Print text wrapped into a column starting at `indent`, width 78. */
static void wrap(FILE *out, const char *text, int indent, int first_col)
{
	int col = first_col, width = 78;
	const char *p = text;

	while (*p != '\0') {
		size_t wl = strcspn(p, " ");

		if (col > indent && col + 1 + (int)wl > width) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', out);
			col++;
		}
		fprintf(out, "%.*s", (int)wl, p);
		col += (int)wl;
		p += wl;
		while (*p == ' ')
			p++;
	}
	fputc('\n', out);
}

void cmd_print_cli_help(FILE *out)
{
	const struct cmd_entry *cmds;
	size_t ncmd;
	size_t i;
	char *head;
	int col;

	for (i = 0, cmds = cmd_table(&ncmd); i < ncmd; i++) {
		if (!(cmds[i].flags & CMD_CLI))
			continue;
		head = xasprintf("  %s%s%s", cmds[i].name,
		    cmds[i].args[0] != '\0' ? " " : "", cmds[i].args);
		col = (int)strlen(head);
		fputs(head, out);
		if (col < 27) {
			fprintf(out, "%*s", 27 - col, "");
			col = 27;
		}
		free(head);
		wrap(out, cmds[i].help, 27, col);
	}
}

static const char *where_name(unsigned flags)
{
	if ((flags & CMD_CLI) && (flags & CMD_LINE))
		return "both";
	if (flags & CMD_CLI)
		return "cli";
	if (flags & CMD_LINE)
		return "console";
	return "key";
}

static int exec_list_commands(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	const struct cmd_entry *cmds;
	size_t i, ncmd;

	(void)c; (void)e; (void)argc; (void)argv; (void)cause;
	for (i = 0, cmds = cmd_table(&ncmd); i < ncmd; i++) {
		const struct cmd_entry *x = &cmds[i];

		printf("%s\t%s\t%s\t%s\t%s\n", where_name(x->flags), x->name,
		    x->args, x->flags & CMD_READ_ONLY_OK ? "read-only" : "writes",
		    x->help);
	}
	return 0;
}

/* ---- desktops ---- */

char *cmd_target_desktop(struct cmd_ctx *c, int argc, char **argv,
    char **cause)
{
	(void)c;
	if (argc == 0) {
		*cause = xstrdup("no desktop selected");
		return NULL;
	}
	return act_desktop_resolve(argv[0], NULL, cause);
}

/* Lock held. The desktop's host name, "?" when it runs nowhere known. */
static const char *host_of(const char *uuid)
{
	struct m_desktop *d = model_desktop(uuid);
	const struct m_place *pl = d != NULL ? model_desktop_place(d) : NULL;
	const struct m_host *h = pl != NULL ? model_host(pl->host_id) : NULL;

	return h != NULL ? h->name : "?";
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The question's verbs, by enum domain_action. */
static const char *const verbs[DA_COUNT] = {
	[DA_START] = "Start", [DA_SHUTDOWN] = "Shut down",
	[DA_REBOOT] = "Reboot", [DA_PAUSE] = "Pause", [DA_RESUME] = "Resume",
	[DA_FORCE_OFF] = "Force off",
};

char *cmd_desktops_question(int a, char *const *uuids, size_t n)
{
	const char **hosts = xcalloc(n + 1, sizeof *hosts);
	size_t nh = 0, i, k;
	char *list = xstrdup(""), *tmp, *q;

	model_lock();
	for (i = 0; i < n; i++) {
		const char *h = host_of(uuids[i]);

		for (k = 0; k < nh && strcmp(hosts[k], h) != 0; k++)
			;
		if (k == nh)
			hosts[nh++] = h;
	}
	qsort(hosts, nh, sizeof *hosts, by_name);	/* a stable question */
	for (k = 0; k < nh; k++) {
		tmp = xasprintf("%s%s%s", list, k > 0 ? ", " : "", hosts[k]);
		free(list);
		list = tmp;
	}
	model_unlock();
	q = xasprintf("%s %zu desktop%s on %s?", a == ACTION_TOGGLE_PAUSE ?
	    "Pause/resume" : verbs[a], n, n == 1 ? "" : "s", list);
	free(list);
	free(hosts);
	return q;
}

/* Pause/resume: resume when every one is paused, else pause. */
static int resolve_toggle(char *const *uuids, size_t n)
{
	struct m_desktop *d;
	size_t i;
	int a = DA_RESUME;

	model_lock();
	for (i = 0; i < n; i++) {
		d = model_desktop(uuids[i]);
		if (d == NULL || model_desktop_state(d) != DS_PAUSED)
			a = DA_PAUSE;
	}
	model_unlock();
	return a;
}

/* The answer's argument: "ACTION UUID UUID ...", the desktops as they
 * were when asked. Each its own job with its own result; refusals are
 * reported and the rest go on. */
static void desktops_confirmed(const struct cmd_face *f, const char *arg)
{
	struct cmd_ctx c = { .face = f };
	char **w;
	int n = cmd_split(arg, &w), i, ok = 0, refused = 0;
	enum domain_action a = (enum domain_action)atoi(w[0]);
	char *cause = NULL, first[160] = "";
	unsigned job;

	for (i = 1; i < n; i++) {
		if (act_domain(w[i], a, &job, &cause) == 0) {
			cmd_follow(&c, job);	/* each result in the status line */
			ok++;
			continue;
		}
		refused++;
		cmd_audit_note("refused", cause);
		model_event(SEV_WARN, "%s refused: %s", act_domain_name(a), cause);
		if (first[0] == '\0')
			snprintf(first, sizeof first, ": %s", cause);
		free(cause);
		cause = NULL;
	}
	cmd_free_words(w);
	if (n == 2 && refused == 0)
		return;	/* one desktop: its job says how it went */
	if (refused > 0)
		cmd_say(&c, 1, "%s: %d job%s started, %d refused%s",
		    act_domain_name(a), ok, ok == 1 ? "" : "s", refused, first);
	else
		cmd_say(&c, 0, "%s: %d job%s started", act_domain_name(a), ok,
		    ok == 1 ? "" : "s");
}

/* The UUIDs of the desktops named. NULL with *cause. Caller frees each
 * and the array. */
static char **resolve_all(int argc, char **argv, char **cause)
{
	char **uuids = xcalloc((size_t)argc + 1, sizeof *uuids);
	int i;

	for (i = 0; i < argc; i++) {
		if ((uuids[i] = act_desktop_resolve(argv[i], NULL, cause)) == NULL) {
			cmd_free_words(uuids);
			return NULL;
		}
	}
	return uuids;
}

/* Several desktops (the console's marks): one question naming how many
 * and where, then one job each. Force off of one asks too, naming the
 * desktop and its host, refused before asking: never a question whose
 * yes is refused. */
static int ask_desktops(struct cmd_ctx *c, int a, char **uuids, size_t n,
    char **cause)
{
	char *arg, *tmp, *q = NULL;
	size_t i;
	int rc;

	if (a == ACTION_TOGGLE_PAUSE)
		a = resolve_toggle(uuids, n);
	arg = xasprintf("%d", a);
	for (i = 0; i < n; i++) {
		tmp = xasprintf("%s %s", arg, uuids[i]);
		free(arg);
		arg = tmp;
	}
	if (n == 1) {	/* force off */
		struct m_desktop *d;
		const struct m_place *p;
		const struct m_host *h;

		if (act_domain_check(uuids[0], (enum domain_action)a, cause) < 0) {
			free(arg);
			return -1;
		}
		model_lock();
		d = model_desktop(uuids[0]);
		p = d != NULL ? model_desktop_place(d) : NULL;
		h = p != NULL ? model_host(p->host_id) : NULL;
		if (d != NULL)
			q = xasprintf("Force off desktop %s on %s? (like pulling "
			    "the power cord)", d->name, h != NULL ? h->name : "?");
		model_unlock();
	} else {
		q = cmd_desktops_question(a, uuids, n);
	}
	rc = q != NULL ? cmd_confirm(c, q, act_domain_name((enum domain_action)a),
	    desktops_confirmed, arg, cause) : 0;
	free(q);
	free(arg);
	return rc;
}

/* How long a job may take after the hosts answered: a libvirt call that
 * hangs longer is reported, not waited on forever. */
#define DESKTOP_WAIT_MS 120000

/* The command line: desktop name's action, refused before asking (force
 * off asks on the terminal, naming the desktop and its host), its job
 * waited for. Returns the exit status: 0 done, 1 refused or failed. */
static int wait_desktop(struct cmd_ctx *c, const char *name,
    enum domain_action a, int wait_ms)
{
	char *uuid, *host = NULL, *cause = NULL, *err, *q, *what;
	enum job_state st;
	unsigned job;
	int status = 1;

	uuid = act_desktop_resolve(name, &host, &cause);
	if (uuid != NULL && a == DA_FORCE_OFF &&
	    act_domain_check(uuid, a, &cause) == 0) {
		q = xasprintf("Force off desktop %s on %s? (like pulling the "
		    "power cord)", name, host);
		what = xasprintf("force off %s on %s", name, host);
		if (cmd_confirm(c, q, what, NULL, NULL, &cause) < 0) {
			free(uuid);
			uuid = NULL;
		}
		free(what);
		free(q);
	} else if (uuid != NULL && a == DA_FORCE_OFF) {
		free(uuid);
		uuid = NULL;
	}
	if (uuid == NULL || act_domain(uuid, a, &job, &cause) < 0) {
		cmd_audit_note("refused", cause);
		cmd_say(c, 1, "%s", cause);
		goto out;
	}
	st = job_wait(job, wait_ms);
	err = job_error(job);
	if (st == JOB_DONE) {
		cmd_say(c, 0, "%s on %s: %s done", name, host, act_domain_name(a));
		status = 0;
	} else if (job_state_final(st)) {
		cmd_say(c, 1, "%s on %s: %s %s: %s", name, host, act_domain_name(a),
		    job_state_name(st), err != NULL ? err : "no reason given");
	} else {
		cmd_say(c, 1, "%s on %s: %s still %s after %d s", name, host,
		    act_domain_name(a), job_state_name(st), wait_ms / 1000);
	}
	free(err);
out:
	free(cause);
	free(uuid);
	free(host);
	return status;
}

/* The command line: its engine (as for dump), each desktop named in turn
 * (a shutdown's job waits for the guest, up to shutdown_timeout). */
static void wait_desktops(struct cmd_ctx *c, int argc, char **argv,
    enum domain_action a)
{
	int i, st;

	c->status = 1;
	if (cmd_engine_up(c) < 0)
		return;
	c->status = 0;
	for (i = 0; i < argc; i++) {
		st = wait_desktop(c, argv[i], a, DESKTOP_WAIT_MS +
		    model_pending_timeout_ms());
		if (st > c->status)
			c->status = st;
	}
	cmd_engine_down(c);
}

/* The console runs one desktop's action and follows its job; the command
 * line waits for it. */
static int exec_desktop(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	char **uuids;
	int a = e->arg, rc = 0;
	unsigned job;

	if (argc == 0) {
		char *usage = cmd_usage(e);

		if (cmd_in_console(c))
			*cause = xstrdup("no desktop selected");
		else
			*cause = xasprintf("%s: the command line needs the "
			    "desktop's name (%s)", e->name, usage);
		free(usage);
		c->status = 2;	/* bad usage */
		return -1;
	}
	if (!cmd_in_console(c) && argc > 1) {	/* the marks are the console's */
		char *usage = cmd_usage(e);

		*cause = xasprintf("%s: unexpected argument '%s' (%s)", e->name,
		    argv[1], usage);
		free(usage);
		c->status = 2;
		return -1;
	}
	if (!cmd_in_console(c)) {	/* by name, waited on */
		wait_desktops(c, argc, argv, (enum domain_action)a);
		return 0;
	}
	if ((uuids = resolve_all(argc, argv, cause)) == NULL)
		return -1;
	if (argc > 1 || a == DA_FORCE_OFF) {
		rc = ask_desktops(c, a, uuids, (size_t)argc, cause);
		cmd_free_words(uuids);
		return rc;
	}
	if (a == ACTION_TOGGLE_PAUSE)
		a = resolve_toggle(uuids, 1);
	if ((rc = act_domain(uuids[0], (enum domain_action)a, &job, cause)) == 0)
		cmd_follow(c, job);
	cmd_free_words(uuids);
	return rc;
}

/* libvirt sends no event for a volume made behind its back: rescan. */
static int exec_pool_refresh(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	int n;

	(void)e;
	if (argc == 0) {
		*cause = xstrdup("no pool selected (pools pane: 2)");
		return -1;
	}
	if ((n = act_pool_refresh(argv[0], cause)) < 0)
		return -1;
	cmd_say(c, 0, "pool refresh queued on %d host%s", n, n == 1 ? "" : "s");
	return 0;
}
