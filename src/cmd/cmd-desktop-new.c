/* cmd-desktop-new.c — desktop new, template from, desktop delete: their
 * argument rules, the console's forms and question, and the command
 * line's run (engine up, the action, its job followed with its progress
 * "2/5", the exit status: 0 done, 1 refused or failed, 2 bad usage). */
#include "cmd/cmd-desktop-new.h"
#include "act/act-desktop.h"
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2
#define MAX_HOSTS 64

static const struct config *running_config(const struct cmd_ctx *c)
{
	return c->ui != NULL ? c->ui->cfg : c->cfg;
}

static int usage_error(struct cmd_ctx *c, const struct cmd_entry *e,
    const char *what, char **cause)
{
	char *usage = cmd_usage(e);

	*cause = xasprintf("%s: %s (%s)", e->name, what, usage);
	free(usage);
	c->status = EXIT_USAGE;
	return -1;
}

/* "a b c": names shown to the operator, visible. Caller frees. */
static char *joined(char *const *v, size_t n)
{
	char *s = xstrdup(""), *t, *vis;
	size_t i;

	for (i = 0; i < n; i++) {
		vis = text_visible(v[i]);
		t = xasprintf("%s%s%s", s, i > 0 ? ", " : "", vis);
		free(vis);
		free(s);
		s = t;
	}
	return s;
}

/* ---- the command line: an action's job, followed ---- */

typedef int (*start_fn)(const struct config *cfg, void *arg, unsigned *job,
    char **cause);

/* Run start on a settled engine and follow its job, printing each new
 * phase ("2/5 NAME"). Returns the exit status; done says what went well. */
static int cli_follow(const struct config *cfg, const struct cli_options *o,
    start_fn start, void *arg, const char *done)
{
	char *cause = NULL, *err, *vis, last[JOB_PHASE_MAX] = "";
	enum job_state st;
	unsigned job;
	int status = 1;

	if (engine_start(cfg, o->read_only) < 0)
		return 1;
	cli_wait_settled(o->timeout > 0 ? o->timeout : cfg->connect_timeout);
	if (start(cfg, arg, &job, &cause) < 0) {
		vis = text_visible(cause);
		fprintf(stderr, "hvdeck: %s\n", vis);
		free(vis);
		free(cause);
		engine_stop();
		return 1;
	}
	do {
		const struct job_sample *s;

		st = job_wait(job, 300);
		job_lock();
		s = job_find(job) != NULL ? job_last_sample(job_find(job)) : NULL;
		if (s != NULL && s->phase[0] != '\0' && strcmp(s->phase, last) != 0) {
			snprintf(last, sizeof last, "%s", s->phase);
			vis = text_visible(last);
			printf("%s\n", vis);
			fflush(stdout);
			free(vis);
		}
		job_unlock();
	} while (!job_state_final(st) && st != JOB_GONE);
	err = job_error(job);
	vis = text_visible(st == JOB_DONE ? done : err != NULL ? err : "failed");
	if (st == JOB_DONE) {
		printf("%s\n", vis);
		status = 0;
	} else {
		fprintf(stderr, "hvdeck: %s\n", vis);
	}
	free(vis);
	free(err);
	fflush(stdout);
	engine_stop();
	return status;
}

/* ---- desktop new ---- */

struct new_args {
	struct desktop_new_req r;
	char **names;
	size_t n;
	char *host;                 /* where they went (after the start) */
};

static void new_args_free(struct new_args *a)
{
	names_free(a->names, a->n);
	free(a->host);
}

/* Expand every NAME pattern; --count must equal the total. */
static int expand(struct new_args *a, int argc, char **argv,
    const char *count, char **cause)
{
	char **v;
	size_t n, i;
	int k;

	memset(a, 0, sizeof *a);
	for (k = 0; k < argc; k++) {
		if (names_expand(argv[k], &v, &n, cause) < 0) {
			new_args_free(a);
			memset(a, 0, sizeof *a);
			return -1;
		}
		a->names = xreallocarray(a->names, a->n + n, sizeof *a->names);
		for (i = 0; i < n; i++)
			a->names[a->n++] = v[i];
		free(v);
	}
	if (names_check_count(argc == 1 ? argv[0] : "the names", a->n, count,
	    cause) < 0) {
		new_args_free(a);
		memset(a, 0, sizeof *a);
		return -1;
	}
	a->r.names = a->names;
	a->r.n = a->n;
	return 0;
}

static int start_new(const struct config *cfg, void *arg, unsigned *job,
    char **cause)
{
	struct new_args *a = arg;

	return act_desktop_new(cfg, &a->r, job, &a->host, cause);
}

/* The template desktop the console means: a desktops-pane row (a
 * template desktop), or for a volume row the template desktops using it. */
static size_t console_templates(struct cmd_ctx *c, char ***names,
    char **cause)
{
	enum pane_id pane;
	const char *key = panes_selected(panes_of(c->ui), &pane), *tab;
	struct m_desktop *d;
	char *why = NULL, *vis;
	size_t n;

	*names = NULL;
	if (key != NULL && pane == PANE_DESKTOPS) {
		model_lock();
		d = model_desktop(key);
		if (d == NULL)
			why = xstrdup("the desktop is gone");
		else if ((why = act_desktop_not_template(running_config(c), d)) == NULL) {
			*names = xcalloc(1, sizeof **names);
			(*names)[0] = xstrdup(d->uuid);
		}
		model_unlock();
		*cause = why;
		return why == NULL ? 1 : 0;
	}
	if (key == NULL || pane != PANE_VOLUMES) {
		*cause = xstrdup("select a template desktop (desktops pane: 4) or a "
		    "template volume (volumes pane: 3)");
		return 0;
	}
	tab = strchr(key, '\t');	/* "HOST\tPATH" for a local volume */
	n = act_desktop_templates_using(running_config(c),
	    tab != NULL ? tab + 1 : key, names);
	if (n == 0) {
		vis = text_visible(tab != NULL ? tab + 1 : key);
		*cause = xasprintf("no template desktop uses %s (a template "
		    "desktop: shut off, its disk a volume of pool %s)", vis,
		    running_config(c)->pool_templates);
		free(vis);
	}
	return n;
}

struct new_form {
	char **tmpls;               /* names, or one UUID */
	size_t ntmpls;
	char **hosts;               /* "best" first, then the hosts */
	size_t nhosts;
};

static void new_form_free(void *ctx)
{
	struct new_form *nf = ctx;

	act_desktop_names_free(nf->tmpls, nf->ntmpls);
	act_desktop_names_free(nf->hosts, nf->nhosts);
	free(nf);
}

/* Run a command line from a form; its error goes beside field. */
static int form_run(struct ui *u, struct form *f, const char *field,
    const char *line)
{
	struct cmd_ctx c;
	char *cause = NULL;

	memset(&c, 0, sizeof c);
	c.ui = u;
	c.read_only = u->read_only;
	if (cmd_run_line(&c, line, 0, &cause) == 0)
		return 1;
	form_set_error(f, field, cause);
	free(cause);
	return -1;
}

static int new_submit(struct ui *u, struct form *f, void *ctx)
{
	struct new_form *nf = ctx;
	size_t h = form_choice(f, "host");
	char *line, *on;
	int rc;

	on = h == 0 ? xstrdup("") : xasprintf(" --on \"%s\"", nf->hosts[h]);
	line = xasprintf("desktop new \"%s\" \"%s\"%s%s",
	    nf->tmpls[form_choice(f, "template")], form_text(f, "names"), on,
	    form_check(f, "start") ? " --start" : "");
	rc = form_run(u, f, "names", line);
	free(line);
	free(on);
	return rc;
}

static const struct form_ops new_ops = {
	.submit = new_submit,
	.free = new_form_free,
};

static int open_new_form(struct ui *u, char **tmpls, size_t n)
{
	struct new_form *nf = xcalloc(1, sizeof *nf);
	struct form *f = form_new("New desktops from a template");
	unsigned *ids = NULL;
	size_t i, nh;

	nf->tmpls = tmpls;
	nf->ntmpls = n;
	nh = place_hosts(PLACE_DESKTOP, 0, &ids);
	nf->hosts = xcalloc(nh + 1, sizeof *nf->hosts);
	nf->hosts[nf->nhosts++] = xstrdup("best (most free memory)");
	model_lock();
	for (i = 0; i < nh && nf->nhosts < MAX_HOSTS; i++) {
		const struct m_host *h = model_host(ids[i]);

		if (h != NULL)
			nf->hosts[nf->nhosts++] = xstrdup(h->name);
	}
	/* one template given as a UUID shows as its name */
	if (n == 1) {
		struct m_desktop *d = model_desktop(tmpls[0]);
		char *name = xstrdup(d != NULL ? d->name : tmpls[0]);
		const char *only = name;

		form_add_choice(f, "template", "Template", &only, 1, 0);
		free(name);
	} else {
		form_add_choice(f, "template", "Template",
		    (const char *const *)tmpls, n, 0);
	}
	model_unlock();
	free(ids);
	form_add_text(f, "names", "Names", NULL);
	form_set_hint(f, "names", "e.g. class-a-{01..20}");
	form_add_choice(f, "host", "Host", (const char *const *)nf->hosts,
	    nf->nhosts, 0);
	form_add_check(f, "start", "Start them", 1);
	form_focus(f, "names");
	form_set_message(f, "each gets a thin overlay of the template's disk "
	    "in the groups pool, a new UUID and new MACs");
	mode_form_push(u, f, &new_ops, nf);
	return 0;
}

int cmd_desktop_exec_new(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	struct new_args a;
	char **tmpls, *list, *done;
	size_t n;
	unsigned job;

	if (argc < 2 && c->ui == NULL)
		return usage_error(c, e, argc == 0 ? "the command line needs the "
		    "template desktop and the new names" : "which names?", cause);
	if (argc == 0) {
		if ((n = console_templates(c, &tmpls, cause)) == 0)
			return -1;
		return open_new_form(c->ui, tmpls, n);
	}
	if (argc == 1) {
		tmpls = xcalloc(1, sizeof *tmpls);
		tmpls[0] = act_desktop_resolve(argv[0], NULL, cause);
		if (tmpls[0] == NULL) {
			free(tmpls);
			return -1;
		}
		return open_new_form(c->ui, tmpls, 1);
	}
	if (expand(&a, argc - 1, argv + 1, cmd_opt(c->opts, "count"), cause) < 0) {
		c->status = 1;
		return -1;
	}
	a.r.tmpl = argv[0];
	a.r.on = cmd_opt(c->opts, "on");
	a.r.start = cmd_opt(c->opts, "start") != NULL;
	list = joined(a.names, a.n);
	if (c->ui == NULL) {
		done = xasprintf("made %s%s", list, a.r.start ? " (started)" : "");
		c->status = cli_follow(c->cfg, c->cli, start_new, &a, done);
		free(done);
	} else if (start_new(c->ui->cfg, &a, &job, cause) == 0) {
		ui_follow_job(c->ui, job);
		ui_message(c->ui, 0, "making %zu desktop%s on %s: %s", a.n,
		    a.n == 1 ? "" : "s", a.host, list);
	} else {
		c->status = 1;
	}
	free(list);
	new_args_free(&a);
	return c->status == 1 && c->ui != NULL ? -1 : 0;
}

/* ---- template from ---- */

struct tmpl_args {
	const char *desktop, *name;
	int flatten;
};

static int start_tmpl(const struct config *cfg, void *arg, unsigned *job,
    char **cause)
{
	struct tmpl_args *a = arg;

	return act_template_from(cfg, a->desktop, a->name, a->flatten, job, cause);
}

static int tmpl_submit(struct ui *u, struct form *f, void *ctx)
{
	char *line;
	int rc;

	line = xasprintf("template from \"%s\" \"%s\"%s", (const char *)ctx,
	    form_text(f, "name"), form_choice(f, "disk") == 1 ? " --flatten" : "");
	rc = form_run(u, f, "name", line);
	free(line);
	return rc;
}

static const struct form_ops tmpl_ops = {
	.submit = tmpl_submit,
	.free = free,
};

static const char *const disk_choices[] = {
	"keep its base (a thin copy)", "flatten (standalone qcow2)",
};

static int open_tmpl_form(struct ui *u, const char *uuid, char **cause)
{
	struct m_desktop *d;
	struct form *f;
	char *title = NULL;

	model_lock();
	if ((d = model_desktop(uuid)) != NULL) {
		char *vis = text_visible(d->name);

		title = xasprintf("Template from %s", vis);
		free(vis);
	}
	model_unlock();
	if (title == NULL) {
		*cause = xstrdup("the desktop is gone");
		return -1;
	}
	f = form_new(title);
	free(title);
	form_add_text(f, "name", "Name", NULL);
	form_set_hint(f, "name", "the template desktop; its disk NAME.qcow2");
	form_add_choice(f, "disk", "Disk", disk_choices, 2, 0);
	form_set_message(f, "the disk is copied into the templates pool; the "
	    "template desktop is defined shut off");
	mode_form_push(u, f, &tmpl_ops, xstrdup(uuid));
	return 0;
}

static char *selected_desktop(struct cmd_ctx *c, char **cause)
{
	enum pane_id pane;
	const char *key = panes_selected(panes_of(c->ui), &pane);

	if (key == NULL || pane != PANE_DESKTOPS) {
		*cause = xstrdup("no desktop selected (desktops pane: 4)");
		return NULL;
	}
	return xstrdup(key);
}

int cmd_desktop_exec_template(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	struct tmpl_args a;
	char *uuid, *done, *vis;
	unsigned job;
	int rc;

	if (argc < 2 && c->ui == NULL)
		return usage_error(c, e, "the command line needs the desktop and "
		    "the template's name", cause);
	if (argc < 2) {
		uuid = argc == 1 ? act_desktop_resolve(argv[0], NULL, cause) :
		    selected_desktop(c, cause);
		if (uuid == NULL)
			return -1;
		rc = open_tmpl_form(c->ui, uuid, cause);
		free(uuid);
		return rc;
	}
	a.desktop = argv[0];
	a.name = argv[1];
	a.flatten = cmd_opt(c->opts, "flatten") != NULL;
	vis = text_visible(a.name);
	if (c->ui == NULL) {
		done = xasprintf("template %s made (disk %s.qcow2%s)", vis, vis,
		    a.flatten ? ", flattened" : "");
		c->status = cli_follow(c->cfg, c->cli, start_tmpl, &a, done);
		free(done);
		rc = 0;
	} else if ((rc = start_tmpl(c->ui->cfg, &a, &job, cause)) == 0) {
		ui_follow_job(c->ui, job);
		ui_message(c->ui, 0, "making template %s", vis);
	}
	free(vis);
	return rc;
}

/* ---- desktop delete ---- */

struct del_args {
	const char *desktop;
	int with_disk;
};

static int start_del(const struct config *cfg, void *arg, unsigned *job,
    char **cause)
{
	struct del_args *a = arg;

	return act_desktop_delete(cfg, a->desktop, a->with_disk, job, cause);
}

/* The question, naming the desktop (and its disk). Caller frees. */
static char *del_question(const char *name, const char *disk)
{
	char *vn = text_visible(name), *vd = disk != NULL ? text_visible(disk) :
	    NULL, *q;

	q = vd != NULL ? xasprintf("Delete desktop %s and its disk %s?", vn, vd) :
	    xasprintf("Delete desktop %s? (its disk stays)", vn);
	free(vn);
	free(vd);
	return q;
}

static int del_submit(struct ui *u, struct form *f, void *ctx)
{
	char *line;
	int rc;

	line = xasprintf("desktop delete \"%s\" --yes%s", (const char *)ctx,
	    form_check(f, "disk") ? " --with-disk" : "");
	rc = form_run(u, f, "disk", line);
	free(line);
	return rc;
}

static const struct form_ops del_ops = {
	.submit = del_submit,
	.free = free,
};

/* The console's question: a form naming the desktop, a box for its disk
 * (named too), Enter deletes, Esc keeps. */
static int open_del_form(struct ui *u, const char *uuid, int with_disk,
    char **cause)
{
	char *name, *disk, *q, *why = NULL;
	struct form *f;

	if (act_desktop_delete_check(u->cfg, uuid, 0, &name, &disk, cause) < 0)
		return -1;
	free(disk);
	/* the disk is named when it may go; else why it may not */
	if (act_desktop_delete_check(u->cfg, uuid, 1, &q, &disk, &why) < 0)
		disk = NULL;
	else
		free(q);
	/* the title names both (a field's label is cut to its column) */
	if (disk != NULL) {
		char *vn = text_visible(name), *vd = text_visible(disk);

		q = xasprintf("Delete desktop %s? (disk %s)", vn, vd);
		free(vn);
		free(vd);
	} else {
		q = del_question(name, NULL);
	}
	f = form_new(q);
	free(q);
	form_add_check(f, "disk", "Delete the disk too", disk != NULL && with_disk);
	if (disk == NULL) {	/* why it may not go, on the message line */
		form_lock(f, "disk", 1);
		form_set_message(f, why);
	} else {
		form_set_message(f, "Enter deletes, Esc keeps it");
	}
	mode_form_push(u, f, &del_ops, xstrdup(uuid));
	free(why);
	free(disk);
	free(name);
	return 0;
}

int cmd_desktop_exec_delete(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	struct del_args a;
	char *uuid, *name, *disk, *q, *done;
	unsigned job;
	int rc;

	if (argc == 0 && c->ui == NULL)
		return usage_error(c, e, "the command line needs the desktop", cause);
	a.desktop = argc > 0 ? argv[0] : NULL;
	a.with_disk = cmd_opt(c->opts, "with-disk") != NULL;
	if (cmd_opt(c->opts, "yes") == NULL) {
		if (c->ui != NULL) {
			uuid = argc > 0 ? act_desktop_resolve(argv[0], NULL, cause) :
			    selected_desktop(c, cause);
			if (uuid == NULL)
				return -1;
			rc = open_del_form(c->ui, uuid, a.with_disk, cause);
			free(uuid);
			return rc;
		}
		/* refuse before asking: never a question whose yes is refused */
		if (act_desktop_delete_check(c->cfg, a.desktop, a.with_disk, &name,
		    &disk, cause) < 0) {
			c->status = 1;
			return -1;
		}
		q = del_question(name, disk);
		rc = cli_confirm(q, "desktop delete (--yes answers it)", cause);
		free(q);
		free(name);
		free(disk);
		if (rc < 0) {
			c->status = 1;
			return -1;
		}
	}
	if (c->ui == NULL) {
		char *vis = text_visible(a.desktop);

		done = xasprintf("deleted %s%s", vis, a.with_disk ?
		    " and its disk" : "");
		free(vis);
		c->status = cli_follow(c->cfg, c->cli, start_del, &a, done);
		free(done);
		return 0;
	}
	if (start_del(c->ui->cfg, &a, &job, cause) < 0)
		return -1;
	ui_follow_job(c->ui, job);
	return 0;
}
