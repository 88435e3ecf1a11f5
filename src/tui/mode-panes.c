/* mode-panes.c — the bottom mode: the panes with their tables, the events
 * strip, the mouse. A pane's rows are refreshed from the model only when
 * the signatures of what it shows moved (or on a tick, for the panes that
 * show clocks and spinners), not on every key. The desktops pane is built
 * whole once, then updated row by row: under the model lock only the
 * desktops that changed are copied, and formatted after it is released. */
#include "tui/mode.h"
#include "core/cpufit.h"
#include "core/job.h"
#include "core/model.h"
#include "tui/theme.h"
#include "tui/ui.h"
#include "tui/ui-box.h"
#include "core/util.h"
#include "tui/views.h"

#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What changed in one kind of model object: any add or change gives the
 * object the newest global generation (so the maximum moves), a removal
 * alone lowers the count. Jobs have one counter for every change. */
struct kind_sig {
	uint64_t max_gen;
	size_t count;
};

/* Besides the kinds of objects, narrower signatures (a hash in max_gen)
 * for panes that show little of a kind, so a host's or a desktop's stats
 * sample does not rebuild them: SIG_HOST_SHAPE, the hosts and their
 * states (not their figures); SIG_RUNNING, the hosts' running counters;
 * SIG_DEFS, what the volumes pane shows of desktops (names, disks, the
 * hosts that know them); SIG_CPUFIT, the hosts' CPU answers (a desktop's
 * !CPU mark: an answer that comes after every desktop's change, as a
 * server's table does to an attached console, changes no desktop). */
enum { SIG_HOSTS, SIG_POOLS, SIG_DESKTOPS, SIG_JOBS, SIG_HOST_SHAPE,
	SIG_RUNNING, SIG_DEFS, SIG_CPUFIT, SIG_COUNT };

/* The kinds each pane's rows are made of. */
static const unsigned pane_kinds[PANE_COUNT] = {
	[PANE_HOSTS] = 1u << SIG_HOSTS | 1u << SIG_RUNNING,
	[PANE_POOLS] = 1u << SIG_HOSTS | 1u << SIG_POOLS,
	[PANE_VOLUMES] = 1u << SIG_HOST_SHAPE | 1u << SIG_POOLS | 1u << SIG_DEFS,
	[PANE_DESKTOPS] = 1u << SIG_HOST_SHAPE | 1u << SIG_DESKTOPS |
	    1u << SIG_CPUFIT,
	[PANE_JOBS] = 1u << SIG_HOSTS | 1u << SIG_DESKTOPS | 1u << SIG_JOBS,
};

/* Panes that show time (clocks, countdowns, spinners, elapsed): a tick
 * refreshes them; the others change only with the model. */
static const unsigned pane_ticks = 1u << PANE_HOSTS | 1u << PANE_DESKTOPS |
    1u << PANE_JOBS;

/* A desktop's SIG_DEFS hash, kept while its generation stays. */
struct def_hash {
	char uuid[40];
	uint64_t gen, hash;
};

#define TRIM_INTERVAL_MS 2000

struct panes {
	struct table tables[PANE_COUNT];
	struct kind_sig seen[PANE_COUNT][SIG_COUNT];	/* at the last build */
	int built[PANE_COUNT];
	unsigned builds[PANE_COUNT];
	struct layout layout;
	enum pane_id focus;
	int rows, cols, ascii;
	char **marks;           /* marked desktops' keys (UUIDs), owned */
	size_t nmarks;
	struct def_hash *defs;  /* sorted by UUID, like the model's desktops */
	size_t ndefs;
	size_t defs_cap;
	struct def_hash *spare; /* the next walk's array, reused */
	size_t spare_cap;
	/* the model's part of the signatures, as of model generation
	 * sigs_gen: a key or a tick with nothing changed in the model reuses
	 * it instead of walking 10,000 desktops (sigs_valid: computed once) */
	struct kind_sig sigs[SIG_COUNT];
	uint64_t sigs_gen;
	int sigs_valid;
	int rebuilt;            /* a pane was built whole since the last trim */
	int64_t trimmed_ms;     /* when the heap was last trimmed */
};

struct panes *panes_new(int rows, int cols, int ascii)
{
	struct panes *p = xcalloc(1, sizeof *p);
	int i;

	for (i = 0; i < PANE_COUNT; i++)
		table_init(&p->tables[i], view_of((enum pane_id)i)->cols,
		    view_of((enum pane_id)i)->ncols);
	p->focus = PANE_DESKTOPS;
	p->rows = rows;
	p->cols = cols;
	p->ascii = ascii;
	return p;
}

void panes_free(struct panes *p)
{
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < PANE_COUNT; i++)
		table_free(&p->tables[i]);
	panes_mark_clear(p);
	free(p->defs);
	free(p->spare);
	free(p);
}

struct panes *panes_of(struct ui *u)
{
	return u->panes;
}

struct table *panes_table(struct panes *p, enum pane_id pane)
{
	return &p->tables[pane];
}

enum pane_id panes_focus(const struct panes *p)
{
	return p->focus;
}

void panes_set_focus(struct panes *p, enum pane_id pane)
{
	p->focus = pane;
}

void panes_move_focus(struct panes *p, int delta)
{
	p->focus = (enum pane_id)(((int)p->focus + delta + PANE_COUNT) % PANE_COUNT);
}

unsigned panes_builds(const struct panes *p, enum pane_id pane)
{
	return p->builds[pane];
}

const char *panes_selected(struct panes *p, enum pane_id *pane)
{
	const struct table_row *r = table_selected(&p->tables[p->focus]);

	*pane = p->focus;
	return r != NULL ? r->key : NULL;
}

static int pane_rows(const struct panes *p, enum pane_id pane)
{
	int h = p->layout.pane[pane].h - 3;	/* borders and header */

	return h > 1 ? h : 1;
}

/* ---- marks (desktops only): kept by key across rebuilds ---- */

static size_t mark_index(const struct panes *p, const char *key)
{
	size_t i;

	for (i = 0; i < p->nmarks; i++)
		if (strcmp(p->marks[i], key) == 0)
			return i;
	return p->nmarks;
}

/* Flag the desktops pane's rows from the marks, and forget marks of
 * desktops that are gone, so the count is always what an action hits. */
static void marks_apply(struct panes *p)
{
	struct table *t = &p->tables[PANE_DESKTOPS];
	size_t i, k, kept = 0;
	char *seen = xcalloc(p->nmarks + 1, 1);

	for (i = 0; i < t->nrows; i++) {
		k = mark_index(p, t->rows[i].key);
		t->rows[i].marked = k < p->nmarks;
		if (k < p->nmarks)
			seen[k] = 1;
	}
	for (k = 0; k < p->nmarks; k++) {
		if (seen[k])
			p->marks[kept++] = p->marks[k];
		else
			free(p->marks[k]);
	}
	p->nmarks = kept;
	free(seen);
}

static void mark_set(struct panes *p, const char *key, int on)
{
	size_t k = mark_index(p, key);

	if (on && k == p->nmarks) {
		p->marks = xreallocarray(p->marks, p->nmarks + 1, sizeof *p->marks);
		p->marks[p->nmarks++] = xstrdup(key);
	} else if (!on && k < p->nmarks) {
		free(p->marks[k]);
		p->marks[k] = p->marks[--p->nmarks];
	}
}

int panes_mark_toggle(struct panes *p)
{
	struct table *t = &p->tables[PANE_DESKTOPS];
	const struct table_row *r = table_selected(t);

	if (p->focus != PANE_DESKTOPS || r == NULL)
		return -1;
	mark_set(p, r->key, mark_index(p, r->key) == p->nmarks);
	marks_apply(p);
	table_move(t, 1, pane_rows(p, PANE_DESKTOPS));	/* htop: on to the next */
	return 0;
}

int panes_mark_shown(struct panes *p)
{
	struct table *t = &p->tables[PANE_DESKTOPS];
	size_t i;

	if (p->focus != PANE_DESKTOPS)
		return -1;
	for (i = 0; i < t->nshown; i++)
		mark_set(p, t->rows[t->shown[i]].key, 1);
	marks_apply(p);
	return 0;
}

size_t panes_mark_clear(struct panes *p)
{
	size_t i, n = p->nmarks;

	for (i = 0; i < p->nmarks; i++)
		free(p->marks[i]);
	free(p->marks);
	p->marks = NULL;
	p->nmarks = 0;
	for (i = 0; i < p->tables[PANE_DESKTOPS].nrows; i++)
		p->tables[PANE_DESKTOPS].rows[i].marked = 0;
	return n;
}

char *const *panes_marks(const struct panes *p, size_t *n)
{
	*n = p->nmarks;
	return p->marks;
}

/* ---- rebuilding ---- */

static void sig_add(struct kind_sig *s, uint64_t gen)
{
	s->count++;
	if (gen > s->max_gen)
		s->max_gen = gen;
}

/* FNV-1a, continued from h. */
static uint64_t hash_str(uint64_t h, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return (h ^ 0xff) * 1099511628211u;	/* ends the string */
}

static uint64_t hash_num(uint64_t h, uint64_t v)
{
	return (h ^ v) * 1099511628211u;
}

/* What the volumes pane shows of d. Lock held. */
static uint64_t def_hash(const struct m_desktop *d)
{
	uint64_t h = hash_str(14695981039346656037u, d->uuid);
	size_t k;

	h = hash_str(h, d->name);
	for (k = 0; k < d->xml.ndisks; k++)
		h = hash_str(h, d->xml.disks[k].source);
	for (k = 0; k < d->nplaces; k++)
		h = hash_num(h, d->places[k].host_id);
	return h;
}

/* SIG_DEFS: the sum of the desktops' def hashes, each hashed again only
 * when its desktop's generation moved. Lock held. */
static void defs_sig(struct panes *p, struct m_desktop **ds, size_t n,
    struct kind_sig *sig)
{
	struct def_hash *now;
	size_t i, j = 0, cap;
	int c;

	if (p->spare_cap < n + 1) {
		p->spare = xreallocarray(p->spare, n + 1, sizeof *p->spare);
		p->spare_cap = n + 1;
	}
	now = p->spare;

	for (i = 0; i < n; i++) {
		/* a generation is one object's: the same one at the same
		 * place needs no key compared */
		c = i < p->ndefs && ds[i]->gen != 0 &&
		    p->defs[i].gen == ds[i]->gen ? (j = i, 0) : 1;
		while (c != 0 && j < p->ndefs &&
		    (c = strcmp(p->defs[j].uuid, ds[i]->uuid)) < 0)
			j++;
		if (c == 0 && p->defs[j].gen == ds[i]->gen) {
			now[i] = p->defs[j];
		} else {
			snprintf(now[i].uuid, sizeof now[i].uuid, "%s", ds[i]->uuid);
			now[i].gen = ds[i]->gen;
			now[i].hash = def_hash(ds[i]);
		}
		sig->max_gen += now[i].hash;
	}
	sig->count = n;
	/* the arrays swap: the last walk's is the next one's to fill */
	cap = p->spare_cap;
	p->spare = p->defs;
	p->spare_cap = p->defs_cap;
	p->defs = now;
	p->defs_cap = cap;
	p->ndefs = n;
}

/* Lock held: the model's objects walked. */
static void walk_sigs(struct panes *p, struct kind_sig sig[SIG_COUNT])
{
	struct m_host **hosts;
	struct m_desktop **ds;
	size_t n, i, k;

	memset(sig, 0, SIG_COUNT * sizeof *sig);
	hosts = model_hosts(&n);
	for (i = 0; i < n; i++) {
		sig_add(&sig[SIG_HOSTS], hosts[i]->gen);
		for (k = 0; k < hosts[i]->npools; k++)
			sig_add(&sig[SIG_POOLS], hosts[i]->pools[k]->gen);
		sig[SIG_HOST_SHAPE].max_gen = hash_num(hash_num(
		    sig[SIG_HOST_SHAPE].max_gen, hosts[i]->id), hosts[i]->state);
		sig[SIG_RUNNING].max_gen = hash_num(hash_num(
		    sig[SIG_RUNNING].max_gen, hosts[i]->id), hosts[i]->running);
	}
	sig[SIG_HOST_SHAPE].count = sig[SIG_RUNNING].count = n;
	ds = model_desktops(&n);
	for (i = 0; i < n; i++)
		sig_add(&sig[SIG_DESKTOPS], ds[i]->gen);
	defs_sig(p, ds, n, &sig[SIG_DEFS]);
}

/* Lock held. Every change of the model bumps its generation (model.h):
 * with none since the last walk, the last walk's signatures stand. */
static void model_sigs(struct panes *p, struct kind_sig sig[SIG_COUNT])
{
	uint64_t g = model_generation_locked();

	if (!p->sigs_valid || p->sigs_gen != g) {
		walk_sigs(p, p->sigs);
		p->sigs_gen = g;
		p->sigs_valid = 1;
	}
	memcpy(sig, p->sigs, SIG_COUNT * sizeof *sig);
	/* jobs keep their own counter (model lock before job lock: allowed) */
	sig[SIG_JOBS].max_gen = job_generation();
	sig[SIG_CPUFIT].max_gen = cpufit_generation();	/* model, then cpufit */
}

static int moved(const struct panes *p, int pane, const struct kind_sig sig[SIG_COUNT])
{
	int k;

	for (k = 0; k < SIG_COUNT; k++)
		if ((pane_kinds[pane] & (1u << k)) &&
		    (sig[k].max_gen != p->seen[pane][k].max_gen ||
		    sig[k].count != p->seen[pane][k].count))
			return 1;
	return 0;
}

/* Lock held. A pane with per-row updates is built whole only the first
 * time (a sort or filter re-orders the rows it has, see ui-table.h);
 * after that only what changed is copied here, and formatted by
 * apply_changes once the lock is released. Returns those changes (NULL:
 * none, the pane is up to date). */
static void *build(struct panes *p, int pane, const struct kind_sig sig[SIG_COUNT],
    int tick)
{
	const struct view *v = view_of((enum pane_id)pane);
	struct table *t = &p->tables[pane];
	void *changes = NULL;

	if (v->collect != NULL && p->built[pane]) {
		changes = v->collect(t, tick);
	} else {
		table_clear(t);
		v->build(t, p->ascii);
		table_finish(t);
		table_fit(t);
		p->rebuilt = 1;
		if (pane == PANE_DESKTOPS)
			marks_apply(p);
	}
	memcpy(p->seen[pane], sig, SIG_COUNT * sizeof *sig);
	p->built[pane] = 1;
	p->builds[pane]++;
	return changes;
}

/* Lock released: format what build copied. */
static void apply_changes(struct panes *p, int pane, void *changes)
{
	/* without marks no row is marked: a new row starts unmarked, an
	 * updated one keeps its flag */
	if (changes != NULL &&
	    view_of((enum pane_id)pane)->apply(&p->tables[pane], changes,
	    p->ascii) > 0 && pane == PANE_DESKTOPS && p->nmarks > 0)
		marks_apply(p);
}

int panes_refresh(struct panes *p, int tick)
{
	struct kind_sig sig[SIG_COUNT];
	void *changes[PANE_COUNT] = { NULL };
	size_t nh;
	int i, n = 0;

	model_lock();
	model_hosts(&nh);
	layout_compute(p->rows, p->cols, p->focus, (int)nh, &p->layout);
	model_sigs(p, sig);
	for (i = 0; i < PANE_COUNT; i++) {
		if (p->layout.too_small || p->layout.pane[i].h == 0)
			continue;	/* a hidden pane catches up when shown */
		if (!p->built[i] || (tick && (pane_ticks & 1u << i)) ||
		    moved(p, i, sig)) {
			changes[i] = build(p, i, sig, tick);
			n++;
		}
	}
	model_unlock();
	for (i = 0; i < PANE_COUNT; i++)
		apply_changes(p, i, changes[i]);
	/* a whole build (the first ones, as each host's inventory comes in;
	 * the volumes pane's) frees the rows it replaces and its working
	 * copies: tens of MiB at fleet scale, left in holes of the heap.
	 * While inventories pour in, builds come back to back and would
	 * fault the pages straight back in: at most one trim per interval,
	 * the one due caught by a later refresh. */
	if (p->rebuilt && util_now_ms() - p->trimmed_ms >= TRIM_INTERVAL_MS) {
		util_release_free();
		p->rebuilt = 0;
		p->trimmed_ms = util_now_ms();
	}
	return n;
}

/* ---- selecting by name ---- */

int panes_select(struct panes *p, enum pane_id pane, const char *key)
{
	struct table *t = &p->tables[pane];

	p->focus = pane;
	table_set_filter(t, NULL);
	return table_select_key(t, key);
}

/* A row shows this name: its key, or its first cell (after any tree
 * drawing the volumes pane puts before the name, and before any note it
 * puts after: "vol.qcow2 (backs itself)"). */
static int row_named(struct table *t, size_t row, const char *name)
{
	const char *c, *note;
	size_t cl, nl = strlen(name), i;

	if (strcmp(t->rows[row].key, name) == 0)
		return 1;
	c = table_cell_text(t, row, 0);
	cl = strlen(c);
	if ((cl < nl || strcmp(c + cl - nl, name) != 0) &&
	    (note = strstr(c, " (")) != NULL)
		cl = (size_t)(note - c);
	if (cl < nl || strncmp(c + cl - nl, name, nl) != 0)
		return 0;
	for (i = 0; i < cl - nl; i++)
		if (isalnum((unsigned char)c[i]))
			return 0;
	return cl == nl || c[cl - nl - 1] == ' ';
}

int panes_go(struct panes *p, const char *name, int only_pane)
{
	static const enum pane_id order[] = { PANE_HOSTS, PANE_DESKTOPS,
		PANE_POOLS, PANE_VOLUMES };
	struct kind_sig sig[SIG_COUNT];
	char *key = NULL;
	size_t i, r;
	enum pane_id pane = PANE_HOSTS;

	for (i = 0; i < sizeof order / sizeof order[0] && key == NULL; i++) {
		struct table *t = &p->tables[order[i]];
		void *changes = NULL;

		if (only_pane >= 0 && (int)order[i] != only_pane)
			continue;
		/* a hidden pane's rows may be stale */
		model_lock();
		model_sigs(p, sig);
		if (!p->built[order[i]] || moved(p, (int)order[i], sig))
			changes = build(p, (int)order[i], sig, 0);
		model_unlock();
		apply_changes(p, (int)order[i], changes);
		for (r = 0; r < t->nrows && key == NULL; r++)
			if (row_named(t, r, name)) {
				key = xstrdup(t->rows[r].key);
				pane = order[i];
			}
	}
	if (key == NULL)
		return -1;
	panes_select(p, pane, key);
	free(key);
	return 0;
}

/* ---- the mode ---- */

static void draw_pane(struct panes *p, enum pane_id pane)
{
	struct rect r = p->layout.pane[pane];
	struct table *t = &p->tables[pane];
	const struct view *v = view_of(pane);
	char title[160];

	if (r.h < 3 || r.w < 4)
		return;
	if (t->filter == NULL)
		snprintf(title, sizeof title, " %d %s (%zu) ", (int)pane + 1, v->title,
		    t->nshown);
	else
		snprintf(title, sizeof title, " %d %s (%zu of %zu) [/%s] ", (int)pane + 1,
		    v->title, t->nshown, t->nrows, t->filter);
	if (pane == PANE_DESKTOPS && p->nmarks > 0)
		snprintf(title + strlen(title), sizeof title - strlen(title),
		    "%zu marked ", p->nmarks);
	ui_box(r, pane == p->focus, title, p->ascii);
	table_draw(t, r.y + 1, r.x + 1, r.h - 2, r.w - 2, pane == p->focus, p->ascii);
	if (pane == PANE_HOSTS && t->nrows == 0 && r.h > 3) {
		attrset(theme_attr(SLOT_DIM));
		mvaddnstr(r.y + 2, r.x + 2, "no hosts yet: press 1 then a to add "
		    "one over SSH, or run hvdeck host add (see hvdeck(1))", r.w - 4);
		attrset(theme_attr(SLOT_NORMAL));
	}
}

static void draw_events(struct panes *p)
{
	struct rect r = p->layout.events;
	const struct m_event *e;
	size_t n, i, first;
	int lines = r.h - 2, line = 0;
	char stamp[16];
	struct tm tm;
	time_t t;

	if (r.h < 3)
		return;
	ui_box(r, 0, " Events ", p->ascii);
	model_lock();
	model_event_at(0, &n);
	first = n > (size_t)lines ? n - (size_t)lines : 0;
	for (i = first; i < n; i++, line++) {
		e = model_event_at(i, &n);
		t = (time_t)(e->wall_ms / 1000);
		localtime_r(&t, &tm);
		strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
		attrset(theme_attr(SLOT_EVENT_TIME));
		mvaddstr(r.y + 1 + line, r.x + 1, stamp);
		attrset(theme_attr(e->severity == SEV_ERROR ? SLOT_ALERT :
		    e->severity == SEV_WARN ? SLOT_STATE_PAUSED : SLOT_NORMAL));
		table_put_text(r.y + 1 + line, r.x + 10, e->text, r.w - 11, 0,
		    p->ascii);
	}
	model_unlock();
	attrset(theme_attr(SLOT_NORMAL));
}

static void panes_init(struct mode *m, void *arg)
{
	struct ui *u = m->ui;

	(void)arg;
	m->data = panes_new(u->rows, u->cols, u->ascii);
	u->panes = m->data;
}

static void panes_draw(struct mode *m, struct rect r)
{
	struct panes *p = m->data;
	int i;

	(void)r;	/* the layout covers the screen above the status line */
	panes_refresh(p, m->ui->tick);
	for (i = 0; i < PANE_COUNT; i++)
		if (p->layout.pane[i].h > 0)
			draw_pane(p, (enum pane_id)i);
	draw_events(p);
}

static void panes_resize(struct mode *m, int rows, int cols)
{
	struct panes *p = m->data;

	p->rows = rows;
	p->cols = cols;
}

static void panes_move(struct mode *m, enum mode_move how)
{
	struct panes *p = m->data;
	struct table *t = &p->tables[p->focus];
	int rows = pane_rows(p, p->focus);

	switch (how) {
	case MOVE_UP: table_move(t, -1, rows); break;
	case MOVE_DOWN: table_move(t, 1, rows); break;
	case MOVE_PAGE_UP: table_move(t, -rows, rows); break;
	case MOVE_PAGE_DOWN: table_move(t, rows, rows); break;
	case MOVE_HOME: table_home(t); break;
	case MOVE_END: table_end(t, rows); break;
	}
}

/* The mouse: focus the pane under the pointer and select the row there;
 * a double click opens details like Enter. */
static int panes_key(struct mode *m, int ch)
{
	struct panes *p = m->data;
	MEVENT ev;
	int i;

	if (ch == 27 && p->nmarks > 0) {	/* Esc: the marks before the filter */
		panes_mark_clear(p);
		return 1;
	}
	if (ch != KEY_MOUSE)
		return 0;
	if (getmouse(&ev) != OK)
		return 1;
	for (i = 0; i < PANE_COUNT; i++) {
		struct rect r = p->layout.pane[i];

		if (r.h == 0 || ev.y < r.y || ev.y >= r.y + r.h ||
		    ev.x < r.x || ev.x >= r.x + r.w)
			continue;
		if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
			/* the wheel scrolls the pane under the pointer */
			table_move(&p->tables[i], (ev.bstate & BUTTON4_PRESSED) ?
			    -3 : 3, pane_rows(p, (enum pane_id)i));
			break;
		}
		p->focus = (enum pane_id)i;
		/* below the border and the header line */
		if (table_click(&p->tables[i], ev.y - r.y - 2) &&
		    (ev.bstate & BUTTON1_DOUBLE_CLICKED))
			ui_key(m->ui, '\n');
		break;
	}
	return 1;
}

static void panes_mode_free(struct mode *m)
{
	if (m->ui->panes == m->data)
		m->ui->panes = NULL;
	panes_free(m->data);
}

const struct mode_type mode_panes = {
	.name = "panes",
	.keys = KT_PANES,
	.init = panes_init,
	.key = panes_key,
	.draw = panes_draw,
	.resize = panes_resize,
	.move = panes_move,
	.free = panes_mode_free,
};
