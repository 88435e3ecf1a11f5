/* cmd-derive.c — `derive` on the command line, the `:` line and the
 * volumes pane's n (a form). See cmd-derive.h. */
#include "cmd/cmd-derive.h"
#include "act/act-derive.h"
#include "core/checklist.h"
#include "cli/cli.h"
#include "act/engine.h"
#include "core/job.h"
#include "tui/mode.h"
#include "core/model.h"
#include "core/names.h"
#include "core/place.h"
#include "core/text.h"
#include "tui/ui-form.h"
#include "tui/ui.h"
#include "core/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2
/* A batch of 1000 overlays on slow storage: minutes, not hours. */
#define DERIVE_WAIT_MS (30 * 60 * 1000)

static int usage_error(struct cmd_ctx *c, const struct cmd_entry *e,
    const char *msg, char **cause)
{
	char *usage = cmd_usage(e);

	*cause = xasprintf("%s: %s (%s)", e->name, msg, usage);
	free(usage);
	c->status = EXIT_USAGE;
	return -1;
}

/* "65536", "64K", "64k", "2M": bytes. 0 with *v, -1 when not a size. */
static int parse_size(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long n;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	n = strtoull(s, &end, 10);
	if (*end == 'k' || *end == 'K')
		n <<= 10, end++;
	else if (*end == 'm' || *end == 'M')
		n <<= 20, end++;
	if (*end != '\0')
		return -1;
	*v = n;
	return 0;
}

/* The request from the arguments and options. -1 with *cause: usage. */
static int request(struct cmd_ctx *c, const struct config *cfg, int argc,
    char **argv, struct derive_req *r, char **cause)
{
	const char *cs = cmd_opt(c->opts, "cluster-size");

	memset(r, 0, sizeof *r);
	r->cfg = cfg;
	r->source = argv[0];
	r->pattern = argc > 1 ? argv[1] : NULL;
	r->count = cmd_opt(c->opts, "count");
	r->pool = cmd_opt(c->opts, "pool");
	r->host = cmd_opt(c->opts, "on");
	r->o.lazy_refcounts = cmd_opt(c->opts, "lazy-refcounts") != NULL;
	r->o.extended_l2 = cmd_opt(c->opts, "extended-l2") != NULL;
	if (cs != NULL && parse_size(cs, &r->o.cluster_size) < 0) {
		char *vis = text_visible(cs);

		*cause = xasprintf("--cluster-size: '%s' is not a size (bytes, "
		    "or with K or M)", vis);
		free(vis);
		return -1;
	}
	return 0;
}

/* ---- the command line: start, follow, report ---- */

/* Job lock held: print "k/N" for every volume made since *printed (the
 * samples are a ring: a poll may find several new ones). */
static void cli_print_progress(const struct job *j, uint64_t *printed)
{
	const struct job_sample *smp;
	unsigned i;

	for (i = 0; i < j->nsamples; i++) {
		smp = &j->samples[(j->sample_head + i) % JOB_SAMPLES];
		if (smp->done <= *printed)
			continue;
		*printed = smp->done;
		printf("%s\n", smp->phase);	/* "3/20": digits only */
	}
	fflush(stdout);
}

static int cli_follow(const struct derive_started *s)
{
	uint64_t printed = 0;
	enum job_state st;
	struct job *j;
	char *err;
	int64_t deadline = util_now_ms() + DERIVE_WAIT_MS;

	if (s->count == 1)
		cli_say(stdout, 1, "derive %s/%s from %s on %s", s->dst_pool, s->first,
		    s->src_pool, s->host);
	else
		cli_say(stdout, 1, "derive %s/%s … %s from %s on %s: %zu volumes",
		    s->dst_pool, s->first, s->last, s->src_pool, s->host,
		    s->count);
	do {
		st = job_wait(s->job, 200);
		job_lock();
		if ((j = job_find(s->job)) != NULL)
			cli_print_progress(j, &printed);
		job_unlock();
	} while (!job_state_final(st) && st != JOB_GONE &&
	    util_now_ms() < deadline);
	err = job_error(s->job);
	if (st == JOB_DONE)
		cli_say(stdout, 1, "made %zu in pool %s on %s: %s%s%s", s->count,
		    s->dst_pool, s->host, s->first, s->count > 1 ? " … " : "",
		    s->count > 1 ? s->last : "");
	else if (job_state_final(st))
		cli_say(stderr, 1, "hvdeck: derive on %s: %s", s->host,
		    err != NULL ? err : "no reason given");
	else
		cli_say(stderr, 1, "hvdeck: derive on %s: still running after %d s",
		    s->host, DERIVE_WAIT_MS / 1000);
	free(err);
	return st == JOB_DONE ? 0 : 1;
}

/* What needs no host: the names, --count, the options. A refusal here
 * does not wait for every host to answer. 0, or -1 with *cause and the
 * exit status act_derive would give. */
static int cli_precheck(struct cmd_ctx *c, const struct derive_req *r,
    char **cause)
{
	char **names;
	size_t n;
	int rc;

	if (names_expand(r->pattern, &names, &n, cause) < 0) {
		c->status = 1;
		return -1;
	}
	rc = names_check_count(r->pattern, n, r->count, cause) < 0 ||
	    derive_opts_check(&r->o, cause) < 0 ? -1 : 0;
	names_free(names, n);
	if (rc < 0)
		c->status = EXIT_USAGE;
	return rc;
}

static int exec_cli(struct cmd_ctx *c, const struct derive_req *r,
    char **cause)
{
	struct derive_started s;
	int usage;

	if (cli_precheck(c, r, cause) < 0)
		return -1;
	if (engine_start(c->cfg, c->cli->read_only) < 0) {
		*cause = xstrdup("cannot start the engine");
		c->status = 1;
		return -1;
	}
	cli_wait_settled(c->cli->timeout > 0 ? c->cli->timeout :
	    c->cfg->connect_timeout);
	if (act_derive(r, &s, &usage, cause) < 0) {
		engine_stop();
		c->status = usage ? EXIT_USAGE : 1;
		return -1;
	}
	c->status = cli_follow(&s);
	derive_started_free(&s);
	engine_stop();
	return 0;
}

/* ---- the console: a started batch, or the form ---- */

/* The console: the batch starts, its result goes to the status line.
 * A form that ran the command passes c->derive to fill, so it can
 * follow the job. */
static int exec_console(struct cmd_ctx *c, const struct derive_req *r,
    char **cause)
{
	struct derive_started s;
	int usage;

	if (act_derive(r, &s, &usage, cause) < 0)
		return -1;
	ui_follow_job(c->ui, s.job);
	ui_message(c->ui, 0, "derive: %zu volume%s in %s on %s (job %u)",
	    s.count, s.count == 1 ? "" : "s", s.dst_pool, s.host, s.job);
	c->job = s.job;
	if (c->derive != NULL)
		*c->derive = s;
	else
		derive_started_free(&s);
	return 0;
}

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

static int dform_submit(struct ui *u, struct form *f, void *ctx)
{
	struct dform *d = ctx;
	struct derive_started s;
	struct cmd_ctx c;
	char **names, *line, *cause = NULL;
	size_t n;

	if (d->job != 0)
		return d->ended ? 1 : 0;	/* Enter after the end closes */
	form_clear_errors(f);
	if (names_expand(form_text(f, "name"), &names, &n, &cause) < 0) {
		form_set_error(f, "name", cause);
		free(cause);
		return -1;
	}
	names_free(names, n);
	memset(&c, 0, sizeof c);
	memset(&s, 0, sizeof s);
	c.ui = u;
	c.read_only = u->read_only;
	c.derive = &s;
	line = dform_line(f, d);
	if (cmd_run_line(&c, line, 0, &cause) < 0) {
		form_set_message(f, cause);
		free(cause);
		free(line);
		return -1;
	}
	free(line);
	if (s.job == 0)
		return 1;
	d->job = s.job;
	d->count = s.count;
	d->dst = xstrdup(s.dst_pool);
	d->host = xstrdup(s.host);
	checklist_clear(d->cl);
	checklist_note(d->cl, CHECK_OK, "checks", "%zu name%s, %s free, %s "
	    "may derive", s.count, s.count == 1 ? "" : "s", s.dst_pool,
	    s.host);
	d->step_create = checklist_add(d->cl, "create overlays");
	d->step_refresh = checklist_add(d->cl, "refresh on every host "
	    "sharing the pool");
	derive_started_free(&s);
	form_lock_all(f, 1);
	form_set_message(f, "deriving… Esc cancels after the current volume");
	return 0;
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

	(void)u;
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
		    "on %s", d->count, d->count, d->dst, d->host);
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
	char *cause = NULL;

	(void)u;
	if (d->job == 0 || d->ended)
		return 1;
	if (job_cancel(d->job, &cause) < 0)
		form_set_message(f, cause);
	else
		form_set_message(f, "cancelling after the current volume…");
	free(cause);
	return 0;
}

static const struct form_ops dform_ops = {
	.submit = dform_submit,
	.poll = dform_poll,
	.cancel = dform_cancel,
	.free = dform_free,
};

/* The volume the volumes pane has selected: its row key is the path, or
 * "HOST\tPATH" for a local pool. *pool and *name (caller frees). */
static int selected_volume(struct ui *u, char **pool, char **name,
    char **cause)
{
	enum pane_id pane;
	const char *key = panes_selected(panes_of(u), &pane), *path, *tab;
	struct m_host **hosts;
	size_t nh, i, k, v;
	size_t hlen;

	if (key == NULL || pane != PANE_VOLUMES) {
		*cause = xstrdup("no volume selected (volumes pane: 3)");
		return -1;
	}
	tab = strchr(key, '\t');
	path = tab != NULL ? tab + 1 : key;
	hlen = tab != NULL ? (size_t)(tab - key) : 0;
	*pool = *name = NULL;
	model_lock();
	hosts = model_hosts(&nh);
	for (i = 0; i < nh && *pool == NULL; i++) {
		if (tab != NULL && (strlen(hosts[i]->name) != hlen ||
		    strncmp(hosts[i]->name, key, hlen) != 0))
			continue;
		for (k = 0; k < hosts[i]->npools && *pool == NULL; k++)
			for (v = 0; v < hosts[i]->pools[k]->nvols; v++) {
				const struct m_volume *mv =
				    &hosts[i]->pools[k]->vols[v];

				if (mv->path == NULL || strcmp(mv->path, path))
					continue;
				*pool = xstrdup(hosts[i]->pools[k]->name);
				*name = xstrdup(mv->name);
				break;
			}
	}
	model_unlock();
	if (*pool == NULL) {
		*cause = xstrdup("the selected volume is gone");
		return -1;
	}
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

static int open_form(struct cmd_ctx *c, const char *given, char **cause)
{
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
	} else if (selected_volume(c->ui, &pool, &name, cause) < 0) {
		free(d);
		return -1;
	}
	d->source = xasprintf("%s/%s", pool, name);
	dform_choices(d);
	def = act_derive_default_pool(c->ui->cfg, pool);
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
	mode_form_push(c->ui, f, &dform_ops, d);
	return 0;
}

int cmd_derive_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct derive_req r;

	if (c->ui != NULL && argc < 2)
		return open_form(c, argc > 0 ? argv[0] : NULL, cause);
	if (argc < 2)
		return usage_error(c, e, argc == 0 ? "the command line needs "
		    "the source volume and the new name" : "the new name is "
		    "missing", cause);
	if (request(c, c->ui != NULL ? c->ui->cfg : c->cfg, argc, argv, &r,
	    cause) < 0) {
		c->status = EXIT_USAGE;
		return -1;
	}
	if (c->ui != NULL)
		return exec_console(c, &r, cause);
	return exec_cli(c, &r, cause);
}
