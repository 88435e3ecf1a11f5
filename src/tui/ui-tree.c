/* ui-tree.c — depth-first order and branch prefixes for tree tables. The
 * view gives each row its parent (a smaller row index, so the links can
 * never loop); everything that depends on the sort or the filter is done
 * here, after both are known. */
#include "tui/ui-tree.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

struct tree {
	struct table *t;
	long *up;        /* per row: nearest shown ancestor, -1: a root */
	size_t *kids;    /* shown rows sorted by (up, table_row_cmp) */
	size_t nkids;
	size_t out;      /* next slot of t->shown */
};

/* qsort has no context argument in C11: the tree being ordered. */
static const struct tree *ordering;

static int by_up_then_sort(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	long ux = ordering->up[x], uy = ordering->up[y];

	if (ux != uy)
		return ux < uy ? -1 : 1;
	return table_row_cmp(ordering->t, x, y);
}

/* The first index in kids whose row hangs under parent. */
static size_t first_kid(const struct tree *tr, long parent)
{
	size_t lo = 0, hi = tr->nkids;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (tr->up[tr->kids[mid]] < parent)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void set_label(struct table *t, size_t row, const char *prefix)
{
	struct table_row *r = &t->rows[row];

	free(r->cells[t->tree_col]);
	r->cells[t->tree_col] = xasprintf("%s%s", prefix, r->tree_label);
}

static void place(struct tree *tr, long parent, const char *indent)
{
	size_t i = first_kid(tr, parent), end = i;
	int ascii = tr->t->tree_ascii;

	while (end < tr->nkids && tr->up[tr->kids[end]] == parent)
		end++;
	for (; i < end; i++) {
		int last = i + 1 == end;
		size_t row = tr->kids[i];
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
		set_label(tr->t, row, prefix);
		tr->t->shown[tr->out++] = row;
		place(tr, (long)row, deeper);
		free(prefix);
		free(deeper);
	}
}

void tree_order(struct table *t)
{
	struct tree tr;
	char *shown = xcalloc(t->nrows + 1, 1);
	size_t i;
	long p;

	memset(&tr, 0, sizeof tr);
	tr.t = t;
	tr.up = xcalloc(t->nrows + 1, sizeof *tr.up);
	for (i = 0; i < t->nrows; i++) {
		struct table_row *r = &t->rows[i];

		if (r->tree_label == NULL) {	/* first finish after a build */
			r->tree_label = r->cells[t->tree_col] != NULL ?
			    r->cells[t->tree_col] : xstrdup("");
			r->cells[t->tree_col] = NULL;
		}
		if (r->tree_parent >= (long)i)	/* would loop: a root */
			r->tree_parent = -1;
	}
	for (i = 0; i < t->nshown; i++)
		shown[t->shown[i]] = 1;
	for (i = 0; i < t->nrows; i++) {
		/* parents have smaller indexes: the walk ends */
		for (p = t->rows[i].tree_parent; p >= 0 && !shown[p];
		    p = t->rows[p].tree_parent)
			;
		tr.up[i] = p;
	}
	tr.kids = xcalloc(t->nshown + 1, sizeof *tr.kids);
	memcpy(tr.kids, t->shown, t->nshown * sizeof *tr.kids);
	tr.nkids = t->nshown;
	ordering = &tr;
	qsort(tr.kids, tr.nkids, sizeof *tr.kids, by_up_then_sort);
	ordering = NULL;
	place(&tr, -1, "");
	/* rows filtered out keep their plain label for the filter's next look */
	for (i = 0; i < t->nrows; i++)
		if (!shown[i])
			set_label(t, i, "");
	free(tr.kids);
	free(tr.up);
	free(shown);
}
