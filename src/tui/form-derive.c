/* form-derive.c — the console's derive form (n on a base or template
 * volume, or `derive POOL/NAME` without a name): the new name (a batch
 * pattern), the target pool, the disk host, the qcow2 options; Enter runs
 * the full `derive` line through the table and the form follows the
 * batch in its checklist until it ends. */
#include "tui/forms.h"
#include "act/act-derive.h"
#include "act/act-volume.h"
#include "core/checklist.h"
#include "core/job.h"
#include "core/model.h"
#include "core/names.h"
#include "core/place.h"
#include "core/util.h"
#include "tui/mode.h"
#include "tui/ui-form.h"
#include "tui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Cluster sizes the form offers: qemu's default first. */
static const char *const cluster_names[] = { "default (64 KiB)", "4 KiB",
	"16 KiB", "32 KiB", "64 KiB", "128 KiB", "256 KiB", "512 KiB", "1 MiB",
	"2 MiB" };
static const char *const cluster_opts[] = { NULL, "4K", "16K", "32K", "64K",
	"128K", "256K", "512K", "1M", "2M" };
#define NCLUSTERS (sizeof cluster_names / sizeof cluster_names[0])

static const char *const no_host[] = { "(no disk host available)" };

struct dform {
	char *source;           /* "POOL/NAME" */
	char **pools, **hosts;  /* the choices */
	size_t npools, nhosts;
	struct checklist *cl;
	unsigned job;           /* 0 until started */
	size_t count;
	char *dst, *host;
	size_t step_create, step_refresh;
	int ended;
	/* attached to a server: the line went there and the job it starts
	 * comes back as a followed job (ui_follow_job) */
	int awaiting;
	unsigned request;           /* its line's, attached (cmd-relay.h) */
	int cancel_on_arrival;      /* Esc while awaiting: cancel the job */
};

static void strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void dform_free(void *ctx)
{
	struct dform *d = ctx;

	free(d->source);
	strv_free(d->pools, d->npools);
	strv_free(d->hosts, d->nhosts);
	checklist_free(d->cl);
	free(d->dst);
	free(d->host);
	free(d);
}

/* The form's command line: every value quoted, options declared. */
static char *dform_line(struct form *f, struct dform *d)
{
	size_t host = form_choice(f, "host"), cl = form_choice(f, "cluster");
	char *src = cmd_quote(d->source), *name = cmd_quote(form_text(f, "name"));
	char *pool = cmd_quote(d->pools[form_choice(f, "pool")]);
	char *on = host < d->nhosts ? cmd_quote(d->hosts[host]) : NULL;
	char *line = xasprintf("derive %s %s --pool %s%s%s", src, name, pool,
	    on != NULL ? " --on " : "", on != NULL ? on : ""), *t;

	free(src);
	free(name);
	free(pool);
	free(on);

	if (cl < NCLUSTERS && cluster_opts[cl] != NULL) {
		t = xasprintf("%s --cluster-size %s", line, cluster_opts[cl]);
		free(line);
		line = t;
	}
	t = xasprintf("%s%s%s", line,
	    form_check(f, "lazy") ? " --lazy-refcounts" : "",
	    form_check(f, "l2") ? " --extended-l2" : "");
	free(line);
	return t;
}

/* The batch runs as job: its checklist from here on. */
static void dform_following(struct form *f, struct dform *d, unsigned job)
{
	d->job = job;
	checklist_clear(d->cl);
	checklist_note(d->cl, CHECK_OK, "checks", "%zu name%s, %s free, %s "
	    "may derive", d->count, d->count == 1 ? "" : "s", d->dst,
	    d->host != NULL ? d->host : "a disk host");
	d->step_create = checklist_add(d->cl, "create overlays");
	d->step_refresh = checklist_add(d->cl, "refresh on every host "
	    "sharing the pool");
	form_lock_all(f, 1);
	form_set_message(f, "deriving… Esc cancels after the current volume");
}

/* Attached: the line went to the server, whose checks and job come back
 * later (dform_awaited); the form waits locked. */
static void dform_sent(struct ui *u, struct form *f, struct dform *d,
    size_t count)
{
	size_t host = form_choice(f, "host");

	d->awaiting = 1;
	d->request = u->sent_request;
	d->count = count;
	d->dst = xstrdup(d->pools[form_choice(f, "pool")]);
	d->host = host < d->nhosts ? xstrdup(d->hosts[host]) : NULL;
	form_lock_all(f, 1);
	form_set_message(f, "sent to the server…");
}

static int dform_submit(struct ui *u, struct form *f, void *ctx)
{
	struct dform *d = ctx;
	struct derive_started s;
	struct cmd_ctx c;
	char **names, *line, *cause = NULL;
	size_t n;
	int rc;

	if (d->job != 0)
		return d->ended ? 1 : 0;	/* Enter after the end closes */
	if (d->awaiting)
		return 0;
	form_clear_errors(f);
	if (names_expand(form_text(f, "name"), &names, &n, &cause) < 0) {
		form_set_error(f, "name", cause);
		free(cause);
		return -1;
	}
	names_free(names, n);
	memset(&c, 0, sizeof c);
	memset(&s, 0, sizeof s);
	c.derive = &s;
	line = dform_line(f, d);
	rc = forms_run(u, f, NULL, &c, line);
	free(line);
	if (rc < 0)
		return -1;
	if (s.job == 0 && model_is_mirror()) {
		dform_sent(u, f, d, n);
		return 0;
	}
	if (s.job == 0)
		return 1;
	d->count = s.count;
	d->dst = xstrdup(s.dst_pool);
	d->host = xstrdup(s.host);
	dform_following(f, d, s.job);
	derive_started_free(&s);
	return 0;
}

/* The job followed, cancelled: after its current volume. */
static void dform_cancel_job(struct ui *u, struct form *f, struct dform *d)
{
	char *cause = NULL;

	if (model_is_mirror())	/* the server's job: cancelled there */
		(void)forms_cancel_remote(u, d->job, &cause);
	else
		(void)job_cancel(d->job, &cause);
	if (cause != NULL)
		form_set_message(f, cause);
	else
		form_set_message(f, "cancelling after the current volume…");
	free(cause);
}

/* Attached, waiting for the server: the derive job it followed for this
 * console since the line went (its line may reach the mirror a little
 * after the follow), or the refusal it said, which the form shows and
 * the fields open again for. */
static void dform_awaited(struct ui *u, struct form *f, struct dform *d)
{
	const struct job *j;
	unsigned job;
	const char *why;
	int rc = forms_awaited(u, d->request, JK_DERIVE, &job, &why);

	if (rc == 1) {
		job_lock();
		if ((j = job_find(job)) != NULL && j->host != NULL)
			util_set_str(&d->host, j->host);  /* the server chose */
		job_unlock();
		d->awaiting = 0;
		dform_following(f, d, job);
		if (d->cancel_on_arrival)
			dform_cancel_job(u, f, d);
		return;
	}
	if (rc < 0) {
		d->awaiting = 0;
		d->cancel_on_arrival = 0;
		free(d->dst);
		free(d->host);
		d->dst = d->host = NULL;
		form_lock_all(f, 0);
		form_lock(f, "source", 1);
		form_set_message(f, why);
	}
}

/* Mirror the job into the checklist (UI thread: the job holds no
 * pointer of the form's). */
static int dform_poll(struct ui *u, struct form *f, void *ctx)
{
	struct dform *d = ctx;
	const struct job_sample *s;
	enum job_state st;
	char phase[JOB_PHASE_MAX] = "", *err = NULL;
	struct job *j;

	if (d->awaiting)
		dform_awaited(u, f, d);
	if (d->job == 0 || d->ended)
		return 0;
	job_lock();
	j = job_find(d->job);
	st = j != NULL ? j->state : JOB_GONE;
	if (j != NULL && (s = job_last_sample(j)) != NULL)
		snprintf(phase, sizeof phase, "%s", s->phase);
	if (j != NULL && j->error != NULL)
		err = xstrdup(j->error);
	job_unlock();
	if (!job_state_final(st) && st != JOB_GONE) {
		checklist_set(d->cl, d->step_create, CHECK_RUNNING, "%s",
		    phase[0] != '\0' ? phase : "starting");
		free(err);
		return 0;
	}
	d->ended = 1;
	if (st == JOB_DONE) {
		checklist_set(d->cl, d->step_create, CHECK_OK, "%zu/%zu in %s "
		    "on %s", d->count, d->count, d->dst, d->host != NULL ?
		    d->host : "?");
		checklist_set(d->cl, d->step_refresh, CHECK_OK, "%s", "done");
		form_set_message(f, "done: Enter or Esc closes");
	} else {
		checklist_set(d->cl, d->step_create, CHECK_FAIL, "%s",
		    err != NULL ? err : job_state_name(st));
		form_set_message(f, "stopped: Esc closes");
	}
	free(err);
	return 0;
}

static int dform_cancel(struct ui *u, struct form *f, void *ctx)
{
	struct dform *d = ctx;

	if (d->awaiting && d->cancel_on_arrival) {	/* Esc again: */
		forms_forsake(u, d->request);	/* closed, still cancelled */
		return 1;
	}
	if (d->awaiting) {	/* attached: cancelled as it comes back */
		d->cancel_on_arrival = 1;
		form_set_message(f, "cancelling once the server has started "
		    "it…");
		return 0;
	}
	if (d->job == 0 || d->ended)
		return 1;
	dform_cancel_job(u, f, d);
	return 0;
}

static const struct form_ops dform_ops = {
	.submit = dform_submit,
	.poll = dform_poll,
	.cancel = dform_cancel,
	.free = dform_free,
};

/* The volume the volumes pane has selected: *pool and *name (caller
 * frees). */
static int selected_volume(struct ui *u, char **pool, char **name,
    char **cause)
{
	enum pane_id pane;
	const char *key = panes_selected(panes_of(u), &pane);
	struct vol_target t;
	char *why = NULL;

	if (key == NULL || pane != PANE_VOLUMES) {
		*cause = xstrdup("no volume selected (volumes pane: 3)");
		return -1;
	}
	if (act_volume_find_key(key, &t, &why) < 0) {
		free(why);
		*cause = xstrdup("the selected volume is gone");
		return -1;
	}
	*pool = xstrdup(t.pool);
	*name = xstrdup(t.name);
	act_volume_target_free(&t);
	return 0;
}

static int str_in(char **v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return (int)i;
	return -1;
}

/* Every pool name (the target choices), and the disk hosts best first. */
static void dform_choices(struct dform *d)
{
	struct m_host **hosts;
	const struct m_host *h;
	unsigned *ids = NULL;
	size_t nh, i, k, n = place_hosts(PLACE_DISK, 0, &ids);

	model_lock();
	hosts = model_hosts(&nh);
	for (i = 0; i < nh; i++)
		for (k = 0; k < hosts[i]->npools; k++)
			if (str_in(d->pools, d->npools,
			    hosts[i]->pools[k]->name) < 0) {
				d->pools = xreallocarray(d->pools, d->npools + 1,
				    sizeof *d->pools);
				d->pools[d->npools++] =
				    xstrdup(hosts[i]->pools[k]->name);
			}
	for (i = 0; i < n; i++)
		if ((h = model_host(ids[i])) != NULL) {
			d->hosts = xreallocarray(d->hosts, d->nhosts + 1,
			    sizeof *d->hosts);
			d->hosts[d->nhosts++] = xstrdup(h->name);
		}
	model_unlock();
	free(ids);
}

int form_derive_open(struct ui *u, struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv, char **cause)
{
	const char *given = argc > 0 ? argv[0] : NULL;
	struct dform *d = xcalloc(1, sizeof *d);
	char *pool = NULL, *name = NULL, *title;
	const char *def, *slash;
	struct form *f;
	int at;

	if (given != NULL && (slash = strchr(given, '/')) != NULL) {
		pool = xstrndup(given, (size_t)(slash - given));
		name = xstrdup(slash + 1);
	} else if (given != NULL) {
		*cause = xstrdup("derive in the console: POOL/NAME, or select "
		    "the volume (volumes pane: 3) and press n");
		free(d);
		return -1;
	} else if (selected_volume(u, &pool, &name, cause) < 0) {
		free(d);
		return -1;
	}
	d->source = xasprintf("%s/%s", pool, name);
	dform_choices(d);
	(void)c; (void)e;
	def = act_derive_default_pool(u->cfg, pool);
	at = def != NULL ? str_in(d->pools, d->npools, def) : -1;
	title = xasprintf("Derive from %s", d->source);
	f = form_new(title);
	free(title);
	form_add_text(f, "source", "Source", d->source);
	form_lock(f, "source", 1);
	form_add_text(f, "name", "Name", NULL);
	form_set_hint(f, "name", "a batch: class-{01..20}.qcow2");
	form_add_choice(f, "pool", "Target pool", (const char *const *)d->pools,
	    d->npools, at >= 0 ? (size_t)at : 0);
	if (d->nhosts > 0)
		form_add_choice(f, "host", "Host", (const char *const *)d->hosts,
		    d->nhosts, 0);
	else
		form_add_choice(f, "host", "Host", no_host, 1, 0);
	form_set_hint(f, "host", "disk hosts, least loaded first");
	form_add_choice(f, "cluster", "Cluster size", cluster_names, NCLUSTERS,
	    0);
	form_add_check(f, "lazy", "Lazy refcounts", 0);
	form_add_check(f, "l2", "Extended L2", 0);
	form_set_hint(f, "l2", "subclusters; 16 KiB clusters or more");
	form_focus(f, "name");
	form_set_message(f, "a qcow2 overlay backed by the source; capacity "
	    "the source's");
	d->cl = checklist_new();
	form_set_checklist(f, d->cl);
	free(pool);
	free(name);
	mode_form_push(u, f, &dform_ops, d);
	return 0;
}

