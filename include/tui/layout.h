/* layout.h — where the panes go for a terminal size. Pure arithmetic,
 * unit-tested; the UI computes it once per resize or focus change. */
#ifndef HVDECK_LAYOUT_H
#define HVDECK_LAYOUT_H

enum pane_id { PANE_HOSTS, PANE_POOLS, PANE_VOLUMES, PANE_DESKTOPS, PANE_JOBS,
	PANE_COUNT };

struct rect {
	int y, x, h, w;
};

struct layout {
	int too_small;                 /* below MIN_COLS x MIN_ROWS */
	struct rect pane[PANE_COUNT];  /* h == 0: not shown */
	struct rect events;            /* the events strip (h may be 0) */
	struct rect status;            /* one line at the bottom */
};

#define LAYOUT_MIN_COLS 60
#define LAYOUT_MIN_ROWS 15

/* rows x cols terminal, focused pane, number of hosts (the hypervisors
 * pane is sized to fit them). Small terminals show the hypervisors and the
 * focused pane stacked (desktops when the hypervisors have focus); wide
 * ones (>= 160 x 40) show a 2 x 2 grid plus the focused one of
 * volumes/jobs. */
void layout_compute(int rows, int cols, enum pane_id focus, int nhosts,
    struct layout *out);

#endif
