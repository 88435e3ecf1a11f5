/* cmd.c — the command table and everything that reads it: parsing a
 * command line (argv or a `:` line) into an entry and its arguments,
 * argument and read-only checks with messages made from the table, Tab
 * completion, and the help listings. Adding a command is one entry in
 * `commands` and its exec function. */
#include "cmd/cmd.h"
#include "act/act-desktop.h"
#include "act/act-domain.h"
#include "act/act-host-admin.h"
#include "act/act-pool.h"
#include "cmd/cmd-host-key.h"
#include "cmd/cmd-host-reconnect.h"
#include "cli/cli-host-list.h"
#include "cli/cli-migrate.h"
#include "cmd/cmd-audit.h"
#include "cmd/cmd-desktop-new.h"
#include "cmd/cmd-job.h"
#include "cmd/cmd-migrate.h"
#include "cmd/cmd-role.h"
#include "cmd/cmd-volume.h"
#include "cmd/cmd-derive.h"
#include "tui/keys.h"
#include "core/model.h"
#include "tui/ui.h"
#include "tui/ui-host-add.h"
#include "tui/ui-marks.h"
#include "tui/ui-table.h"
#include "core/util.h"
#include "tui/views.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* desktop toggle-pause: pause, or resume a paused desktop */
#define ACTION_TOGGLE_PAUSE (-1)

static int exec_dump(struct cmd_ctx *, const struct cmd_entry *, int, char **, char **);
static int exec_watch(struct cmd_ctx *, const struct cmd_entry *, int, char **, char **);
static int exec_list_commands(struct cmd_ctx *, const struct cmd_entry *, int, char **, char **);
static int exec_list_keys(struct cmd_ctx *, const struct cmd_entry *, int, char **, char **);
static int exec_go(struct cmd_ctx *, const struct cmd_entry *, int, char **, char **);
static int exec_desktop(struct cmd_ctx *, const struct cmd_entry *, int, char **, char **);
static int exec_quit(struct cmd_ctx *, const struct cmd_entry *, int, char **, char **);
static int exec_help(struct cmd_ctx *, const struct cmd_entry *, int, char **, char **);
static int exec_pane(struct cmd_ctx *, const struct cmd_entry *, int, char **, char **);
static int exec_move(struct cmd_ctx *, const struct cmd_entry *, int, char **, char **);
static int exec_ui(struct cmd_ctx *, const struct cmd_entry *, int, char **, char **);
static int exec_pool_refresh(struct cmd_ctx *, const struct cmd_entry *, int, char **, char **);
static int exec_mouse(struct cmd_ctx *, const struct cmd_entry *, int, char **, char **);

/* exec_ui's jobs, by entry arg */
enum { UI_NEXT_PANE, UI_PREV_PANE, UI_DETAILS, UI_BACK, UI_FILTER, UI_PROMPT,
	UI_SORT, UI_SORT_REVERSE, UI_REDRAW, UI_EVENTS };

#define RO CMD_READ_ONLY_OK
#define DESKTOP_ARG (CMD_LINE | CMD_ARG_NAME | CMD_ARG_DESKTOP)
/* desktop verbs the command line has too (NAME then required) */
#define DESKTOP_VERB (DESKTOP_ARG | CMD_CLI)

static const struct cmd_entry commands[] = {
	/* the command line */
	{ "dump", NULL, 0, 0, "[--json]", CMD_CLI | RO,
	  "connect to every host, print the inventory, exit (status 1 if a host was unreachable)",
	  exec_dump, 0 },
	{ "watch", NULL, 0, 0, "[--json] [--stats]", CMD_CLI | RO,
	  "follow the cluster until interrupted: one line per event, or with --json one JSON line per model change",
	  exec_watch, 0 },
	{ "host list", NULL, 0, 0, "[--json]", CMD_CLI | RO,
	  "the configured hosts: name, role, maintenance, state (connecting like dump) and URI",
	  cli_host_list_exec, 0 },
	{ "host key", NULL, 0, 0, "", CMD_CLI | RO,
	  "print hvdeck's public key (made on first need) and, as a # line, the file it is in: install it in a host's authorized_keys", cmd_host_key_exec, 0 },
	{ "migrate", NULL, 2, 2, "DESKTOP DEST_HOST [--bandwidth MiB/s] "
	  "[--max-downtime MS] [--auto-converge] [--postcopy] [--compress] "
	  "[--copy-storage] [--unsafe] [--no-persist]", CMD_CLI,
	  "live-migrate a running desktop (name or UUID) to DEST_HOST after a "
	  "pre-flight; prints progress, exit 0 when it arrived, 1 with libvirt's "
	  "message; Ctrl-C cancels (it keeps running on the source)",
	  cli_migrate_exec, 0 },
	{ "list-commands", NULL, 0, 0, "", CMD_CLI | RO | CMD_NO_CONFIG,
	  "print every command: where it runs, its arguments and help", exec_list_commands, 0 },
	{ "list-keys", NULL, 0, 0, "", CMD_CLI | RO | CMD_NO_CONFIG,
	  "print the console's key bindings", exec_list_keys, 0 },
	{ "host add", NULL, 2, 2, "NAME ADDRESS [--port N] [--user USER] "
	  "[--role hypervisor|disk|mixed] [--yes-fingerprint SHA256:...]",
	  CMD_CLI | CMD_LINE,
	  "add a hypervisor over SSH: accept its host key, install hvdeck's key "
	  "(a password, once), pre-flight, then save it (exit 1 if refused)",
	  cli_host_add_exec, 0 },
	/* the console's `:` line */
	{ "go", NULL, 1, 1, "NAME", CMD_LINE | RO | CMD_ARG_NAME,
	  "select the host, desktop, pool or volume called NAME (Tab completes)", exec_go, -1 },
	{ "host", NULL, 1, 1, "NAME", CMD_LINE | RO | CMD_ARG_NAME | CMD_ARG_HOST,
	  "select a hypervisor (like go)", exec_go, PANE_HOSTS },
	{ "host role", NULL, 0, 2, "NAME hypervisor|disk|mixed",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_HOST,
	  "set a host's role and save it (console: default the selected host; without a role, a form)",
	  cmd_role_exec_role, 0 },
	{ "host maintenance", NULL, 0, 2, "NAME on|off",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_HOST,
	  "put a host in or out of maintenance and save it (console: without on|off, toggle after asking)",
	  cmd_role_exec_maintenance, 0 },
	{ "desktop", NULL, 1, 1, "NAME", DESKTOP_ARG | RO,
	  "select a desktop (like go)", exec_go, PANE_DESKTOPS },
	{ "desktop start", NULL, 0, 1, "[NAME]", DESKTOP_VERB,
	  "start the desktop (in the console, default: the selected one)", exec_desktop, DA_START },
	{ "desktop shutdown", NULL, 0, 1, "[NAME]", DESKTOP_VERB,
	  "graceful shutdown (ACPI)", exec_desktop, DA_SHUTDOWN },
	{ "desktop reboot", NULL, 0, 1, "[NAME]", DESKTOP_VERB,
	  "reboot", exec_desktop, DA_REBOOT },
	{ "desktop pause", NULL, 0, 1, "[NAME]", DESKTOP_VERB,
	  "pause", exec_desktop, DA_PAUSE },
	{ "desktop resume", NULL, 0, 1, "[NAME]", DESKTOP_VERB,
	  "resume a paused desktop", exec_desktop, DA_RESUME },
	{ "desktop toggle-pause", NULL, 0, 1, "[NAME]", DESKTOP_ARG,
	  "pause / resume", exec_desktop, ACTION_TOGGLE_PAUSE },
	{ "desktop force-off", NULL, 0, 1, "[NAME]", DESKTOP_VERB,
	  "force off (asks, naming the desktop)", exec_desktop, DA_FORCE_OFF },
	{ "desktop new", NULL, 0, 64,
	  "TEMPLATE_DESKTOP NAME... [--count N] [--on HOST] [--start]",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_DESKTOP,
	  "new desktops from a template desktop: each a qcow2 overlay of its disk in the groups pool and a copy of its definition (new UUID, MACs); NAME may hold one range {01..20} (console: without names, a form)",
	  cmd_desktop_exec_new, 0 },
	{ "desktop delete", NULL, 0, 1, "DESKTOP [--with-disk] [--yes]",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_DESKTOP,
	  "undefine a desktop that is not running, --with-disk also its overlay (never a base or template volume, never a disk others use); asks first unless --yes",
	  cmd_desktop_exec_delete, 0 },
	{ "template from", NULL, 0, 2, "DESKTOP NAME [--flatten]",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_DESKTOP,
	  "a template from a shut-off desktop: its disk copied into the templates pool as NAME.qcow2 (keeping its base, or --flatten: standalone) and a shut-off template desktop NAME on it",
	  cmd_desktop_exec_template, 0 },
	{ "desktop migrate", NULL, 0, 2, "[NAME] [DEST_HOST] [--bandwidth MIBS] "
	  "[--max-downtime MS] [--auto-converge] [--postcopy] [--compress] "
	  "[--copy-storage] [--unsafe] [--no-persist]", DESKTOP_ARG,
	  "live-migrate a running desktop (default: the selected one); without "
	  "DEST_HOST a form lists the hosts that may receive it", cmd_migrate_exec, 0 },
	{ "job cancel", NULL, 0, 1, "[ID]", CMD_LINE,
	  "cancel a job after asking (default: the selected job or the progress view's); "
	  "a cancelled migration leaves the desktop on its source", cmd_job_exec, JOB_OP_CANCEL },
	{ "job bandwidth", NULL, 0, 2, "[ID] [MIBS]", CMD_LINE,
	  "set a running migration's bandwidth in MiB/s, 0 unlimited (without MIBS: a form)",
	  cmd_job_exec, JOB_OP_BANDWIDTH },
	{ "job downtime", NULL, 0, 2, "[ID] [MS]", CMD_LINE,
	  "set a running migration's allowed downtime in ms (without MS: a form)",
	  cmd_job_exec, JOB_OP_DOWNTIME },
	{ "job postcopy", NULL, 0, 1, "[ID]", CMD_LINE,
	  "switch a migration started with post-copy allowed to post-copy, after asking",
	  cmd_job_exec, JOB_OP_POSTCOPY },
	{ "job dismiss", NULL, 0, 1, "[ID]", CMD_LINE | RO,
	  "forget a finished job (remove its row)", cmd_job_exec, JOB_OP_DISMISS },
	{ "job dismiss-finished", NULL, 0, 0, "", CMD_LINE | RO,
	  "forget every finished job", cmd_job_exec, JOB_OP_DISMISS_FINISHED },
	{ "derive", NULL, 0, 2, "SOURCE NAME [--pool POOL] [--count N] [--on HOST] "
	  "[--cluster-size BYTES] [--lazy-refcounts] [--extended-l2]", CMD_CLI | CMD_LINE,
	  "thin qcow2 overlays backed by a base or template volume; NAME may hold one range, "
	  "class-{01..20}.qcow2 (console: without NAME, a form for the selected volume)",
	  cmd_derive_exec, 0 },
	{ "pool refresh", NULL, 0, 1, "[NAME]", CMD_LINE | CMD_ARG_NAME,
	  "rescan a storage pool for new volumes (default: the selected one)", exec_pool_refresh, 0 },
	{ "volume delete", NULL, 0, 1, "POOL/NAME [--on HOST]", CMD_CLI | CMD_LINE,
	  "delete a volume, refused while any volume is derived from it, a desktop uses it or a host sharing its pool is offline (console: default the selected one, after asking)",
	  cmd_volume_exec_delete, 0 },
	{ "host remove", NULL, 0, 1, "[NAME]", CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_HOST,
	  "remove a hypervisor from the config and hvdeck's known_hosts, never touching the host (the console asks; default: the selected one)",
	  act_host_remove_exec, 0 },
	{ "host reconnect", NULL, 1, 1, "NAME", CMD_LINE | RO | CMD_ARG_NAME | CMD_ARG_HOST,
	  "try a host again now, not at the end of its backoff (an online host's connection is opened again)", cmd_host_reconnect_exec, 0 },
	{ "host rekey", NULL, 1, 1, "NAME [--yes-fingerprint FP]", CMD_CLI,
	  "replace a host's key in hvdeck's known_hosts after it legitimately changed: shows the old and new fingerprints, the new one must be typed or given",
	  act_host_rekey_exec, 0 },
	{ "mouse", NULL, 1, 1, "on|off", CMD_LINE | RO,
	  "mouse reporting; off lets the terminal select text (to copy a UUID)", exec_mouse, 0 },
	{ "events", NULL, 0, 0, "", CMD_LINE | RO, "the event log, full screen: scroll, / filters", exec_ui, UI_EVENTS },
	{ "help", NULL, 0, 0, "", CMD_LINE | RO, "this help: keys and commands", exec_help, 0 },
	{ "quit", "q", 0, 0, "", CMD_LINE | RO, "quit (asks when jobs are running; a second Ctrl-C quits)", exec_quit, 0 },
	/* console-internal: reached by keys only */
	{ "pane", NULL, 1, 1, "N", RO, "focus pane N", exec_pane, 0 },
	{ "next-pane", NULL, 0, 0, "", RO, "next pane", exec_ui, UI_NEXT_PANE },
	{ "previous-pane", NULL, 0, 0, "", RO, "previous pane", exec_ui, UI_PREV_PANE },
	{ "up", NULL, 0, 0, "", RO, "move up", exec_move, MOVE_UP },
	{ "down", NULL, 0, 0, "", RO, "move down", exec_move, MOVE_DOWN },
	{ "page-up", NULL, 0, 0, "", RO, "page up", exec_move, MOVE_PAGE_UP },
	{ "page-down", NULL, 0, 0, "", RO, "page down", exec_move, MOVE_PAGE_DOWN },
	{ "home", NULL, 0, 0, "", RO, "first row", exec_move, MOVE_HOME },
	{ "end", NULL, 0, 0, "", RO, "last row", exec_move, MOVE_END },
	{ "details", NULL, 0, 0, "", RO, "details of the selected row", exec_ui, UI_DETAILS },
	{ "back", NULL, 0, 0, "", RO, "back (close details, help, filter)", exec_ui, UI_BACK },
	{ "filter", NULL, 0, 0, "", RO, "filter: text, !text, state:S, host:H", exec_ui, UI_FILTER },
	{ "command-prompt", NULL, 0, 0, "", RO, "command line (see Commands below)", exec_ui, UI_PROMPT },
	{ "sort", NULL, 0, 0, "", RO, "sort by the next column", exec_ui, UI_SORT },
	{ "sort-reverse", NULL, 0, 0, "", RO, "reverse the sort", exec_ui, UI_SORT_REVERSE },
	{ "redraw", NULL, 0, 0, "", RO, "redraw the screen", exec_ui, UI_REDRAW },
	{ "add-host", NULL, 0, 0, "", RO, "add a hypervisor: a form (name, address, port, user, role)", ui_host_add_open_exec, 0 },
	{ "mark", NULL, 0, 0, "", RO, "mark / unmark the desktop (actions act on every marked one)", ui_marks_exec, UI_MARK_TOGGLE },
	{ "mark-shown", NULL, 0, 0, "", RO, "mark every desktop the filter shows", ui_marks_exec, UI_MARK_SHOWN },
	{ "mark-clear", NULL, 0, 0, "", RO, "clear the marks", ui_marks_exec, UI_MARK_CLEAR },
};

#undef RO
#undef DESKTOP_ARG
#undef DESKTOP_VERB

const struct cmd_entry *cmd_table(size_t *n)
{
	*n = sizeof commands / sizeof commands[0];
	return commands;
}

const struct cmd_entry *cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(commands[i].name, name) == 0 ||
		    (commands[i].alias != NULL && strcmp(commands[i].alias, name) == 0))
			return &commands[i];
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
	size_t i, flen = strlen(family);
	char *list = NULL, *tmp;

	for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		const struct cmd_entry *e = &commands[i];

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
	size_t i;

	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (declares(commands[i].args, name, has_arg))
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
	size_t i, flen = family != NULL ? strlen(family) : 0;

	for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		const char *name = commands[i].name;
		char *first;

		if (!(commands[i].flags & CMD_LINE))
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
	size_t i;
	char *head;
	int col;

	for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (!(commands[i].flags & CMD_CLI))
			continue;
		head = xasprintf("  %s%s%s", commands[i].name,
		    commands[i].args[0] != '\0' ? " " : "", commands[i].args);
		col = (int)strlen(head);
		fputs(head, out);
		if (col < 27) {
			fprintf(out, "%*s", 27 - col, "");
			col = 27;
		}
		free(head);
		wrap(out, commands[i].help, 27, col);
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
	size_t i;

	(void)c; (void)e; (void)argc; (void)argv; (void)cause;
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		const struct cmd_entry *x = &commands[i];

		printf("%s\t%s\t%s\t%s\t%s\n", where_name(x->flags), x->name,
		    x->args, x->flags & CMD_READ_ONLY_OK ? "read-only" : "writes",
		    x->help);
	}
	return 0;
}

static int exec_list_keys(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	const struct key_binding *k;
	size_t n, i;
	int kt;

	(void)c; (void)e; (void)argc; (void)argv; (void)cause;
	for (kt = 0; kt < KT_COUNT; kt++) {
		k = keys_table((enum key_table)kt, &n);
		for (i = 0; i < n; i++)
			if (k[i].label != NULL)
				printf("%s\t%s\t%s\t%s\n", keys_table_name((enum key_table)kt),
				    k[i].label, k[i].command, keys_help(&k[i]));
	}
	return 0;
}

/* ---- the command line's commands ---- */

static int exec_dump(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	(void)e; (void)argc; (void)argv; (void)cause;
	c->status = cli_dump(c->cfg, c->cli);
	return 0;
}

static int exec_watch(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	(void)e; (void)argc; (void)argv; (void)cause;
	c->status = cli_watch(c->cfg, c->cli);
	return 0;
}

/* ---- the console's commands ---- */

static int need_console(struct cmd_ctx *c, const struct cmd_entry *e,
    char **cause)
{
	if (c->ui != NULL)
		return 0;
	*cause = xasprintf("'%s' is a console command", e->name);
	return -1;
}

static int exec_go(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	(void)argc;
	if (need_console(c, e, cause) < 0)
		return -1;
	if (panes_go(panes_of(c->ui), argv[0], e->arg) == 0)
		return 0;
	/* one answer for every command that selects by name */
	*cause = xasprintf("no %s named %s", e->arg == PANE_DESKTOPS ? "desktop" :
	    e->arg == PANE_HOSTS ? "host" : "host, desktop, pool or volume",
	    argv[0]);
	return -1;
}

char *cmd_target_desktop(struct cmd_ctx *c, int argc, char **argv,
    char **cause)
{
	enum pane_id pane;
	const char *key;

	if (argc == 0) {
		key = c->ui != NULL ? panes_selected(panes_of(c->ui), &pane) : NULL;
		if (key == NULL || pane != PANE_DESKTOPS) {
			*cause = xstrdup("no desktop selected");
			return NULL;
		}
		return xstrdup(key);
	}
	return act_desktop_resolve(argv[0], NULL, cause);
}

/* The one place the table calls a desktop action in the console: the UI
 * follows the job and shows its result in the status line (the command
 * line job_wait()s in cli-desktop.c). */
static int run_action(struct ui *u, const char *uuid, enum domain_action a,
    char **cause)
{
	unsigned job;

	if (act_domain(uuid, a, &job, cause) < 0)
		return -1;
	ui_follow_job(u, job);
	return 0;
}

static void force_off_confirmed(struct ui *u, const char *uuid)
{
	char *cause = NULL;

	if (run_action(u, uuid, DA_FORCE_OFF, &cause) < 0) {
		cmd_audit_note("refused", cause);
		ui_message(u, 1, "%s", cause);
		free(cause);
	}
}

/* Force off asks first, naming the desktop and its host. */
static void ask_force_off(struct ui *u, const char *uuid)
{
	struct m_desktop *d;
	const struct m_place *p;
	const struct m_host *h;
	char *text = NULL;

	model_lock();
	d = model_desktop(uuid);
	p = d != NULL ? model_desktop_place(d) : NULL;
	h = p != NULL ? model_host(p->host_id) : NULL;
	if (d != NULL)
		text = xasprintf("Force off desktop %s on %s? (like pulling the "
		    "power cord)", d->name, h != NULL ? h->name : "?");
	model_unlock();
	if (text != NULL)
		mode_confirm_push(u, text, force_off_confirmed, uuid);
	free(text);
}

static int exec_desktop(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	char *uuid;
	int a = e->arg, rc = 0;

	if (c->ui == NULL) {	/* the command line: by name, waited on */
		if (argc == 0) {
			char *usage = cmd_usage(e);

			*cause = xasprintf("%s: the command line needs the "
			    "desktop's name (%s)", e->name, usage);
			free(usage);
			c->status = 2;	/* bad usage */
			return -1;
		}
		c->status = cli_desktop(c->cfg, c->cli, argv[0],
		    (enum domain_action)a);
		return 0;
	}
	if (argc == 0 && ui_marks_count(c->ui) > 0)	/* one question for all */
		return ui_marks_act(c->ui, a, cause);
	uuid = cmd_target_desktop(c, argc, argv, cause);
	if (uuid == NULL)
		return -1;
	if (a == ACTION_TOGGLE_PAUSE) {
		struct m_desktop *d;

		a = DA_PAUSE;
		model_lock();
		d = model_desktop(uuid);
		if (d != NULL && model_desktop_state(d) == DS_PAUSED)
			a = DA_RESUME;
		model_unlock();
	}
	/* refuse before asking: never a question whose yes is refused */
	if (a == DA_FORCE_OFF &&
	    (rc = act_domain_check(uuid, (enum domain_action)a, cause)) == 0)
		ask_force_off(c->ui, uuid);
	else if (a != DA_FORCE_OFF)
		rc = run_action(c->ui, uuid, (enum domain_action)a, cause);
	free(uuid);
	return rc;
}

static int exec_mouse(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	(void)argc;
	if (need_console(c, e, cause) < 0)
		return -1;
	if (strcmp(argv[0], "on") != 0 && strcmp(argv[0], "off") != 0) {
		*cause = cmd_usage(e);
		return -1;
	}
	ui_set_mouse(c->ui, strcmp(argv[0], "on") == 0);
	ui_message(c->ui, 0, "%s", c->ui->mouse ? "mouse on" :
	    "mouse off: the terminal selects text (:mouse on to return)");
	return 0;
}

/* libvirt sends no event for a volume made behind its back: rescan. */
static int exec_pool_refresh(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	enum pane_id pane = PANE_POOLS;
	const char *which = argc > 0 ? argv[0] : NULL;
	int n;

	if (need_console(c, e, cause) < 0)
		return -1;
	if (which == NULL)
		which = panes_selected(panes_of(c->ui), &pane);
	if (which == NULL || pane != PANE_POOLS) {
		*cause = xstrdup("no pool selected (pools pane: 2)");
		return -1;
	}
	if ((n = act_pool_refresh(which, cause)) < 0)
		return -1;
	ui_message(c->ui, 0, "pool refresh queued on %d host%s", n, n == 1 ? "" : "s");
	return 0;
}

static int exec_quit(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	(void)argc; (void)argv;
	if (need_console(c, e, cause) < 0)
		return -1;
	ui_ask_quit(c->ui);
	return 0;
}

static int exec_help(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	(void)argc; (void)argv;
	if (need_console(c, e, cause) < 0)
		return -1;
	if (mode_find(&c->ui->modes, &mode_help) == NULL)
		mode_push(&c->ui->modes, c->ui, &mode_help, NULL);
	return 0;
}

static int exec_pane(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	char *end;
	long n = strtol(argv[0], &end, 10);

	(void)argc;
	if (need_console(c, e, cause) < 0)
		return -1;
	if (*end != '\0' || n < 1 || n > PANE_COUNT) {
		*cause = xasprintf("pane: %s is not a pane (1 to %d)", argv[0], PANE_COUNT);
		return -1;
	}
	panes_set_focus(panes_of(c->ui), (enum pane_id)(n - 1));
	return 0;
}

static int exec_move(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct mode *top;

	(void)argc; (void)argv;
	if (need_console(c, e, cause) < 0)
		return -1;
	top = c->ui->modes.top;
	if (top != NULL && top->type->move != NULL)
		top->type->move(top, (enum mode_move)e->arg);
	return 0;
}

static int exec_ui(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct ui *u = c->ui;
	struct panes *p;
	struct table *t;
	enum pane_id pane;
	const char *key;

	(void)argc; (void)argv;
	if (need_console(c, e, cause) < 0)
		return -1;
	p = panes_of(u);
	t = panes_table(p, panes_focus(p));
	switch (e->arg) {
	case UI_NEXT_PANE: panes_move_focus(p, 1); break;
	case UI_PREV_PANE: panes_move_focus(p, -1); break;
	case UI_DETAILS:
		key = panes_selected(p, &pane);
		if (key != NULL && pane == PANE_JOBS &&
		    cmd_migrate_open_view(u, key))
			break;	/* a migration: its progress view */
		if (key != NULL && view_of(pane)->details != NULL)
			mode_details_push(u, pane, key);
		break;
	case UI_BACK:
		if (u->modes.top != NULL && u->modes.top->type != &mode_panes)
			mode_pop(&u->modes);
		else if (t->filter != NULL)
			table_set_filter(t, NULL);
		break;
	case UI_FILTER: mode_prompt_push(u, '/'); break;
	case UI_PROMPT: mode_prompt_push(u, ':'); break;
	case UI_EVENTS: mode_events_push(u); break;
	case UI_SORT: table_cycle_sort(t); break;
	case UI_SORT_REVERSE: table_reverse_sort(t); break;
	case UI_REDRAW: ui_redraw(u); break;
	}
	return 0;
}
