/* cmd-drain.c — `host drain`: the plan said, then the drain job started
 * and followed (command line) or handed to the jobs pane (console). See
 * cmd-drain.h. */
#include "cmd/cmd-drain.h"
#include "cmd/cmd-face.h"
#include "cmd/cmd-audit.h"
#include "core/format.h"
#include "core/job.h"
#include "core/text.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2
#define TICK_MS 300
/* a moving desktop's percentage: a line at most this often */
#define PROGRESS_EVERY_MS 2000

/* ---- the request and the plan's words ---- */

static void split_to(const char *list, struct drain_req *r)
{
	char *copy = xstrdup(list), *save = NULL, *w;
	char **to = NULL;
	size_t n = 0;

	for (w = strtok_r(copy, ",", &save); w != NULL;
	    w = strtok_r(NULL, ",", &save)) {
		to = xreallocarray(to, n + 1, sizeof *to);
		to[n++] = xstrdup(w);
	}
	free(copy);
	r->to = to;
	r->nto = n;
}

int cmd_drain_request(const struct cmd_ctx *c, const char *host,
    struct drain_req *r, char **cause)
{
	long long par = c->cfg != NULL ? c->cfg->drain_parallel : 0, bw = 0;
	const char *to = cmd_opt(c->opts, "to");

	memset(r, 0, sizeof *r);
	if (cmd_opt_int(c->opts, cmd_opt_spec("host drain", "parallel"), &par,
	    cause) < 0 ||
	    cmd_opt_int(c->opts, cmd_opt_spec("host drain", "bandwidth"), &bw,
	    cause) < 0)
		return -1;
	r->host = host;
	r->parallel = par > 0 ? (unsigned)par : 0;
	r->bandwidth_mibs = (unsigned long)bw;
	r->include_defined = cmd_opt(c->opts, "include-defined") != NULL;
	if (to != NULL)
		split_to(to, r);
	return 0;
}

void cmd_drain_req_free(struct drain_req *r)
{
	size_t i;

	for (i = 0; i < r->nto; i++)
		free(r->to[i]);
	free((void *)r->to);
	r->to = NULL;
	r->nto = 0;
}

char *cmd_drain_move_line(const struct place_move *m, int defined,
    int include_defined)
{
	char *vn = text_visible(m->name), *vd = m->dest ? text_visible(m->dest) :
	    NULL, *vw = m->why ? text_visible(m->why) : NULL, *line, size[16];

	if (defined && vd != NULL && include_defined)
		line = xasprintf("%s (shut off) -> %s (its definition, when its "
		    "disks are on shared storage)", vn, vd);
	else if (defined)
		line = xasprintf("%s (shut off): %s", vn, vw ? vw : "stays");
	else if (vd != NULL)
		line = xasprintf("%s -> %s (%s keeps %s free)", vn, vd, vd,
		    format_size(size, sizeof size, m->dest_free_kib * 1024));
	else
		line = xasprintf("%s: cannot move: %s", vn, vw ? vw : "?");
	free(vn);
	free(vd);
	free(vw);
	return line;
}

char *cmd_drain_summary(const struct place_plan *p, int include_defined)
{
	char *vs = text_visible(p->src), *s;
	size_t moving = p->nmoves - p->unplaced;

	s = xasprintf("drain %s: %zu desktop%s move%s, %zu cannot, %zu shut off "
	    "%s", vs, moving, moving == 1 ? "" : "s", moving == 1 ? "s" : "",
	    p->unplaced, p->ndefined, include_defined ? "(definitions move "
	    "when their disks are shared)" : "stay defined there");
	free(vs);
	return s;
}

/* Every line of the plan, then what it cannot do. */
static void say_plan(struct cmd_ctx *c, const struct place_plan *p,
    int include_defined)
{
	char *s = cmd_drain_summary(p, include_defined), *vs;
	size_t i;

	cmd_say(c, 0, "%s", s);
	free(s);
	for (i = 0; i < p->nmoves + p->ndefined; i++) {
		int defined = i >= p->nmoves;

		s = cmd_drain_move_line(defined ? &p->defined[i - p->nmoves] :
		    &p->moves[i], defined, include_defined);
		cmd_say(c, 0, "  %s", s);
		free(s);
	}
	if (p->unplaced > 0) {
		vs = text_visible(p->src);
		cmd_say(c, 1, "drain %s: %zu of %zu running desktops cannot be "
		    "placed: they stay on %s", vs, p->unplaced, p->nmoves, vs);
		free(vs);
	}
}

/* ---- following the job (command line) ---- */

struct seen {
	enum drain_state *st;
	double *pct;
	size_t n;
	int64_t progress_at;
};

static void say_item(struct cmd_ctx *c, const struct drain_item *it,
    const char *host)
{
	char *vn = text_visible(it->name), *vd = it->dest ? text_visible(it->dest) :
	    xstrdup("-"), *vw = it->why ? text_visible(it->why) : NULL;

	switch (it->state) {
	case DRAIN_MOVING:
		cmd_say(c, 0, "%s: moving to %s", vn, vd);
		break;
	case DRAIN_MOVED:
		cmd_say(c, 0, "%s: moved to %s", vn, vd);
		break;
	case DRAIN_FAILED:
		cmd_say(c, 1, "%s: failed, stays on %s: %s", vn, host,
		    vw ? vw : "?");
		break;
	case DRAIN_NOT_MOVED:
		cmd_say(c, 1, "%s: not moved, stays on %s: %s", vn, host,
		    vw ? vw : "?");
		break;
	case DRAIN_WAITING:
	case DRAIN_STAYS:
		break;
	}
	free(vn);
	free(vd);
	free(vw);
}

/* Say what changed since the last look; moving percentages now and then. */
static void say_news(struct cmd_ctx *c, unsigned job, const char *host,
    struct seen *s)
{
	struct drain_item *it;
	size_t n, i;
	int64_t now = util_now_ms();
	int progress = now - s->progress_at >= PROGRESS_EVERY_MS;

	if (drain_items(job, &it, &n) < 0)
		return;
	if (s->st == NULL) {
		s->st = xcalloc(n + 1, sizeof *s->st);
		s->pct = xcalloc(n + 1, sizeof *s->pct);
		s->n = n;
	}
	for (i = 0; i < n && i < s->n; i++) {
		if (it[i].state != s->st[i])
			say_item(c, &it[i], host);
		else if (progress && it[i].state == DRAIN_MOVING &&
		    it[i].pct >= 0 && it[i].pct != s->pct[i]) {
			char *vn = text_visible(it[i].name), pct[16];

			cmd_say(c, 0, "%s: %s%% of its memory sent", vn,
			    format_percent(pct, sizeof pct, it[i].pct));
			free(vn);
			s->pct[i] = it[i].pct;
		}
		s->st[i] = it[i].state;
	}
	if (progress)
		s->progress_at = now;
	drain_items_free(it, n);
}

/* The final report: counts, and the host's maintenance. */
static int say_report(struct cmd_ctx *c, unsigned job, enum job_state st,
    const char *host)
{
	size_t by[DRAIN_STAYS + 1], n, i;
	struct drain_item *it;

	memset(by, 0, sizeof by);
	if (drain_items(job, &it, &n) == 0) {
		for (i = 0; i < n; i++)
			by[it[i].state]++;
		drain_items_free(it, n);
	}
	cmd_say(c, st == JOB_DONE ? 0 : 1, "drain %s %s: %zu moved, %zu failed, "
	    "%zu not moved, %zu shut off stay; %s stays in maintenance (host "
	    "maintenance %s off ends it)", host, st == JOB_DONE ? "done" :
	    job_state_name(st), by[DRAIN_MOVED], by[DRAIN_FAILED],
	    by[DRAIN_NOT_MOVED], by[DRAIN_STAYS], host, host);
	return st == JOB_DONE ? 0 : 1;
}

static int follow(struct cmd_ctx *c, unsigned job, const char *host)
{
	struct seen s;
	enum job_state st;
	char *cause = NULL;
	int cancelling = 0;

	memset(&s, 0, sizeof s);
	do {
		st = job_wait(job, TICK_MS);
		say_news(c, job, host, &s);
		if (!cancelling && !job_state_final(st) && cmd_interrupted(c)) {
			cancelling = 1;
			if (drain_cancel(job, 0, &cause) < 0)
				cmd_say(c, 1, "%s", cause);
			else
				cmd_say(c, 1, "drain %s: cancelling (running "
				    "migrations are cancelled: their desktops stay)",
				    host);
			free(cause);
			cause = NULL;
		}
	} while (!job_state_final(st) && st != JOB_GONE);
	free(s.st);
	free(s.pct);
	return say_report(c, job, st, host);
}

/* ---- the command ---- */

/* Plan, say it, and (not a dry run) start; 0 with *job (0: dry run). */
static int plan_and_start(struct cmd_ctx *c, const struct drain_req *r,
    unsigned *job, char **cause)
{
	struct place_plan p;
	char *vs;

	*job = 0;
	if (drain_plan(r, &p, cause) < 0)
		return -1;
	if (!cmd_in_console(c))
		say_plan(c, &p, r->include_defined);
	if (cmd_opt(c->opts, "dry-run") != NULL) {
		if (cmd_in_console(c)) {
			vs = cmd_drain_summary(&p, r->include_defined);
			cmd_say(c, 0, "%s (dry run: Shift-E shows the plan)", vs);
			free(vs);
		} else {
			cmd_say(c, 0, "dry run: nothing changed");
		}
		place_plan_free(&p);
		return 0;
	}
	if (drain_start(c->cfg, r, &p, job, cause) < 0)
		return -1;
	vs = text_visible(r->host);
	cmd_say(c, 0, "drain %s: job %u; %s is in maintenance (saved)%s", vs, *job,
	    vs, cmd_in_console(c) ? " (5: jobs, Enter: its desktops)" : "");
	free(vs);
	return 0;
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

/* The command line: engine, plan, job, followed to its end. */
static int drain_waited(struct cmd_ctx *c, struct drain_req *r, char **cause)
{
	unsigned job;
	char *vs;

	c->status = 1;
	if (cmd_engine_up(c) < 0)
		return 0;
	if (plan_and_start(c, r, &job, cause) < 0) {
		cmd_engine_down(c);
		return -1;
	}
	vs = text_visible(r->host);
	c->status = job == 0 ? 0 : follow(c, job, vs);
	free(vs);
	cmd_engine_down(c);
	return 0;
}

int cmd_drain_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct drain_req r;
	unsigned job;
	int rc;

	if (argc == 0 && cmd_in_console(c)) {
		*cause = xstrdup("no host selected (hypervisors pane: 1)");
		return -1;
	}
	if (argc == 0)
		return usage_error(c, e, "the command line needs the host's name",
		    cause);
	if (cmd_drain_request(c, argv[0], &r, cause) < 0) {
		char *what = *cause;

		rc = usage_error(c, e, what, cause);
		free(what);
		return rc;
	}
	if (!cmd_in_console(c)) {
		rc = drain_waited(c, &r, cause);
	} else if (cmd_opt(c->opts, "yes") == NULL &&
	    cmd_opt(c->opts, "dry-run") == NULL && cmd_has_forms(c)) {
		rc = cmd_form(c, e, argc, argv, cause);	/* the plan, then yes */
	} else if ((rc = plan_and_start(c, &r, &job, cause)) == 0 && job != 0) {
		c->job = job;
		cmd_follow(c, job);
	}
	cmd_drain_req_free(&r);
	return rc;
}
