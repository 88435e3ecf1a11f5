/* view-common.c — what the views share: the pane table, text buffers,
 * state colours and path normalisation. */
#include "tui/views.h"
#include "core/job.h"
#include "core/model.h"
#include "core/text.h"
#include "core/util.h"

#include <ctype.h>
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

/* Skip leading zeros; the run's length then its digits decide. */
static int digits_cmp(const char **pa, const char **pb)
{
	const char *a = *pa, *b = *pb;
	size_t la, lb;
	int c;

	while (*a == '0' && isdigit((unsigned char)a[1]))
		a++;
	while (*b == '0' && isdigit((unsigned char)b[1]))
		b++;
	for (la = 0; isdigit((unsigned char)a[la]); la++)
		;
	for (lb = 0; isdigit((unsigned char)b[lb]); lb++)
		;
	if (la != lb)
		return la < lb ? -1 : 1;
	c = strncmp(a, b, la);
	*pa = a + la;
	*pb = b + lb;
	return c;
}

int view_natural_cmp(const char *a, const char *b)
{
	const char *x = a, *y = b;
	int c;

	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	while (*x != '\0' && *y != '\0') {
		if (isdigit((unsigned char)*x) && isdigit((unsigned char)*y)) {
			if ((c = digits_cmp(&x, &y)) != 0)
				return c;
			continue;
		}
		c = tolower((unsigned char)*x) - tolower((unsigned char)*y);
		if (c != 0)
			return c < 0 ? -1 : 1;
		x++;
		y++;
	}
	if (*x != '\0' || *y != '\0')
		return *x != '\0' ? 1 : -1;
	c = strcmp(a, b);
	return c < 0 ? -1 : c > 0;
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

char *view_normalise_path(const char *path)
{
	char *copy, *out, *seg, *save = NULL;
	char **parts;
	size_t n = 0, i, len;

	if (path == NULL)
		return NULL;
	copy = xstrdup(path);
	parts = xcalloc(strlen(path) + 1, sizeof *parts);
	for (seg = strtok_r(copy, "/", &save); seg != NULL;
	    seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			if (n > 0 && strcmp(parts[n - 1], "..") != 0)
				n--;
			else if (path[0] != '/')
				parts[n++] = seg;
			continue;
		}
		parts[n++] = seg;
	}
	len = strlen(path) + 2;
	out = xcalloc(1, len);
	if (path[0] == '/')
		strcat(out, "/");
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(out, "/");
		strcat(out, parts[i]);
	}
	if (*out == '\0')
		strcat(out, ".");
	free(parts);
	free(copy);
	return out;
}

int view_jobs_count(void)
{
	struct m_desktop **ds, *d;
	const struct job *j;
	size_t n, i;
	int jobs = 0;

	ds = model_desktops(&n);
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
