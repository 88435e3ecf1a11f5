/* layout.c — pane rectangles from the terminal size. */
#include "tui/layout.h"

#include <string.h>

#define WIDE_COLS 160
#define WIDE_ROWS 40
#define EVENTS_ROWS 5   /* border + 3 events + border */

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static struct rect rect(int y, int x, int h, int w)
{
	struct rect r = { y, x, h, w };

	return r;
}

/* Rows for the hypervisors pane: its hosts plus border and header, at
 * least 4 and at most a third of the space. */
static int hosts_height(int avail, int nhosts)
{
	return clamp(nhosts + 3, 4, avail / 3 > 4 ? avail / 3 : 4);
}

static void stacked(int avail, int cols, enum pane_id focus, int nhosts,
    struct layout *out)
{
	int hh = hosts_height(avail, nhosts);
	enum pane_id lower = focus == PANE_HOSTS ? PANE_DESKTOPS : focus;

	out->pane[PANE_HOSTS] = rect(0, 0, hh, cols);
	out->pane[lower] = rect(hh, 0, avail - hh, cols);
}

static void grid(int avail, int cols, enum pane_id focus, int nhosts,
    struct layout *out)
{
	int hh = hosts_height(avail, nhosts);
	int left = cols / 2, dleft = cols * 3 / 5;
	enum pane_id side = focus == PANE_JOBS ? PANE_JOBS : PANE_VOLUMES;

	if (hh < 8)
		hh = 8;
	out->pane[PANE_HOSTS] = rect(0, 0, hh, left);
	out->pane[PANE_POOLS] = rect(0, left, hh, cols - left);
	out->pane[PANE_DESKTOPS] = rect(hh, 0, avail - hh, dleft);
	out->pane[side] = rect(hh, dleft, avail - hh, cols - dleft);
}

void layout_compute(int rows, int cols, enum pane_id focus, int nhosts,
    struct layout *out)
{
	int avail, events;

	memset(out, 0, sizeof *out);
	if (rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS) {
		out->too_small = 1;
		return;
	}
	out->status = rect(rows - 1, 0, 1, cols);
	/* below 20 rows the events strip would starve the panes */
	events = rows >= 20 ? EVENTS_ROWS + (rows >= WIDE_ROWS ? 3 : 0) : 0;
	out->events = rect(rows - 1 - events, 0, events, cols);
	avail = rows - 1 - events;
	if (cols >= WIDE_COLS && rows >= WIDE_ROWS)
		grid(avail, cols, focus, nhosts, out);
	else
		stacked(avail, cols, focus, nhosts, out);
}
