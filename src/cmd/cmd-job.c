/* cmd-job.c — `job cancel|bandwidth|downtime|postcopy|dismiss|
 * dismiss-finished [ID] [VALUE]`: what the jobs pane and the progress view
 * do to a job. Questions come before anything happens and name the
 * desktop and its hosts; the answers run on the UI thread and only record
 * requests (job_cancel, migrate_set_*), which the job's watcher delivers
 * to libvirt. */
#include "cmd/cmd-job.h"
#include "act/act-migrate.h"
#include "cmd/cmd-audit.h"
#include "core/job.h"
#include "tui/mode.h"
#include "core/text.h"
#include "tui/ui-form.h"
#include "tui/ui-table.h"
#include "tui/ui.h"
#include "core/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_PREFIX "job:"     /* view-jobs.c's row keys */

unsigned cmd_job_of_key(const char *key)
{
	char *end;
	unsigned long id;

	if (key == NULL || strncmp(key, KEY_PREFIX, strlen(KEY_PREFIX)) != 0)
		return 0;
	id = strtoul(key + strlen(KEY_PREFIX), &end, 10);
	return *end == '\0' && id <= 0xffffffffUL ? (unsigned)id : 0;
}

static int parse_number(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && s[0] != '-' &&
	    *out <= max ? 0 : -1;
}

/* The job the command means: ID, or the progress view's, or the selected
 * row of the jobs pane. 0 with *cause when none. */
static unsigned target_job(struct cmd_ctx *c, int argc, char **argv,
    char **cause)
{
	struct mode *top = c->ui != NULL ? c->ui->modes.top : NULL;
	unsigned long id;
	enum pane_id pane;
	const char *key;

	if (argc > 0) {
		if (parse_number(argv[0], 0xffffffffUL, &id) < 0 || id == 0) {
			char *vis = text_visible(argv[0]);

			*cause = xasprintf("'%s' is not a job number", vis);
			free(vis);
			return 0;
		}
		return (unsigned)id;
	}
	if (top != NULL && top->type == &mode_migrate)
		return mode_migrate_job(top);
	key = c->ui != NULL ? panes_selected(panes_of(c->ui), &pane) : NULL;
	if (key == NULL || pane != PANE_JOBS || cmd_job_of_key(key) == 0) {
		*cause = xstrdup("no job selected (jobs pane: 5)");
		return 0;
	}
	return cmd_job_of_key(key);
}

/* What the questions say of a job: its kind, desktop and state. */
struct job_facts {
	int found;
	enum job_kind kind;
	enum job_state state;
	char *name;             /* visible text */
};

static struct job_facts facts(unsigned id)
{
	struct job_facts f;
	struct job *j;

	memset(&f, 0, sizeof f);
	job_lock();
	if ((j = job_find(id)) != NULL) {
		f.found = 1;
		f.kind = j->kind;
		f.state = j->state;
		f.name = text_visible(j->name != NULL ? j->name : j->uuid);
	}
	job_unlock();
	if (f.name == NULL)
		f.name = xstrdup("?");
	return f;
}

/* A migration of hvdeck's that still runs, else -1 with *cause. */
static int running_migration(unsigned id, struct job_facts *f,
    struct migrate_stats *st, char **cause)
{
	*f = facts(id);
	if (!f->found)
		*cause = xasprintf("no job %u", id);
	else if (f->kind != JK_MIGRATE || migrate_stats(id, st) < 0)
		*cause = xasprintf("job %u is not a migration", id);
	else if (job_state_final(f->state))
		*cause = xasprintf("migration %u has %s", id,
		    f->state == JOB_DONE ? "finished" : job_state_name(f->state));
	else
		return 0;
	return -1;
}

/* ---- the answers (after y) ---- */

/* cause is taken (freed) when rc < 0. */
static void say_result(struct ui *u, int rc, char *cause, const char *fmt,
    unsigned id)
{
	if (rc < 0) {
		cmd_audit_note("failed", cause);
		ui_message(u, 1, "%s", cause);
		free(cause);
	} else {
		ui_message(u, 0, fmt, id);
	}
}

static void cancel_confirmed(struct ui *u, const char *arg)
{
	unsigned id = (unsigned)strtoul(arg, NULL, 10);
	char *cause = NULL;
	int rc = job_cancel(id, &cause);

	say_result(u, rc, cause,
	    "job %u: cancelling (the desktop stays where it was)", id);
}

static void postcopy_confirmed(struct ui *u, const char *arg)
{
	unsigned id = (unsigned)strtoul(arg, NULL, 10);
	char *cause = NULL;
	int rc = migrate_postcopy(id, &cause);

	say_result(u, rc, cause,
	    "migration %u: switching to post-copy", id);
}

/* ---- the questions ---- */

static int ask_cancel(struct ui *u, unsigned id, char **cause)
{
	struct migrate_stats st;
	struct job_facts f = facts(id);
	char *text, arg[16];

	if (!f.found || job_state_final(f.state)) {
		*cause = !f.found ? xasprintf("no job %u", id) :
		    xasprintf("job %u has already %s", id, f.state == JOB_DONE ?
		    "finished" : job_state_name(f.state));
		free(f.name);
		return -1;
	}
	if (f.kind == JK_MIGRATE && migrate_stats(id, &st) == 0) {
		if (st.postcopy_active) {
			*cause = xasprintf("migration %u of %s is in post-copy: it "
			    "can only finish now", id, f.name);
			free(f.name);
			return -1;
		}
		text = xasprintf("Cancel the migration of %s from %s to %s? %s "
		    "keeps running on %s.", f.name, st.source, st.dest, f.name,
		    st.source);
	} else {
		text = xasprintf("Cancel job %u (%s %s)?", id,
		    job_kind_name(f.kind), f.name);
	}
	snprintf(arg, sizeof arg, "%u", id);
	mode_confirm_push(u, text, cancel_confirmed, arg);
	free(text);
	free(f.name);
	return 0;
}

static int ask_postcopy(struct ui *u, unsigned id, char **cause)
{
	struct migrate_stats st;
	struct job_facts f;
	char *text, arg[16];

	if (running_migration(id, &f, &st, cause) < 0) {
		free(f.name);
		return -1;
	}
	if (!st.postcopy_allowed || st.postcopy_active) {
		*cause = st.postcopy_active ?
		    xasprintf("migration %u is already in post-copy", id) :
		    xasprintf("migration %u was started without post-copy "
		    "allowed (tick it in the form, or --postcopy)", id);
		free(f.name);
		return -1;
	}
	text = xasprintf("Switch the migration of %s to post-copy? %s then "
	    "runs on %s while its memory follows: from then on a failure can "
	    "leave %s paused on %s with no whole copy on %s.", f.name, f.name,
	    st.dest, f.name, st.dest, st.source);
	snprintf(arg, sizeof arg, "%u", id);
	mode_confirm_push(u, text, postcopy_confirmed, arg);
	free(text);
	free(f.name);
	return 0;
}

/* ---- bandwidth and downtime: a value, or a small form for one ---- */

struct value_form {
	unsigned id;
	int op;                 /* JOB_OP_BANDWIDTH, JOB_OP_DOWNTIME */
};

static int value_submit(struct ui *u, struct form *f, void *arg)
{
	struct value_form *vf = arg;
	struct cmd_ctx c;
	char *line, *cause = NULL;
	int rc;

	memset(&c, 0, sizeof c);
	c.ui = u;
	c.read_only = u->read_only;
	line = xasprintf("job %s %u %ld", vf->op == JOB_OP_BANDWIDTH ?
	    "bandwidth" : "downtime", vf->id, form_number(f, "value"));
	rc = cmd_run_line(&c, line, 0, &cause);
	free(line);
	if (rc == 0)
		return 1;
	form_set_error(f, "value", cause);
	free(cause);
	return -1;
}

static const struct form_ops value_ops = {
	.submit = value_submit,
	.free = free,
};

/* The typed line of op's value: its range for the form and the parser. */
static const struct cmd_opt_spec *value_spec(int op)
{
	return op == JOB_OP_BANDWIDTH ? cmd_opt_spec("job bandwidth", "MIBS") :
	    cmd_opt_spec("job downtime", "MS");
}

static int open_value_form(struct ui *u, unsigned id, int op, char **cause)
{
	struct migrate_stats st;
	struct job_facts f;
	struct value_form *vf;
	struct form *form;
	const struct cmd_opt_spec *s = value_spec(op);
	char *title, hint[96];

	if (running_migration(id, &f, &st, cause) < 0) {
		free(f.name);
		return -1;
	}
	title = xasprintf("%s of migration %u (%s)", op == JOB_OP_BANDWIDTH ?
	    "Bandwidth" : "Max downtime", id, f.name);
	form = form_new(title);
	free(title);
	free(f.name);
	if (op == JOB_OP_BANDWIDTH) {
		/* an operator who presses b wants more: offer double */
		form_add_number(form, "value", "MiB/s", (long)s->min, (long)s->max,
		    st.bandwidth_mibs > 0 ? (long)st.bandwidth_mibs * 2 : 0);
		snprintf(hint, sizeof hint, "now %lu%s; 0 = unlimited",
		    st.bandwidth_mibs, st.bandwidth_mibs > 0 ? " MiB/s" :
		    " (unlimited)");
	} else {
		form_add_number(form, "value", "ms", (long)s->min, (long)s->max,
		    st.max_downtime_ms > 0 ? st.max_downtime_ms * 2 : 500);
		snprintf(hint, sizeof hint, "now %ld ms, expected %llu ms",
		    st.max_downtime_ms, (unsigned long long)st.expected_downtime_ms);
	}
	form_set_hint(form, "value", hint);
	form_set_message(form, "Enter: apply   Esc: leave it");
	vf = xcalloc(1, sizeof *vf);
	vf->id = id;
	vf->op = op;
	mode_form_push(u, form, &value_ops, vf);
	return 0;
}

static int set_value(struct ui *u, unsigned id, int op, const char *value,
    char **cause)
{
	long long v;
	int rc;

	if (cmd_opt_parse_int(value_spec(op), value, &v, cause) < 0)
		return -1;
	rc = op == JOB_OP_BANDWIDTH ? migrate_set_speed(id, (unsigned long)v, cause) :
	    migrate_set_downtime(id, (long)v, cause);
	if (rc < 0)
		return -1;
	if (op == JOB_OP_BANDWIDTH && v == 0)
		ui_message(u, 0, "migration %u: bandwidth unlimited", id);
	else
		ui_message(u, 0, "migration %u: %s %lld %s", id, op == JOB_OP_BANDWIDTH ?
		    "bandwidth" : "max downtime", v, op == JOB_OP_BANDWIDTH ?
		    "MiB/s" : "ms");
	return 0;
}

/* ---- dismissing ---- */

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

static int dismiss(struct ui *u, unsigned id, char **cause)
{
	struct mode *top = u->modes.top;

	if (job_dismiss(id, cause) < 0)
		return -1;
	reselect(u);
	if (top != NULL && top->type == &mode_migrate && mode_migrate_job(top) == id)
		mode_pop(&u->modes);    /* its view has nothing left to show */
	ui_message(u, 0, "job %u dismissed", id);
	return 0;
}

int cmd_job_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	unsigned id, n;

	if (c->ui == NULL) {
		*cause = xasprintf("'%s' is a console command", e->name);
		return -1;
	}
	if (e->arg == JOB_OP_DISMISS_FINISHED) {
		n = job_dismiss_finished();
		reselect(c->ui);
		ui_message(c->ui, 0, "%u finished job%s dismissed", n,
		    n == 1 ? "" : "s");
		return 0;
	}
	if ((id = target_job(c, argc, argv, cause)) == 0)
		return -1;
	switch (e->arg) {
	case JOB_OP_CANCEL:
		return ask_cancel(c->ui, id, cause);
	case JOB_OP_POSTCOPY:
		return ask_postcopy(c->ui, id, cause);
	case JOB_OP_BANDWIDTH:
	case JOB_OP_DOWNTIME:
		if (argc < 2)
			return open_value_form(c->ui, id, e->arg, cause);
		return set_value(c->ui, id, e->arg, argv[1], cause);
	case JOB_OP_DISMISS:
		return dismiss(c->ui, id, cause);
	}
	*cause = xstrdup("unknown job command");
	return -1;
}
