/* mode-migrate.c — a migration's progress, full screen: what the watcher
 * last sampled (act-migrate.h), whether it converges, what can still
 * help, how it ended. The UI loop redraws it on every job change and at
 * least twice a second while a migration runs (ui.c), so the numbers
 * move without a key. Keys (KT_MIGRATE) run `job ...` commands on this
 * view's job (cmd-job.c). */
#include "tui/mode-migrate.h"
#include "core/checklist.h"
#include "cmd/cmd-migrate.h"
#include "core/format.h"
#include "tui/mode.h"
#include "tui/theme.h"
#include "tui/ui-form.h"
#include "tui/ui-table.h"
#include "tui/ui.h"
#include "core/util.h"
#include "tui/views.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BAR_CELLS 30
#define LABEL "  %-24s "

static char *ms_text(char *buf, size_t len, int64_t ms)
{
	char d[16];

	if (ms < 0)
		snprintf(buf, len, "-");
	else if (ms < 10000)
		snprintf(buf, len, "%lld ms", (long long)ms);
	else
		snprintf(buf, len, "%s", format_duration(d, sizeof d, ms / 1000));
	return buf;
}

static void bar(char *buf, size_t len, double pct, int ascii)
{
	int fill = pct <= 0 ? 0 : format_bar_fill((uint64_t)(pct * 100),
	    10000, BAR_CELLS), i;
	size_t out = 0;

	for (i = 0; i < BAR_CELLS && out + 4 < len; i++) {
		const char *c = i < fill ? (ascii ? "#" : "\u2588") :
		    (ascii ? "." : "\u00b7");

		memcpy(buf + out, c, strlen(c));
		out += strlen(c);
	}
	buf[out] = '\0';
}

static void numbers(struct text *out, const struct migrate_stats *st, int ascii)
{
	char a[16], b[16], c[16], cells[BAR_CELLS * 3 + 1];
	char spark[MIGRATE_HISTORY * 3 + 1];

	if (st->mem_pct >= 0) {
		bar(cells, sizeof cells, st->mem_pct, ascii);
		text_add(out, SLOT_NORMAL, LABEL "%s%% %s", "memory transferred",
		    format_percent(a, sizeof a, st->mem_pct), cells);
	} else {
		text_add(out, SLOT_DIM, LABEL "-", "memory transferred");
	}
	text_add(out, SLOT_NORMAL, LABEL "%s processed, %s remaining of %s",
	    "data", format_size(a, sizeof a, st->data_processed),
	    format_size(b, sizeof b, st->data_remaining),
	    format_size(c, sizeof c, st->data_total));
	text_add(out, SLOT_NORMAL, LABEL "%s", "transfer rate",
	    format_rate(a, sizeof a, (double)st->mem_bps));
	text_add(out, SLOT_NORMAL, LABEL "%s (%llu pages/s)", "dirty-page rate",
	    format_rate(a, sizeof a, (double)st->dirty_bps),
	    (unsigned long long)st->dirty_rate);
	text_add(out, SLOT_NORMAL, LABEL "%llu", "iteration",
	    (unsigned long long)st->iteration);
	text_add(out, SLOT_NORMAL, LABEL "%s (max %s)", "expected downtime",
	    ms_text(a, sizeof a, (int64_t)st->expected_downtime_ms),
	    st->max_downtime_ms > 0 ? ms_text(b, sizeof b, st->max_downtime_ms) :
	    "libvirt's default");
	if (st->bandwidth_mibs > 0)
		text_add(out, SLOT_NORMAL, LABEL "%lu MiB/s", "bandwidth limit",
		    st->bandwidth_mibs);
	else
		text_add(out, SLOT_NORMAL, LABEL "unlimited", "bandwidth limit");
	text_add(out, st->postcopy_active ? SLOT_STATE_PAUSED : SLOT_NORMAL,
	    LABEL "%s", "post-copy", st->postcopy_active ? "ACTIVE: the desktop "
	    "runs on the destination while its memory follows" :
	    st->postcopy_allowed ? "allowed (P switches)" : "not allowed");
	text_add(out, SLOT_NORMAL, LABEL "%s   ETA %s", "elapsed",
	    ms_text(a, sizeof a, st->elapsed_ms), st->eta_ms >= 0 ?
	    ms_text(b, sizeof b, st->eta_ms) : "-");
	format_sparkline(spark, sizeof spark, st->remaining, st->nremaining,
	    MIGRATE_HISTORY, ascii);
	text_add(out, SLOT_BAR_MEM, LABEL "%s%s", "remaining per iteration",
	    st->nremaining > 0 ? spark : "-", st->nremaining > 1 ?
	    "  (oldest first)" : "");
}

/* Dirtied faster than sent: say so, and what is left to try. */
static void not_converging(struct text *out, const struct migrate_stats *st)
{
	char a[16], b[16];

	text_add(out, SLOT_ALERT, "  NOT CONVERGING: the guest dirties memory "
	    "(%s) faster than it is sent (%s).", format_rate(a, sizeof a,
	    (double)st->dirty_bps), format_rate(b, sizeof b, (double)st->mem_bps));
	text_add(out, SLOT_ALERT, "  What can still help:");
	if (st->bandwidth_mibs > 0)
		text_add(out, SLOT_NORMAL, "    b  raise the bandwidth (now %lu MiB/s)",
		    st->bandwidth_mibs);
	else
		text_add(out, SLOT_DIM, "       the bandwidth is unlimited already: "
		    "the link is the limit");
	text_add(out, SLOT_NORMAL, "    d  allow more downtime (expected %llu ms)",
	    (unsigned long long)st->expected_downtime_ms);
	if (st->postcopy_allowed && !st->postcopy_active)
		text_add(out, SLOT_NORMAL, "    P  switch to post-copy (it then "
		    "always finishes, but a failure can lose the desktop)");
	else if (!st->postcopy_allowed)
		text_add(out, SLOT_DIM, "       post-copy was not allowed when it "
		    "started");
	text_add(out, SLOT_DIM, "       auto-converge and compression can only "
	    "be chosen at the start: c cancels, m starts again with them");
}

static void ending(struct text *out, const struct migrate_view_job *j,
    const struct migrate_stats *st)
{
	char a[16], b[16];
	int64_t total = st != NULL && st->total_ms > 0 ? st->total_ms : j->took_ms;

	switch (j->state) {
	case JOB_DONE:
		text_add(out, SLOT_STATE_RUNNING, "  done in %s; downtime %s (as "
		    "libvirt reports it)", ms_text(a, sizeof a, total),
		    st != NULL && st->downtime_ms >= 0 ?
		    ms_text(b, sizeof b, st->downtime_ms) : "unknown");
		break;
	case JOB_FAILED:
		text_add(out, SLOT_ALERT, "  failed after %s: %s",
		    ms_text(a, sizeof a, total), j->error != NULL ? j->error :
		    "no reason given");
		break;
	case JOB_CANCELLED:
		text_add(out, SLOT_DIM, "  cancelled after %s%s%s; the desktop "
		    "keeps running on %s", ms_text(a, sizeof a, total),
		    j->error != NULL ? ": " : "", j->error != NULL ? j->error : "",
		    st != NULL && st->source[0] != '\0' ? st->source : "its source");
		break;
	default:
		if (j->cancel_requested)
			text_add(out, SLOT_STATE_TRANSITION, "  cancelling ...");
		break;
	}
}

void mode_migrate_lines(struct text *out, const struct migrate_view_job *j,
    const struct migrate_stats *st, const struct check_step *steps,
    size_t nsteps, int ascii)
{
	enum theme_slot slot;
	size_t i;
	char *s;

	text_add(out, SLOT_TITLE, "Migration %u: %s  %s -> %s   %s", j->id,
	    j->name != NULL ? j->name : "?", st != NULL ? st->source : "?",
	    st != NULL ? st->dest : "?", job_state_name(j->state));
	text_add(out, SLOT_NORMAL, "%s", "");
	/* first, where a short terminal shows it: what can still help */
	if (st != NULL && st->not_converging && !job_state_final(j->state)) {
		not_converging(out, st);
		text_add(out, SLOT_NORMAL, "%s", "");
	}
	if (st != NULL) {
		struct migrate_stats shown = *st;

		if (job_state_final(j->state))
			shown.eta_ms = -1;	/* an ended job has no ETA */
		numbers(out, &shown, ascii);
	} else {
		text_add(out, SLOT_DIM, "  no statistics yet");
	}
	text_add(out, SLOT_NORMAL, "%s", "");
	ending(out, j, st);
	if (nsteps > 0)
		text_add(out, SLOT_HEADER, "Pre-flight");
	for (i = 0; i < nsteps; i++) {
		s = form_check_text(&steps[i], &slot);
		text_add(out, slot, "  %s", s);
		free(s);
	}
}

/* ---- the mode ---- */

struct migrate_view {
	struct mode_page page;  /* first: mode_page_move_op */
	unsigned job;
	struct text text;
};

void mode_migrate_push(struct ui *u, unsigned job)
{
	mode_push(&u->modes, u, &mode_migrate, &job);
}

unsigned mode_migrate_job(const struct mode *m)
{
	return ((const struct migrate_view *)m->data)->job;
}

static void view_init(struct mode *m, void *arg)
{
	struct migrate_view *v = xcalloc(1, sizeof *v);

	v->job = *(unsigned *)arg;
	m->data = v;
}

/* Copies under the job lock; the stats and the checklist take their own. */
static void build(struct migrate_view *v, int ascii)
{
	struct migrate_view_job jv;
	struct migrate_stats st;
	struct check_step *steps = NULL;
	struct checklist *cl = cmd_migrate_checklist(v->job);
	char *name = NULL, *error = NULL;
	struct job *j;
	size_t n = 0;
	int have;

	memset(&jv, 0, sizeof jv);
	jv.id = v->job;
	job_lock();
	if ((j = job_find(v->job)) != NULL) {
		name = xstrdup(j->name != NULL ? j->name : j->uuid);
		error = xstrdup(j->error);
		jv.state = j->state;
		jv.cancel_requested = j->cancel_requested;
		jv.took_ms = j->started_ms == 0 ? 0 : (j->ended_ms != 0 ?
		    j->ended_ms : util_now_ms()) - j->started_ms;
	}
	job_unlock();
	if (j == NULL) {
		text_add(&v->text, SLOT_ALERT, "Job %u is gone (dismissed).", v->job);
		return;
	}
	jv.name = name;
	jv.error = error;
	have = cmd_migrate_stats(v->job, &st) == 0;
	if (cl != NULL)
		checklist_snapshot(cl, &steps, &n);
	mode_migrate_lines(&v->text, &jv, have ? &st : NULL, steps, n, ascii);
	free(steps);
	free(name);
	free(error);
}

static void view_draw(struct mode *m, struct rect r)
{
	struct migrate_view *v = m->data;
	static const char keys_hint[] = "b bandwidth  d downtime  P post-copy  "
	    "c cancel  x dismiss  Esc back  ? help";

	text_clear(&v->text);
	build(v, m->ui->ascii);
	attrset(theme_attr(SLOT_NORMAL));
	if (r.h < 3) {
		mode_page_draw(&v->page, &v->text, r, m->ui->ascii);
		return;
	}
	r.h -= 2;
	mode_page_draw(&v->page, &v->text, r, m->ui->ascii);
	attrset(theme_attr(SLOT_KEY));
	mvaddnstr(r.y + r.h + 1, r.x + 1, keys_hint, r.w - 2);
	attrset(theme_attr(SLOT_NORMAL));
}

static void view_free(struct mode *m)
{
	struct migrate_view *v = m->data;

	text_clear(&v->text);
	free(v);
}

const struct mode_type mode_migrate = {
	.name = "migrate",
	.keys = KT_MIGRATE,
	.init = view_init,
	.draw = view_draw,
	.move = mode_page_move_op,
	.free = view_free,
};
