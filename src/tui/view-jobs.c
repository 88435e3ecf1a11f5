/* view-jobs.c — the jobs pane: every hvdeck job (queued and running first,
 * then the finished ones kept, newest first), and jobs libvirt runs on a
 * desktop that hvdeck did not start (a migration from virsh). Built with
 * the model lock held; takes the job lock inside it (job.h's order). */
#include "tui/views.h"
#include "act/act-drain.h"
#include "core/format.h"
#include "core/job.h"
#include "core/model.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	C_ID, C_KIND, C_TARGET, C_HOST, C_STATE, C_PROGRESS, C_AGE, C_ERROR,
	C_COUNT
};

static const struct table_column cols[C_COUNT] = {
	[C_ID] = { "ID", 4, 2, 1, 1, 0 },
	[C_KIND] = { "JOB", 9, 6, 0, 0, 0 },
	[C_TARGET] = { "TARGET", 16, 8, 0, 0, 0 },
	[C_HOST] = { "HOST", 8, 6, 0, 0, 0 },
	[C_STATE] = { "STATE", 9, 6, 0, 0, 0 },
	[C_PROGRESS] = { "PROGRESS", 16, 8, 0, 1, 0 },
	[C_AGE] = { "AGE", 6, 0, 1, 1, 0 },
	[C_ERROR] = { "ERROR", 20, 0, 0, 0, 1 },
};

#define KEY_PREFIX "job:"

static enum theme_slot state_slot(enum job_state s)
{
	switch (s) {
	case JOB_QUEUED: case JOB_RUNNING: return SLOT_JOB;
	case JOB_DONE: return SLOT_STATE_RUNNING;
	case JOB_FAILED: return SLOT_ALERT;
	default: return SLOT_DIM;
	}
}

/* The progress cell: the latest sample, or what the desktop still does
 * after libvirt accepted the request (an ACPI shutdown takes a while). */
static void progress_cell(struct table_row *r, const struct job *j)
{
	const struct job_sample *s = job_last_sample(j);
	const struct m_desktop *d;
	char a[16], b[16];

	r->num[C_PROGRESS] = s != NULL ? s->pct : -1;
	if (s != NULL && s->pct >= 0)
		table_cell(r, C_PROGRESS, SLOT_JOB, "%s%% %s",
		    format_percent(a, sizeof a, s->pct), s->phase);
	else if (s != NULL && s->total > 0)
		table_cell(r, C_PROGRESS, SLOT_JOB, "%s/%s %s",
		    format_size(a, sizeof a, s->done),
		    format_size(b, sizeof b, s->total), s->phase);
	else if (s != NULL)
		table_cell(r, C_PROGRESS, SLOT_JOB, "%s", s->phase);
	else if (j->state == JOB_DONE && j->uuid[0] != '\0' &&
	    (d = model_desktop(j->uuid)) != NULL &&
	    model_desktop_pending_now(d) != NULL)
		table_cell(r, C_PROGRESS, SLOT_JOB, "%s", model_desktop_pending_now(d));
	else
		table_cell(r, C_PROGRESS, SLOT_DIM, "-");
}

static void job_row(struct table *t, const struct job *j, int64_t now)
{
	struct table_row *r;
	char key[32], a[16];

	snprintf(key, sizeof key, KEY_PREFIX "%u", j->id);
	r = table_add(t, key);
	r->host = j->host;
	r->state = job_state_name(j->state);
	r->num[C_ID] = j->id;
	table_cell(r, C_ID, SLOT_NORMAL, "%u", j->id);
	table_cell(r, C_KIND, SLOT_JOB, "%s", job_kind_name(j->kind));
	table_cell(r, C_TARGET, SLOT_NORMAL, "%s", j->name ? j->name : j->uuid);
	table_cell(r, C_HOST, SLOT_NORMAL, "%s", j->host ? j->host : "-");
	table_cell(r, C_STATE, state_slot(j->state), "%s", job_state_name(j->state));
	progress_cell(r, j);
	r->num[C_AGE] = (double)(now - j->created_ms);
	table_cell(r, C_AGE, SLOT_NORMAL, "%s",
	    format_duration(a, sizeof a, (now - j->created_ms) / 1000));
	if (j->error != NULL)
		table_cell(r, C_ERROR, j->state == JOB_FAILED ? SLOT_ALERT : SLOT_DIM,
		    "%s", j->error);
}

/* Model lock held. A job libvirt runs that no hvdeck job stands for. */
static void libvirt_job_row(struct table *t, const struct m_desktop *d)
{
	const struct m_place *p = model_desktop_place(d);
	const struct m_host *h = p != NULL ? model_host(p->host_id) : NULL;
	struct table_row *r;
	char a[16];

	r = table_add(t, d->uuid);
	r->host = h != NULL ? h->name : NULL;
	r->state = "running";
	r->num[C_ID] = 0;
	table_cell(r, C_ID, SLOT_DIM, "-");
	table_cell(r, C_KIND, SLOT_JOB, "%s", d->job_kind ? d->job_kind : "job");
	table_cell(r, C_TARGET, SLOT_NORMAL, "%s", d->name);
	table_cell(r, C_HOST, SLOT_NORMAL, "%s", h != NULL ? h->name : "-");
	table_cell(r, C_STATE, SLOT_JOB, "running");
	r->num[C_PROGRESS] = d->job_pct;
	if (d->job_pct >= 0)
		table_cell(r, C_PROGRESS, SLOT_JOB, "%s%%",
		    format_percent(a, sizeof a, d->job_pct));
	else if (d->job_iteration > 0)
		table_cell(r, C_PROGRESS, SLOT_JOB, "iteration %llu",
		    (unsigned long long)d->job_iteration);
	else
		table_cell(r, C_PROGRESS, SLOT_DIM, "-");
	table_cell(r, C_ERROR, SLOT_DIM, "not started by hvdeck");
}

/* Job lock held. Some queued or running hvdeck job works on this desktop. */
static int has_active_job(const char *uuid)
{
	const struct job *j;

	for (j = job_first(); j != NULL; j = job_next(j))
		if (!job_state_final(j->state) && strcmp(j->uuid, uuid) == 0)
			return 1;
	return 0;
}

static void build(struct table *t, int ascii)
{
	struct m_desktop **ds;
	const struct job *j;
	int64_t now = util_now_ms();
	size_t n, i;
	int pass;

	(void)ascii;
	job_lock();
	/* newest first, the ones still going on top */
	for (pass = 0; pass < 2; pass++)
		for (j = job_last(); j != NULL; j = job_prev(j))
			if (job_state_final(j->state) == pass)
				job_row(t, j, now);
	ds = model_desktops(&n);
	for (i = 0; i < n; i++)
		if (ds[i]->job_active && !has_active_job(ds[i]->uuid))
			libvirt_job_row(t, ds[i]);
	job_unlock();
}

/* A drain's desktops: where each goes and how far it is. Copied before
 * the job lock is taken (the drain's own locks come before it). */
static void drain_details(const struct drain_item *it, size_t n,
    struct text *out)
{
	enum theme_slot slot;
	size_t i;
	char pct[16];

	text_add(out, SLOT_HEADER, "Desktops (%zu)", n);
	for (i = 0; i < n; i++) {
		slot = it[i].state == DRAIN_MOVED ? SLOT_STATE_RUNNING :
		    it[i].state == DRAIN_FAILED ? SLOT_ALERT :
		    it[i].state == DRAIN_MOVING ? SLOT_JOB : SLOT_NORMAL;
		if (it[i].state == DRAIN_MOVING && it[i].pct >= 0)
			text_add(out, slot, "  %-24s -> %-12s moving %s%% (job %u)",
			    it[i].name, it[i].dest ? it[i].dest : "-",
			    format_percent(pct, sizeof pct, it[i].pct), it[i].job);
		else if (it[i].state == DRAIN_STAYS)
			text_add(out, SLOT_DIM, "  %-24s    shut off, %s", it[i].name,
			    it[i].why ? it[i].why : "stays");
		else
			text_add(out, slot, "  %-24s -> %-12s %s%s%s", it[i].name,
			    it[i].dest ? it[i].dest : "-",
			    drain_state_name(it[i].state), it[i].why ? ": " : "",
			    it[i].why ? it[i].why : "");
	}
}

static void details(const char *key, struct text *out)
{
	struct drain_item *items = NULL;
	size_t nitems = 0;
	int drain;
	const struct job_sample *s;
	const struct job *j = NULL;
	int64_t now = util_now_ms();
	unsigned k;
	char a[16];

	if (strncmp(key, KEY_PREFIX, strlen(KEY_PREFIX)) != 0) {
		text_add(out, SLOT_NORMAL, "A job libvirt runs on desktop %s; "
		    "hvdeck did not start it.", key);
		return;
	}
	drain = drain_items((unsigned)strtoul(key + strlen(KEY_PREFIX), NULL, 10),
	    &items, &nitems) == 0;
	job_lock();
	j = job_find((unsigned)strtoul(key + strlen(KEY_PREFIX), NULL, 10));
	if (j == NULL) {
		job_unlock();
		drain_items_free(items, nitems);
		text_add(out, SLOT_ALERT, "job %s is gone", key + strlen(KEY_PREFIX));
		return;
	}
	text_add(out, SLOT_TITLE, "Job %u: %s %s", j->id, job_kind_name(j->kind),
	    j->name ? j->name : j->uuid);
	text_add(out, state_slot(j->state), "  state     %s%s", job_state_name(j->state),
	    j->cancel_requested && !job_state_final(j->state) ? ", cancelling" : "");
	if (j->uuid[0] != '\0')
		text_add(out, SLOT_NORMAL, "  desktop   %s", j->uuid);
	text_add(out, SLOT_NORMAL, "  host      %s", j->host ? j->host : "-");
	text_add(out, SLOT_NORMAL, "  created   %s ago",
	    format_duration(a, sizeof a, (now - j->created_ms) / 1000));
	if (j->started_ms != 0)
		text_add(out, SLOT_NORMAL, "  waited    %lld ms in the queue",
		    (long long)(j->started_ms - j->created_ms));
	if (j->ended_ms != 0)
		text_add(out, SLOT_NORMAL, "  took      %lld ms",
		    (long long)(j->ended_ms - (j->started_ms ? j->started_ms : j->created_ms)));
	if (j->error != NULL)
		text_add(out, SLOT_ALERT, "  error     %s", j->error);
	if (drain)
		drain_details(items, nitems, out);
	if (j->nsamples > 0)
		text_add(out, SLOT_HEADER, "Progress (%u samples)", j->nsamples);
	for (k = 0; k < j->nsamples; k++) {
		s = &j->samples[(j->sample_head + k) % JOB_SAMPLES];
		text_add(out, SLOT_NORMAL, "  %+6.1fs %5.1f%% %llu/%llu %s",
		    (double)(s->at_ms - j->created_ms) / 1000, s->pct,
		    (unsigned long long)s->done, (unsigned long long)s->total, s->phase);
	}
	job_unlock();
	drain_items_free(items, nitems);
}

const struct view view_jobs = {
	PANE_JOBS, "Jobs", cols, C_COUNT, build, NULL, NULL, details,
};
