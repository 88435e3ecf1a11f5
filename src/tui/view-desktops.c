/* view-desktops.c — the desktops pane and a desktop's details (disks with
 * their backing chains, NICs, graphics with the address a viewer needs). */
#include "tui/views.h"
#include "core/cpufit.h"
#include "core/format.h"
#include "core/model.h"
#include "core/text.h"
#include "core/util.h"
#include "virt/virt-xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { C_NAME, C_STATE, C_HOST, C_VCPU, C_MEM, C_CPU, C_DISK, C_NET,
	C_UPTIME, C_COUNT };

static const struct table_column cols[C_COUNT] = {
	[C_NAME] = { "DESKTOP", 16, 8, 0, 0, 1 },
	[C_STATE] = { "STATE", 14, 9, 0, 0, 0 },
	[C_HOST] = { "HOST", 10, 6, 0, 0, 0 },
	[C_VCPU] = { "VCPU", 4, 0, 1, 1, 0 },
	[C_MEM] = { "MEM", 6, 0, 1, 1, 0 },
	[C_CPU] = { "CPU%", 5, 4, 1, 1, 0 },
	[C_DISK] = { "DISK RD WR", 13, 0, 1, 1, 0 },
	[C_NET] = { "NET RX TX", 13, 0, 1, 1, 0 },
	[C_UPTIME] = { "UPTIME", 7, 0, 1, 1, 0 },
};

static const char spinner_ascii[] = "|/-\\";
static const char *const spinner_utf8[] = {
	"\xe2\xa0\x8b", "\xe2\xa0\x99", "\xe2\xa0\xb9", "\xe2\xa0\xb8",
	"\xe2\xa0\xbc", "\xe2\xa0\xb4", "\xe2\xa0\xa6", "\xe2\xa0\xa7",
};

/* What a row shows of a desktop, copied under the model lock: the row
 * keeps it, and its cells are formatted from it once the lock is
 * released, when the row is drawn (table_lazy). */
struct desk_copy {
	char uuid[40];
	char *name;             /* NULL: none */
	char *host;             /* where it counts, NULL: none */
	char *live;             /* split brain: every live host, "+" between */
	char *pending, *job_kind;       /* NULL: none */
	enum desktop_state state;
	int split, job_active, group;
	int template;           /* a template desktop (is_template) */
	int stuck;              /* its CPU runs on no other hypervisor */
	unsigned vcpus;
	double job_pct, cpu_pct, rd_bps, wr_bps, rx_bps, tx_bps;
	uint64_t job_iteration, memory_kib, gen;
	int64_t started_wall_ms;
	int64_t up;             /* seconds, -1: none (set when filled) */
	/* name and host need no escaping (text_is_plain): their cells are
	 * them as they are (set when filled, for sort_text) */
	unsigned char name_plain, host_plain;
};

/* Live desktops (running, paused, ...) are the few an operator looks for
 * among hundreds shut off: they come first. */
static int live_group(enum desktop_state s)
{
	switch (s) {
	case DS_RUNNING: case DS_BLOCKED: case DS_PAUSED: case DS_PMSUSPENDED:
	case DS_SHUTDOWN:
		return 0;
	default:
		return 1;
	}
}

static char *dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* Lock held. A shut-off desktop whose disk (its first) is a file of the
 * templates pool on its host: what Shift-N accepts (the same rule as
 * act_desktop_not_template, by path: no volume lookup per desktop). */
static int is_template(const struct m_desktop *d, const struct m_host *h,
    enum desktop_state state)
{
	const char *tp = views_pool_templates(), *src = NULL;
	size_t i, len;

	if (state != DS_SHUTOFF || h == NULL || tp == NULL)
		return 0;
	for (i = 0; i < d->xml.ndisks && src == NULL; i++)
		if (d->xml.disks[i].device == NULL ||
		    strcmp(d->xml.disks[i].device, "disk") == 0)
			src = d->xml.disks[i].source;
	if (src == NULL)
		return 0;
	for (i = 0; i < h->npools; i++) {
		const struct m_pool *p = h->pools[i];

		if (strcmp(p->name, tp) != 0 || p->target_path == NULL)
			continue;
		len = strlen(p->target_path);
		return strncmp(src, p->target_path, len) == 0 &&
		    src[len] == '/' && strchr(src + len + 1, '/') == NULL;
	}
	return 0;
}

/* Lock held. */
static void copy_desktop(struct desk_copy *c, const struct m_desktop *d)
{
	const struct m_place *p = model_desktop_place(d);
	const struct m_host *h = p != NULL ? model_host(p->host_id) : NULL;

	memset(c, 0, sizeof *c);
	snprintf(c->uuid, sizeof c->uuid, "%s", d->uuid);
	c->name = dup_or_null(d->name);
	c->split = d->split_brain;
	c->host = dup_or_null(h != NULL ? h->name : NULL);
	c->stuck = cpufit_stuck(d);
	c->live = c->split ? model_desktop_live_hosts(d, "+") : NULL;
	c->pending = dup_or_null(model_desktop_pending_now(d));
	c->job_kind = dup_or_null(d->job_kind);
	c->state = model_desktop_state(d);
	c->group = live_group(c->state);
	c->template = is_template(d, h, c->state);
	c->job_active = d->job_active;
	c->vcpus = d->xml.vcpus;
	c->memory_kib = d->xml.memory_kib;
	c->job_pct = d->job_pct;
	c->job_iteration = d->job_iteration;
	c->cpu_pct = d->cpu_pct;
	c->rd_bps = d->rd_bps;
	c->wr_bps = d->wr_bps;
	c->rx_bps = d->rx_bps;
	c->tx_bps = d->tx_bps;
	c->started_wall_ms = d->started_wall_ms;
	c->gen = d->gen;
}

static void copy_free(struct desk_copy *c)
{
	free(c->name);
	free(c->host);
	free(c->live);
	free(c->pending);
	free(c->job_kind);
}

/* A row's data (table_lazy). */
static void data_free(void *data)
{
	copy_free(data);
	free(data);
}

static void state_cell(struct table_row *r, const struct desk_copy *c, int ascii)
{
	int64_t frame = util_now_ms() / 150;

	if (c->split) {
		/* above any spinner or job: nothing else about it matters */
		table_cell(r, C_STATE, SLOT_SPLIT_BRAIN, "SPLIT");
	} else if (c->pending != NULL) {
		if (ascii)
			table_cell(r, C_STATE, SLOT_STATE_TRANSITION, "%c %s",
			    spinner_ascii[frame % 4], c->pending);
		else
			table_cell(r, C_STATE, SLOT_STATE_TRANSITION, "%s %s",
			    spinner_utf8[frame % 8], c->pending);
	} else if (c->job_active && c->job_kind != NULL &&
	    strcmp(c->job_kind, "migration") == 0) {
		if (c->job_pct >= 0)
			table_cell(r, C_STATE, SLOT_JOB, "migrating %.0f%%", c->job_pct);
		else
			table_cell(r, C_STATE, SLOT_JOB, "migrating #%llu",
			    (unsigned long long)c->job_iteration);
	} else if (c->job_active) {
		table_cell(r, C_STATE, SLOT_JOB, "%s", c->job_kind ? c->job_kind : "job");
	} else if (c->template) {
		/* shut off, and what Shift-N makes desktops from */
		table_cell(r, C_STATE, SLOT_TITLE, "template");
	} else {
		table_cell(r, C_STATE, view_desktop_slot(c->state), "%s",
		    model_state_name(c->state));
	}
}

/* The pane's own order: live first, then by name as people count
 * ("desk-2" before "desk-10"), then UUID so equal names stay put. Rows
 * keep the keys (group, the name's text_natural_key, made once per row:
 * a sort of 10,000 rows by a column of few values, STATE or HOST, falls
 * back to this order on most comparisons) so the table orders them as
 * they change. */
static int default_order(const struct table_row *a, const struct table_row *b)
{
	int c = a->group - b->group;

	if (c == 0 && (a->order_text == NULL || b->order_text == NULL))
		c = (a->order_text != NULL) - (b->order_text != NULL);
	else if (c == 0)
		c = strcmp(a->order_text, b->order_text);
	return c != 0 ? c : strcmp(a->key, b->key);
}

/* The figures' cells of a row; no lock needed. */
static void figures(struct table_row *r, const struct desk_copy *c)
{
	char a[16], b[16];

	table_cell(r, C_VCPU, SLOT_NORMAL, "%u", c->vcpus);
	table_cell(r, C_MEM, SLOT_NORMAL, "%s",
	    format_size(a, sizeof a, c->memory_kib * 1024));
	table_cell(r, C_CPU, SLOT_NORMAL, "%s",
	    format_percent(a, sizeof a, c->cpu_pct));
	table_cell(r, C_DISK, SLOT_NORMAL, "%s %s",
	    format_rate(a, sizeof a, c->rd_bps), format_rate(b, sizeof b, c->wr_bps));
	table_cell(r, C_NET, SLOT_NORMAL, "%s %s",
	    format_rate(a, sizeof a, c->rx_bps), format_rate(b, sizeof b, c->tx_bps));
	table_cell(r, C_UPTIME, SLOT_NORMAL, "%s",
	    format_duration(a, sizeof a, c->state == DS_UNKNOWN ? -1 : c->up));
}

/* What the NAME cell and a plain HOST cell show: format_row and
 * sort_text alike (the sort must read what the cells will say). */
static const char *name_text(const struct desk_copy *c)
{
	return c->name ? c->name : c->uuid;
}

static const char *host_text(const struct desk_copy *c)
{
	return c->host != NULL ? c->host : "-";
}

/* The cells of a row from its copy (table_lazy: only for rows drawn,
 * filtered or sorted by text). */
static void format_row(struct table_row *r, const void *data, int ascii)
{
	const struct desk_copy *c = data;

	table_cell(r, C_NAME, SLOT_NORMAL, "%s", name_text(c));
	state_cell(r, c, ascii);
	if (c->split)
		table_cell(r, C_HOST, SLOT_SPLIT_BRAIN, "%s", c->live);
	else if (c->stuck)	/* cpufit.h: no other hypervisor runs its CPU */
		table_cell(r, C_HOST, SLOT_ALERT, "%s !CPU", host_text(c));
	else
		table_cell(r, C_HOST, SLOT_NORMAL, "%s", host_text(c));
	figures(r, c);
}

/* A text column's cell without formatting the row (table_lazy_sort),
 * where it is one of the copy's fields as format_row writes it: a sort
 * by name at 10,000 desktops formats none (it formatted them all, ~0.1 s
 * on the first sort). A spinner, a job, a split or a CPU alert: NULL,
 * that row is formatted. */
static const char *sort_text(const struct table_row *r, int col)
{
	const struct desk_copy *c = r->data;
	const char *s;

	switch (col) {
	case C_NAME:
		s = c->name_plain ? name_text(c) : NULL;
		break;
	case C_STATE:	/* libvirt's states are words of our own */
		s = c->split || c->pending != NULL || c->job_active ||
		    c->template ? NULL : model_state_name(c->state);
		break;
	case C_HOST:
		s = c->split || c->stuck || !c->host_plain ? NULL : host_text(c);
		break;
	default:
		s = NULL;
	}
	return s;
}

/* What a row needs before its cells: its order, sort values and filter
 * fields; it takes the copy (*c is emptied) for its cells to come. */
static void fill(struct table_row *r, struct desk_copy *c)
{
	struct desk_copy *data = xmalloc(sizeof *data);

	c->up = c->started_wall_ms > 0 ?
	    (util_wall_ms() - c->started_wall_ms) / 1000 : -1;
	c->name_plain = text_is_plain(name_text(c)) != 0;
	c->host_plain = c->host == NULL || text_is_plain(c->host);
	r->gen = c->gen;
	r->group = c->group;
	r->order_text = c->name != NULL ? text_natural_key(c->name) : NULL;
	/* "state:split" finds every split brain */
	r->state = c->split ? "split" : model_state_name(c->state);
	r->host = c->host;	/* the "host:" filter's name, in the data */
	r->dim = c->state == DS_UNKNOWN;
	r->tags = c->template ? TABLE_TAG_TEMPLATE : 0;
	r->num[C_VCPU] = c->vcpus;
	r->num[C_MEM] = (double)c->memory_kib;
	r->num[C_CPU] = c->cpu_pct;
	r->num[C_DISK] = (c->rd_bps > 0 ? c->rd_bps : 0) + (c->wr_bps > 0 ? c->wr_bps : 0);
	r->num[C_NET] = (c->rx_bps > 0 ? c->rx_bps : 0) + (c->tx_bps > 0 ? c->tx_bps : 0);
	r->num[C_UPTIME] = (double)c->up;
	/* what time alone changes: a spinner, an uptime */
	r->ticking = c->up >= 0 || c->pending != NULL;
	*data = *c;
	memset(c, 0, sizeof *c);
	r->data = data;
}

static void build(struct table *t, int ascii)
{
	struct m_desktop **ds;
	struct desk_copy c;
	size_t n, i;

	table_set_order(t, default_order);
	table_lazy(t, format_row, data_free, ascii);
	table_lazy_sort(t, sort_text);
	ds = model_desktops(&n);
	for (i = 0; i < n; i++) {
		copy_desktop(&c, ds[i]);
		fill(table_add(t, ds[i]->uuid), &c);
	}
}

/* The desktops changed since their rows were formatted. */
struct desk_changes {
	struct desk_copy *v;
	size_t n;
};

/* The row of the i-th of the model's desktops. A generation is given to
 * one object only (the model's global counter), so a row with d's
 * generation is d's row: the guess from the last walk is checked
 * without comparing keys, which matters when every stats sample walks
 * 10,000 desktops. Lock held. */
static size_t row_of(struct table *t, size_t i, const struct m_desktop *d)
{
	size_t row = t->pos_row[i];

	if (row < t->nrows && d->gen != 0 && t->rows[row].gen == d->gen)
		return row;
	row = table_find(t, d->uuid);
	t->pos_row[i] = row;
	return row;
}

/* Lock held. Walk the desktops comparing generations (cheap) and copy
 * only those whose rows must change (on a tick, also the rows a clock
 * moves); rows of the others are marked seen. */
static void *collect(struct table *t, int tick)
{
	struct desk_changes *ch = xcalloc(1, sizeof *ch);
	struct m_desktop **ds;
	size_t n, i, row, cap = 0;
	/* the hosts' answers about CPUs are no desktop's change: when they
	 * moved (rarely: a host connected), every row is copied again */
	static uint64_t fit_seen;
	uint64_t fit = cpufit_generation();
	int all = fit != fit_seen;

	fit_seen = fit;
	ds = model_desktops(&n);
	if (t->npos != n) {
		t->pos_row = xreallocarray(t->pos_row, n + 1, sizeof *t->pos_row);
		for (i = t->npos; i < n; i++)
			t->pos_row[i] = TABLE_NONE;
		t->npos = n;
	}
	table_walk_begin(t);
	for (i = 0; i < n; i++) {
		row = row_of(t, i, ds[i]);
		if (!all && row != TABLE_NONE && t->rows[row].gen == ds[i]->gen &&
		    !(tick && t->rows[row].ticking)) {
			table_touch(t, row);
			continue;
		}
		if (ch->n == cap) {
			cap = cap ? cap * 2 : 16;
			ch->v = xreallocarray(ch->v, cap, sizeof *ch->v);
		}
		copy_desktop(&ch->v[ch->n++], ds[i]);
	}
	return ch;
}

/* No lock: format the copies into their rows, in the current order, and
 * drop the rows of desktops that are gone. */
static size_t apply(struct table *t, void *changes, int ascii)
{
	struct desk_changes *ch = changes;
	struct table_row *r;
	size_t i, done = ch->n;

	t->ascii = ascii;	/* for the cells formatted from now on */
	for (i = 0; i < ch->n; i++) {
		r = table_update_begin(t, ch->v[i].uuid);
		fill(r, &ch->v[i]);
		table_update_end(t, r);
	}
	free(ch->v);
	free(ch);
	return done + table_walk_end(t);
}

/* Where a viewer should connect: a listen address of "any" or loopback
 * means "the host itself", so show the host's name instead. */
static const char *viewer_host(const struct xml_graphics *g, const struct m_host *h)
{
	if (g->listen == NULL || strcmp(g->listen, "0.0.0.0") == 0 ||
	    strcmp(g->listen, "::") == 0)
		return h != NULL && h->hostname != NULL ? h->hostname : "?";
	return g->listen;
}

/* The CPU it asks for ("qemu64 +1 feature (qemu)") and where it can
 * run (cpufit.h): "can run on: hv1, hv3"; an attached console's table
 * is the server's (cpufit-json.h). */
static void details_cpu(const struct m_desktop *d, struct text *out)
{
	struct facts_cpu def;
	char *on, *model = NULL, *cause = NULL;
	size_t unknown, nfeat = 0;

	if (d->xml.cpu_key == NULL || facts_cpu_parse(d->xml.cpu_key,
	    &def) < 0) {
		text_add(out, SLOT_NORMAL, "  CPU       the hypervisor's default");
	} else {
		if (virtxml_cpu_summary(def.cpu_xml, &model, &nfeat, &cause) < 0)
			free(cause);
		text_add(out, SLOT_NORMAL, "  CPU       %s +%zu feature%s (%s)",
		    model != NULL ? model : "custom", nfeat, nfeat == 1 ? "" :
		    "s", def.virt_type != NULL ? def.virt_type : "?");
		free(model);
		facts_cpu_free(&def);
	}
	on = cpufit_runs_on(d, &unknown);
	text_add(out, cpufit_stuck(d) || (*on == '\0' && unknown == 0) ?
	    SLOT_ALERT : SLOT_NORMAL, "            can run on: %s%s",
	    *on ? on : unknown > 0 ? "no host known" : "nowhere",
	    unknown > 0 ? " (some hosts not known)" : "");
	free(on);
}

static void details_state(const struct m_desktop *d, const struct m_place *p,
    const struct m_host *h, struct text *out)
{
	const char *pending = model_desktop_pending_now(d);
	size_t i;
	char a[16];

	text_add(out, SLOT_TITLE, "Desktop %s", d->name);
	text_add(out, SLOT_NORMAL, "  UUID      %s", d->uuid);
	text_add(out, view_desktop_slot(model_desktop_state(d)), "  state     %s%s%s",
	    model_state_name(model_desktop_state(d)), pending ? ", " : "",
	    pending ? pending : "");
	if (d->split_brain) {
		char *where = model_desktop_live_hosts(d, " AND ");

		text_add(out, SLOT_SPLIT_BRAIN, "  SPLIT BRAIN: running on %s "
		    "\xe2\x80\x94 two QEMUs on one disk", where);
		free(where);
	}
	if (is_template(d, h, model_desktop_state(d)))
		text_add(out, SLOT_TITLE, "  kind      template desktop: its disk is "
		    "in the %s pool (Shift-N makes desktops from it)",
		    views_pool_templates());
	text_add(out, SLOT_NORMAL, "  host      %s%s", h ? h->name : "-",
	    p != NULL && !p->persistent ? " (transient)" : "");
	for (i = 0; i < d->nplaces; i++) {
		const struct m_host *ph = model_host(d->places[i].host_id);

		text_add(out, SLOT_DIM, "            known on %s as %s",
		    ph ? ph->name : "?", model_state_name(d->places[i].state));
	}
	text_add(out, SLOT_NORMAL, "  vCPUs     %u", d->xml.vcpus);
	details_cpu(d, out);
	text_add(out, SLOT_NORMAL, "  memory    %s", format_size(a, sizeof a, d->xml.memory_kib * 1024));
	if (d->xml.title)
		text_add(out, SLOT_NORMAL, "  title     %s", d->xml.title);
	if (d->job_active)
		text_add(out, SLOT_JOB, "  job       %s, %s%%", d->job_kind ? d->job_kind : "?",
		    format_percent(a, sizeof a, d->job_pct));
}

static void details_disks(const struct m_desktop *d, const struct m_host *h,
    struct text *out)
{
	size_t i;

	text_add(out, SLOT_HEADER, "Disks (%zu)", d->xml.ndisks);
	for (i = 0; i < d->xml.ndisks; i++) {
		const struct xml_disk *dk = &d->xml.disks[i];

		text_add(out, SLOT_NORMAL, "  %-5s %-6s %-6s %s", dk->target ? dk->target : "-",
		    dk->device ? dk->device : "-", dk->format ? dk->format : "-",
		    dk->source ? dk->source : "(empty)");
		view_volumes_disk_chain(dk->source, h ? h->name : NULL,
		    dk->backing, dk->nbacking, out);
	}
}

static void details_devices(const struct m_desktop *d, const struct m_host *h,
    struct text *out)
{
	size_t i;

	text_add(out, SLOT_HEADER, "Network interfaces (%zu)", d->xml.nnics);
	for (i = 0; i < d->xml.nnics; i++) {
		const struct xml_nic *nic = &d->xml.nics[i];

		text_add(out, SLOT_NORMAL, "  %-17s %-8s %-12s %-8s %s", nic->mac ? nic->mac : "-",
		    nic->type ? nic->type : "-", nic->source ? nic->source : "-",
		    nic->model ? nic->model : "-", nic->target ? nic->target : "");
	}
	text_add(out, SLOT_HEADER, "Graphics (%zu)", d->xml.ngraphics);
	for (i = 0; i < d->xml.ngraphics; i++) {
		const struct xml_graphics *g = &d->xml.graphics[i];

		if (g->port > 0)
			text_add(out, SLOT_NORMAL, "  %-6s connect a viewer to %s:%d",
			    g->type ? g->type : "?", viewer_host(g, h), g->port);
		else
			text_add(out, SLOT_DIM, "  %-6s no port (not running)",
			    g->type ? g->type : "?");
	}
}

static void details(const char *key, struct text *out)
{
	struct m_desktop *d = model_desktop(key);
	const struct m_place *p;
	const struct m_host *h;

	if (d == NULL) {
		text_add(out, SLOT_ALERT, "desktop %s is gone", key);
		return;
	}
	p = model_desktop_place(d);
	h = p != NULL ? model_host(p->host_id) : NULL;
	details_state(d, p, h, out);
	text_add(out, SLOT_NORMAL, "%s", "");
	details_disks(d, h, out);
	details_devices(d, h, out);
}

const struct view view_desktops = {
	PANE_DESKTOPS, "Desktops", cols, C_COUNT, build, collect, apply, details,
};
