/* view-pools.c — storage pools. Pools of several hosts with one share key
 * (the same storage: pool-share.h) are one row listing its hosts; a local
 * pool is a row of its own even where its target path is another host's.
 * A merged row counts the hosts where the pool is active ("active 2/3")
 * and shows the sizes of one host's view, the first where it is active;
 * the details show that view with the same numbers, then every host's. */
#include "tui/views.h"
#include "core/format.h"
#include "core/model.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { C_NAME, C_STATE, C_TYPE, C_TARGET, C_CAP, C_ALLOC, C_AVAIL, C_BAR,
	C_VOLS, C_HOSTS, C_COUNT };

static const struct table_column cols[C_COUNT] = {
	[C_NAME] = { "POOL", 12, 6, 0, 0, 0 },
	[C_STATE] = { "STATE", 10, 0, 0, 0, 0 },
	[C_TYPE] = { "TYPE", 6, 0, 0, 0, 0 },
	[C_TARGET] = { "TARGET", 20, 0, 0, 0, 1 },
	[C_CAP] = { "SIZE", 6, 5, 1, 1, 0 },
	[C_ALLOC] = { "USED", 6, 0, 1, 1, 0 },
	[C_AVAIL] = { "FREE", 6, 5, 1, 1, 0 },
	[C_BAR] = { "USE", 10, 0, 0, 1, 0 },
	[C_VOLS] = { "VOLS", 4, 4, 1, 1, 0 },
	[C_HOSTS] = { "HOSTS", 14, 6, 0, 0, 1 },
};

/* The row key of a pool: its share key when it is shared storage, else
 * "local HOST/NAME" (no share key starts with "local "). Caller frees. */
static char *pool_key(const struct m_host *h, const struct m_pool *p)
{
	if (p->share_key != NULL)
		return xstrdup(p->share_key);
	return xasprintf("local %s/%s", h->name, p->name);
}

/* One (host, pool) seen; entries with the same key become one row. */
struct entry {
	char *key;
	const struct m_host *host;
	const struct m_pool *pool;
	size_t order;           /* hosts first to last: keeps the first host's view */
};

static int by_key_then_order(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* All (host, pool) pairs sorted by key, so a shared pool is one run. */
static struct entry *entries(size_t *count)
{
	struct m_host **hosts;
	struct entry *e;
	size_t n, i, k, total = 0;

	hosts = model_hosts(&n);
	for (i = 0; i < n; i++)
		total += hosts[i]->npools;
	e = xcalloc(total + 1, sizeof *e);
	*count = 0;
	for (i = 0; i < n; i++) {
		for (k = 0; k < hosts[i]->npools; k++, (*count)++) {
			e[*count].key = pool_key(hosts[i], hosts[i]->pools[k]);
			e[*count].host = hosts[i];
			e[*count].pool = hosts[i]->pools[k];
			e[*count].order = *count;
		}
	}
	if (*count > 1)
		qsort(e, *count, sizeof *e, by_key_then_order);
	return e;
}

static void entries_free(struct entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(e[i].key);
	free(e);
}

/* A pool counts as active on a host that is not offline (an offline
 * host's pools are its last known state). */
static int active_on(const struct entry *e)
{
	return e->pool->active && e->host->state != HOST_OFFLINE;
}

/* The entry of a run whose view the row and the details show: the first
 * host where the pool is active, else the first. */
static const struct entry *shown_view(const struct entry *run, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (active_on(&run[i]))
			return &run[i];
	return &run[0];
}

/* A pool's sizes as every place shows them: the pane's cells and the
 * details use this one formatting. */
struct pool_space {
	char size[16], used[16], free[16];
};

static void pool_space(const struct m_pool *p, struct pool_space *s)
{
	format_size(s->size, sizeof s->size, p->capacity);
	format_size(s->used, sizeof s->used, p->allocation);
	format_size(s->free, sizeof s->free, p->available);
}

static void add_row(struct table *t, const struct entry *run, size_t len)
{
	const struct m_pool *p = shown_view(run, len)->pool;
	struct table_row *r = table_add(t, run[0].key);
	struct pool_space sp;
	char *names = NULL, *tmp;
	size_t i, active = 0;
	int offline = 1;

	for (i = 0; i < len; i++) {
		tmp = names == NULL ? xstrdup(run[i].host->name) :
		    xasprintf("%s,%s", names, run[i].host->name);
		free(names);
		names = tmp;
		active += (size_t)active_on(&run[i]);
		offline &= run[i].host->state == HOST_OFFLINE;
	}
	r->state = active > 0 ? "active" : "inactive";
	r->host = run[0].host->name;
	r->dim = offline;
	table_cell(r, C_NAME, SLOT_NORMAL, "%s", p->name);
	if (active > 0 && active < len)	/* some hosts lack it: a warning */
		table_cell(r, C_STATE, SLOT_STATE_PAUSED, "active %zu/%zu",
		    active, len);
	else
		table_cell(r, C_STATE, active ? SLOT_STATE_RUNNING :
		    SLOT_STATE_SHUTOFF, "%s", r->state);
	table_cell(r, C_TYPE, SLOT_NORMAL, "%s", p->type ? p->type : "-");
	table_cell(r, C_TARGET, SLOT_NORMAL, "%s", p->target_path ? p->target_path : "-");
	pool_space(p, &sp);
	r->num[C_CAP] = (double)p->capacity;
	table_cell(r, C_CAP, SLOT_NORMAL, "%s", sp.size);
	r->num[C_ALLOC] = (double)p->allocation;
	table_cell(r, C_ALLOC, SLOT_NORMAL, "%s", sp.used);
	r->num[C_AVAIL] = (double)p->available;
	table_cell(r, C_AVAIL, SLOT_NORMAL, "%s", sp.free);
	if (p->capacity > 0) {
		r->bar_col = C_BAR;
		r->bar_frac = (double)p->allocation / (double)p->capacity;
		r->bar_slot = SLOT_BAR_DISK;
		r->num[C_BAR] = r->bar_frac;
		table_cell(r, C_BAR, SLOT_NORMAL, "%.0f%%", r->bar_frac * 100);
	}
	r->num[C_VOLS] = (double)p->nvols;
	table_cell(r, C_VOLS, SLOT_NORMAL, "%zu", p->nvols);
	table_cell(r, C_HOSTS, SLOT_NORMAL, "%s", names);
	free(names);
}

static void build(struct table *t, int ascii)
{
	size_t n, i, end;
	struct entry *e = entries(&n);

	(void)ascii;
	for (i = 0; i < n; i = end) {
		for (end = i + 1; end < n && strcmp(e[end].key, e[i].key) == 0; end++)
			;
		add_row(t, e + i, end - i);
	}
	entries_free(e, n);
}

/* The pool as one host sees it (the row's view): sizes, why it counts as
 * shared or local, its volumes. */
static void pool_text(const struct entry *e, struct text *out)
{
	const struct m_pool *p = e->pool;
	struct pool_space sp;
	char a[16];
	size_t v;

	pool_space(p, &sp);
	text_add(out, SLOT_TITLE, "Pool %s (%s) at %s", p->name,
	    p->type ? p->type : "-", p->target_path ? p->target_path : "-");
	text_add(out, SLOT_NORMAL, "  size %s, used %s, free %s (as %s sees it)",
	    sp.size, sp.used, sp.free, e->host->name);
	text_add(out, SLOT_NORMAL, "  storage   %s", p->share_basis != NULL ?
	    p->share_basis : "local: the pool's XML could not be read");
	text_add(out, SLOT_HEADER, "Volumes (%zu)", p->nvols);
	for (v = 0; v < p->nvols; v++)
		text_add(out, SLOT_NORMAL, "  %-28s %-6s %6s  %s%s",
		    p->vols[v].name, p->vols[v].format ? p->vols[v].format : "-",
		    format_size(a, sizeof a, p->vols[v].capacity),
		    p->vols[v].backing_path ? "backed by " : "",
		    p->vols[v].backing_path ? p->vols[v].backing_path : "");
}

/* One host's line: its state of the pool and the sizes it sees. */
static void host_text(const struct entry *e, struct text *out)
{
	const struct m_pool *p = e->pool;
	struct pool_space sp;

	pool_space(p, &sp);
	if (e->host->state == HOST_OFFLINE)
		text_add(out, SLOT_DIM, "  %-12s as %-12s unknown (host offline; "
		    "last seen %s)", e->host->name, p->name,
		    p->active ? "active" : "inactive");
	else if (p->active)
		text_add(out, SLOT_NORMAL, "  %-12s as %-12s active%s: size %s, "
		    "used %s, free %s", e->host->name, p->name,
		    p->autostart ? ", autostart" : "", sp.size, sp.used, sp.free);
	else
		text_add(out, SLOT_STATE_PAUSED, "  %-12s as %-12s inactive%s",
		    e->host->name, p->name, p->autostart ? ", autostart" : "");
}

static void details(const char *key, struct text *out)
{
	size_t n, i, end;
	struct entry *e = entries(&n);

	for (i = 0; i < n && strcmp(e[i].key, key) != 0; i++)
		;
	for (end = i; end < n && strcmp(e[end].key, key) == 0; end++)
		;
	if (i == end) {
		text_add(out, SLOT_ALERT, "pool %s is gone", key);
		entries_free(e, n);
		return;
	}
	pool_text(shown_view(e + i, end - i), out);
	text_add(out, SLOT_HEADER, "Defined on");
	for (; i < end; i++)
		host_text(&e[i], out);
	entries_free(e, n);
}

const struct view view_pools = {
	PANE_POOLS, "Storage pools", cols, C_COUNT, build, NULL, NULL, details,
};
