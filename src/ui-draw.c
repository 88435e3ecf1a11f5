/* ui-draw.c — everything the console puts on the screen: panes with their
 * tables, the events strip, the status line, prompts, the confirmation,
 * the details and help pages, and the "too small" screen. Curses calls
 * only; the model is read under its lock and only long enough to copy. */
#include "ui.h"
#include "keys.h"
#include "model.h"
#include "theme.h"
#include "util.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void ui_message(struct ui *u, int error, const char *fmt, ...)
{
	va_list ap;
	char buf[sizeof u->message];
	char *vis;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	vis = util_visible(buf);
	snprintf(u->message, sizeof u->message, "%s", vis);
	free(vis);
	u->message_error = error;
	u->message_until = util_now_ms() + (error ? 10000 : 4000);
}

int ui_pane_rows(const struct ui *u, enum pane_id p)
{
	int h = u->layout.pane[p].h - 3;	/* borders and header */

	return h > 1 ? h : 1;
}

int ui_animating(void)
{
	struct m_desktop **ds;
	size_t n, i;
	int any = 0;

	model_lock();
	ds = model_desktops(&n);
	for (i = 0; i < n && !any; i++)
		any = model_desktop_pending_now(ds[i]) != NULL;
	model_unlock();
	return any;
}

static void hline_at(int y, int x, int w, int ascii)
{
	move(y, x);
	if (ascii)
		while (w-- > 0)
			addch('-');
	else
		hline(ACS_HLINE, w);
}

static void box_at(struct rect r, int active, const char *title, int ascii)
{
	int i;

	attrset(theme_attr(active ? SLOT_BORDER_ACTIVE : SLOT_BORDER));
	hline_at(r.y, r.x, r.w, ascii);
	hline_at(r.y + r.h - 1, r.x, r.w, ascii);
	for (i = r.y + 1; i < r.y + r.h - 1; i++) {
		mvaddch(i, r.x, ascii ? '|' : ACS_VLINE);
		mvaddch(i, r.x + r.w - 1, ascii ? '|' : ACS_VLINE);
	}
	mvaddch(r.y, r.x, ascii ? '+' : ACS_ULCORNER);
	mvaddch(r.y, r.x + r.w - 1, ascii ? '+' : ACS_URCORNER);
	mvaddch(r.y + r.h - 1, r.x, ascii ? '+' : ACS_LLCORNER);
	mvaddch(r.y + r.h - 1, r.x + r.w - 1, ascii ? '+' : ACS_LRCORNER);
	attrset(theme_attr(active ? SLOT_TITLE : SLOT_BORDER));
	if (r.w > 6)
		mvaddnstr(r.y, r.x + 2, title, r.w - 4);
	attrset(theme_attr(SLOT_NORMAL));
}

static void draw_pane(struct ui *u, enum pane_id p)
{
	struct rect r = u->layout.pane[p];
	struct table *t = &u->tables[p];
	const struct view *v = view_of(p);
	char title[160];

	if (r.h < 3 || r.w < 4)
		return;
	snprintf(title, sizeof title, " %d %s (%zu%s%zu)%s%s%s ", (int)p + 1, v->title,
	    t->nshown, t->filter ? " of " : "", t->filter ? t->nrows : (size_t)0,
	    t->filter ? " [/" : "", t->filter ? t->filter : "", t->filter ? "]" : "");
	if (t->filter == NULL)
		snprintf(title, sizeof title, " %d %s (%zu) ", (int)p + 1, v->title, t->nshown);
	box_at(r, p == u->focus, title, u->ascii);
	table_draw(t, r.y + 1, r.x + 1, r.h - 2, r.w - 2, p == u->focus, u->ascii);
	if (p == PANE_HOSTS && t->nrows == 0 && r.h > 3) {
		attrset(theme_attr(SLOT_DIM));
		mvaddnstr(r.y + 2, r.x + 2, "no hosts: list them in the configuration "
		    "file or start with -H URI (see hvdeck(1))", r.w - 4);
		attrset(theme_attr(SLOT_NORMAL));
	}
}

static void draw_events(struct ui *u)
{
	struct rect r = u->layout.events;
	const struct m_event *e;
	size_t n, i, first;
	int lines = r.h - 2, line = 0;
	char stamp[16];
	struct tm tm;
	time_t t;

	if (r.h < 3)
		return;
	box_at(r, 0, " Events ", u->ascii);
	model_lock();
	model_event_at(0, &n);
	first = n > (size_t)lines ? n - (size_t)lines : 0;
	for (i = first; i < n; i++, line++) {
		e = model_event_at(i, &n);
		t = (time_t)(e->wall_ms / 1000);
		localtime_r(&t, &tm);
		strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
		attrset(theme_attr(SLOT_EVENT_TIME));
		mvaddstr(r.y + 1 + line, r.x + 1, stamp);
		attrset(theme_attr(e->severity == SEV_ERROR ? SLOT_ALERT :
		    e->severity == SEV_WARN ? SLOT_STATE_PAUSED : SLOT_NORMAL));
		mvaddnstr(r.y + 1 + line, r.x + 10, e->text, r.w - 11);
	}
	model_unlock();
	attrset(theme_attr(SLOT_NORMAL));
}

static void status_counts(char *buf, size_t len, int read_only)
{
	struct m_host **hosts;
	struct m_desktop **ds;
	size_t nh, nd, i;
	int online = 0, running = 0, jobs;
	char clock[8];
	struct tm tm;
	time_t now = time(NULL);

	model_lock();
	hosts = model_hosts(&nh);
	for (i = 0; i < nh; i++)
		online += hosts[i]->state == HOST_ONLINE || hosts[i]->state == HOST_READONLY;
	ds = model_desktops(&nd);
	for (i = 0; i < nd; i++)
		running += model_desktop_state(ds[i]) == DS_RUNNING;
	jobs = view_jobs_count();
	model_unlock();
	localtime_r(&now, &tm);
	strftime(clock, sizeof clock, "%H:%M", &tm);
	snprintf(buf, len, " hosts %d/%zu online | desktops %d/%zu running | jobs %d | %s | %s ",
	    online, nh, running, nd, jobs, read_only ? "READ-ONLY" : "read-write", clock);
}

static void draw_status(struct ui *u)
{
	struct rect r = u->layout.status;
	char right[160];
	int rw, i;

	attrset(theme_attr(SLOT_STATUS));
	move(r.y, 0);
	for (i = 0; i < r.w; i++)
		addch(' ');
	if (u->mode == MODE_FILTER || u->mode == MODE_COMMAND) {
		mvprintw(r.y, 0, "%c%.*s", u->mode == MODE_FILTER ? '/' : ':',
		    r.w - 2, u->input);
		curs_set(1);
		attrset(theme_attr(SLOT_NORMAL));
		return;
	}
	curs_set(0);
	status_counts(right, sizeof right, u->read_only);
	rw = (int)strlen(right);
	if (rw > r.w)
		rw = r.w;
	if (u->message[0] != '\0' && util_now_ms() < u->message_until) {
		/* a message (often libvirt's error) matters more than counts */
		attrset(theme_attr(u->message_error ? SLOT_ALERT : SLOT_STATUS));
		mvaddnstr(r.y, 1, u->message, r.w - 2);
		attrset(theme_attr(SLOT_NORMAL));
		return;
	} else {
		attrset(theme_attr(SLOT_STATUS));
		mvaddnstr(r.y, 1, "? help  / filter  : command  q quit", r.w - rw - 2);
	}
	attrset(theme_attr(u->read_only ? SLOT_STATUS_MODE_RO : SLOT_STATUS));
	mvaddnstr(r.y, r.w - rw, right, rw);
	attrset(theme_attr(SLOT_NORMAL));
}

static void draw_confirm(struct ui *u)
{
	int w = (int)strlen(u->confirm_text) + 4, h = 5, y, x, i;
	struct rect r;

	if (w > u->cols - 2)
		w = u->cols - 2;
	if (w < 30)
		w = 30;
	y = (u->rows - h) / 2;
	x = (u->cols - w) / 2;
	r.y = y; r.x = x; r.h = h; r.w = w;
	attrset(theme_attr(SLOT_NORMAL));
	for (i = 0; i < h; i++)
		mvhline(y + i, x, ' ', w);
	box_at(r, 1, " Confirm ", u->ascii);
	attrset(theme_attr(SLOT_ALERT));
	mvaddnstr(y + 1, x + 2, u->confirm_text, w - 4);
	attrset(theme_attr(SLOT_KEY));
	mvaddnstr(y + 3, x + 2, "y: yes    any other key: no", w - 4);
	attrset(theme_attr(SLOT_NORMAL));
}

static void build_help(struct ui *u)
{
	const struct key_binding *k;
	size_t n, i;

	text_clear(&u->page);
	text_add(&u->page, SLOT_TITLE, "hvdeck %s - keys (Esc to close)", HVDECK_VERSION);
	k = keys_table(&n);
	for (i = 0; i < n; i++) {
		if (k[i].help == NULL)
			continue;
		text_add(&u->page, SLOT_NORMAL, "  %-12s %s%s", k[i].label, k[i].help,
		    k[i].panes == KEYS_DESKTOPS ? " (desktops pane)" : "");
	}
	text_add(&u->page, SLOT_NORMAL, "  %-12s %s", "mouse", "click selects a row and its pane, double click opens details");
	text_add(&u->page, SLOT_NORMAL, "%s", "");
	text_add(&u->page, SLOT_HEADER, "Filters (/)");
	text_add(&u->page, SLOT_NORMAL, "  words must all match; TEXT matches any column, !WORD inverts,");
	text_add(&u->page, SLOT_NORMAL, "  state:running matches the state, host:NAME the host");
	text_add(&u->page, SLOT_HEADER, "Commands (:)");
	text_add(&u->page, SLOT_NORMAL, "  :host NAME      select a hypervisor");
	text_add(&u->page, SLOT_NORMAL, "  :desktop NAME   select a desktop");
	text_add(&u->page, SLOT_NORMAL, "  :quit           quit");
	if (u->read_only)
		text_add(&u->page, SLOT_STATUS_MODE_RO, "Read-only: desktop actions are refused.");
}

static void draw_page(struct ui *u)
{
	int lines = u->rows - 1, i;

	if (u->mode == MODE_HELP) {
		build_help(u);
	} else {
		const struct view *v = view_of(u->details_pane);

		text_clear(&u->page);
		model_lock();
		if (v->details != NULL && u->details_key != NULL)
			v->details(u->details_key, &u->page);
		model_unlock();
		text_add(&u->page, SLOT_DIM, "%s", "");
		text_add(&u->page, SLOT_DIM, "Esc: back   Up/Down/PgUp/PgDn: scroll");
	}
	if (u->page_top + (size_t)lines > u->page.n)
		u->page_top = u->page.n > (size_t)lines ? u->page.n - (size_t)lines : 0;
	for (i = 0; i < lines && u->page_top + (size_t)i < u->page.n; i++) {
		attrset(theme_attr(u->page.slots[u->page_top + (size_t)i]));
		mvaddnstr(i, 0, u->page.lines[u->page_top + (size_t)i], u->cols);
	}
	attrset(theme_attr(SLOT_NORMAL));
}

static void draw_too_small(struct ui *u)
{
	char msg[80];

	snprintf(msg, sizeof msg, "terminal too small: %dx%d, hvdeck needs %dx%d",
	    u->cols, u->rows, LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS);
	attrset(theme_attr(SLOT_ALERT));
	mvaddnstr(u->rows / 2, 0, msg, u->cols);
	attrset(theme_attr(SLOT_NORMAL));
}

void ui_draw(struct ui *u)
{
	int p;

	erase();
	getmaxyx(stdscr, u->rows, u->cols);
	model_lock();
	{
		size_t nh;

		model_hosts(&nh);
		layout_compute(u->rows, u->cols, u->focus, (int)nh, &u->layout);
	}
	model_unlock();
	if (u->layout.too_small) {
		draw_too_small(u);
		refresh();
		return;
	}
	if (u->mode == MODE_HELP || u->mode == MODE_DETAILS) {
		draw_page(u);
		draw_status(u);
		refresh();
		return;
	}
	/* rebuild the shown panes from the model, then draw from the copies */
	model_lock();
	for (p = 0; p < PANE_COUNT; p++) {
		if (u->layout.pane[p].h == 0)
			continue;
		table_clear(&u->tables[p]);
		view_of((enum pane_id)p)->build(&u->tables[p], u->ascii);
		table_finish(&u->tables[p]);
	}
	model_unlock();
	for (p = 0; p < PANE_COUNT; p++)
		if (u->layout.pane[p].h > 0)
			draw_pane(u, (enum pane_id)p);
	draw_events(u);
	draw_status(u);
	if (u->mode == MODE_CONFIRM)
		draw_confirm(u);
	refresh();
}
