/* form-drain.c — the console's question for `host drain NAME` (Shift-E on
 * the hypervisors pane): the plan first — each running desktop and where
 * it goes (ok), the ones that cannot move and why (FAIL), the shut-off
 * ones that stay (warn) — under a title naming the host and how many
 * desktops move; the fields are how many move at once and whether
 * shut-off definitions move too (the plan is made again when that box
 * changes). Enter runs `host drain NAME --yes ...` through the table,
 * Esc changes nothing. */
#include "tui/forms.h"
#include "act/act-drain.h"
#include "cmd/cmd-drain.h"
#include "core/checklist.h"
#include "core/text.h"
#include "core/util.h"
#include "tui/mode.h"
#include "tui/ui-form.h"
#include "tui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct drain_form {
	char *host;
	char *to;                   /* --to as given, NULL: any host */
	struct checklist *cl;       /* the plan, shown under the fields */
	int include_defined;        /* what the plan shown was made for */
};

static void drain_form_free(void *ctx)
{
	struct drain_form *d = ctx;

	checklist_free(d->cl);
	free(d->host);
	free(d->to);
	free(d);
}

/* The plan into d->cl and the form's title; -1 with *cause. */
static int show_plan(struct ui *u, struct form *f, struct drain_form *d,
    char **cause)
{
	struct cmd_ctx c;
	struct cmd_opts o;
	struct drain_req r;
	struct place_plan p;
	size_t i;
	char *line, *vis, *title;
	int rc;

	memset(&c, 0, sizeof c);
	memset(&o, 0, sizeof o);
	if (d->to != NULL) {
		snprintf(o.v[0].name, sizeof o.v[0].name, "to");
		o.v[0].value = d->to;
		o.n = 1;
	}
	c.cfg = u->cfg;
	c.opts = &o;
	if (cmd_drain_request(&c, d->host, &r, cause) < 0)
		return -1;
	r.include_defined = d->include_defined;
	rc = drain_plan(&r, &p, cause);
	cmd_drain_req_free(&r);
	if (rc < 0)
		return -1;
	checklist_clear(d->cl);
	for (i = 0; i < p.nmoves + p.ndefined; i++) {
		int defined = i >= p.nmoves;
		const struct place_move *m = defined ? &p.defined[i - p.nmoves] :
		    &p.moves[i];

		line = cmd_drain_move_line(m, defined, d->include_defined);
		checklist_note(d->cl, defined ? CHECK_WARN : m->dest != NULL ?
		    CHECK_OK : CHECK_FAIL, line, NULL);
		free(line);
	}
	vis = text_visible(d->host);
	title = xasprintf("Drain %s: %zu of %zu running desktops move%s", vis,
	    p.nmoves - p.unplaced, p.nmoves, p.unplaced > 0 ?
	    " (the others cannot: see why below)" : "");
	form_set_title(f, title);
	free(title);
	free(vis);
	place_plan_free(&p);
	return 0;
}

static int drain_submit(struct ui *u, struct form *f, void *ctx)
{
	struct drain_form *d = ctx;
	char *line, *host = cmd_quote(d->host), *to = d->to ? cmd_quote(d->to) :
	    NULL;
	int rc;

	line = xasprintf("host drain %s --yes --parallel %ld --bandwidth %ld%s%s%s",
	    host, form_number(f, "parallel"), form_number(f, "bandwidth"),
	    form_check(f, "defined") ?
	    " --include-defined" : "", to ? " --to " : "", to ? to : "");
	rc = forms_submit(u, f, "parallel", line);
	free(line);
	free(host);
	free(to);
	return rc;
}

/* The box changed: the plan is made again for it. */
static int drain_poll(struct ui *u, struct form *f, void *ctx)
{
	struct drain_form *d = ctx;
	char *cause = NULL;

	if (form_check(f, "defined") == d->include_defined)
		return 0;
	d->include_defined = form_check(f, "defined");
	if (show_plan(u, f, d, &cause) < 0) {
		form_set_message(f, cause);
		free(cause);
	}
	return 0;
}

static const struct form_ops drain_ops = {
	.submit = drain_submit,
	.poll = drain_poll,
	.free = drain_form_free,
};

int form_drain_open(struct ui *u, struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv, char **cause)
{
	struct drain_form *d = xcalloc(1, sizeof *d);
	const char *to = cmd_opt(c->opts, "to");
	long long par = u->cfg->drain_parallel, bw = 0;
	struct form *f;
	char *vis, *msg;

	(void)e; (void)argc;
	d->host = xstrdup(argv[0]);
	d->to = to != NULL ? xstrdup(to) : NULL;
	d->include_defined = cmd_opt(c->opts, "include-defined") != NULL;
	d->cl = checklist_new();
	if (cmd_opt_int(c->opts, cmd_opt_spec("host drain", "parallel"), &par,
	    cause) < 0 || cmd_opt_int(c->opts, cmd_opt_spec("host drain",
	    "bandwidth"), &bw, cause) < 0) {
		drain_form_free(d);
		return -1;
	}
	f = form_new("Drain");
	if (show_plan(u, f, d, cause) < 0) {
		form_free(f);
		drain_form_free(d);
		return -1;
	}
	form_add_number(f, "parallel", "At once", 1, DRAIN_PARALLEL_MAX, (long)par);
	form_set_hint(f, "parallel", "migrations at a time");
	form_add_number(f, "bandwidth", "Bandwidth MiB/s", 0, 1000000, (long)bw);
	form_set_hint(f, "bandwidth", "each move's limit, 0 = unlimited (b on a "
	    "move raises it)");
	form_add_check(f, "defined", "Move shut-off definitions (shared "
	    "storage only)", d->include_defined);
	form_set_checklist(f, d->cl);
	vis = text_visible(d->host);
	msg = xasprintf("Enter: %s goes into maintenance and the desktops "
	    "below move; Esc changes nothing", vis);
	form_set_message(f, msg);
	free(msg);
	free(vis);
	mode_form_push(u, f, &drain_ops, d);
	return 0;
}
