/* wall-alerts.c — the wall's alert band across frames: an alert is a
 * condition of the snapshot (wall-data.c) by its key; it stays while the
 * condition holds, keeps when it began (its age) and its place, oldest
 * first, and goes the frame its condition is gone. */
#include "tui/wall.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

static struct wall_cond *find_cond(struct wall_snap *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->nconds; i++)
		if (s->conds[i].key != NULL && strcmp(s->conds[i].key, key) == 0)
			return &s->conds[i];
	return NULL;
}

/* Insert keeping the order by age (a new alert whose condition began
 * earlier, an offline host, goes before younger ones). */
static void insert(struct wall_alerts *a, struct wall_cond *c, int64_t now)
{
	int64_t since = c->since_wall_ms > 0 && c->since_wall_ms < now ?
	    c->since_wall_ms : now;
	size_t i = a->n;

	while (i > 0 && a->v[i - 1].since_wall_ms > since)
		i--;
	a->v = xreallocarray(a->v, a->n + 1, sizeof *a->v);
	memmove(a->v + i + 1, a->v + i, (a->n - i) * sizeof *a->v);
	a->v[i].key = c->key;
	a->v[i].text = c->text;
	a->v[i].since_wall_ms = since;
	a->v[i].split_brain = c->split_brain;
	a->n++;
	c->key = c->text = NULL;
}

void wall_alerts_update(struct wall_alerts *a, struct wall_snap *s,
    int64_t now_wall_ms)
{
	struct wall_cond *c;
	size_t i, k = 0;

	for (i = 0; i < a->n; i++) {
		if ((c = find_cond(s, a->v[i].key)) == NULL) {
			free(a->v[i].key);
			free(a->v[i].text);
			continue;
		}
		free(a->v[i].text);	/* the text may move on (a stale age) */
		a->v[i].text = c->text;
		c->text = NULL;
		free(c->key);
		c->key = NULL;
		a->v[k++] = a->v[i];
	}
	a->n = k;
	for (i = 0; i < s->nconds; i++)
		if (s->conds[i].key != NULL)
			insert(a, &s->conds[i], now_wall_ms);
	for (i = 0; i < s->nconds; i++) {
		free(s->conds[i].key);
		free(s->conds[i].text);
	}
	free(s->conds);
	s->conds = NULL;
	s->nconds = 0;
}

void wall_alerts_free(struct wall_alerts *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		free(a->v[i].key);
		free(a->v[i].text);
	}
	free(a->v);
	a->v = NULL;
	a->n = 0;
}
