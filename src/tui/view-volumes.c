/* view-volumes.c — volumes as a forest of backing chains: base ->
 * templates -> desktop disks, each with the desktops that use it. A volume
 * on shared storage (a pool with a share key) seen through several hosts is
 * one node; a volume of a local pool is its host's own, even at a path
 * another host's local pool also has. Backing links come from hosts and
 * may loop: a cycle is cut for the tree and marked, and every walk along
 * backing links is bounded by the number of volumes. A backing file that
 * is no volume hvdeck knows is told apart: missing (an active pool at its
 * directory, on a host that sees the volume, does not list it) or merely
 * outside every known pool (hvdeck cannot tell whether it exists).
 * Sorting orders siblings only (ui-tree.h). The volumes and their backing
 * links are vol-deps' index, and what depends on a volume is vol-deps'
 * answer: the pane and a delete never disagree. */
#include "tui/views.h"
#include "core/format.h"
#include "core/intern.h"
#include "core/model.h"
#include "core/text.h"
#include "tui/ui-tree.h"
#include "core/util.h"
#include "act/vol-deps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { C_NAME, C_FORMAT, C_CAP, C_ALLOC, C_POOL, C_DERIVED, C_USERS, C_COUNT };

static const struct table_column cols[C_COUNT] = {
	[C_NAME] = { "VOLUME", 28, 12, 0, 0, 1 },
	[C_FORMAT] = { "FORMAT", 6, 0, 0, 0, 0 },
	[C_CAP] = { "SIZE", 6, 5, 1, 1, 0 },
	[C_ALLOC] = { "ALLOC", 6, 0, 1, 1, 0 },
	[C_POOL] = { "POOL", 10, 0, 0, 0, 0 },
	[C_DERIVED] = { "DERIVED", 7, 0, 1, 1, 0 },
	[C_USERS] = { "USED BY", 16, 0, 0, 0, 1 },
};

/* What is wrong with a volume's backing chain, as far as hvdeck can know. */
enum chain_problem {
	CP_NONE,
	CP_SELF,       /* backed by itself */
	CP_CYCLE,      /* on a longer backing cycle */
	CP_MISSING,    /* backing file absent from the pool listing its dir */
	CP_OUTSIDE,    /* backing file in no pool hvdeck knows */
};

struct node {
	const struct m_volume *vol;
	const char *pool, *host;
	const char *share;  /* the pool's share key, NULL: local */
	const char *scope;  /* NULL: shared storage; else the host it is local to */
	unsigned host_id;
	const char *path;        /* normalised (the index's) */
	char *key;       /* row key: the path, or "HOST\tPATH" when local */
	const char *backing;     /* normalised, NULL when none */
	long backer;     /* index of the volume it is backed by, -1: none known */
	long parent;     /* in the tree: backer, except -1 where a cycle is cut */
	int children;
	int cycle;       /* on a backing cycle (a file backing itself too) */
	enum chain_problem problem;
	/* CP_MISSING: the pool whose listing lacks the file, and its host */
	const struct m_pool *proof;
	const char *proof_host;
};

/* nodes[i] is ix.n[i] (vol-deps.h) with what the tree adds */
struct forest {
	struct node *nodes;
	size_t n;
	struct vol_index ix;
};

/* Index of the node with this path in this scope (in any scope with
 * any_scope), or -1. */
static long find_in(const struct forest *f, const char *path, const char *scope,
    int any_scope)
{
	return vol_index_find(&f->ix, path, scope, any_scope);
}

/* Mark the cycles of the backing graph (each node has at most one backer,
 * so a walk from any node ends at a root, at a node already finished, or
 * at a node of its own walk: a cycle). Each cycle is cut at its member with
 * the smallest path, which becomes a root, so the tree walks end and every
 * volume on or under a cycle is still shown. O(n): each node is walked once. */
static void cut_cycles(struct forest *f)
{
	long *walk_of = xcalloc(f->n + 1, sizeof *walk_of);
	size_t i;
	long k, m, cut;

	for (i = 0; i < f->n; i++)
		walk_of[i] = -1;
	for (i = 0; i < f->n; i++) {
		for (k = (long)i; k >= 0 && walk_of[k] < 0; k = f->nodes[k].backer)
			walk_of[k] = (long)i;
		if (k < 0 || walk_of[k] != (long)i)
			continue;	/* a root, or a part already finished */
		cut = k;
		m = k;
		do {
			f->nodes[m].cycle = 1;
			if (strcmp(f->nodes[m].path, f->nodes[cut].path) < 0)
				cut = m;
			m = f->nodes[m].backer;
		} while (m != k);
		f->nodes[cut].parent = -1;
	}
	free(walk_of);
}

/* Whether host h sees the storage nd lives on. */
static int host_sees(const struct m_host *h, const struct node *nd)
{
	size_t k;

	if (nd->scope != NULL)
		return strcmp(h->name, nd->scope) == 0;
	for (k = 0; k < h->npools; k++)
		if (h->pools[k]->share_key != NULL &&
		    strcmp(h->pools[k]->share_key, nd->share) == 0)
			return 1;
	return 0;
}

/* A pool that proves nd's backing file missing: active, on an online host
 * that sees nd, and its target is the file's directory, whose every file
 * it lists. Called only when find_backer found no volume at that path in
 * any scope nd can see, so such a pool does not list the file. NULL: no
 * pool says so, the file may exist outside the pools hvdeck knows. */
static const struct m_pool *missing_proof(const struct node *nd,
    const char **host)
{
	struct m_host **hosts;
	size_t n, i, k, dirlen;
	const char *slash = strrchr(nd->backing, '/');

	if (slash == NULL)
		return NULL;
	dirlen = slash == nd->backing ? 1 : (size_t)(slash - nd->backing);
	hosts = model_hosts(&n);
	for (i = 0; i < n; i++) {
		if ((hosts[i]->state != HOST_ONLINE &&
		    hosts[i]->state != HOST_READONLY) || !host_sees(hosts[i], nd))
			continue;
		for (k = 0; k < hosts[i]->npools; k++) {
			const struct m_pool *p = hosts[i]->pools[k];
			char *dir = text_normalise_path(p->target_path);
			int here = dir != NULL && strlen(dir) == dirlen &&
			    strncmp(dir, nd->backing, dirlen) == 0;

			free(dir);
			if (here && p->active) {
				*host = hosts[i]->name;
				return p;
			}
		}
	}
	return NULL;
}

/* Node i's chain problem, once backers and cycles are known. */
static void classify(struct node *nd, long i)
{
	nd->problem = CP_NONE;
	if (nd->backer == i)
		nd->problem = CP_SELF;
	else if (nd->cycle)
		nd->problem = CP_CYCLE;
	else if (nd->backing != NULL && nd->backer < 0) {
		nd->proof = missing_proof(nd, &nd->proof_host);
		nd->problem = nd->proof != NULL ? CP_MISSING : CP_OUTSIDE;
	}
}

/* Every volume of every pool once, linked to the volume it is backed by,
 * as vol-deps indexes them (so the tree and a delete agree), with the
 * tree's cuts and each chain's problem. */
static void gather(struct forest *f)
{
	size_t i;

	vol_index_build(&f->ix);
	f->n = f->ix.count;
	f->nodes = xcalloc(f->n + 1, sizeof *f->nodes);
	for (i = 0; i < f->n; i++) {
		const struct vol_node *vn = &f->ix.n[i];
		struct node *nd = &f->nodes[i];

		nd->vol = vn->v;
		nd->pool = vn->p->name;
		nd->host = vn->h->name;
		nd->host_id = vn->h->id;
		nd->scope = vn->scope;
		nd->share = vn->p->share_key;
		nd->path = vn->path;
		nd->backing = vn->backing;
		nd->key = nd->scope == NULL ? xstrdup(nd->path) :
		    xasprintf("%s\t%s", nd->scope, nd->path);
		nd->backer = nd->parent = vn->backer;
	}
	cut_cycles(f);
	for (i = 0; i < f->n; i++) {
		if (f->nodes[i].parent >= 0)
			f->nodes[f->nodes[i].parent].children++;
		classify(&f->nodes[i], (long)i);
	}
}

static void forest_free(struct forest *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->nodes[i].key);
	free(f->nodes);
	vol_index_free(&f->ix);
}

/* Which desktop uses which disk: every disk source, normalised, sorted by
 * path, so each volume finds its users by binary search. */
struct disk_use {
	char *path;
	const char *desktop;
	const struct m_desktop *d;
};

struct uses {
	struct disk_use *v;
	size_t n;
};

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct disk_use *)a)->path,
	    ((const struct disk_use *)b)->path);
}

static void uses_gather(struct uses *u)
{
	struct m_desktop **ds;
	size_t n, i, k, total = 0;

	ds = model_desktops(&n);
	for (i = 0; i < n; i++)
		total += ds[i]->xml.ndisks;
	u->v = xcalloc(total + 1, sizeof *u->v);
	u->n = 0;
	for (i = 0; i < n; i++) {
		for (k = 0; k < ds[i]->xml.ndisks; k++) {
			if (ds[i]->xml.disks[k].source == NULL)
				continue;
			u->v[u->n].path = vol_deps_disk_path(ds[i],
			    ds[i]->xml.disks[k].source);
			u->v[u->n].d = ds[i];
			u->v[u->n++].desktop = ds[i]->name != NULL ? ds[i]->name : ds[i]->uuid;
		}
	}
	if (u->n > 1)
		qsort(u->v, u->n, sizeof *u->v, by_path);
}

static void uses_free(struct uses *u)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		free(u->v[i].path);
	free(u->v);
}

/* A file of a local pool is used only by desktops of its host. */
static int may_use(const struct m_desktop *d, const struct node *nd)
{
	size_t i;

	if (nd->scope == NULL)
		return 1;
	for (i = 0; i < d->nplaces; i++)
		if (d->places[i].host_id == nd->host_id)
			return 1;
	return 0;
}

/* Names of the desktops with a disk on this volume's path. Caller frees. */
static char *users_of(const struct uses *u, const struct node *nd)
{
	const char *path = nd->path, *last = NULL;
	size_t lo = 0, hi = u->n;
	char *out = NULL, *tmp;

	while (lo < hi) {	/* first entry >= path */
		size_t mid = (lo + hi) / 2;

		if (strcmp(u->v[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < u->n && strcmp(u->v[lo].path, path) == 0; lo++) {
		/* a desktop with two disks on one file is named once */
		if ((last != NULL && strcmp(last, u->v[lo].desktop) == 0) ||
		    !may_use(u->v[lo].d, nd))
			continue;
		last = u->v[lo].desktop;
		tmp = out == NULL ? xstrdup(last) : xasprintf("%s,%s", out, last);
		free(out);
		out = tmp;
	}
	return out;
}

/* Children of each node are found in `order`: all nodes sorted by parent,
 * then by name, so one parent's children are one run. */
static int by_parent_then_name(const void *a, const void *b)
{
	const struct node *x = *(struct node *const *)a;
	const struct node *y = *(struct node *const *)b;

	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	return strcmp(x->vol->name, y->vol->name);
}

/* The first index in order whose node has this parent (or order's end). */
static size_t first_child(const struct node **order, size_t n, long parent)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (order[mid]->parent < parent)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The name cell: the volume's name and what is wrong with its chain. */
static void name_cell(struct table_row *r, const struct node *nd)
{
	const char *name = nd->vol->name;

	switch (nd->problem) {
	case CP_SELF:
		table_cell(r, C_NAME, SLOT_VOLUME_PROBLEM, "%s (backs itself)", name);
		break;
	case CP_CYCLE:
		table_cell(r, C_NAME, SLOT_VOLUME_PROBLEM, "%s (backing cycle)", name);
		break;
	case CP_MISSING:
		table_cell(r, C_NAME, SLOT_VOLUME_PROBLEM,
		    "%s (backing file missing: %s)", name, nd->backing);
		break;
	case CP_OUTSIDE:
		table_cell(r, C_NAME, SLOT_NORMAL,
		    "%s (backing not in any known pool: %s)", name, nd->backing);
		break;
	case CP_NONE:
		table_cell(r, C_NAME, nd->children > 0 ? SLOT_TITLE : SLOT_NORMAL,
		    "%s", name);
		break;
	}
}

/* What a row's cells other than its name are formatted from when drawn
 * (table_lazy); its DERIVED count is its sort value. Format
 * and pool are interned: shared, and safe to read after the lock. */
struct vol_cells {
	const char *format, *pool;
	char *users;        /* owned; NULL: none */
	uint64_t capacity, allocation;
	/* bit i: column i's text needs no escaping (text_is_plain), its
	 * cell is it as it is (for sort_text) */
	unsigned char plain;
};

static void cells_free(void *data)
{
	struct vol_cells *c = data;

	free(c->users);
	free(c);
}

/* What the FORMAT and USED BY cells show: format_row and sort_text
 * alike (the sort must read what the cells will say). */
static const char *format_text(const struct vol_cells *c)
{
	return c->format ? c->format : "-";
}

static const char *users_text(const struct vol_cells *c)
{
	return c->users ? c->users : "";
}

/* The cells but the name (the tree's, formatted at build): lazily, only
 * for rows drawn or filtered. */
static void format_row(struct table_row *r, const void *data, int ascii)
{
	const struct vol_cells *c = data;
	char a[16];

	(void)ascii;
	table_cell(r, C_FORMAT, SLOT_NORMAL, "%s", format_text(c));
	table_cell(r, C_CAP, SLOT_NORMAL, "%s",
	    format_size(a, sizeof a, c->capacity));
	table_cell(r, C_ALLOC, SLOT_NORMAL, "%s",
	    format_size(a, sizeof a, c->allocation));
	table_cell(r, C_POOL, SLOT_NORMAL, "%s", c->pool);
	if (r->num[C_DERIVED] > 0)
		table_cell(r, C_DERIVED, SLOT_KEY, "%d", (int)r->num[C_DERIVED]);
	table_cell(r, C_USERS, SLOT_NORMAL, "%s", users_text(c));
}

/* A text column's cell without formatting the row (table_lazy_sort):
 * a sort by FORMAT, POOL or USED BY at 30,000 volumes formats none. */
static const char *sort_text(const struct table_row *r, int col)
{
	const struct vol_cells *c = r->data;
	const char *s;

	if (!(c->plain & 1u << col))
		return NULL;
	switch (col) {
	case C_FORMAT:
		s = format_text(c);
		break;
	case C_POOL:
		s = c->pool;
		break;
	case C_USERS:
		s = users_text(c);
		break;
	default:
		s = NULL;
	}
	return s;
}

static int protected_pool(const char *pool)
{
	const char *b = views_pool_bases(), *t = views_pool_templates();

	return pool == NULL || (b != NULL && strcmp(pool, b) == 0) ||
	    (t != NULL && strcmp(pool, t) == 0);
}

/* A row under the row at index parent (-1: a root); returns its index.
 * Lock held (intern.h). */
static long add_row(struct table *t, const struct uses *u,
    const struct node *nd, long parent)
{
	struct table_row *r = table_add(t, nd->key);
	struct vol_cells *c = xmalloc(sizeof *c);

	c->format = intern_str(nd->vol->format);
	c->pool = intern_str(nd->pool);
	c->users = users_of(u, nd);
	c->capacity = nd->vol->capacity;
	c->allocation = nd->vol->allocation;
	c->plain = (unsigned char)(
	    (text_is_plain(format_text(c)) ? 1u << C_FORMAT : 0) |
	    (c->pool != NULL && text_is_plain(c->pool) ? 1u << C_POOL : 0) |
	    (text_is_plain(users_text(c)) ? 1u << C_USERS : 0));
	r->data = c;
	r->state = c->format;
	r->host = intern_str(nd->host);
	r->tree_parent = parent;
	name_cell(r, nd);
	r->num[C_CAP] = (double)nd->vol->capacity;
	r->num[C_ALLOC] = (double)nd->vol->allocation;
	r->num[C_DERIVED] = nd->children;
	/* an overlay left behind (desktop delete without its disk): nothing
	 * uses it, and it is no base or template */
	if (c->users == NULL && nd->children == 0 && !protected_pool(nd->pool))
		r->tags = TABLE_TAG_UNUSED;
	return (long)t->nrows - 1;
}

/* Depth-first under parent (-1: the roots), children sorted by name: the
 * pane's own order. The table draws the branches (ui-tree.h). */
static void walk(struct table *t, const struct uses *u, const struct forest *f,
    const struct node **order, long parent, long parent_row)
{
	size_t i = first_child(order, f->n, parent), end = i;

	while (end < f->n && order[end]->parent == parent)
		end++;
	for (; i < end; i++) {
		long row = add_row(t, u, order[i], parent_row);

		walk(t, u, f, order, order[i] - f->nodes, row);
	}
}

static void build(struct table *t, int ascii)
{
	struct forest f = { NULL, 0, { NULL, 0 } };
	struct uses u;
	const struct node **order;
	size_t i;

	gather(&f);
	uses_gather(&u);
	order = xcalloc(f.n + 1, sizeof *order);
	for (i = 0; i < f.n; i++)
		order[i] = &f.nodes[i];
	if (f.n > 1)
		qsort(order, f.n, sizeof *order, by_parent_then_name);
	table_tree(t, C_NAME, ascii);
	table_lazy(t, format_row, cells_free, ascii);
	table_lazy_sort(t, sort_text);
	walk(t, &u, &f, order, -1, -1);
	free(order);
	uses_free(&u);
	forest_free(&f);
}

/* Why the chain of a volume whose backing is not known ends where it does. */
static void chain_end(const struct node *nd, const char *indent,
    struct text *out)
{
	if (nd->problem == CP_MISSING)
		text_add(out, SLOT_VOLUME_PROBLEM, "%s%s: backing file missing "
		    "(pool %s on %s lists its directory without it)", indent,
		    nd->backing, nd->proof->name, nd->proof_host);
	else if (nd->problem == CP_OUTSIDE)
		text_add(out, SLOT_DIM, "%s%s: not in any known pool (hvdeck "
		    "cannot tell whether it exists)", indent, nd->backing);
}

/* One level of a chain as `qemu-img info --backing-chain` tells it:
 * format, virtual size, allocation, backing file and its format, as the
 * hosts' libvirt read them. */
static void level_facts(const struct node *nd, struct text *out)
{
	const struct m_volume *v = nd->vol;
	char a[16], b[16];

	text_add(out, SLOT_DIM, "      %s/%s%s%s: format %s, virtual size %s, "
	    "allocation %s", nd->pool, v->name, nd->scope != NULL ? " on " : "",
	    nd->scope != NULL ? nd->scope : "", v->format ? v->format : "-",
	    format_size(a, sizeof a, v->capacity),
	    format_size(b, sizeof b, v->allocation));
	if (nd->backing != NULL)
		text_add(out, SLOT_DIM, "      backing file %s, format %s",
		    nd->backing, v->backing_format ? v->backing_format : "-");
	else
		text_add(out, SLOT_DIM, "      no backing file: the base");
}

/* The chain below volume i (from=i: with i itself), one path a line, each
 * after "line" (with facts, each level's facts under it). Each volume is
 * listed once: a volume met again ends the walk as a backing cycle, so the
 * walk takes at most f->n steps whatever the backing links say. */
static void chain_walk(const struct forest *f, long i, int from, int facts,
    const char *line, struct text *out)
{
	char *seen = xcalloc(f->n + 1, 1);
	long k, last = i;

	seen[i] = 1;
	if (from)
		text_add(out, SLOT_NORMAL, "%s%s", line, f->nodes[i].path);
	if (from && facts)
		level_facts(&f->nodes[i], out);
	for (k = f->nodes[i].backer; k >= 0 && !seen[k];
	    last = k, k = f->nodes[k].backer) {
		seen[k] = 1;
		text_add(out, SLOT_NORMAL, "%s%s", line, f->nodes[k].path);
		if (facts)
			level_facts(&f->nodes[k], out);
	}
	if (k >= 0 && k == last)
		text_add(out, SLOT_VOLUME_PROBLEM, "%s%s backs itself: the chain "
		    "never reaches a base", line, f->nodes[k].path);
	else if (k >= 0)
		text_add(out, SLOT_VOLUME_PROBLEM, "%s%s again: a backing cycle, "
		    "the chain never reaches a base", line, f->nodes[k].path);
	else
		chain_end(&f->nodes[last], line, out);
	free(seen);
}

/* One line on what is wrong with the chain, for the top of the details. */
static void problem_text(const struct node *nd, struct text *out)
{
	static const char *const what[] = {
		[CP_SELF] = "backs itself: it has no base",
		[CP_CYCLE] = "on a backing cycle: the chain has no base",
		[CP_MISSING] = "backing file missing",
		[CP_OUTSIDE] = "backing file not in any known pool",
	};

	if (nd->problem != CP_NONE)
		text_add(out, nd->problem == CP_OUTSIDE ? SLOT_DIM :
		    SLOT_VOLUME_PROBLEM, "  problem   %s", what[nd->problem]);
}

void view_volumes_disk_chain(const char *source, const char *host,
    char *const *live, size_t nlive, struct text *out)
{
	struct forest f = { NULL, 0, { NULL, 0 } };
	char *path = text_normalise_path(source);
	long i = -1;
	size_t k;

	gather(&f);
	if (host != NULL)
		i = find_in(&f, path, host, 0);
	if (i < 0)
		i = find_in(&f, path, NULL, 0);
	if (i >= 0)
		chain_walk(&f, i, 0, 0, "                      backed by ", out);
	else	/* not a volume hvdeck knows: what the running domain says */
		for (k = 0; k < nlive; k++)
			text_add(out, SLOT_DIM, "  %*s backed by %s",
			    (int)(2 * k + 20), "", live[k]);
	free(path);
	forest_free(&f);
}

/* Desktops that use the volume itself, "a,b" as the USED BY column says
 * it; NULL when none. Caller frees. */
static char *direct_users(const struct vol_deps *d)
{
	char *out = NULL, *tmp;
	size_t i;

	for (i = 0; i < d->ndesktops; i++) {
		if (d->desktops[i].via != NULL)
			continue;
		tmp = out == NULL ? xstrdup(d->desktops[i].name) :
		    xasprintf("%s,%s", out, d->desktops[i].name);
		free(out);
		out = tmp;
	}
	return out;
}

/* What depends on the volume: the very list a delete is refused with. */
static void dependents_text(const struct vol_deps *d, struct text *out)
{
	size_t i;

	text_add(out, SLOT_HEADER, "Depends on it (%zu volume%s, %zu desktop%s)",
	    d->nvolumes, d->nvolumes == 1 ? "" : "s", d->ndesktops,
	    d->ndesktops == 1 ? "" : "s");
	for (i = 0; i < d->nvolumes; i++)
		text_add(out, SLOT_NORMAL, "  %*s%s/%s  %s", 2 * (int)(d->volumes[i].depth - 1),
		    "", d->volumes[i].pool, d->volumes[i].name, d->volumes[i].path);
	for (i = 0; i < d->ndesktops; i++)
		text_add(out, SLOT_NORMAL, "  desktop %s on %s%s%s%s%s",
		    d->desktops[i].name, d->desktops[i].host != NULL ?
		    d->desktops[i].host : "?", d->desktops[i].live ? ", running" : "",
		    d->desktops[i].via != NULL ? " (through " : "",
		    d->desktops[i].via != NULL ? d->desktops[i].via : "",
		    d->desktops[i].via != NULL ? ")" : "");
	for (i = 0; i < d->noffline; i++)
		text_add(out, SLOT_ALERT, "  host %s, which has or may have its "
		    "pool, is offline: what depends on it there is unknown",
		    d->offline[i]);
	text_add(out, SLOT_DIM, "%s", vol_deps_blocking(d) ?
	    "  (Shift-D is refused while any of these remain)" :
	    "  nothing: Shift-D deletes it, after asking");
}

static void details(const char *key, struct text *out)
{
	struct forest f = { NULL, 0, { NULL, 0 } };
	struct vol_deps d;
	char a[16], b[16];
	char *users, *cause = NULL;
	const struct node *nd;
	long i;

	gather(&f);
	for (i = 0; i < (long)f.n && strcmp(f.nodes[i].key, key) != 0; i++)
		;
	if (i == (long)f.n) {
		text_add(out, SLOT_ALERT, "volume %s is gone",
		    strchr(key, '\t') != NULL ? strchr(key, '\t') + 1 : key);
		forest_free(&f);
		return;
	}
	nd = &f.nodes[i];
	if (vol_deps_of(nd->host_id, nd->pool, nd->vol->name, &d, &cause) < 0)
		free(cause);	/* the forest has it: cannot happen, shown empty */
	text_add(out, SLOT_TITLE, "Volume %s", nd->vol->name);
	text_add(out, SLOT_NORMAL, "  path      %s", nd->path);
	text_add(out, SLOT_NORMAL, "  pool      %s (%s %s)", nd->pool,
	    nd->scope != NULL ? "local to" : "seen through", nd->host);
	text_add(out, SLOT_NORMAL, "  format    %s", nd->vol->format ? nd->vol->format : "-");
	text_add(out, SLOT_NORMAL, "  size      %s, %s allocated",
	    format_size(a, sizeof a, nd->vol->capacity),
	    format_size(b, sizeof b, nd->vol->allocation));
	users = direct_users(&d);
	text_add(out, SLOT_NORMAL, "  used by   %s", users ? users : "(no desktop)");
	free(users);
	problem_text(nd, out);
	text_add(out, SLOT_HEADER, "Backing chain (as qemu-img info --backing-chain)");
	chain_walk(&f, i, 1, 1, "  ", out);
	dependents_text(&d, out);
	vol_deps_free(&d);
	forest_free(&f);
}

const struct view view_volumes = {
	PANE_VOLUMES, "Volumes", cols, C_COUNT, build, NULL, NULL, details,
};
