/* cmd-job.c — `job cancel|bandwidth|downtime|postcopy|dismiss|
 * dismiss-finished [ID] [VALUE]`: what the jobs pane and the progress view
 * do to a job. Questions come before anything happens and name the
 * desktop and its hosts, through the face (the console's confirmation);
 * the answers run on the UI thread and only record
 * requests (job_cancel, migrate_set_*), which the job's watcher delivers
 * to libvirt. */
#include "cmd/cmd-job.h"
#include "cmd/cmd-migrate.h"
#include "cmd/cmd-face.h"
#include "act/act-drain.h"
#include "act/act-ljob.h"
#include "act/act-migrate.h"
#include "cmd/cmd-targets.h"
#include "core/json.h"
#include "core/model.h"
#include "cmd/cmd-audit.h"
#include "core/job.h"
#include "core/text.h"
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
/* The job the command names (the console puts the progress view's job
 * or the selected row there), 0 with *cause. */
static unsigned target_job(int argc, char **argv, char **cause)
{
	unsigned long id;

	if (argc == 0) {
		*cause = xstrdup("no job selected (jobs pane: 5)");
		return 0;
	}
	if (parse_number(argv[0], 0xffffffffUL, &id) < 0 || id == 0) {
		char *vis = text_visible(argv[0]);

		*cause = xasprintf("'%s' is not a job number", vis);
		free(vis);
		return 0;
	}
	return (unsigned)id;
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
	else if (f->kind != JK_MIGRATE || cmd_migrate_stats(id, st) < 0)
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
static void say_result(const struct cmd_face *f, int rc, char *cause,
    const char *fmt, unsigned id)
{
	struct cmd_ctx c = { .face = f };

	if (rc < 0) {
		cmd_audit_note("failed", cause);
		cmd_say(&c, 1, "%s", cause);
		free(cause);
	} else {
		cmd_say(&c, 0, fmt, id);
	}
}

static void cancel_confirmed(const struct cmd_face *f, const char *arg)
{
	unsigned id = (unsigned)strtoul(arg, NULL, 10);
	char *cause = NULL;
	int rc = job_cancel(id, &cause);

	say_result(f, rc, cause,
	    "job %u: cancelling (the desktop stays where it was)", id);
}

/* arg: "ID" cancels a drain's running migrations too, "ID let" lets
 * them finish. */
static void drain_cancel_confirmed(const struct cmd_face *f, const char *arg)
{
	char *end, *cause = NULL;
	unsigned id = (unsigned)strtoul(arg, &end, 10);
	int let = strcmp(end, " let") == 0;
	int rc = drain_cancel(id, let, &cause);

	say_result(f, rc, cause, let ? "drain %u: cancelling (no more moves; "
	    "the running migrations finish)" : "drain %u: cancelling (no more "
	    "moves; the running migrations are cancelled: their desktops stay)",
	    id);
}

static void postcopy_confirmed(const struct cmd_face *f, const char *arg)
{
	unsigned id = (unsigned)strtoul(arg, NULL, 10);
	char *cause = NULL;
	int rc = migrate_postcopy(id, &cause);

	say_result(f, rc, cause,
	    "migration %u: switching to post-copy", id);
}

/* ---- the questions ---- */

/* The question, unless --yes gave its answer (the command line's
 * scripts): then yes runs at once. */
static int confirm_unless_yes(struct cmd_ctx *c, const char *text,
    cmd_face_yes yes, const char *arg, char **cause)
{
	if (cmd_opt(c->opts, "yes") != NULL) {
		yes(c->face, arg);
		return 0;
	}
	return cmd_confirm(c, text, "job cancel", yes, arg, cause);
}

/* A drain: whether its running migrations are cancelled too or left to
 * finish is the operator's choice, said in the question. */
static int ask_cancel_drain(struct cmd_ctx *c, unsigned id,
    const struct job_facts *f, char **cause)
{
	int let = cmd_opt(c->opts, "let-running-finish") != NULL;
	int moving = drain_moving_count(id);
	char *text, arg[24];
	int rc;

	if (moving <= 0)
		text = xasprintf("Cancel the drain of %s? No more desktops move; "
		    "%s stays in maintenance.", f->name, f->name);
	else if (let)
		text = xasprintf("Cancel the drain of %s, letting its %d running "
		    "migration%s finish? No more desktops move; %s stays in "
		    "maintenance.", f->name, moving, moving == 1 ? "" : "s", f->name);
	else
		text = xasprintf("Cancel the drain of %s AND its %d running "
		    "migration%s (their desktops stay on %s)? To let them finish: "
		    "job cancel %u --let-running-finish", f->name, moving,
		    moving == 1 ? "" : "s", f->name, id);
	snprintf(arg, sizeof arg, "%u%s", id, let ? " let" : "");
	rc = confirm_unless_yes(c, text, drain_cancel_confirmed, arg, cause);
	free(text);
	return rc;
}

static int ask_cancel(struct cmd_ctx *c, unsigned id, char **cause)
{
	struct migrate_stats st;
	struct job_facts f = facts(id);
	char *text, arg[16];
	int rc;

	if (!f.found || job_state_final(f.state)) {
		*cause = !f.found ? xasprintf("no job %u", id) :
		    xasprintf("job %u has already %s", id, f.state == JOB_DONE ?
		    "finished" : job_state_name(f.state));
		free(f.name);
		return -1;
	}
	if (f.kind == JK_DRAIN && drain_moving_count(id) >= 0) {
		rc = ask_cancel_drain(c, id, &f, cause);
		free(f.name);
		return rc;
	}
	if (f.kind == JK_MIGRATE && cmd_migrate_stats(id, &st) == 0) {
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
	rc = confirm_unless_yes(c, text, cancel_confirmed, arg, cause);
	free(text);
	free(f.name);
	return rc;
}

static int ask_postcopy(struct cmd_ctx *c, unsigned id, char **cause)
{
	struct migrate_stats st;
	struct job_facts f;
	char *text, arg[16];
	int rc;

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
	rc = cmd_confirm(c, text, "job postcopy", postcopy_confirmed, arg, cause);
	free(text);
	free(f.name);
	return rc;
}

/* ---- jobs libvirt runs that hvdeck did not start ---- */

static int is_number(const char *s)
{
	unsigned long v;

	return parse_number(s, 0xffffffffUL, &v) == 0;
}

static void abort_confirmed(const struct cmd_face *f, const char *arg)
{
	struct cmd_ctx c = { .face = f };
	char *cause = NULL;
	unsigned job;

	if (act_ljob_abort(arg, &job, &cause) < 0) {
		cmd_audit_note("refused", cause);
		cmd_say(&c, 1, "%s", cause);
		free(cause);
		return;
	}
	cmd_follow(&c, job);
	cmd_say(&c, 0, "job %u: aborting the job libvirt runs on %s", job, arg);
}

/* The job of desktop (a UUID or name: the jobs pane's row of a job hvdeck
 * did not start) aborted after a question that says so. */
static int ask_abort(struct cmd_ctx *c, const char *desktop, char **cause)
{
	char *q = act_ljob_question(desktop, cause);
	int rc;

	if (q == NULL)
		return -1;
	rc = cmd_confirm(c, q, "job cancel", abort_confirmed, desktop, cause);
	free(q);
	return rc;
}

/* ---- jobs (the command line's list) ---- */

static void job_line(struct cmd_ctx *c, unsigned id, const char *kind,
    const char *state, const char *target, const char *host, double pct,
    const char *error)
{
	struct json j;
	char *t, p[16] = "-";

	if (cmd_json(c)) {
		json_init(&j);
		json_begin_object(&j, NULL);
		if (id != 0)
			json_uint(&j, "id", id);
		else
			json_null(&j, "id");
		json_string(&j, "kind", kind);
		json_string(&j, "state", state);
		json_string(&j, "target", target);
		json_string(&j, "host", host);
		if (pct >= 0)
			json_double(&j, "progress", pct, 1);
		else
			json_null(&j, "progress");
		json_bool(&j, "hvdeck", id != 0);
		json_string(&j, "error", error);
		json_end_object(&j);
		cmd_print(c, j.buf);
		json_free(&j);
		return;
	}
	if (pct >= 0)
		snprintf(p, sizeof p, "%.1f%%", pct);
	t = xasprintf("%-5s %-15s %-20s %-10s %-10s %-8s %s", id != 0 ?
	    "" : "-", kind, target != NULL ? target : "-", host != NULL ? host :
	    "-", state, p, error != NULL ? error : id != 0 ? "" :
	    "not started by hvdeck");
	if (id != 0) {	/* the id in the first column */
		char *u = xasprintf("%-5u%s", id, t + 5);

		free(t);
		t = u;
	}
	cmd_print(c, t);
	free(t);
}

/* hvdeck's jobs, oldest first. */
static void list_ours(struct cmd_ctx *c)
{
	struct job *j;
	const struct job_sample *smp;
	struct job copy;

	job_lock();
	for (j = job_first(); j != NULL; j = job_next(j)) {
		copy = *j;
		smp = job_last_sample(j);
		job_line(c, copy.id, job_kind_name(copy.kind),
		    job_state_name(copy.state), copy.name != NULL ? copy.name :
		    copy.uuid, copy.host, smp != NULL ? smp->pct : -1, copy.error);
	}
	job_unlock();
}

/* Jobs libvirt runs that no active hvdeck job stands for. */
static void list_libvirt(struct cmd_ctx *c)
{
	struct m_desktop **ds;
	const struct m_place *p;
	const struct m_host *h;
	size_t n, i;

	model_lock();
	ds = model_desktops(&n);
	for (i = 0; i < n; i++) {
		if (!ds[i]->job_active ||
		    job_find_active(JK_MIGRATE, ds[i]->uuid) != 0)
			continue;
		p = model_desktop_place(ds[i]);
		h = p != NULL ? model_host(p->host_id) : NULL;
		job_line(c, 0, ds[i]->job_kind != NULL ? ds[i]->job_kind : "job",
		    "running", ds[i]->name, h != NULL ? h->name : NULL,
		    ds[i]->job_pct, NULL);
	}
	model_unlock();
}

#define SWEEP_MS 10000

int cmd_jobs_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	(void)e; (void)argc; (void)argv; (void)cause;
	c->status = 1;
	if (cmd_engine_up(c) < 0)
		return 0;
	act_ljob_sweep(SWEEP_MS);
	if (!cmd_json(c))
		cmd_print(c, "ID    JOB             TARGET               HOST       "
		    "STATE      PROGRESS ERROR");
	list_ours(c);
	list_libvirt(c);
	if (!cmd_json(c) && c->results == 1)
		cmd_print(c, "(no jobs: hvdeck runs none here, and libvirt runs none "
		    "on a desktop)");
	c->status = 0;
	cmd_engine_down(c);
	return 0;
}

/* ---- bandwidth and downtime ---- */

int cmd_job_migration(unsigned id, char **name, struct migrate_stats *st,
    char **cause)
{
	struct job_facts f;

	if (running_migration(id, &f, st, cause) < 0) {
		free(f.name);
		return -1;
	}
	*name = f.name;
	return 0;
}

/* The typed line of op's value: its range for the form and the parser. */
const struct cmd_opt_spec *cmd_job_value_spec(int op)
{
	return op == JOB_OP_BANDWIDTH ? cmd_opt_spec("job bandwidth", "MIBS") :
	    cmd_opt_spec("job downtime", "MS");
}

static int set_value(struct cmd_ctx *c, unsigned id, int op,
    const char *value, char **cause)
{
	long long v;
	int rc;

	if (cmd_opt_parse_int(cmd_job_value_spec(op), value, &v, cause) < 0)
		return -1;
	rc = op == JOB_OP_BANDWIDTH ? migrate_set_speed(id, (unsigned long)v, cause) :
	    migrate_set_downtime(id, (long)v, cause);
	if (rc < 0)
		return -1;
	if (op == JOB_OP_BANDWIDTH && v == 0)
		cmd_say(c, 0, "migration %u: bandwidth unlimited", id);
	else
		cmd_say(c, 0, "migration %u: %s %lld %s", id, op == JOB_OP_BANDWIDTH ?
		    "bandwidth" : "max downtime", v, op == JOB_OP_BANDWIDTH ?
		    "MiB/s" : "ms");
	return 0;
}

int cmd_job_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	unsigned id, n;

	/* the command line cancels or sets a value (on a job of the server it
	 * is sent to); the rest are the console's */
	if (!cmd_in_console(c) && e->arg != JOB_OP_CANCEL &&
	    e->arg != JOB_OP_BANDWIDTH && e->arg != JOB_OP_DOWNTIME) {
		*cause = xasprintf("'%s' is a console command", e->name);
		return -1;
	}
	if (!cmd_in_console(c) && argc == 0) {
		*cause = xasprintf("%s: which job? (hvdeck jobs lists them)",
		    e->name);
		return -1;
	}
	if (e->arg == JOB_OP_DISMISS_FINISHED) {
		n = job_dismiss_finished();
		cmd_forget_job(c, 0);
		cmd_say(c, 0, "%u finished job%s dismissed", n, n == 1 ? "" : "s");
		return 0;
	}
	if (e->arg == JOB_OP_CANCEL && argc > 0 && !is_number(argv[0]))
		return ask_abort(c, argv[0], cause);	/* libvirt's, not ours */
	if ((id = target_job(argc, argv, cause)) == 0)
		return -1;
	switch (e->arg) {
	case JOB_OP_CANCEL:
		return ask_cancel(c, id, cause);
	case JOB_OP_POSTCOPY:
		return ask_postcopy(c, id, cause);
	case JOB_OP_BANDWIDTH:
	case JOB_OP_DOWNTIME:
		if (argc < 2 && !cmd_in_console(c)) {
			*cause = xasprintf("%s: the value? (%s)", e->name,
			    cmd_job_value_spec(e->arg)->unit);
			return -1;
		}
		if (argc < 2)	/* which value: the console's form asks */
			return cmd_form(c, e, argc, argv, cause);
		return set_value(c, id, e->arg, argv[1], cause);
	case JOB_OP_DISMISS:
		if (job_dismiss(id, cause) < 0)
			return -1;
		cmd_forget_job(c, id);
		cmd_say(c, 0, "job %u dismissed", id);
		return 0;
	}
	*cause = xstrdup("unknown job command");
	return -1;
}
