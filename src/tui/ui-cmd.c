/* ui-cmd.c — the console's entries of the command table and its face:
 * what only a console can do (move, focus, filter, mark, help, quit) is
 * registered here, and the questions, forms and jobs of every other
 * command reach the console through the face it sets in cmd_ctx. */
#include "tui/ui-cmd.h"
#include "act/act-ljob.h"
#include "act/act-volume.h"
#include "cmd/cmd-face.h"
#include "cmd/cmd-relay.h"
#include "cmd/cmd-job.h"
#include "core/job.h"
#include "core/model.h"
#include "core/util.h"
#include "tui/forms.h"
#include "tui/keys.h"
#include "tui/mode.h"
#include "tui/ui-form.h"
#include "tui/ui-marks.h"
#include "tui/ui-table.h"
#include "tui/ui.h"
#include "tui/views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the face ---- */

static void face_say(const struct cmd_face *f, int error, const char *text)
{
	struct ui *u = f->data;
	unsigned request = cmd_relay_delivering();	/* 0: not the server's */

	ui_message(u, error, "%s", text);
	if (error && request != 0) {	/* the server's reply: a form's? */
		u->refusal_request = request;
		snprintf(u->refusal, sizeof u->refusal, "%s", u->message);
	}
}

static void face_follow(const struct cmd_face *f, unsigned job)
{
	if (!forms_forsaken_job(f->data, job))
		ui_follow_job(f->data, job);
}

static int face_confirm(const struct cmd_face *f, const char *question,
    const char *what, cmd_face_yes yes, const char *arg, char **cause)
{
	(void)what;
	if (forms_forsaken_now(f->data)) {	/* its form was closed */
		*cause = xstrdup("cancelled");
		return -1;
	}
	mode_confirm_push_face(f->data, question, f, yes, arg);
	return 0;
}

/* A form following the command's work (the add-host form) asks it in
 * its own fields; else the prompt line does. */
static void face_ask_relayed(const struct cmd_face *f, const char *prompt,
    int secret, const char *ticket)
{
	if (forms_forsaken_question(f->data, ticket))
		return;		/* its form was closed: no one waits for it */
	if (!mode_form_question(f->data, secret, ticket))
		mode_prompt_push_question(f->data, prompt, secret, ticket);
}

static int face_form(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	size_t n, i;
	const struct ui_form_opener *o = forms_table(&n);

	for (i = 0; i < n; i++)
		if (strcmp(o[i].name, e->name) == 0)
			return o[i].open(c->face->data, c, e, argc, argv, cause);
	*cause = xasprintf("%s: no form for it", e->name);
	return -1;
}

static int face_has_form(const struct cmd_face *f, const char *name)
{
	size_t n, i;
	const struct ui_form_opener *o = forms_table(&n);

	(void)f;
	for (i = 0; i < n; i++)
		if (strcmp(o[i].name, name) == 0)
			return 1;
	return 0;
}

/* The operator removed rows: like a move, the row that takes the place
 * of a dismissed selected one is selected (a row that vanishes on its
 * own leaves nothing selected, ui-table.c). */
static void reselect(struct ui *u)
{
	struct table *t = panes_table(panes_of(u), PANE_JOBS);
	unsigned id = cmd_job_of_key(t->selected_key);
	struct job *j;
	int gone;

	if (id == 0)
		return;
	job_lock();
	j = job_find(id);
	gone = j == NULL;
	job_unlock();
	if (!gone)
		return;
	free(t->selected_key);
	t->selected_key = NULL;
	if (t->sel == TABLE_NONE)
		t->sel = 0;
}

static void face_forget_job(const struct cmd_face *f, unsigned job)
{
	struct ui *u = f->data;
	struct mode *top = u->modes.top;

	if (panes_of(u) != NULL)
		reselect(u);
	if (job != 0 && top != NULL && top->type == &mode_migrate &&
	    mode_migrate_job(top) == job)
		mode_pop(&u->modes);    /* its view has nothing left to show */
}

static void face_run_line(const struct cmd_face *f, const char *line)
{
	ui_run_command(f->data, line, 0);
}

void ui_cmd_face_init(struct ui *u, struct cmd_face *f)
{
	memset(f, 0, sizeof *f);
	f->console = 1;
	f->data = u;
	f->say = face_say;
	f->follow_job = face_follow;
	f->confirm = face_confirm;
	f->ask_relayed = face_ask_relayed;
	f->run_line = face_run_line;
	f->forget_job = face_forget_job;
	f->form = face_form;
	f->has_form = face_has_form;
}

/* ---- explicit targets ---- */

/* Model lock held. A desktop as a command names it: its name when no
 * other desktop has it (the audit log reads better), else its UUID. */
static const char *desktop_word(const char *uuid)
{
	struct m_desktop **ds, *d = model_desktop(uuid);
	size_t n, i, same = 0;

	if (d == NULL || d->name == NULL)
		return uuid;
	ds = model_desktops(&n);
	for (i = 0; i < n; i++)
		if (ds[i]->name != NULL && strcmp(ds[i]->name, d->name) == 0)
			same++;
	return same == 1 ? d->name : uuid;
}

static char *quoted_desktop(const char *uuid)
{
	char *q;

	model_lock();
	q = cmd_quote(desktop_word(uuid));
	model_unlock();
	return q;
}

/* The marked desktops, quoted and joined; NULL without marks. */
static char *marked_words(struct ui *u)
{
	size_t n = 0, i;
	char *const *marks = panes_of(u) != NULL ?
	    panes_marks(panes_of(u), &n) : NULL;
	char *s = NULL, *q, *t;

	for (i = 0; i < n; i++) {
		q = quoted_desktop(marks[i]);
		t = xasprintf("%s%s%s", s != NULL ? s : "", s != NULL ? " " : "", q);
		free(q);
		free(s);
		s = t;
	}
	return s;
}

/* The selected job: the progress view's, else the jobs pane's row. */
static char *selected_job(struct ui *u)
{
	struct mode *top = u->modes.top;
	enum pane_id pane;
	const char *key;
	unsigned id = 0;

	if (top != NULL && top->type == &mode_migrate)
		id = mode_migrate_job(top);
	else if ((key = panes_selected(panes_of(u), &pane)) != NULL &&
	    pane == PANE_JOBS && (id = cmd_job_of_key(key)) == 0)
		return cmd_quote(key);	/* a job hvdeck did not start: its desktop */
	return id != 0 ? xasprintf("%u", id) : NULL;
}

/* The selected volume: "POOL/NAME" --on "HOST". */
static char *selected_volume(const char *key)
{
	struct vol_target t;
	char *cause = NULL, *spec, *q, *on, *s;

	if (act_volume_find_key(key, &t, &cause) < 0) {
		free(cause);
		return NULL;
	}
	spec = xasprintf("%s/%s", t.pool, t.name);
	q = cmd_quote(spec);
	on = cmd_quote(t.host);
	s = xasprintf("%s --on %s", q, on);
	free(on);
	free(q);
	free(spec);
	act_volume_target_free(&t);
	return s;
}

/* What e acts on when given nothing: words for the line, NULL when
 * nothing fits (the command then says so). */
static char *selection_words(struct ui *u, const struct cmd_entry *e,
    int *marks)
{
	enum pane_id pane;
	const char *key;
	char *s;

	if ((e->flags & CMD_SEL_MARKS) && (s = marked_words(u)) != NULL) {
		*marks = 1;
		return s;
	}
	if (e->flags & CMD_SEL_JOB)
		return selected_job(u);
	if (panes_of(u) == NULL ||
	    (key = panes_selected(panes_of(u), &pane)) == NULL)
		return NULL;
	if ((e->flags & CMD_SEL_DESKTOP) && pane == PANE_DESKTOPS)
		return quoted_desktop(key);
	if (((e->flags & CMD_SEL_HOST) && pane == PANE_HOSTS) ||
	    ((e->flags & CMD_SEL_POOL) && pane == PANE_POOLS))
		return cmd_quote(key);
	if ((e->flags & CMD_SEL_VOLUME) && pane == PANE_VOLUMES)
		return selected_volume(key);
	return NULL;
}

/* words[0..n) joined as they were typed: quoted names stay names, options
 * stay options (the words after the command's name). */
static char *requote(char **w, const unsigned char *quoted, int n)
{
	char *s = xstrdup(""), *q, *t;
	int i;

	for (i = 0; i < n; i++) {
		q = cmd_requote(w[i], quoted[i]);
		t = xasprintf("%s %s", s, q);
		free(q);
		free(s);
		s = t;
	}
	return s;
}

char *ui_cmd_explicit(struct ui *u, const char *line, unsigned where,
    int *marks)
{
	char **all, **words, **args, *cause = NULL, *sel, *rest, *out;
	unsigned char *quoted;
	const struct cmd_entry *e;
	struct cmd_opts o;
	int n = cmd_split_marked(line, &all, &quoted), nw = n, nargs, used;

	words = xreallocarray(NULL, (size_t)n + 1, sizeof *words);
	memcpy(words, all, ((size_t)n + 1) * sizeof *words);
	e = n > 0 && cmd_take_options(&nw, words, quoted, NULL, &o, &cause) == 0 ?
	    cmd_parse(words, nw, where, &nargs, &args, &cause) : NULL;
	free(cause);
	out = NULL;
	*marks = 0;
	if (e != NULL && nargs == 0 && (e->flags & (CMD_SEL_DESKTOP |
	    CMD_SEL_HOST | CMD_SEL_POOL | CMD_SEL_VOLUME | CMD_SEL_JOB |
	    CMD_SEL_MARKS)) && (sel = selection_words(u, e, marks)) != NULL) {
		/* the name words, the selection, then everything after them */
		used = strchr(e->name, ' ') != NULL && n > 1 &&
		    strcmp(all[0], e->alias != NULL ? e->alias : "") != 0 ? 2 : 1;
		rest = requote(all + used, quoted + used, n - used);
		out = xasprintf("%s %s%s", e->name, sel, rest);
		free(rest);
		free(sel);
	}
	free(words);
	free(quoted);
	cmd_free_words(all);
	return out != NULL ? out : xstrdup(line);
}

/* ---- the console's own entries ---- */

/* exec_ui's jobs, by entry arg */
enum { UI_NEXT_PANE, UI_PREV_PANE, UI_DETAILS, UI_BACK, UI_FILTER, UI_PROMPT,
	UI_SORT, UI_SORT_REVERSE, UI_REDRAW, UI_EVENTS };

/* The console that runs c, NULL on the command line (then *cause). */
static struct ui *console_of(const struct cmd_ctx *c, const struct cmd_entry *e,
    char **cause)
{
	if (cmd_in_console(c))
		return c->face->data;
	*cause = xasprintf("'%s' is a console command", e->name);
	return NULL;
}

static int exec_go(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct ui *u = console_of(c, e, cause);

	(void)argc;
	if (u == NULL)
		return -1;
	if (panes_go(panes_of(u), argv[0], e->arg) == 0)
		return 0;
	/* one answer for every command that selects by name */
	*cause = xasprintf("no %s named %s", e->arg == PANE_DESKTOPS ? "desktop" :
	    e->arg == PANE_HOSTS ? "host" : "host, desktop, pool or volume",
	    argv[0]);
	return -1;
}

static int exec_mouse(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct ui *u = console_of(c, e, cause);

	(void)argc;
	if (u == NULL)
		return -1;
	if (strcmp(argv[0], "on") != 0 && strcmp(argv[0], "off") != 0) {
		*cause = cmd_usage(e);
		return -1;
	}
	ui_set_mouse(u, strcmp(argv[0], "on") == 0);
	ui_message(u, 0, "%s", u->mouse ? "mouse on" :
	    "mouse off: the terminal selects text (:mouse on to return)");
	return 0;
}

static int exec_quit(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct ui *u = console_of(c, e, cause);

	(void)argc; (void)argv;
	if (u == NULL)
		return -1;
	ui_ask_quit(u);
	return 0;
}

static int exec_help(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct ui *u = console_of(c, e, cause);

	(void)argc; (void)argv;
	if (u == NULL)
		return -1;
	if (mode_find(&u->modes, &mode_help) == NULL)
		mode_push(&u->modes, u, &mode_help, NULL);
	return 0;
}

static int exec_pane(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct ui *u = console_of(c, e, cause);
	char *end;
	long n = strtol(argv[0], &end, 10);

	(void)argc;
	if (u == NULL)
		return -1;
	if (*end != '\0' || n < 1 || n > PANE_COUNT) {
		*cause = xasprintf("pane: %s is not a pane (1 to %d)", argv[0], PANE_COUNT);
		return -1;
	}
	panes_set_focus(panes_of(u), (enum pane_id)(n - 1));
	if (n - 1 == PANE_JOBS)	/* jobs libvirt runs, begun before we listened */
		act_ljob_sweep_async();
	return 0;
}

static int exec_move(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct ui *u = console_of(c, e, cause);
	struct mode *top;

	(void)argc; (void)argv;
	if (u == NULL)
		return -1;
	top = u->modes.top;
	if (top != NULL && top->type->move != NULL)
		top->type->move(top, (enum mode_move)e->arg);
	return 0;
}

/* Enter: a migration's row opens its progress view, another row its
 * details page. */
static void details(struct ui *u, struct panes *p)
{
	enum pane_id pane;
	const char *key = panes_selected(p, &pane);

	if (key != NULL && pane == PANE_JOBS && form_migrate_open_view(u, key))
		return;
	if (key != NULL && view_of(pane)->details != NULL)
		mode_details_push(u, pane, key);
}

static int exec_ui(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct ui *u = console_of(c, e, cause);
	struct panes *p;
	struct table *t;

	(void)argc; (void)argv;
	if (u == NULL)
		return -1;
	p = panes_of(u);
	t = panes_table(p, panes_focus(p));
	switch (e->arg) {
	case UI_NEXT_PANE: panes_move_focus(p, 1); break;
	case UI_PREV_PANE: panes_move_focus(p, -1); break;
	case UI_DETAILS: details(u, p); break;
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

#define RO CMD_READ_ONLY_OK

static const struct cmd_entry console_commands[] = {
	{ "list-keys", NULL, 0, 0, "", CMD_CLI | RO | CMD_NO_CONFIG | CMD_LOCAL,
	  "print the console's key bindings", exec_list_keys, 0 },
	/* the console's `:` line */
	{ "go", NULL, 1, 1, "NAME", CMD_LINE | RO | CMD_ARG_NAME,
	  "select the host, desktop, pool or volume called NAME (Tab completes)", exec_go, -1 },
	{ "host", NULL, 1, 1, "NAME", CMD_LINE | RO | CMD_ARG_NAME | CMD_ARG_HOST,
	  "select a hypervisor (like go)", exec_go, PANE_HOSTS },
	{ "desktop", NULL, 1, 1, "NAME", CMD_LINE | RO | CMD_ARG_NAME | CMD_ARG_DESKTOP,
	  "select a desktop (like go)", exec_go, PANE_DESKTOPS },
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
	{ "add-host", NULL, 0, 0, "", 0, "add a hypervisor: a form (name, address, port, user, role)", form_host_add_exec, 0 },
	{ "mark", NULL, 0, 0, "", RO, "mark / unmark the desktop (actions act on every marked one)", ui_marks_exec, UI_MARK_TOGGLE },
	{ "mark-shown", NULL, 0, 0, "", RO, "mark every desktop the filter shows", ui_marks_exec, UI_MARK_SHOWN },
	{ "mark-clear", NULL, 0, 0, "", RO, "clear the marks", ui_marks_exec, UI_MARK_CLEAR },
};

void ui_cmd_register(void)
{
	cmd_register_table(console_commands,
	    sizeof console_commands / sizeof console_commands[0]);
}

/* ---- the line the console runs ---- */

static void clear_marks(struct ui *u)
{
	panes_mark_clear(panes_of(u));
}

void ui_run_command(struct ui *u, const char *line, unsigned where)
{
	struct cmd_ctx c;
	int marks;
	char *cause = NULL, *full = ui_cmd_explicit(u, line, where, &marks);

	memset(&c, 0, sizeof c);
	c.face = &u->face;
	c.cfg = u->cfg;
	c.read_only = u->read_only;
	if (cmd_run_line(&c, full, where, &cause) < 0) {
		ui_message(u, 1, "%s", cause);
		free(cause);
	} else if (marks && u->modes.top != NULL &&
	    u->modes.top->type == &mode_confirm) {
		/* the marks became the line's names: used once asked (a no
		 * keeps them) */
		mode_confirm_after_yes(u->modes.top, clear_marks);
	} else if (marks) {
		clear_marks(u);
	}
	free(full);
}
