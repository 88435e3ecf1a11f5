/* ui-table.h — the table widget every pane uses: columns, rows rebuilt from
 * the model on each change or updated one by one (table_update_begin),
 * selection kept by row key (so it survives rebuilds, updates, resizes and
 * re-sorting), sort column, filter, scrolling; cells formatted lazily,
 * only for rows drawn, where the view asks (table_lazy). */
#ifndef HVDECK_UI_TABLE_H
#define HVDECK_UI_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "tui/theme.h"

/* The widest pane's columns (hosts, pools: 10): every row of every table
 * has this many cells, sort values and colours (table_init refuses more). */
#define TABLE_MAX_COLS 10
#define TABLE_NONE ((size_t)-1)

struct table_column {
	const char *title;
	int width;          /* preferred width */
	int min_width;      /* 0: the column may be dropped when narrow */
	int right;          /* right-aligned (numbers) */
	int numeric;        /* sort by the row's num[] value */
	int flex;           /* takes the spare width */
	int spill;          /* a text longer than the column runs on over
	                     * the empty cells to its right (an offline
	                     * host's reason over its blank figures) */
};

/* What a row is, for the "kind:" filter words: a template desktop (what
 * Shift-N accepts), a volume nothing uses (no desktop, no volume derived
 * from it, not in the bases or templates pool). */
#define TABLE_TAG_TEMPLATE 0x01
#define TABLE_TAG_UNUSED 0x02

/* A row is kept for each of tens of thousands of desktops and volumes:
 * its flags and colours are bytes, its pointers and numbers together. */
struct table_row {
	char *key;                          /* stable id (UUID, host name...) */
	char *cells[TABLE_MAX_COLS];        /* visible text, owned */
	/* sort values of numeric columns: float is finer than any figure
	 * shown (3 digits), and halves what 30,000 volume rows keep */
	float num[TABLE_MAX_COLS];
	const char *state;                  /* for "state:" filters */
	const char *host;                   /* for "host:" filters */
	/* tree tables (table_tree): the parent's row index, always smaller
	 * than the row's own (-1: a root), and the tree column's text
	 * without its branch prefix (taken from the cell at finish) */
	long tree_parent;
	char *tree_label;
	/* incremental tables (table_update_begin): the generation of the
	 * model object the row was formatted from, the view's own sort keys
	 * for its order (table_set_order), and (flags below) whether the
	 * last walk saw it, whether it shows a clock or spinner (re-formatted
	 * on a tick), whether it passes the filter (it is in shown) */
	uint64_t gen;
	uint32_t rank;          /* its place in the view's order, while the
	                         * table's ranks_valid */
	float bar_frac;         /* 0..1 fill of the bar column (beside rank:
	                         * no padding) */
	char *order_text;
	char *owned;        /* a string of the view's the row keeps (state,
	                     * host point into it), freed with the row */
	/* lazy tables (table_lazy): what the view formats the cells from,
	 * owned by the row, and (flag below) whether cells[] hold it
	 * formatted */
	void *data;
	int group;
	unsigned char slot[TABLE_MAX_COLS]; /* per-cell colour (theme_slot) */
	unsigned char bar_slot;             /* the bar's colour (theme_slot) */
	signed char bar_col;                /* column drawn as a bar, or -1 */
	unsigned char dim;                  /* greyed: host offline */
	unsigned char marked;               /* marked for a bulk action (Space) */
	unsigned char tags;                 /* TABLE_TAG_*: "kind:" filters */
	unsigned char seen, ticking, passes;
	unsigned char formatted;
};

struct table {
	const struct table_column *cols;
	int ncols;
	struct table_row *rows;  /* all rows, built by the view */
	size_t nrows, cap;
	size_t *shown;           /* indexes of rows passing the filter, sorted */
	size_t nshown;
	char *selected_key;      /* the selection, by key */
	size_t sel;              /* index into shown; TABLE_NONE: its row is
	                          * not shown (nothing is selected) */
	size_t top;              /* first shown row on screen */
	int chosen;              /* the operator chose the selection (a move,
	                          * a click, a filter, a row selected by
	                          * name): rebuilds keep it by key. Until then
	                          * the first row is selected and the top of
	                          * the list shown, whatever order rows come in */
	int sort_col;            /* -1: the view's order */
	int sort_desc;
	char *filter;            /* NULL: none */
	int tree_col;            /* -1: flat; else rows are a tree drawn here */
	int tree_ascii;
	/* The view's order as a comparison of rows (NULL: the order rows
	 * were added in). A total order (ties broken by key) makes the
	 * order independent of where rows sit in rows[], which lets rows
	 * be updated, added and removed one at a time. */
	int (*order)(const struct table_row *a, const struct table_row *b);
	/* The view's order as each row's rank, made by table_finish and kept
	 * while no row is added and no row's order keys (group, order_text)
	 * change: a sort by a column of few values (STATE, HOST) or a filter
	 * then compares ranks, not names, on 10,000 rows. */
	int ranks_valid;
	char *upd_order;         /* the updated row's order keys before its */
	int upd_group, upd_open; /* update (table_update_begin..end) */
	size_t *index;           /* key hash -> row index + 1 (0: empty) */
	size_t index_cap;        /* a power of two, over twice nrows */
	int index_stale;         /* rows were added or cleared since it was
	                          * built: table_finish builds it again (a
	                          * sort or a filter leaves rows[] alone) */
	/* the view's memo for its walk: for the i-th object of the model's
	 * list, the row it had last time (a guess the view checks) */
	size_t *pos_row;
	size_t npos;
	/* lazy tables: the view's formatting of a row's cells from its
	 * data, the data's free, and the ascii flag formatting is given */
	void (*format)(struct table_row *r, const void *data, int ascii);
	void (*data_free)(void *data);
	int ascii;
	/* lazy tables, optional: a text column's cell straight from the
	 * row's data, for a sort that needs no other cell (table_lazy_sort) */
	const char *(*sort_text)(const struct table_row *r, int col);
};

void table_init(struct table *t, const struct table_column *cols, int ncols);
void table_free(struct table *t);

/* Rebuilding: clear, add rows (strings copied), then finish, which filters,
 * sorts and puts the selection back on its key. */
void table_clear(struct table *t);
struct table_row *table_add(struct table *t, const char *key);
void table_cell(struct table_row *r, int col, enum theme_slot slot,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void table_finish(struct table *t);
/* After a whole build: the row array no larger than the rows and a
 * little room (doubling left up to half of it empty: 1.3 MiB at 10,000
 * desktops). */
void table_fit(struct table *t);
/* Rows form a tree (ui-tree.h): sorting orders siblings only, and the
 * branch prefixes in column col are drawn for the order shown. Set by the
 * view on each build. */
void table_tree(struct table *t, int col, int ascii);
/* Per-row updates of a built table (no tree), each kept in the order of
 * the current sort and filter by binary search, the selection staying on
 * its key:
 *   table_walk_begin; for each object: table_touch, or when it is new
 *   or changed table_update_begin, fill the row, table_update_end;
 *   table_walk_end (removes rows not seen, settles the selection).
 * table_update_begin returns the row of key with its cells cleared
 * (added when new), valid until the next call on the table. */
void table_set_order(struct table *t,
    int (*order)(const struct table_row *a, const struct table_row *b));
/* Lazy cells: the view fills a row's order, sort values (num[]) and
 * filter fields (state, host) and leaves in r->data (taken by the row,
 * freed with data_free) what format needs to fill its cells; cells are
 * formatted only when needed — the row drawn, a filter or a sort by a
 * text column, table_cell_text — and kept until the row is updated. A
 * tree table's view fills the tree column at build (format leaves it).
 * Set by the view on each build, like the order. */
void table_lazy(struct table *t,
    void (*format)(struct table_row *r, const void *data, int ascii),
    void (*data_free)(void *data), int ascii);
/* A sort by a text column of a lazy table formats every row for its
 * text, unless the view says it here: fn returns the text the row's
 * cell in col will have, exactly, from r->data, or NULL when it cannot
 * (that row is formatted). At 10,000 desktops a sort by name formats
 * none. Set by the view on each build, like table_lazy. */
void table_lazy_sort(struct table *t,
    const char *(*fn)(const struct table_row *r, int col));
/* The text of the cell (formatted now if it is not yet), "" for none. */
const char *table_cell_text(struct table *t, size_t row, int col);
/* Index of the row with key, TABLE_NONE when none. */
size_t table_find(const struct table *t, const char *key);
void table_walk_begin(struct table *t);
void table_touch(struct table *t, size_t row);
struct table_row *table_update_begin(struct table *t, const char *key);
void table_update_end(struct table *t, struct table_row *r);
/* Returns the number of rows removed. */
size_t table_walk_end(struct table *t);
/* Order of rows a and b (indexes into rows) under the table's sort; the
 * view's order when none. */
int table_row_cmp(const struct table *t, size_t a, size_t b);

/* The filter language: words separated by spaces must all match; a word is
 * a case-insensitive substring of any cell, "state:S" (prefix of the
 * state), "host:H" (exact host name); "!" before a word inverts it.
 * Returns 1 if the row passes. */
int table_row_matches(const struct table_row *r, int ncols, const char *filter);
void table_set_filter(struct table *t, const char *filter);

/* Navigation; visible is the number of row lines on screen. */
void table_move(struct table *t, long delta, int visible);
void table_home(struct table *t);
void table_end(struct table *t, int visible);
/* Sort: next column (after the last one: the view's order), and reverse. */
void table_cycle_sort(struct table *t);
void table_reverse_sort(struct table *t);
/* Select the row drawn on screen line `line` below the header (a mouse
 * click); returns 1 if there is a row there. */
int table_click(struct table *t, int line);
/* Select the row with this key: the operator's choice from now on, kept
 * by key (if the row is not shown yet, nothing is selected until it is).
 * Returns 1 if it is shown. */
int table_select_key(struct table *t, const char *key);
/* The selected row, NULL when none is shown. */
const struct table_row *table_selected(const struct table *t);

/* Column widths for a given width: drops optional columns from the right
 * until the rest fit, gives spare width to flex columns. widths[i] == 0
 * means hidden. Pure: unit-tested. */
void table_widths(const struct table_column *cols, int ncols, int width,
    int *widths);

/* The one way untrusted text reaches curses: s in its visible form
 * (text.h), cut to at most w cells with an ellipsis, drawn at (y, x) (right
 * aligned within w when right is set) over cells the caller has blanked.
 * Returns the cells drawn. */
int table_put_text(int y, int x, const char *s, int w, int right, int ascii);

/* Draw into the curses window area (y, x, h, w): header line and rows. */
void table_draw(struct table *t, int y, int x, int h, int w, int focused,
    int ascii);

#endif
