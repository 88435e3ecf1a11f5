/* Unit tests for per-row table updates (ui-table.h): the desktops pane
 * updated row by row as desktops appear, change state, change name and
 * vanish — around a selected desktop, under each sort, reversed, and
 * filtered — must equal the pane built from scratch after every step:
 * the same rows in the same order with the same cells, the selection
 * still on its desktop. Its cells are formatted lazily: only for rows
 * asked (drawn), or all under a filter or a sort by a text column, and
 * again after the row changed. Now and then the whole table is ordered
 * again (as a sort or filter key does), from the view's order kept as
 * ranks while no row's name or group changed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "model-fill.h"
#include "tui/views.h"

#include <libvirt/libvirt.h>

enum { COL_UPTIME = 8 };	/* a clock: may move between two builds */

static unsigned h1, h2;

static int setup(void **state)
{
	(void)state;
	fill_hosts(&h1, &h2);
	fill_bases(h2);	/* volumes: nothing the desktops pane shows */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	model_free();
	return 0;
}

static void uuid_of(char *buf, size_t len, int i)
{
	snprintf(buf, len, "00000000-0000-0000-0000-%012d", i);
}

static void name_of(char *buf, size_t len, int i, int version)
{
	snprintf(buf, len, "desk-%d%s", (i * 7) % 23, version ? "b" : "");
}

/* A difference between the updated pane and a fresh build, written to
 * why; "" when none. Lock held. */
static void compare(struct table *inc, const char *sel, char *why, size_t len)
{
	struct table fresh;
	const struct table_row *a, *b, *s;
	size_t i;
	int c;

	*why = '\0';
	table_init(&fresh, view_desktops.cols, view_desktops.ncols);
	fresh.sort_col = inc->sort_col;
	fresh.sort_desc = inc->sort_desc;
	fresh.filter = inc->filter != NULL ? strdup(inc->filter) : NULL;
	view_desktops.build(&fresh, 1);
	table_finish(&fresh);
	if (fresh.nshown != inc->nshown || fresh.nrows != inc->nrows)
		snprintf(why, len, "%zu of %zu rows shown, a fresh build %zu of %zu",
		    inc->nshown, inc->nrows, fresh.nshown, fresh.nrows);
	for (i = 0; *why == '\0' && i < fresh.nshown; i++) {
		a = &inc->rows[inc->shown[i]];
		b = &fresh.rows[fresh.shown[i]];
		if (strcmp(a->key, b->key) != 0)
			snprintf(why, len, "row %zu is %s, a fresh build has %s",
			    i, a->key, b->key);
		for (c = 0; *why == '\0' && c < inc->ncols; c++)
			if (c != COL_UPTIME && strcmp(table_cell_text(inc,
			    inc->shown[i], c), table_cell_text(&fresh,
			    fresh.shown[i], c)) != 0)
				snprintf(why, len, "row %s column %d: '%s', fresh '%s'",
				    a->key, c, table_cell_text(inc, inc->shown[i], c),
				    table_cell_text(&fresh, fresh.shown[i], c));
	}
	s = table_selected(inc);
	if (*why == '\0' && sel != NULL && (s == NULL || strcmp(s->key, sel) != 0))
		snprintf(why, len, "the selection left %s for %s", sel,
		    s != NULL ? s->key : "nothing");
	table_free(&fresh);
}

/* One random change to the model: a new desktop, a state change, a
 * rename, a second placement, a desktop gone, stats. Never the
 * selected desktop's removal (keep). */
static void change(int step, int *next, int keep)
{
	static const enum desktop_state states[] = { DS_RUNNING, DS_SHUTOFF,
		DS_PAUSED, DS_CRASHED, DS_BLOCKED };
	char u[40], name[32];
	int i = rand() % (*next + 1);
	struct desktop_sample s = { .cpu_ns = (uint64_t)step * 1000000000u,
		.at_ms = step * 1000 };

	uuid_of(u, sizeof u, i);
	switch (rand() % 6) {
	case 0:
		uuid_of(u, sizeof u, *next);
		name_of(name, sizeof name, *next, 0);
		model_desktop_seen(h1, u, name, states[rand() % 5], 1, 1, NULL);
		(*next)++;
		break;
	case 1:
		model_desktop_set_state(h1, u, states[rand() % 5], 1);
		break;
	case 2:
		name_of(name, sizeof name, i, rand() % 2);
		model_desktop_seen(h1, u, name, DS_SHUTOFF, 0, 1, NULL);
		break;
	case 3:
		name_of(name, sizeof name, i, 0);
		model_desktop_seen(h2, u, name, states[rand() % 5], 1, 1, NULL);
		break;
	case 4:
		if (i != keep)
			model_desktop_gone(h1, u);
		break;
	default:
		model_desktop_stats(h1, u, &s);
	}
}

/* n desktops, a third running, and the pane built from them. */
static void first_build(struct table *t, int n)
{
	char u[40], name[32];
	int i;

	for (i = 0; i < n; i++) {
		uuid_of(u, sizeof u, i);
		name_of(name, sizeof name, i, 0);
		fill_desktop(h1, u, name, i % 3 ? DS_SHUTOFF : DS_RUNNING);
	}
	table_init(t, view_desktops.cols, view_desktops.ncols);
	model_lock();
	view_desktops.build(t, 1);
	table_finish(t);
	model_unlock();
}

static void run(int sort_col, int desc, const char *filter)
{
	struct table t;
	char sel[40], why[200];
	int step, next = 40, keep = 17;
	void *changes;

	srand(19 + (unsigned)sort_col * 3 + (unsigned)desc);
	first_build(&t, next);
	t.sort_col = sort_col;
	t.sort_desc = desc;
	table_set_filter(&t, filter);
	uuid_of(sel, sizeof sel, keep);
	table_select_key(&t, sel);
	for (step = 0; step < 300; step++) {
		change(step, &next, keep);
		model_lock();
		changes = view_desktops.collect(&t, step % 7 == 0);
		model_unlock();
		view_desktops.apply(&t, changes, 1);
		/* now and then the whole order again (a key: sort, filter),
		 * from the ranks kept since the last one where they hold */
		if (step % 25 == 24)
			table_set_filter(&t, filter);
		model_lock();
		compare(&t, table_row_matches(&t.rows[table_find(&t, sel)],
		    t.ncols, t.filter) ? sel : NULL, why, sizeof why);
		model_unlock();
		if (*why != '\0')
			fail_msg("sort %d%s filter '%s', step %d: %s", sort_col,
			    desc ? " reversed" : "", filter ? filter : "", step, why);
	}
	table_free(&t);
}

static void test_view_order(void **state)
{
	(void)state;
	run(-1, 0, NULL);
}

static void test_view_order_reversed(void **state)
{
	(void)state;
	run(-1, 1, NULL);
}

static void test_by_name(void **state)
{
	(void)state;
	run(0, 0, NULL);
}

static void test_by_state_reversed(void **state)
{
	(void)state;
	run(1, 1, NULL);
}

static void test_by_cpu_filtered(void **state)
{
	(void)state;
	run(5, 1, "desk-1");
}

static void test_filter_by_state(void **state)
{
	(void)state;
	run(2, 0, "state:run");
}

static void test_by_disk(void **state)
{
	(void)state;
	run(6, 0, NULL);
}

static size_t formatted(const struct table *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->nrows; i++)
		n += t->rows[i].formatted;
	return n;
}

/* The rows shown are in the order of their cells' text in col (ties:
 * any), the cells formatted now to see. */
static void assert_sorted_by_cells(struct table *t, int col)
{
	size_t i;

	for (i = 0; i + 1 < t->nshown; i++)
		if (strcasecmp(table_cell_text(t, t->shown[i], col),
		    table_cell_text(t, t->shown[i + 1], col)) > 0)
			fail_msg("column %d: '%s' shown before '%s'", col,
			    table_cell_text(t, t->shown[i], col),
			    table_cell_text(t, t->shown[i + 1], col));
}

/* Cells only where needed: none after a build in the view's order, the
 * row asked for, every row under a filter word, and a changed row again
 * only when asked. A sort by name or state takes the text from the rows'
 * data (table_lazy_sort) and formats only a row whose cell is more than
 * a field (a spinner), yet orders as the cells read. */
static void test_cells_when_needed(void **state)
{
	struct table t;
	char u[40], name[32];
	size_t row;
	void *changes;

	(void)state;
	first_build(&t, 40);
	assert_int_equal(t.nrows, 40);
	assert_int_equal(formatted(&t), 0);
	uuid_of(u, sizeof u, 5);
	row = table_find(&t, u);
	name_of(name, sizeof name, 5, 0);
	assert_string_equal(table_cell_text(&t, row, 0), name);
	assert_int_equal(formatted(&t), 1);
	table_set_filter(&t, "desk");
	assert_int_equal(formatted(&t), 40);
	table_set_filter(&t, NULL);
	/* a rename: its row is formatted anew, when asked */
	name_of(name, sizeof name, 5, 1);
	model_desktop_seen(h1, u, name, DS_SHUTOFF, 0, 1, NULL);
	model_lock();
	changes = view_desktops.collect(&t, 0);
	model_unlock();
	view_desktops.apply(&t, changes, 1);
	row = table_find(&t, u);
	assert_false(t.rows[row].formatted);
	assert_int_equal(formatted(&t), 39);
	assert_string_equal(table_cell_text(&t, row, 0), name);
	table_free(&t);
	model_free();
	setup(NULL);
	/* a sort by name: no row formatted for it */
	first_build(&t, 40);
	t.sort_col = 0;
	table_finish(&t);
	assert_int_equal(formatted(&t), 0);
	assert_sorted_by_cells(&t, 0);
	/* by state, one desktop starting (a spinner): that row only */
	table_free(&t);
	model_free();
	setup(NULL);
	first_build(&t, 40);
	uuid_of(u, sizeof u, 7);
	model_desktop_pending(u, "starting");
	model_lock();
	changes = view_desktops.collect(&t, 0);
	model_unlock();
	view_desktops.apply(&t, changes, 1);
	assert_int_equal(formatted(&t), 0);
	t.sort_col = 1;
	table_finish(&t);
	assert_int_equal(formatted(&t), 1);
	assert_true(t.rows[table_find(&t, u)].formatted);
	assert_sorted_by_cells(&t, 1);
	table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_view_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_view_order_reversed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_state_reversed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_cpu_filtered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_by_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_disk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cells_when_needed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
