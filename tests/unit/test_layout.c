/* Unit tests for the layout arithmetic: panes tile the screen without
 * overlap at every size from the minimum to a wall screen. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tui/layout.h"

static int inside(struct rect r, int rows, int cols)
{
	return r.y >= 0 && r.x >= 0 && r.y + r.h <= rows && r.x + r.w <= cols;
}

static int overlap(struct rect a, struct rect b)
{
	if (a.h == 0 || b.h == 0)
		return 0;
	return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static void check(int rows, int cols, enum pane_id focus, int nhosts)
{
	struct layout l;
	struct rect all[PANE_COUNT + 2];
	int i, j, n = 0, area = 0;

	layout_compute(rows, cols, focus, nhosts, &l);
	assert_false(l.too_small);
	for (i = 0; i < PANE_COUNT; i++)
		if (l.pane[i].h > 0)
			all[n++] = l.pane[i];
	all[n++] = l.events;
	all[n++] = l.status;
	for (i = 0; i < n; i++) {
		assert_true(inside(all[i], rows, cols));
		area += all[i].h * all[i].w;
		for (j = i + 1; j < n; j++)
			assert_false(overlap(all[i], all[j]));
	}
	assert_int_equal(area, rows * cols);	/* tiles: nothing left blank */
	/* the focused pane is always shown, with room for a header and a row */
	if (focus != PANE_HOSTS)
		assert_true(l.pane[focus].h >= 4);
	assert_true(l.pane[PANE_HOSTS].h >= 4);
	assert_int_equal(l.status.y, rows - 1);
}

static void test_all_sizes_tile(void **state)
{
	int rows, cols, f, hosts;

	(void)state;
	for (rows = LAYOUT_MIN_ROWS; rows <= 80; rows += 1)
		for (cols = LAYOUT_MIN_COLS; cols <= 300; cols += 7)
			for (f = 0; f < PANE_COUNT; f++)
				for (hosts = 0; hosts <= 40; hosts += 13)
					check(rows, cols, (enum pane_id)f, hosts);
}

static void test_too_small(void **state)
{
	struct layout l;

	(void)state;
	layout_compute(12, 40, PANE_HOSTS, 3, &l);
	assert_true(l.too_small);
	layout_compute(LAYOUT_MIN_ROWS, LAYOUT_MIN_COLS - 1, PANE_HOSTS, 3, &l);
	assert_true(l.too_small);
	layout_compute(LAYOUT_MIN_ROWS - 1, 200, PANE_HOSTS, 3, &l);
	assert_true(l.too_small);
}

static void test_80x24(void **state)
{
	struct layout l;

	(void)state;
	layout_compute(24, 80, PANE_HOSTS, 3, &l);
	/* 3 hosts + border + header fit; desktops below; 3 event lines */
	assert_int_equal(l.pane[PANE_HOSTS].h, 6);
	assert_int_equal(l.pane[PANE_DESKTOPS].y, 6);
	assert_int_equal(l.pane[PANE_DESKTOPS].h, 24 - 1 - 5 - 6);
	assert_int_equal(l.events.h, 5);
	assert_int_equal(l.pane[PANE_POOLS].h, 0);
	layout_compute(24, 80, PANE_POOLS, 3, &l);
	assert_true(l.pane[PANE_POOLS].h > 0);
	assert_int_equal(l.pane[PANE_DESKTOPS].h, 0);
}

static void test_wall(void **state)
{
	struct layout l;

	(void)state;
	layout_compute(60, 200, PANE_DESKTOPS, 5, &l);
	assert_true(l.pane[PANE_HOSTS].h > 0 && l.pane[PANE_POOLS].h > 0);
	assert_true(l.pane[PANE_DESKTOPS].h > 0 && l.pane[PANE_VOLUMES].h > 0);
	assert_int_equal(l.pane[PANE_JOBS].h, 0);
	layout_compute(60, 200, PANE_JOBS, 5, &l);
	assert_true(l.pane[PANE_JOBS].h > 0);
	assert_int_equal(l.pane[PANE_VOLUMES].h, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_sizes_tile),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_80x24),
		cmocka_unit_test(test_wall),
	};

	return cmocka_run_group_tests_name("layout", tests, NULL, NULL);
}
