/* view-volumes.c — volumes as a forest of backing chains: base ->
 * templates -> desktop disks, each with the desktops that use it. A volume
 * on shared storage seen through several hosts is one node. */
#include "views.h"
#include "format.h"
#include "model.h"
#include "util.h"

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

struct node {
	const struct m_volume *vol;
	const char *pool, *host;
	char *path;      /* normalised */
	char *backing;   /* normalised, NULL when none */
	long parent;     /* index, -1 for a root */
	int children;
};

struct forest {
	struct node *nodes;
	size_t n;
};

static long find(const struct forest *f, const char *path)
{
	size_t i;

	for (i = 0; path != NULL && i < f->n; i++)
		if (strcmp(f->nodes[i].path, path) == 0)
			return (long)i;
	return -1;
}

static void gather(struct forest *f)
{
	struct m_host **hosts;
	size_t n, i, k, v, total = 0;

	hosts = model_hosts(&n);
	for (i = 0; i < n; i++)
		for (k = 0; k < hosts[i]->npools; k++)
			total += hosts[i]->pools[k]->nvols;
	f->nodes = xcalloc(total + 1, sizeof *f->nodes);
	for (i = 0; i < n; i++) {
		for (k = 0; k < hosts[i]->npools; k++) {
			struct m_pool *p = hosts[i]->pools[k];

			for (v = 0; v < p->nvols; v++) {
				const struct m_volume *vol = &p->vols[v];
				char *path = view_normalise_path(vol->path ? vol->path : vol->name);
				struct node *nd;

				if (find(f, path) >= 0) {
					free(path);
					continue;
				}
				nd = &f->nodes[f->n++];
				nd->vol = vol;
				nd->pool = p->name;
				nd->host = hosts[i]->name;
				nd->path = path;
				nd->backing = view_normalise_path(vol->backing_path);
			}
		}
	}
	for (i = 0; i < f->n; i++) {
		f->nodes[i].parent = find(f, f->nodes[i].backing);
		if (f->nodes[i].parent == (long)i)
			f->nodes[i].parent = -1;	/* a file backing itself */
		if (f->nodes[i].parent >= 0)
			f->nodes[f->nodes[i].parent].children++;
	}
}

static void forest_free(struct forest *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->nodes[i].path);
		free(f->nodes[i].backing);
	}
	free(f->nodes);
}

/* Names of the desktops with a disk on this exact path. Caller frees. */
static char *users_of(const char *path)
{
	struct m_desktop **ds;
	size_t n, i, k;
	char *out = NULL, *tmp, *src;

	ds = model_desktops(&n);
	for (i = 0; i < n; i++) {
		for (k = 0; k < ds[i]->xml.ndisks; k++) {
			src = view_normalise_path(ds[i]->xml.disks[k].source);
			if (src != NULL && strcmp(src, path) == 0) {
				tmp = out == NULL ? xstrdup(ds[i]->name) :
				    xasprintf("%s,%s", out, ds[i]->name);
				free(out);
				out = tmp;
				free(src);
				break;
			}
			free(src);
		}
	}
	return out;
}

static int by_name(const void *a, const void *b)
{
	const struct node *x = *(struct node *const *)a;
	const struct node *y = *(struct node *const *)b;

	return strcmp(x->vol->name, y->vol->name);
}

static void add_row(struct table *t, const struct node *nd, const char *prefix)
{
	struct table_row *r = table_add(t, nd->path);
	char *users = users_of(nd->path);
	char a[16];

	r->state = nd->vol->format;
	r->host = nd->host;
	table_cell(r, C_NAME, nd->children > 0 ? SLOT_TITLE : SLOT_NORMAL, "%s%s",
	    prefix, nd->vol->name);
	table_cell(r, C_FORMAT, SLOT_NORMAL, "%s", nd->vol->format ? nd->vol->format : "-");
	r->num[C_CAP] = (double)nd->vol->capacity;
	table_cell(r, C_CAP, SLOT_NORMAL, "%s", format_size(a, sizeof a, nd->vol->capacity));
	r->num[C_ALLOC] = (double)nd->vol->allocation;
	table_cell(r, C_ALLOC, SLOT_NORMAL, "%s", format_size(a, sizeof a, nd->vol->allocation));
	table_cell(r, C_POOL, SLOT_NORMAL, "%s", nd->pool);
	r->num[C_DERIVED] = nd->children;
	if (nd->children > 0)
		table_cell(r, C_DERIVED, SLOT_KEY, "%d", nd->children);
	table_cell(r, C_USERS, SLOT_NORMAL, "%s", users ? users : "");
	free(users);
}

/* Depth-first under parent (-1: the roots), children sorted by name. */
static void walk(struct table *t, const struct forest *f, long parent,
    const char *indent, int ascii)
{
	const struct node **kids = xcalloc(f->n + 1, sizeof *kids);
	size_t i, nk = 0;

	for (i = 0; i < f->n; i++)
		if (f->nodes[i].parent == parent)
			kids[nk++] = &f->nodes[i];
	qsort(kids, nk, sizeof *kids, by_name);
	for (i = 0; i < nk; i++) {
		int last = i + 1 == nk;
		char *prefix, *deeper;

		if (parent < 0) {
			prefix = xstrdup("");
			deeper = xstrdup("");
		} else {
			prefix = xasprintf("%s%s", indent, ascii ? (last ? "`- " : "|- ") :
			    (last ? "\xe2\x94\x94\xe2\x94\x80 " : "\xe2\x94\x9c\xe2\x94\x80 "));
			deeper = xasprintf("%s%s", indent, last ? "   " :
			    (ascii ? "|  " : "\xe2\x94\x82  "));
		}
		add_row(t, kids[i], prefix);
		walk(t, f, kids[i] - f->nodes, deeper, ascii);
		free(prefix);
		free(deeper);
	}
	free(kids);
}

static void build(struct table *t, int ascii)
{
	struct forest f = { NULL, 0 };

	gather(&f);
	walk(t, &f, -1, "", ascii);
	forest_free(&f);
}

static void details(const char *key, struct text *out)
{
	struct forest f = { NULL, 0 };
	long i, k, top;
	char a[16], b[16];
	char *users;

	gather(&f);
	i = find(&f, key);
	if (i < 0) {
		text_add(out, SLOT_ALERT, "volume %s is gone", key);
		forest_free(&f);
		return;
	}
	top = i;
	text_add(out, SLOT_TITLE, "Volume %s", f.nodes[i].vol->name);
	text_add(out, SLOT_NORMAL, "  path      %s", f.nodes[i].path);
	text_add(out, SLOT_NORMAL, "  pool      %s (seen through %s)", f.nodes[i].pool, f.nodes[i].host);
	text_add(out, SLOT_NORMAL, "  format    %s", f.nodes[i].vol->format ? f.nodes[i].vol->format : "-");
	text_add(out, SLOT_NORMAL, "  size      %s, %s allocated",
	    format_size(a, sizeof a, f.nodes[i].vol->capacity),
	    format_size(b, sizeof b, f.nodes[i].vol->allocation));
	users = users_of(f.nodes[i].path);
	text_add(out, SLOT_NORMAL, "  used by   %s", users ? users : "(no desktop)");
	free(users);
	text_add(out, SLOT_HEADER, "Backing chain");
	for (k = i; k >= 0; top = k, k = f.nodes[k].parent)
		text_add(out, SLOT_NORMAL, "  %s", f.nodes[k].path);
	if (f.nodes[top].backing != NULL)
		text_add(out, SLOT_ALERT, "  %s (not in any pool)", f.nodes[top].backing);
	text_add(out, SLOT_HEADER, "Derived from it (%d)", f.nodes[i].children);
	for (k = 0; k < (long)f.n; k++)
		if (f.nodes[k].parent == i)
			text_add(out, SLOT_NORMAL, "  %s", f.nodes[k].path);
	forest_free(&f);
}

const struct view view_volumes = {
	PANE_VOLUMES, "Volumes", cols, C_COUNT, build, details,
};
