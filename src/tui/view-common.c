/* view-common.c — what the views share: the pane table, text buffers,
 * state colours and path normalisation. */
#include "tui/views.h"
#include "core/job.h"
#include "core/model.h"
#include "core/text.h"
#include "core/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const struct view *view_of(enum pane_id id)
{
	static const struct view *const views[PANE_COUNT] = {
		[PANE_HOSTS] = &view_hosts, [PANE_POOLS] = &view_pools,
		[PANE_VOLUMES] = &view_volumes, [PANE_DESKTOPS] = &view_desktops,
		[PANE_JOBS] = &view_jobs,
	};

	return (unsigned)id < PANE_COUNT ? views[id] : NULL;
}

void text_add(struct text *t, enum theme_slot slot, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		fatal("out of memory");
	va_end(ap);
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->lines = xreallocarray(t->lines, t->cap, sizeof *t->lines);
		t->slots = xreallocarray(t->slots, t->cap, sizeof *t->slots);
	}
	t->lines[t->n] = text_visible(s);
	t->slots[t->n++] = slot;
	free(s);
}

void text_clear(struct text *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->lines[i]);
	free(t->lines);
	free(t->slots);
	memset(t, 0, sizeof *t);
}

enum theme_slot view_desktop_slot(int s)
{
	switch ((enum desktop_state)s) {
	case DS_RUNNING: case DS_BLOCKED: return SLOT_STATE_RUNNING;
	case DS_PAUSED: case DS_PMSUSPENDED: return SLOT_STATE_PAUSED;
	case DS_SHUTOFF: return SLOT_STATE_SHUTOFF;
	case DS_CRASHED: return SLOT_STATE_CRASHED;
	case DS_SHUTDOWN: return SLOT_STATE_TRANSITION;
	case DS_NOSTATE: case DS_UNKNOWN: break;
	}
	return SLOT_STATE_UNKNOWN;
}

enum theme_slot view_host_slot(int s)
{
	switch ((enum host_state)s) {
	case HOST_ONLINE: return SLOT_HOST_ONLINE;
	case HOST_READONLY: return SLOT_HOST_READONLY;
	case HOST_CONNECTING: return SLOT_HOST_CONNECTING;
	case HOST_OFFLINE: break;
	}
	return SLOT_HOST_OFFLINE;
}

char *view_clock(char *buf, size_t len, int64_t wall_ms)
{
	time_t t = (time_t)(wall_ms / 1000), now = time(NULL);
	struct tm tm, today;

	localtime_r(&t, &tm);
	localtime_r(&now, &today);
	if (tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday)
		strftime(buf, len, "%H:%M", &tm);
	else
		strftime(buf, len, "%b %d %H:%M", &tm);
	return buf;
}

int view_jobs_count(void)
{
	struct m_desktop **ds, *d;
	const struct job *j;
	size_t n, i;
	int jobs = 0;

	/* a desktop with a job or a pending mark is in the stirring set */
	ds = model_desktops_stirring(&n);
	for (i = 0; i < n; i++)
		jobs += ds[i]->job_active || model_desktop_pending_now(ds[i]) != NULL;
	/* hvdeck's jobs, unless their desktop already counted */
	job_lock();
	for (j = job_first(); j != NULL; j = job_next(j)) {
		if (job_state_final(j->state))
			continue;
		d = j->uuid[0] != '\0' ? model_desktop(j->uuid) : NULL;
		jobs += d == NULL || !(d->job_active ||
		    model_desktop_pending_now(d) != NULL);
	}
	job_unlock();
	return jobs;
}

static const char *pool_bases, *pool_templates;

void views_set_pools(const char *bases, const char *templates)
{
	pool_bases = bases;
	pool_templates = templates;
}

const char *views_pool_bases(void)
{
	return pool_bases;
}

const char *views_pool_templates(void)
{
	return pool_templates;
}
