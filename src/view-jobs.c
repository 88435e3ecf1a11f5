/* view-jobs.c — jobs: migrations, block jobs and actions in flight. */
#include "views.h"
#include "format.h"
#include "model.h"
#include "util.h"

#include <stdio.h>

enum { C_DESKTOP, C_KIND, C_PROGRESS, C_HOST, C_SINCE, C_COUNT };

static const struct table_column cols[C_COUNT] = {
	[C_DESKTOP] = { "DESKTOP", 16, 8, 0, 0, 1 },
	[C_KIND] = { "JOB", 14, 8, 0, 0, 0 },
	[C_PROGRESS] = { "PROGRESS", 12, 8, 0, 1, 0 },
	[C_HOST] = { "HOST", 10, 6, 0, 0, 0 },
	[C_SINCE] = { "FOR", 7, 0, 1, 1, 0 },
};

static void build(struct table *t, int ascii)
{
	struct m_desktop **ds;
	size_t n, i;
	char a[16];

	(void)ascii;
	ds = model_desktops(&n);
	for (i = 0; i < n; i++) {
		struct m_desktop *d = ds[i];
		const struct m_place *p = model_desktop_place(d);
		const struct m_host *h = p != NULL ? model_host(p->host_id) : NULL;
		struct table_row *r;

		if (!d->job_active && model_desktop_pending_now(d) == NULL)
			continue;
		r = table_add(t, d->uuid);
		r->host = h != NULL ? h->name : NULL;
		r->state = d->job_active ? "job" : "pending";
		table_cell(r, C_DESKTOP, SLOT_NORMAL, "%s", d->name);
		table_cell(r, C_KIND, SLOT_JOB, "%s", d->job_active ?
		    (d->job_kind ? d->job_kind : "job") : model_desktop_pending_now(d));
		r->num[C_PROGRESS] = d->job_pct;
		if (d->job_active && d->job_pct >= 0)
			table_cell(r, C_PROGRESS, SLOT_JOB, "%s%%",
			    format_percent(a, sizeof a, d->job_pct));
		else if (d->job_active && d->job_iteration > 0)
			table_cell(r, C_PROGRESS, SLOT_JOB, "iteration %llu",
			    (unsigned long long)d->job_iteration);
		else
			table_cell(r, C_PROGRESS, SLOT_DIM, "-");
		table_cell(r, C_HOST, SLOT_NORMAL, "%s", h != NULL ? h->name : "-");
		if (model_desktop_pending_now(d) != NULL) {
			r->num[C_SINCE] = (double)(util_now_ms() - d->pending_since_ms);
			table_cell(r, C_SINCE, SLOT_NORMAL, "%s", format_duration(a, sizeof a,
			    (util_now_ms() - d->pending_since_ms) / 1000));
		}
	}
}

const struct view view_jobs = {
	PANE_JOBS, "Jobs", cols, C_COUNT, build, NULL,
};
