/* ui-table.c — rows, filter, sort, selection by key, and drawing. The
 * views rebuild rows from the model, or update the rows that changed, each
 * put in its place by binary search; this module keeps what the operator
 * chose (selection, sort, filter) across both. */
#include "tui/ui-table.h"
#include "tui/ui-tree.h"
#include "core/format.h"
#include "core/text.h"
#include "core/util.h"

#include <ctype.h>
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

/* a row keeps colours and the bar's column in bytes (ui-table.h) */
_Static_assert(SLOT_COUNT <= 256 && TABLE_MAX_COLS < 128,
    "a theme slot or column number does not fit a row's byte");

void table_init(struct table *t, const struct table_column *cols, int ncols)
{
	memset(t, 0, sizeof *t);
	t->cols = cols;
	/* rows are sized for the widest pane (ui-table.h) */
	if (ncols > TABLE_MAX_COLS)
		fatal("a table of %d columns: TABLE_MAX_COLS is %d", ncols,
		    TABLE_MAX_COLS);
	t->ncols = ncols;
	t->sort_col = -1;
	t->tree_col = -1;
}

static void row_free(const struct table *t, struct table_row *r)
{
	int i, ncols = t->ncols;

	if (r->data != NULL && t->data_free != NULL)
		t->data_free(r->data);
	r->data = NULL;
	free(r->key);
	free(r->tree_label);
	free(r->order_text);
	free(r->owned);
	for (i = 0; i < ncols; i++)
		free(r->cells[i]);
}

void table_clear(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrows; i++)
		row_free(t, &t->rows[i]);
	t->nrows = 0;
	t->index_stale = 1;
	t->ranks_valid = 0;
}

void table_free(struct table *t)
{
	table_clear(t);
	free(t->rows);
	free(t->shown);
	free(t->selected_key);
	free(t->filter);
	free(t->index);
	free(t->pos_row);
	free(t->upd_order);
	memset(t, 0, sizeof *t);
}

void table_fit(struct table *t)
{
	size_t cap = t->nrows + t->nrows / 16 + 32;

	if (cap < t->cap) {
		t->rows = xreallocarray(t->rows, cap, sizeof *t->rows);
		t->cap = cap;
	}
}

struct table_row *table_add(struct table *t, const char *key)
{
	struct table_row *r;
	int i;

	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->rows = xreallocarray(t->rows, t->cap, sizeof *t->rows);
	}
	r = &t->rows[t->nrows++];
	memset(r, 0, sizeof *r);
	r->key = xstrdup(key);
	t->index_stale = 1;
	t->ranks_valid = 0;
	r->bar_col = -1;
	r->tree_parent = -1;
	for (i = 0; i < TABLE_MAX_COLS; i++)
		r->slot[i] = SLOT_NORMAL;
	return r;
}

void table_cell(struct table_row *r, int col, enum theme_slot slot,
    const char *fmt, ...)
{
	va_list ap;
	char buf[128], *s = NULL, *v;
	int n;

	if (col < 0 || col >= TABLE_MAX_COLS)
		return;
	/* most cells are short and plain: one copy, not a print into the
	 * heap and an escaped copy of it (a filter at 10,000 desktops
	 * formats every row) */
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("cannot format a cell");
	if ((size_t)n >= sizeof buf) {
		va_start(ap, fmt);
		if (vasprintf(&s, fmt, ap) < 0)
			fatal("out of memory");
		va_end(ap);
	}
	/* cells show names from hosts: the filter matches what is seen */
	if (s == NULL && text_is_plain(buf))
		v = xstrdup(buf);
	else
		v = text_visible(s != NULL ? s : buf);
	free(s);
	free(r->cells[col]);
	r->cells[col] = v;
	r->slot[col] = slot;
}

/* ---- lazy cells ---- */

void table_lazy(struct table *t,
    void (*format)(struct table_row *r, const void *data, int ascii),
    void (*data_free)(void *data), int ascii)
{
	t->format = format;
	t->data_free = data_free;
	t->ascii = ascii;
}

/* Format r's cells from its data unless they are. */
static void row_ready(const struct table *t, struct table_row *r)
{
	if (r->data == NULL || r->formatted || t->format == NULL)
		return;
	t->format(r, r->data, t->ascii);
	r->formatted = 1;
}

void table_lazy_sort(struct table *t,
    const char *(*fn)(const struct table_row *r, int col))
{
	t->sort_text = fn;
}

/* A filter matches words against every cell and a text column sorts by
 * its cells: then r's cells are needed, unless the view gives the sort
 * column's text from the data (table_lazy_sort). A tree's column is the
 * view's to fill at build (the tree is drawn from it at finish), and
 * sorting by it needs no other cell. */
static int needs_cells(const struct table *t, const struct table_row *r)
{
	if (t->filter != NULL)
		return 1;
	if (t->sort_col < 0 || t->sort_col >= t->ncols ||
	    t->sort_col == t->tree_col || t->cols[t->sort_col].numeric)
		return 0;
	return r->formatted || t->sort_text == NULL || r->data == NULL ||
	    t->sort_text(r, t->sort_col) == NULL;
}

const char *table_cell_text(struct table *t, size_t row, int col)
{
	if (row >= t->nrows || col < 0 || col >= TABLE_MAX_COLS)
		return "";
	row_ready(t, &t->rows[row]);
	return t->rows[row].cells[col] != NULL ? t->rows[row].cells[col] : "";
}

/* ---- filter ---- */

static int word_matches(const struct table_row *r, int ncols, const char *w,
    size_t len)
{
	char buf[64], *word = len < sizeof buf ? buf : xstrndup(w, len);
	int i, hit = 0;

	if (word == buf) {	/* per row and word: no malloc for a short one */
		memcpy(buf, w, len);
		buf[len] = '\0';
	}

	if (strcasecmp(word, "kind:template") == 0)
		hit = (r->tags & TABLE_TAG_TEMPLATE) != 0;
	else if (strcasecmp(word, "kind:unused") == 0)
		hit = (r->tags & TABLE_TAG_UNUSED) != 0;
	else if (strncasecmp(word, "state:", 6) == 0)
		hit = r->state != NULL && strncasecmp(r->state, word + 6, len - 6) == 0;
	else if (strncasecmp(word, "host:", 5) == 0)
		hit = r->host != NULL && strcasecmp(r->host, word + 5) == 0;
	else
		for (i = 0; i < ncols && !hit; i++)
			hit = r->cells[i] != NULL && strcasestr(r->cells[i], word) != NULL;
	if (word != buf)
		free(word);
	return hit;
}

int table_row_matches(const struct table_row *r, int ncols, const char *filter)
{
	const char *p = filter;

	if (filter == NULL)
		return 1;
	while (*p != '\0') {
		int invert = 0;
		size_t len;

		while (*p == ' ')
			p++;
		if (*p == '!') {
			invert = 1;
			p++;
		}
		len = strcspn(p, " ");
		if (len > 0 && word_matches(r, ncols, p, len) == invert)
			return 0;
		p += len;
	}
	return 1;
}

void table_set_filter(struct table *t, const char *filter)
{
	free(t->filter);
	t->filter = filter != NULL && *filter != '\0' ? xstrdup(filter) : NULL;
	table_finish(t);
	/* the operator's own filter hid the selected row: that is a move,
	 * so the first row it shows is selected (only a change from outside
	 * leaves nothing selected) */
	if (t->sel == TABLE_NONE && t->nshown > 0) {
		t->sel = 0;
		free(t->selected_key);
		t->selected_key = xstrdup(t->rows[t->shown[0]].key);
		t->chosen = 1;
	}
}

/* ---- sort ---- */

/* qsort has no context argument in C11: the table being sorted. */
static const struct table *sorting;

/* The text a row sorts by in column c: a tree's names without prefix. */
static const char *sort_text(const struct table *t, const struct table_row *r,
    int c)
{
	const char *s;

	if (c == t->tree_col && r->tree_label != NULL)
		return r->tree_label;
	if (!r->formatted && r->data != NULL && t->sort_text != NULL &&
	    (s = t->sort_text(r, c)) != NULL)
		return s;	/* its cell's text, the row not formatted */
	return r->cells[c] ? r->cells[c] : "";
}

int table_row_cmp(const struct table *t, size_t a, size_t b)
{
	const struct table_row *x = &t->rows[a], *y = &t->rows[b];
	int c = t->sort_col, r = 0;

	if (c >= 0 && t->cols[c].numeric)
		r = x->num[c] < y->num[c] ? -1 : x->num[c] > y->num[c];
	else if (c >= 0)
		r = strcasecmp(sort_text(t, x, c), sort_text(t, y, c));
	if (r != 0)
		return t->sort_desc ? -r : r;
	/* equal keys keep the view's order, which only reversing the view's
	 * own order (no sort column) turns round */
	if (t->order != NULL && t->ranks_valid)
		r = x->rank < y->rank ? -1 : x->rank > y->rank;
	else if (t->order != NULL)
		r = t->order(x, y);
	if (r == 0)
		r = a < b ? -1 : a > b;
	return c < 0 && t->sort_desc ? -r : r;
}

static int find_key(struct table *t, const char *key);
static void settle(struct table *t);
static void index_build(struct table *t);

static int compare_shown(const void *a, const void *b)
{
	return table_row_cmp(sorting, *(const size_t *)a, *(const size_t *)b);
}

/* The view's order with the rows' places as the last word (as
 * table_row_cmp's): the ranks' one sort by names. */
static int compare_order(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int r = sorting->order(&sorting->rows[x], &sorting->rows[y]);

	return r != 0 ? r : (x < y ? -1 : x > y);
}

/* Rank every row in the view's order, unless the ranks hold. */
static void ranks_make(struct table *t)
{
	size_t *idx, i;

	if (t->order == NULL || t->ranks_valid || t->nrows > UINT32_MAX)
		return;
	idx = xcalloc(t->nrows + 1, sizeof *idx);
	for (i = 0; i < t->nrows; i++)
		idx[i] = i;
	sorting = t;
	qsort(idx, t->nrows, sizeof *idx, compare_order);
	sorting = NULL;
	for (i = 0; i < t->nrows; i++)
		t->rows[idx[i]].rank = (uint32_t)i;
	free(idx);
	t->ranks_valid = 1;
}

void table_finish(struct table *t)
{
	size_t i;
	long k;

	free(t->shown);
	t->shown = xcalloc(t->nrows + 1, sizeof *t->shown);
	t->nshown = 0;
	for (i = 0; i < t->nrows; i++) {
		if (needs_cells(t, &t->rows[i]))
			row_ready(t, &t->rows[i]);
		t->rows[i].passes = table_row_matches(&t->rows[i], t->ncols,
		    t->filter);
		if (t->rows[i].passes)
			t->shown[t->nshown++] = i;
	}
	if (t->index == NULL || t->index_stale)
		index_build(t);
	if (t->tree_col >= 0)
		tree_order(t);
	else if ((t->sort_col >= 0 || t->order != NULL) && t->nshown > 1) {
		ranks_make(t);
		sorting = t;
		qsort(t->shown, t->nshown, sizeof *t->shown, compare_shown);
		sorting = NULL;
	} else if (t->sort_desc && t->order == NULL) {
		for (k = 0; k < (long)t->nshown / 2; k++) {
			size_t tmp = t->shown[k];

			t->shown[k] = t->shown[t->nshown - 1 - (size_t)k];
			t->shown[t->nshown - 1 - (size_t)k] = tmp;
		}
	}
	settle(t);
}

/* The selection follows its key. A row that left the view (filtered out,
 * gone) takes the selection with it: nothing is selected, so the next key
 * cannot hit a neighbour, until the operator moves or the row comes back. */
static void settle(struct table *t)
{
	if (t->chosen) {
		if (!find_key(t, t->selected_key))
			t->sel = TABLE_NONE;
		return;
	}
	/* Nobody chose yet: the top of the list, its first row selected,
	 * however the hosts' inventories came in (the first row seen must
	 * not drag the view down to wherever it sorts later). */
	t->sel = 0;
	t->top = 0;
	free(t->selected_key);
	t->selected_key = t->nshown > 0 ?
	    xstrdup(t->rows[t->shown[0]].key) : NULL;
}

/* ---- per-row updates ---- */

/* FNV-1a with a final mix: keys (UUIDs) differ in few characters, and
 * a weak hash of them clusters in a linear-probing index. */
static size_t key_hash(const char *key)
{
	uint64_t h = 14695981039346656037u;

	while (*key != '\0')
		h = (h ^ (unsigned char)*key++) * 1099511628211u;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	return (size_t)h;
}

static void index_put(struct table *t, size_t row)
{
	size_t m = t->index_cap - 1, i = key_hash(t->rows[row].key) & m;

	while (t->index[i] != 0)
		i = (i + 1) & m;
	t->index[i] = row + 1;
}

/* The key index of every row: after a build, a removal, or growth. */
static void index_build(struct table *t)
{
	size_t i;

	t->index_cap = 64;
	while (t->index_cap < 2 * (t->nrows + 1))
		t->index_cap *= 2;
	free(t->index);
	t->index = xcalloc(t->index_cap, sizeof *t->index);
	for (i = 0; i < t->nrows; i++)
		index_put(t, i);
	t->index_stale = 0;
}

size_t table_find(const struct table *t, const char *key)
{
	size_t m, i;

	if (t->index == NULL)
		return TABLE_NONE;
	m = t->index_cap - 1;
	for (i = key_hash(key) & m; t->index[i] != 0; i = (i + 1) & m)
		if (strcmp(t->rows[t->index[i] - 1].key, key) == 0)
			return t->index[i] - 1;
	return TABLE_NONE;
}

void table_set_order(struct table *t,
    int (*order)(const struct table_row *a, const struct table_row *b))
{
	t->order = order;
}

/* The first position in shown whose row does not sort before row. */
static size_t shown_search(const struct table *t, size_t row)
{
	size_t lo = 0, hi = t->nshown, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (table_row_cmp(t, t->shown[mid], row) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void shown_remove(struct table *t, size_t row)
{
	size_t pos = shown_search(t, row);

	if (pos >= t->nshown || t->shown[pos] != row)	/* not a total order */
		for (pos = 0; pos < t->nshown && t->shown[pos] != row; pos++)
			;
	if (pos == t->nshown)
		return;
	memmove(t->shown + pos, t->shown + pos + 1,
	    (t->nshown - pos - 1) * sizeof *t->shown);
	t->nshown--;
}

/* Rows are placed by binary search only in a flat table sorted by a
 * total order: a tree, or the view's order with no comparison, is
 * ordered whole. */
static int incremental(const struct table *t)
{
	return t->tree_col < 0 && t->order != NULL;
}

void table_walk_begin(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrows; i++)
		t->rows[i].seen = 0;
}

void table_touch(struct table *t, size_t row)
{
	t->rows[row].seen = 1;
}

struct table_row *table_update_begin(struct table *t, const char *key)
{
	size_t row = table_find(t, key);
	struct table_row *r;
	int i;

	if (row == TABLE_NONE) {
		int stale = t->index_stale;

		r = table_add(t, key);
		row = t->nrows - 1;
		if (t->index == NULL || 2 * (t->nrows + 1) > t->index_cap) {
			index_build(t);
		} else {
			index_put(t, row);
			t->index_stale = stale;	/* the new row is in */
		}
		t->shown = xreallocarray(t->shown, t->nrows + 1,
		    sizeof *t->shown);
	}
	r = &t->rows[row];
	if (r->passes && incremental(t))
		shown_remove(t, row);
	r->passes = 0;
	/* its order keys, to see at the end whether its rank still holds
	 * (an update begun and not ended: the ranks are made again) */
	if (t->upd_open)
		t->ranks_valid = 0;
	free(t->upd_order);
	t->upd_order = r->order_text;
	t->upd_group = r->group;
	t->upd_open = 1;
	r->order_text = NULL;
	for (i = 0; i < TABLE_MAX_COLS; i++) {
		free(r->cells[i]);
		r->cells[i] = NULL;
		r->slot[i] = SLOT_NORMAL;
		r->num[i] = 0;
	}
	free(r->owned);
	r->owned = NULL;
	if (r->data != NULL && t->data_free != NULL)
		t->data_free(r->data);
	r->data = NULL;
	r->formatted = 0;
	r->bar_col = -1;
	r->seen = 1;
	return r;
}

void table_update_end(struct table *t, struct table_row *r)
{
	size_t row = (size_t)(r - t->rows), pos;
	int same = t->upd_group == r->group &&
	    (t->upd_order == NULL ? r->order_text == NULL :
	    r->order_text != NULL && strcmp(t->upd_order, r->order_text) == 0);

	if (!same)	/* a new row's keys were none: table_add said so */
		t->ranks_valid = 0;
	free(t->upd_order);
	t->upd_order = NULL;
	t->upd_open = 0;
	if (needs_cells(t, r))
		row_ready(t, r);
	r->passes = table_row_matches(r, t->ncols, t->filter);
	if (!r->passes || !incremental(t))
		return;
	pos = shown_search(t, row);
	memmove(t->shown + pos + 1, t->shown + pos,
	    (t->nshown - pos) * sizeof *t->shown);
	t->shown[pos] = row;
	t->nshown++;
}

/* Remove row i by moving the last row into its place: rows[] has no
 * order of its own in an incremental table, only shown has. */
static void row_remove(struct table *t, size_t i)
{
	size_t last = t->nrows - 1, k;

	if (t->rows[i].passes)
		shown_remove(t, i);
	row_free(t, &t->rows[i]);
	if (i != last) {
		t->rows[i] = t->rows[last];
		for (k = 0; k < t->nshown; k++)
			if (t->shown[k] == last)
				t->shown[k] = i;
	}
	t->nrows--;
}

size_t table_walk_end(struct table *t)
{
	size_t i, removed = 0;

	for (i = t->nrows; i-- > 0;)
		if (!t->rows[i].seen) {
			row_remove(t, i);
			removed++;
		}
	if (removed > 0)
		index_build(t);
	if (!incremental(t))
		table_finish(t);
	else
		settle(t);
	return removed;
}

void table_tree(struct table *t, int col, int ascii)
{
	t->tree_col = col >= 0 && col < t->ncols ? col : -1;
	t->tree_ascii = ascii;
}

/* The row of key (NULL: none) selected if it is shown; 1 if it is. */
static int find_key(struct table *t, const char *key)
{
	size_t i, row, pos;

	if (key != NULL && t->index != NULL && t->tree_col < 0) {
		row = table_find(t, key);
		if (row == TABLE_NONE || !t->rows[row].passes)
			return 0;
		pos = shown_search(t, row);
		if (pos < t->nshown && t->shown[pos] == row) {
			t->sel = pos;
			return 1;
		}
	}
	for (i = 0; key != NULL && i < t->nshown; i++) {
		if (strcmp(t->rows[t->shown[i]].key, key) == 0) {
			t->sel = i;
			return 1;
		}
	}
	return 0;
}

int table_select_key(struct table *t, const char *key)
{
	char *copy = xstrdup(key);

	free(t->selected_key);
	t->selected_key = copy;
	t->chosen = 1;
	if (find_key(t, copy))
		return 1;
	t->sel = TABLE_NONE;
	return 0;
}

const struct table_row *table_selected(const struct table *t)
{
	return t->sel != TABLE_NONE && t->sel < t->nshown ?
	    &t->rows[t->shown[t->sel]] : NULL;
}

static void select_index(struct table *t, size_t i)
{
	if (t->nshown == 0)
		return;
	t->sel = i < t->nshown ? i : t->nshown - 1;
	free(t->selected_key);
	t->selected_key = xstrdup(t->rows[t->shown[t->sel]].key);
	t->chosen = 1;
}

int table_click(struct table *t, int line)
{
	size_t i = t->top + (size_t)line;

	if (line < 0 || i >= t->nshown)
		return 0;
	select_index(t, i);
	return 1;
}

void table_move(struct table *t, long delta, int visible)
{
	long i = (long)t->sel + delta;

	(void)visible;
	if (t->sel == TABLE_NONE)	/* from nothing: the first row on screen */
		i = (long)t->top;
	if (i < 0)
		i = 0;
	select_index(t, (size_t)i);
}

void table_home(struct table *t)
{
	select_index(t, 0);
}

void table_end(struct table *t, int visible)
{
	(void)visible;
	if (t->nshown > 0)
		select_index(t, t->nshown - 1);
}

void table_cycle_sort(struct table *t)
{
	t->sort_col = t->sort_col + 1 >= t->ncols ? -1 : t->sort_col + 1;
	table_finish(t);
}

void table_reverse_sort(struct table *t)
{
	t->sort_desc = !t->sort_desc;
	table_finish(t);
}

/* ---- layout and drawing ---- */

void table_widths(const struct table_column *cols, int ncols, int width,
    int *widths)
{
	int i, used, last, nflex = 0, spare;

	for (i = 0; i < ncols; i++)
		widths[i] = cols[i].width;
	/* drop optional columns from the right until the rest fit */
	for (;;) {
		used = 0;
		last = -1;
		for (i = 0; i < ncols; i++) {
			if (widths[i] == 0)
				continue;
			used += widths[i] + (used > 0);
			if (cols[i].min_width == 0)
				last = i;
		}
		if (used <= width || last < 0)
			break;
		widths[last] = 0;
	}
	/* still too wide: shrink the columns that can be shrunk */
	for (i = ncols - 1; i >= 0 && used > width; i--) {
		int cut;

		if (widths[i] == 0 || cols[i].min_width == 0)
			continue;
		cut = widths[i] - cols[i].min_width;
		if (cut > used - width)
			cut = used - width;
		widths[i] -= cut;
		used -= cut;
	}
	for (i = 0; i < ncols; i++)
		nflex += widths[i] > 0 && cols[i].flex;
	spare = width - used;
	for (i = 0; i < ncols && spare > 0 && nflex > 0; i++) {
		if (widths[i] > 0 && cols[i].flex) {
			int give = spare / nflex;

			widths[i] += give;
			spare -= give;
			nflex--;
		}
	}
}

/* text_screen leaves only characters of a known width, so what is drawn
 * covers exactly what is counted and a scrolled row never leaves stale
 * cells behind. */
int table_put_text(int y, int x, const char *s, int w, int right, int ascii)
{
	char *safe = text_screen(s, ascii);
	char *fit = text_truncate(safe, w, ascii);
	int cells = text_width(fit);

	if (right && cells < w)
		x += w - cells;
	mvaddstr(y, x, fit);
	free(fit);
	free(safe);
	return cells;
}

static void draw_bar(int y, int x, int w, const struct table_row *r, int ascii)
{
	int fill = format_bar_fill((uint64_t)(r->bar_frac * 1000), 1000, w), i;

	move(y, x);
	attron(theme_attr(r->bar_slot));
	for (i = 0; i < fill; i++)
		addch(ascii ? '#' : ' ' | A_REVERSE);
	attroff(theme_attr(r->bar_slot));
	attron(theme_attr(SLOT_BAR_EMPTY));
	for (; i < w; i++)
		addch(ascii ? '.' : ' ');
	attroff(theme_attr(SLOT_BAR_EMPTY));
}

/* Where a column's sort mark goes: a right-aligned title keeps its place
 * and the mark goes in the gap after the column; so does a left-aligned
 * title that fills its column (FORMAT in 6), which would cut the mark off
 * and leave no way to see which column sorts. */
static void draw_header(const struct table *t, const int *widths, int y, int x,
    int w, int ascii)
{
	int i, cx;

	attron(theme_attr(SLOT_HEADER));
	move(y, x);
	for (i = 0; i < w; i++)
		addch(' ');
	for (i = 0, cx = x; i < t->ncols; i++) {
		const char *mark = i != t->sort_col ? "" : t->sort_desc ?
		    (ascii ? "v" : "\u25be") : (ascii ? "^" : "\u25b4");
		char title[64];

		if (widths[i] == 0)
			continue;
		if (t->cols[i].right ||
		    (int)strlen(t->cols[i].title) >= widths[i]) {
			table_put_text(y, cx, t->cols[i].title, widths[i],
			    t->cols[i].right, ascii);
			if (*mark && cx + widths[i] < x + w)
				table_put_text(y, cx + widths[i], mark, 1, 0, ascii);
		} else {
			snprintf(title, sizeof title, "%s%s", t->cols[i].title, mark);
			table_put_text(y, cx, title, widths[i], 0, ascii);
		}
		cx += widths[i] + 1;
	}
	attroff(theme_attr(SLOT_HEADER));
}

/* Keep the selection inside the h visible rows and the last page full. */
static void scroll_to_selection(struct table *t, int h)
{
	if (t->sel == TABLE_NONE)
		;	/* nothing selected: the view stays where it is */
	else if (t->sel < t->top)
		t->top = t->sel;
	else if (t->sel >= t->top + (size_t)h)
		t->top = t->sel - (size_t)h + 1;
	if (t->top + (size_t)h > t->nshown)
		t->top = t->nshown > (size_t)h ? t->nshown - (size_t)h : 0;
}

static int cell_attr(const struct table_row *r, int col, int selected,
    int focused)
{
	if (selected)
		return theme_attr(focused ? SLOT_SELECTION : SLOT_SELECTION_INACTIVE);
	/* alarms win over marks, marks over dimming */
	return theme_attr(r->slot[col] == SLOT_SPLIT_BRAIN ? SLOT_SPLIT_BRAIN :
	    r->marked ? SLOT_MARKED : r->dim ? SLOT_DIM : r->slot[col]);
}

static int cell_empty(const struct table_row *r, int col)
{
	return col != r->bar_col &&
	    (r->cells[col] == NULL || r->cells[col][0] == '\0');
}

/* The columns cell i of r covers: itself, and when its column spills and
 * its text is longer, the empty cells after it. The last column covered;
 * *width its width on screen. */
static int cell_span(const struct table *t, const struct table_row *r,
    const int *widths, int i, int *width)
{
	int j, last = i;

	*width = widths[i];
	if (!t->cols[i].spill || r->cells[i] == NULL)
		return i;
	for (j = i + 1; j < t->ncols && (int)strlen(r->cells[i]) > *width; j++) {
		if (widths[j] == 0)
			continue;
		if (!cell_empty(r, j))
			break;
		*width += widths[j] + 1;
		last = j;
	}
	return last;
}

static void draw_row(const struct table *t, const struct table_row *r,
    const int *widths, int y, int x, int w, int selected, int focused,
    int ascii)
{
	int i, k, end, cx, last, span;

	for (i = 0, cx = x; i < t->ncols; i = last + 1) {
		last = i;
		if (widths[i] == 0)
			continue;
		last = cell_span(t, r, widths, i, &span);
		attrset(cell_attr(r, i, selected, focused));
		move(y, cx);
		/* fill the cell and the gap so a selection is a bar */
		end = cx + span + (last + 1 < t->ncols);
		for (k = cx; k < end && k < x + w; k++)
			addch(' ');
		if (i == r->bar_col && !selected)
			draw_bar(y, cx, span, r, ascii);
		else if (r->cells[i] != NULL)
			table_put_text(y, cx, r->cells[i], span,
			    t->cols[i].right, ascii);
		cx += span + 1;
	}
	/* pad to the pane's edge */
	attrset(selected ? theme_attr(focused ? SLOT_SELECTION :
	    SLOT_SELECTION_INACTIVE) : theme_attr(SLOT_NORMAL));
	for (; cx < x + w; cx++)
		mvaddch(y, cx, ' ');
	attrset(theme_attr(SLOT_NORMAL));
}

void table_draw(struct table *t, int y, int x, int h, int w, int focused,
    int ascii)
{
	int widths[TABLE_MAX_COLS], i, line;
	size_t row;

	table_widths(t->cols, t->ncols, w, widths);
	draw_header(t, widths, y, x, w, ascii);
	h--;	/* rows below the header */
	if (h <= 0)
		return;
	scroll_to_selection(t, h);
	for (line = 0; line < h; line++) {
		row = t->top + (size_t)line;
		if (row < t->nshown) {
			row_ready(t, &t->rows[t->shown[row]]);
			draw_row(t, &t->rows[t->shown[row]], widths, y + 1 + line,
			    x, w, row == t->sel, focused, ascii);
			continue;
		}
		move(y + 1 + line, x);
		for (i = 0; i < w; i++)
			addch(' ');
	}
}
