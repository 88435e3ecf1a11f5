/* form-migrate.c — the console's migrate form (m, or `desktop migrate
 * NAME` without a destination): only the hosts placement allows (place.h:
 * online, role, maintenance, best first by free memory); its submit runs
 * the full command line through the table, shows the pre-flight
 * checklist live, and once the checks have passed and the data moves,
 * gives way to the progress view. A failed pre-flight leaves the form
 * open with its reasons so the operator can tick what it asks for (copy
 * storage, unsafe) and retry. */
#include "tui/forms.h"
#include "act/act-migrate.h"
#include "cmd/cmd-job.h"
#include "cmd/cmd-desktop.h"
#include "cmd/cmd-migrate.h"
#include "cmd/cmd-opts.h"
#include "core/checklist.h"
#include "core/format.h"
#include "core/job.h"
#include "core/model.h"
#include "core/place.h"
#include "core/text.h"
#include "core/util.h"
#include "tui/mode.h"
#include "tui/ui-form.h"
#include "tui/ui.h"
#include "tui/views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct migrate_form {
	struct ui *u;
	char uuid[40];
	char *target;           /* the name when no other desktop has it (the
	                         * audit log reads better), else the UUID */
	char **dests;           /* host names, in the choice's order */
	size_t ndests;
	unsigned job;           /* the running attempt, 0 none */
	int open_view;          /* closing because the data moves */
	/* an attached console: the line went to the server, whose job is
	 * looked for in the mirror (a migration of this desktop newer than
	 * the newest job at the submit) */
	int sent;
	unsigned sent_after;
	int64_t sent_ms;
	int have_checklist;     /* the mirror's checklist is on the form */
};

static void form_ctx_free(void *arg)
{
	struct migrate_form *mf = arg;
	size_t i;

	/* the form is off the stack now: the progress view takes its place */
	if (mf->open_view && !mf->u->quit)
		mode_migrate_push(mf->u, mf->job);
	for (i = 0; i < mf->ndests; i++)
		free(mf->dests[i]);
	free(mf->dests);
	free(mf->target);
	free(mf);
}

/* The command line the form stands for: the same as typed at `:`. */
static char *form_line(struct form *f, const struct migrate_form *mf)
{
	char *line, *tmp, *target, *dest;
	static const struct {
		const char *field, *option;
		int when;       /* the box ticked (1) or not (0) adds option */
	} flags[] = {
		{ "persist", "--no-persist", 0 },
		{ "copy_storage", "--copy-storage", 1 },
		{ "auto_converge", "--auto-converge", 1 },
		{ "compress", "--compress", 1 },
		{ "postcopy", "--postcopy", 1 },
		{ "unsafe", "--unsafe", 1 },
	};
	size_t i;

	target = cmd_quote(mf->target);
	dest = cmd_quote(mf->dests[form_choice(f, "dest")]);
	line = xasprintf("desktop migrate %s %s --bandwidth %ld "
	    "--max-downtime %ld", target, dest, form_number(f, "bandwidth"),
	    form_number(f, "downtime"));
	free(target);
	free(dest);
	for (i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		if (form_check(f, flags[i].field) != flags[i].when)
			continue;
		tmp = xasprintf("%s %s", line, flags[i].option);
		free(line);
		line = tmp;
	}
	if (*form_text(f, "to_pool") != '\0') {
		dest = cmd_quote(form_text(f, "to_pool"));
		tmp = xasprintf("%s --to-pool %s", line, dest);
		free(dest);
		free(line);
		line = tmp;
	}
	return line;
}

/* How long the server's job may take to show in the mirror before the
 * form gives the operator its fields back. */
#define SERVER_JOB_WAIT_MS 15000

static void sent_to_server(struct migrate_form *mf)
{
	struct job *j;

	mf->sent = 1;
	mf->sent_ms = util_now_ms();
	job_lock();
	j = job_last();
	mf->sent_after = j != NULL ? j->id : 0;
	job_unlock();
}

/* An attached console: the server's job for the line sent, once the
 * mirror has it (with its checklist on the form); 0 while it has not,
 * -1 when it never came (the server's refusal is in the status line). */
static int server_job(struct form *f, struct migrate_form *mf)
{
	struct checklist *cl;
	struct job *j;

	if (mf->job == 0) {
		job_lock();
		for (j = job_last(); j != NULL && j->id > mf->sent_after;
		    j = job_prev(j))
			if (j->kind == JK_MIGRATE && strcmp(j->uuid, mf->uuid) == 0)
				mf->job = j->id;
		job_unlock();
	}
	if (mf->job != 0 && !mf->have_checklist &&
	    (cl = cmd_migrate_checklist(mf->job)) != NULL) {
		form_set_checklist(f, cl);
		mf->have_checklist = 1;
	}
	if (mf->job != 0 || util_now_ms() - mf->sent_ms < SERVER_JOB_WAIT_MS)
		return 0;
	mf->sent = 0;
	form_lock_all(f, 0);
	form_set_message(f, "the server started no migration (its answer was "
	    "in the status line): change the options and Enter to retry");
	return -1;
}

static int form_submit(struct ui *u, struct form *f, void *arg)
{
	struct migrate_form *mf = arg;
	struct cmd_ctx c;
	char *line;
	int rc;

	if (mf->job != 0 || mf->sent)
		return -1;      /* one attempt at a time: the checks run */
	memset(&c, 0, sizeof c);
	line = form_line(f, mf);
	rc = forms_run(u, f, NULL, &c, line);
	free(line);
	if (rc < 0)
		return -1;
	mf->job = c.job;
	if (c.job == 0)	/* it went to the server */
		sent_to_server(mf);
	else
		form_set_checklist(f, cmd_migrate_checklist(c.job));
	mf->have_checklist = c.job != 0;
	form_lock_all(f, 1);
	form_set_message(f, "pre-flight checks running ... (Esc: leave them "
	    "to the jobs pane)");
	return 0;
}

/* The checks have all settled and none failed: the data moves. */
static int preflight_passed(unsigned job)
{
	struct checklist *cl = cmd_migrate_checklist(job);
	struct migrate_stats st;
	struct check_step *steps;
	size_t n, i, open = 0;

	if (cmd_migrate_stats(job, &st) == 0 &&
	    (st.data_processed > 0 || st.iteration > 0))
		return 1;
	if (cl == NULL)
		return 0;
	checklist_snapshot(cl, &steps, &n);
	for (i = 0; i < n; i++)
		open += steps[i].state == CHECK_PENDING ||
		    steps[i].state == CHECK_RUNNING || steps[i].state == CHECK_FAIL;
	free(steps);
	return n > 0 && open == 0;
}

static int form_poll(struct ui *u, struct form *f, void *arg)
{
	struct migrate_form *mf = arg;
	enum job_state st = JOB_GONE;
	char *err = NULL, *msg;
	struct job *j;

	(void)u;
	if (mf->sent && server_job(f, mf) < 0)
		return 0;
	if (mf->job == 0)
		return 0;
	job_lock();
	if ((j = job_find(mf->job)) != NULL) {
		st = j->state;
		err = xstrdup(j->error);
	}
	job_unlock();
	if (st == JOB_DONE) {
		/* a quick one, done before its checks were seen to pass (an
		 * attached console sees them every 200 ms): its view shows
		 * how long it took and the downtime */
		free(err);
		mf->open_view = 1;
		return 1;
	}
	if (st == JOB_FAILED || st == JOB_CANCELLED || st == JOB_GONE) {
		/* the reasons stay on the checklist: fix and Enter again */
		msg = xasprintf("%s: %s (change the options and Enter to retry)",
		    job_state_name(st), err != NULL ? err : "no reason given");
		form_set_message(f, msg);
		free(msg);
		free(err);
		form_lock_all(f, 0);
		mf->job = 0;
		mf->sent = 0;
		return 0;
	}
	free(err);
	if (!preflight_passed(mf->job))
		return 0;
	mf->open_view = 1;
	return 1;
}

static int form_cancel(struct ui *u, struct form *f, void *arg)
{
	struct migrate_form *mf = arg;

	(void)f;
	if (mf->job != 0)
		ui_message(u, 0, "migration %u goes on: jobs pane (5), Enter for "
		    "its progress, c cancels", mf->job);
	return 1;
}

static const struct form_ops migrate_ops = {
	.submit = form_submit,
	.poll = form_poll,
	.cancel = form_cancel,
	.free = form_ctx_free,
};

/* Model lock held. No two desktops are called name. */
static int name_unique(const char *name)
{
	struct m_desktop **ds;
	size_t n, i;
	int count = 0;

	ds = model_desktops(&n);
	for (i = 0; i < n; i++)
		count += ds[i]->name != NULL && name != NULL &&
		    strcmp(ds[i]->name, name) == 0;
	return count == 1 && strchr(name, '"') == NULL;
}

/* A number field with the range the command takes for option opt. */
static void add_option_number(struct form *f, const char *key,
    const char *label, const char *opt)
{
	const struct cmd_opt_spec *s = cmd_opt_spec("desktop migrate", opt);

	form_add_number(f, key, label, (long)s->min, (long)s->max, 0);
}

/* Model lock held. The running desktop uuid's host into *from_id, its
 * target name into mf and the form's title into *title (caller frees);
 * -1 with *cause when it does not run. */
static int form_source(const char *uuid, struct migrate_form *mf,
    unsigned *from_id, char **title, char **name, char **cause)
{
	struct m_desktop *d = model_desktop(uuid);
	const struct m_place *p = d != NULL ? model_desktop_place(d) : NULL;
	struct m_host *from;

	if (d == NULL || p == NULL || model_desktop_state(d) != DS_RUNNING) {
		*cause = d == NULL ? xstrdup("no such desktop") :
		    xasprintf("%s is not running: only a running desktop "
		    "migrates live", d->name);
		return -1;
	}
	*from_id = p->host_id;
	from = model_host(*from_id);
	mf->target = xstrdup(name_unique(d->name) ? d->name : d->uuid);
	*name = text_visible(d->name);
	*title = xasprintf("Migrate %s from %s", *name, from != NULL ?
	    from->name : "?");
	return 0;
}

/* The hosts that may receive it, best first, into mf->dests and their
 * choice labels (caller frees). */
static char **form_dests(struct migrate_form *mf, unsigned from_id)
{
	unsigned *ids = NULL;
	size_t n = place_hosts_for(PLACE_MIGRATE, from_id, mf->uuid, &ids), i;
	char **labels = xcalloc(n + 1, sizeof *labels), sz[16];
	struct m_host *h;

	mf->dests = xcalloc(n + 1, sizeof *mf->dests);
	model_lock();
	for (i = 0; i < n; i++) {
		if ((h = model_host(ids[i])) == NULL)
			continue;
		mf->dests[mf->ndests] = xstrdup(h->name);
		labels[mf->ndests++] = xasprintf("%s  free %s  %d running",
		    h->name, format_size(sz, sizeof sz, h->free_kib * 1024),
		    view_hosts_running_on(h->id));
	}
	model_unlock();
	free(ids);
	return labels;
}

static void form_fields(struct form *f, char **labels, size_t n)
{
	form_add_choice(f, "dest", "Destination", (const char *const *)labels,
	    n, 0);
	form_set_hint(f, "dest", "Up/Down: best first (most free memory)");
	form_add_check(f, "persist", "Persist there, undefine here", 1);
	form_add_check(f, "copy_storage", "Copy storage", 0);
	form_set_hint(f, "copy_storage", "disks the destination does not see");
	form_add_check(f, "auto_converge", "Auto-converge", 0);
	form_set_hint(f, "auto_converge", "slows the guest's CPU; only now");
	form_add_check(f, "compress", "Compress", 0);
	form_set_hint(f, "compress", "only now");
	form_add_check(f, "postcopy", "Post-copy allowed", 0);
	form_set_hint(f, "postcopy", "P switches while it runs");
	form_add_check(f, "unsafe", "Unsafe cache modes", 0);
	form_set_hint(f, "unsafe", "accept disk caches other than none");
	add_option_number(f, "bandwidth", "Bandwidth MiB/s", "bandwidth");
	form_set_hint(f, "bandwidth", "0 = unlimited; b raises it later");
	add_option_number(f, "downtime", "Max downtime ms", "max-downtime");
	form_set_hint(f, "downtime", "0 = libvirt's default");
	form_add_text(f, "to_pool", "Disks to pool", NULL);
	form_set_hint(f, "to_pool", "with Copy storage: a pool there (empty: the same path)");
	form_set_message(f, "Enter: check and start   Esc: close   "
	    "Space: tick");
}

/* The desktop's name and host, and the destinations as choices. Returns
 * the form, or NULL with *cause. */
static struct form *build_form(const char *uuid, struct migrate_form *mf,
    char **cause)
{
	unsigned from_id = 0;
	size_t i;
	char **labels, *title = NULL, *name = NULL, *why;
	struct form *f = NULL;
	int rc;

	model_lock();
	rc = form_source(uuid, mf, &from_id, &title, &name, cause);
	model_unlock();
	if (rc < 0)
		return NULL;
	labels = form_dests(mf, from_id);
	if (mf->ndests == 0) {
		model_lock();
		why = place_why_none(PLACE_MIGRATE, from_id, model_desktop(uuid));
		model_unlock();
		*cause = xasprintf("no host can receive %s: %s", name, why);
		free(why);
	} else {
		f = form_new(title);
		form_fields(f, labels, mf->ndests);
	}
	for (i = 0; i < mf->ndests; i++)
		free(labels[i]);
	free(labels);
	free(title);
	free(name);
	return f;
}

int form_migrate_open(struct ui *u, struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv, char **cause)
{
	struct migrate_form *mf;
	struct form *f;
	char *uuid;

	(void)e; (void)argc;
	if ((uuid = cmd_target_desktop(c, argc, argv, cause)) == NULL)
		return -1;
	mf = xcalloc(1, sizeof *mf);

	mf->u = u;
	snprintf(mf->uuid, sizeof mf->uuid, "%s", uuid);
	f = build_form(uuid, mf, cause);
	free(uuid);
	if (f == NULL) {
		form_ctx_free(mf);
		return -1;
	}
	mode_form_push(u, f, &migrate_ops, mf);
	return 0;
}

int form_migrate_open_view(struct ui *u, const char *key)
{
	unsigned id = cmd_job_of_key(key);
	struct job *j;
	int migrate;

	if (id == 0)
		return 0;
	job_lock();
	j = job_find(id);
	migrate = j != NULL && j->kind == JK_MIGRATE;
	job_unlock();
	if (migrate)
		mode_migrate_push(u, id);
	return migrate;
}
