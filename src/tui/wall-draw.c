/* wall-draw.c — one frame of the wall from a snapshot: the title line
 * with the clock, the cluster's totals (big digits when there is room),
 * the alert band, the jobs with progress bars, and a grid of host tiles
 * that fills what is left (paged when the hosts do not fit). Every state
 * is a word as well as a colour, so the monochrome theme reads the same. */
#include "tui/wall.h"
#include "core/format.h"
#include "core/text.h"
#include "core/util.h"
#include "tui/theme.h"
#include "tui/ui-box.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TILE_MIN_W 26
#define TILE_MIN_H 7
/* big digits need this much room: four totals side by side */
#define BIG_MIN_ROWS 40
#define BIG_MIN_COLS 120
#define BIG_H 5
/* inner rows from which a tile's state is in big letters */
#define TILE_BIG_H 14

/* s (made for the screen) at y, x in at most w cells. */
static void put(int y, int x, int w, const char *s, int ascii)
{
	char *t;

	if (w <= 0)
		return;
	t = text_truncate(s, w, ascii);
	mvaddstr(y, x, t);
	free(t);
}

static void fill_row(int y, int x, int w, int attr)
{
	attrset(attr);
	mvhline(y, x, ' ', w);
}

/* "4m12s" for an age in ms; "-" when unknown. */
static char *age(char *buf, size_t len, int64_t ms)
{
	return format_duration(buf, len, ms < 0 ? -1 : ms / 1000);
}

static void bar(int y, int x, int w, double frac, enum theme_slot slot,
    int ascii)
{
	int fill = frac < 0 ? 0 : format_bar_fill((uint64_t)(frac * 1000),
	    1000, w), i;

	move(y, x);
	attrset(theme_attr(slot));
	for (i = 0; i < fill; i++)
		addch(ascii ? '#' : ' ' | A_REVERSE);
	attrset(theme_attr(SLOT_BAR_EMPTY));
	for (; i < w; i++)
		addch('.');
	attrset(theme_attr(SLOT_NORMAL));
}

/* ---- big digits: 3x5 cells each ---- */

static const char *const glyphs[] = {
	"0###" "# #" "# #" "# #" "###", "1 # " "## " " # " " # " "###",
	"2###" "  #" "###" "#  " "###", "3###" "  #" "###" "  #" "###",
	"4# #" "# #" "###" "  #" "  #", "5###" "#  " "###" "  #" "###",
	"6###" "#  " "###" "# #" "###", "7###" "  #" "  #" "  #" "  #",
	"8###" "# #" "###" "# #" "###", "9###" "# #" "###" "  #" "###",
	"/  #" "  #" " # " "#  " "#  ", "%# #" "  #" " # " "#  " "# #",
	"-   " "   " "###" "   " "   ",
	/* the letters of the states, for tall tiles */
	"O###" "# #" "# #" "# #" "###", "N## " "# #" "# #" "# #" "# #",
	"L#  " "#  " "#  " "#  " "###", "I###" " # " " # " " # " "###",
	"E###" "#  " "## " "#  " "###", "F###" "#  " "## " "#  " "#  ",
	"S###" "#  " "###" "  #" "###", "T###" " # " " # " " # " " # ",
	"A # " "# #" "###" "# #" "# #", "C###" "#  " "#  " "#  " "###",
	"G###" "#  " "# #" "# #" "###",
	/* last: what any other character looks like */
	"    " "   " "   " "   " "   ",
};

static const char *glyph(char c)
{
	size_t i;

	for (i = 0; i < sizeof glyphs / sizeof glyphs[0]; i++)
		if (glyphs[i][0] == c)
			return glyphs[i] + 1;
	return glyphs[sizeof glyphs / sizeof glyphs[0] - 1] + 1;
}

/* text in big digits from y, x, within w cells; returns the width used. */
static int big_text(int y, int x, int w, const char *text, int attr,
    int ascii)
{
	int i, r, c, n = (int)strlen(text);
	const char *g;

	if (n * 4 - 1 > w)
		return 0;
	for (i = 0; i < n; i++) {
		g = glyph(text[i]);
		for (r = 0; r < BIG_H; r++)
			for (c = 0; c < 3; c++) {
				if (g[r * 3 + c] != '#')
					continue;
				attrset(attr & ~A_REVERSE);
				mvaddstr(y + r, x + i * 4 + c, ascii ? "#" : "\u2588");
			}
	}
	attrset(theme_attr(SLOT_NORMAL));
	return n * 4 - 1;
}

static void pct_text(char *buf, size_t len, double pct)
{
	if (pct < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.0f%%", pct);
}

/* The four totals: label and value; big when there is room. Returns the
 * rows used. */
static int draw_totals(const struct wall_view *v, const struct wall_snap *s,
    int y)
{
	char val[4][32], line[256];
	const char *label[4] = { "HOSTS ONLINE", "DESKTOPS RUNNING", "CPU",
	    "MEMORY" };
	int i, w = v->cols / 4, attr;

	snprintf(val[0], sizeof val[0], "%zu/%zu", s->online, s->nhosts);
	snprintf(val[1], sizeof val[1], "%zu", s->running);
	pct_text(val[2], sizeof val[2], s->cpu_pct);
	pct_text(val[3], sizeof val[3], s->mem_frac < 0 ? -1 : s->mem_frac * 100);
	if (v->rows >= BIG_MIN_ROWS && v->cols >= BIG_MIN_COLS) {
		for (i = 0; i < 4; i++) {
			attr = theme_attr(i == 0 && s->online < s->nhosts ?
			    SLOT_HOST_OFFLINE : SLOT_TITLE);
			attrset(theme_attr(SLOT_HEADER));
			put(y, i * w + 1, w - 2, label[i], v->ascii);
			if (i == 1)
				snprintf(line, sizeof line, " (of %zu)", s->desktops);
			else
				line[0] = '\0';
			attrset(theme_attr(SLOT_NORMAL));
			put(y, i * w + 1 + (int)strlen(label[i]), w - 2 -
			    (int)strlen(label[i]), line, v->ascii);
			big_text(y + 2, i * w + 2, w - 3, val[i], attr, v->ascii);
		}
		return BIG_H + 3;
	}
	snprintf(line, sizeof line, "HOSTS %s online   DESKTOPS %s running of "
	    "%zu   CPU %s   MEMORY %s", val[0], val[1], s->desktops, val[2],
	    val[3]);
	attrset(theme_attr(SLOT_TITLE));
	put(y, 1, v->cols - 2, line, v->ascii);
	attrset(theme_attr(SLOT_NORMAL));
	return 1;
}

/* The alert band: what needs a person, oldest first, each with its age;
 * "no alerts" when all is well. Returns the rows used. */
static int draw_alerts(const struct wall_view *v, const struct wall_alerts *a,
    int y, int max)
{
	char line[512], ago[32];
	size_t i, shown;
	int attr;

	if (a->n == 0) {
		attrset(theme_attr(SLOT_HOST_ONLINE));
		put(y, 1, v->cols - 2, "ALERTS: none", v->ascii);
		attrset(theme_attr(SLOT_NORMAL));
		return 1;
	}
	shown = a->n <= (size_t)max ? a->n : (size_t)max - 1;
	for (i = 0; i < shown; i++) {
		attr = theme_attr(a->v[i].split_brain ? SLOT_SPLIT_BRAIN :
		    SLOT_ALERT);
		fill_row(y + (int)i, 0, v->cols, attr);
		snprintf(line, sizeof line, "ALERT %6s  %s", age(ago, sizeof ago,
		    v->now_wall_ms - a->v[i].since_wall_ms), a->v[i].text);
		put(y + (int)i, 1, v->cols - 2, line, v->ascii);
	}
	if (shown < a->n) {
		fill_row(y + (int)shown, 0, v->cols, theme_attr(SLOT_ALERT));
		snprintf(line, sizeof line, "ALERT  ... and %zu more", a->n - shown);
		put(y + (int)shown, 1, v->cols - 2, line, v->ascii);
		shown++;
	}
	attrset(theme_attr(SLOT_NORMAL));
	return (int)shown;
}

/* Running jobs with progress bars (any kind: migrations, drains, disk
 * moves...). Returns the rows used. */
static int draw_jobs(const struct wall_view *v, const struct wall_snap *s,
    int y, int max)
{
	char pct[16], line[64];
	size_t i, shown;
	int bw = v->cols >= 100 ? 30 : 12, tw = v->cols - bw - 10;

	if (s->njobs == 0) {
		attrset(theme_attr(SLOT_DIM));
		put(y, 1, v->cols - 2, "JOBS: none running", v->ascii);
		attrset(theme_attr(SLOT_NORMAL));
		return 1;
	}
	shown = s->njobs <= (size_t)max ? s->njobs : (size_t)max - 1;
	for (i = 0; i < shown; i++) {
		attrset(theme_attr(SLOT_JOB));
		put(y + (int)i, 1, 5, "JOB", v->ascii);
		attrset(theme_attr(SLOT_NORMAL));
		put(y + (int)i, 6, tw - 6, s->jobs[i].text, v->ascii);
		bar(y + (int)i, tw + 1, bw, s->jobs[i].pct < 0 ? -1 :
		    s->jobs[i].pct / 100, SLOT_BAR_DISK, v->ascii);
		pct_text(pct, sizeof pct, s->jobs[i].pct);
		put(y + (int)i, tw + bw + 2, 6, pct, v->ascii);
	}
	if (shown < s->njobs) {
		snprintf(line, sizeof line, "JOB  ... and %zu more", s->njobs - shown);
		put(y + (int)shown, 1, v->cols - 2, line, v->ascii);
		shown++;
	}
	return (int)shown;
}

/* ---- host tiles ---- */

/* The state as a word (the monochrome theme reads it alone) and its slot. */
/* The state as a word (the monochrome theme reads it alone), the same in
 * big letters (*big), and its slot. */
static const char *state_word(const struct wall_host *h, const char **big,
    enum theme_slot *slot)
{
	if (h->stale) {
		*slot = SLOT_HOST_CONNECTING;
		*big = "STALE";
		return "!! STALE !!";
	}
	switch (h->state) {
	case HOST_ONLINE:
	case HOST_READONLY:	/* the wall is read-only: up is online */
		*slot = SLOT_HOST_ONLINE;
		return *big = "ONLINE";
	case HOST_CONNECTING:
		*slot = SLOT_HOST_CONNECTING;
		return *big = "CONNECTING";
	case HOST_OFFLINE:
		break;
	}
	*slot = SLOT_HOST_OFFLINE;
	*big = "OFFLINE";
	return "!! OFFLINE !!";
}

/* The state banner: the word centred on a full-width band, tall when the
 * tile is; in a tile of TILE_BIG_H rows or more, big letters above the
 * band when they fit. */
static void tile_banner(int y, int x, int w, int h, const struct wall_host *t,
    int ascii)
{
	enum theme_slot slot;
	const char *big, *word = state_word(t, &big, &slot);
	int attr = theme_attr(slot) | A_REVERSE | A_BOLD, i, len;
	int bw = (int)strlen(big) * 4 - 1;

	if (h >= BIG_H + 2 && bw + 2 <= w) {
		big_text(y, x + (w - bw) / 2, bw, big, theme_attr(slot) | A_BOLD,
		    ascii);
		y += BIG_H + 1;
		h -= BIG_H + 1;
	}
	for (i = 0; i < h; i++)
		fill_row(y + i, x, w, attr);
	len = (int)strlen(word);
	put(y + h / 2, x + (w > len ? (w - len) / 2 : 0), w, word, ascii);
	attrset(theme_attr(SLOT_NORMAL));
}

/* "CPU [bar] 42%" */
static void tile_bar(int y, int x, int w, const char *label, double frac,
    enum theme_slot slot, int ascii)
{
	char pct[16];

	put(y, x, 4, label, ascii);
	bar(y, x + 4, w - 9, frac, slot, ascii);
	pct_text(pct, sizeof pct, frac < 0 ? -1 : frac * 100);
	mvprintw(y, x + w - 4, "%4s", pct);
}

/* The lines under the banner: figures for a host that is up; since when
 * and why for one that is not. */
static void tile_body(int y, int x, int w, int h, const struct wall_host *t,
    const struct wall_view *v)
{
	char line[512], a[32], clock[32];
	time_t since = (time_t)(t->since_wall_ms / 1000);
	struct tm tm;
	int row = y;

	if (t->up) {
		tile_bar(row++, x, w, "CPU", t->cpu_pct < 0 ? -1 : t->cpu_pct / 100,
		    SLOT_BAR_CPU, v->ascii);
		tile_bar(row++, x, w, "MEM", t->mem_frac, SLOT_BAR_MEM, v->ascii);
		snprintf(line, sizeof line, "desktops %zu/%zu running", t->running,
		    t->desktops);
	} else {
		localtime_r(&since, &tm);
		strftime(clock, sizeof clock, "%H:%M:%S", &tm);
		snprintf(line, sizeof line, "since %s (%s)", clock, age(a, sizeof a,
		    v->now_wall_ms - t->since_wall_ms));
		put(row++, x, w, line, v->ascii);
		attrset(theme_attr(SLOT_DIM));
		put(row++, x, w, t->error != NULL ? t->error : "", v->ascii);
		attrset(theme_attr(SLOT_NORMAL));
		snprintf(line, sizeof line, "desktops ?/%zu running", t->desktops);
	}
	put(row++, x, w, line, v->ascii);
	snprintf(line, sizeof line, "data %s ago", age(a, sizeof a, t->age_ms));
	attrset(theme_attr(t->stale ? SLOT_ALERT : SLOT_EVENT_TIME));
	put(row, x, w, line, v->ascii);
	attrset(theme_attr(SLOT_NORMAL));
	/* maintenance and the host's job: on the age line's right, or on a
	 * line of their own when the tile has one */
	if (y + h - 1 > row) {
		row++;
	} else {
		x += w / 2;
		w -= w / 2;
	}
	if (t->maintenance) {
		attrset(theme_attr(SLOT_HOST_MAINTENANCE) | A_BOLD);
		put(row, x, w, "MAINTENANCE", v->ascii);
		attrset(theme_attr(SLOT_NORMAL));
	}
	if (t->job != NULL && w > 14) {
		attrset(theme_attr(SLOT_JOB));
		put(row, x + (t->maintenance ? 12 : 0), w - (t->maintenance ? 12 : 0),
		    t->job, v->ascii);
		attrset(theme_attr(SLOT_NORMAL));
	}
}

static void draw_tile(struct rect r, const struct wall_host *t,
    const struct wall_view *v)
{
	char *title = text_truncate(t->name, r.w - 6, v->ascii);
	char *titled = xasprintf(" %s ", title);
	const char *role = config_role_name(t->role);
	int ih = r.h - 2, iw = r.w - 2;
	int banner = ih >= TILE_BIG_H ? BIG_H + 2 : ih >= 10 ? 3 : 1;

	ui_box(r, t->up && !t->stale ? 0 : 1, titled, v->ascii);
	if (r.w - 4 - text_width(titled) > (int)strlen(role) + 3) {
		attrset(theme_attr(SLOT_BORDER));
		mvprintw(r.y, r.x + r.w - 4 - (int)strlen(role), " %s ", role);
	}
	tile_banner(r.y + 1, r.x + 1, iw, banner, t, v->ascii);
	tile_body(r.y + 1 + banner + (ih - banner >= 7), r.x + 2, iw - 2,
	    ih - banner - (ih - banner >= 7), t, v);
	free(titled);
	free(title);
}

/* Columns of tiles for n hosts in w x h: the most square-ish tiles that
 * fit; 0 when even one column of minimum tiles cannot hold them. */
static int grid_cols(int n, int w, int h)
{
	int c, r, best = 0;
	double score, best_score = -1;

	for (c = 1; c <= n; c++) {
		r = (n + c - 1) / c;
		if (w / c < TILE_MIN_W || h / r < TILE_MIN_H)
			continue;
		/* a tile reads best about three times wider than tall */
		score = (double)(w / c) < 3.0 * (h / r) ? (double)(w / c) :
		    3.0 * (h / r);
		if (score >= best_score) {	/* ties: fewer rows */
			best_score = score;
			best = c;
		}
	}
	return best;
}

/* The tiles of the page v->page in y..rows; sets v->pages. */
static void draw_tiles(struct wall_view *v, const struct wall_snap *s, int y)
{
	int h = v->rows - y, w = v->cols, per, cols, rows, first, n, i;
	struct rect r;

	if (h < 3 || s->nhosts == 0)
		return;
	cols = grid_cols((int)s->nhosts, w, h);
	if (cols > 0) {
		per = (int)s->nhosts;
	} else {
		cols = w / TILE_MIN_W > 0 ? w / TILE_MIN_W : 1;
		rows = h / TILE_MIN_H > 0 ? h / TILE_MIN_H : 1;
		per = cols * rows;
	}
	v->pages = ((int)s->nhosts + per - 1) / per;
	if (v->page >= v->pages)
		v->page = 0;
	first = v->page * per;
	n = (int)s->nhosts - first < per ? (int)s->nhosts - first : per;
	rows = (n + cols - 1) / cols;
	for (i = 0; i < n; i++) {
		r.w = w / cols;
		r.h = h / rows < TILE_MIN_H ? (h < TILE_MIN_H ? h : TILE_MIN_H) :
		    h / rows;
		r.x = (i % cols) * r.w;
		r.y = y + (i / cols) * r.h;
		if (r.y + r.h > v->rows)
			break;
		draw_tile(r, &s->hosts[first + i], v);
	}
}

/* The title line: what this is, the page, and the clock (the date only
 * when there is room: the seconds must always show). */
static void draw_title(const struct wall_view *v, const struct wall_snap *s)
{
	char left[128], right[64];
	time_t now = (time_t)(v->now_wall_ms / 1000);
	struct tm tm;
	int rw;

	localtime_r(&now, &tm);
	strftime(right, sizeof right, v->cols >= 100 ? "%Y-%m-%d %H:%M:%S" :
	    "%H:%M:%S", &tm);
	snprintf(left, sizeof left, "hvdeck wall  read-only  %zu hosts", s->nhosts);
	if (v->pages > 1)
		snprintf(left + strlen(left), sizeof left - strlen(left),
		    "  page %d/%d", v->page + 1, v->pages);
	if (v->server_pid > 0)
		snprintf(left + strlen(left), sizeof left - strlen(left),
		    "  jobs of server %ld", v->server_pid);
	fill_row(0, 0, v->cols, theme_attr(SLOT_STATUS));
	rw = (int)strlen(right);
	put(0, 1, v->cols - rw - 3, left, v->ascii);
	if (v->cols > rw + 2)
		mvaddstr(0, v->cols - rw - 1, right);
	attrset(theme_attr(SLOT_NORMAL));
}

void wall_draw(struct wall_view *v, const struct wall_snap *s,
    const struct wall_alerts *a)
{
	int y = 1, big = v->rows >= BIG_MIN_ROWS;

	erase();
	y += draw_totals(v, s, y);
	y += draw_alerts(v, a, y, big ? v->rows / 5 : 3);
	y += draw_jobs(v, s, y, big ? v->rows / 8 : 2);
	draw_tiles(v, s, y);
	draw_title(v, s);	/* after the tiles: it knows the pages */
	refresh();
}
