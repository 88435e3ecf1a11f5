/* mode-events.c — `L`: the kept events full screen, scrollable, and
 * filtered as the filter is typed (every word must appear, any case). It
 * follows new events while the view is at the end, like `tail -f`. */
#include "tui/mode.h"
#include "core/model.h"
#include "tui/theme.h"
#include "tui/ui.h"
#include "tui/ui-edit.h"
#include "core/util.h"
#include "tui/views.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct events {
	struct mode_page page;  /* first: mode_page_move_op */
	struct text text;
	struct edit filter;
	int editing;            /* keys go to the filter */
	size_t total;           /* events kept, at the last build */
};

void mode_events_push(struct ui *u)
{
	if (mode_find(&u->modes, &mode_events) == NULL)
		mode_push(&u->modes, u, &mode_events, NULL);
}

/* Every space-separated word of filter is in line, ignoring case. */
static int matches(const char *line, const char *filter)
{
	int i, ok = 1;
	const char *s = filter;
	char word[200];
	size_t k;

	for (i = 0; ok && *s != '\0'; i++) {
		while (*s == ' ')
			s++;
		for (k = 0; *s != '\0' && *s != ' ' && k + 1 < sizeof word; s++)
			word[k++] = *s;
		word[k] = '\0';
		if (k > 0 && strcasestr(line, word) == NULL)
			ok = 0;
	}
	return ok;
}

/* Lock taken here. The kept events as lines (mode_page_draw makes them
 * safe for the screen). */
static void build(struct events *ev)
{
	const struct m_event *e;
	const char *f = edit_text(&ev->filter);
	size_t n, i;
	char stamp[16], *line;
	struct tm tm;
	time_t t;

	text_clear(&ev->text);
	model_lock();
	model_event_at(0, &n);
	for (i = 0; i < n; i++) {
		e = model_event_at(i, &n);
		t = (time_t)(e->wall_ms / 1000);
		localtime_r(&t, &tm);
		strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
		line = xasprintf("%s %s", stamp, e->text);	/* drawn safe */
		if (matches(line, f))
			text_add(&ev->text, e->severity == SEV_ERROR ? SLOT_ALERT :
			    e->severity == SEV_WARN ? SLOT_STATE_PAUSED : SLOT_NORMAL,
			    "%s", line);
		free(line);
	}
	ev->total = n;
	model_unlock();
}

static void events_init(struct mode *m, void *arg)
{
	struct events *ev = xcalloc(1, sizeof *ev);

	(void)arg;
	edit_init(&ev->filter, 0, &m->ui->filter_history);
	ev->page.top = (size_t)-1 / 2;	/* start at the newest */
	m->data = ev;
}

static int events_key(struct mode *m, int ch)
{
	struct events *ev = m->data;

	if (!ev->editing) {
		if (ch != '/')
			return 0;	/* the page keys */
		ev->editing = 1;
		return 1;
	}
	if (ch == 27) {
		edit_clear(&ev->filter);
		ev->editing = 0;
	} else if (ch == '\n' || ch == KEY_ENTER) {
		edit_commit(&ev->filter);
		ev->editing = 0;
	} else {
		edit_key(&ev->filter, ch);
	}
	return 1;
}

static void events_draw(struct mode *m, struct rect r)
{
	struct events *ev = m->data;
	struct rect body = { r.y + 1, r.x, r.h - 2, r.w };
	int at_end = ev->page.top + (size_t)ev->page.rows >= ev->text.n;
	const char *f = edit_text(&ev->filter);
	char *title;

	if (r.h < 3 || r.w < 10)
		return;
	build(ev);
	if (at_end)	/* follow new events */
		ev->page.top = (size_t)-1 / 2;
	title = *f != '\0' ? xasprintf("Events (%zu of %zu) [/%s]", ev->text.n,
	    ev->total, f) : xasprintf("Events (%zu)", ev->total);
	attrset(theme_attr(SLOT_TITLE));
	mvaddnstr(r.y, r.x, title, r.w);
	free(title);
	mode_page_draw(&ev->page, &ev->text, body, m->ui->ascii);
	attrset(theme_attr(SLOT_STATUS));
	mvhline(r.y + r.h - 1, r.x, ' ', r.w);
	if (ev->editing) {
		mvaddch(r.y + r.h - 1, r.x, '/');
		edit_draw(&ev->filter, r.y + r.h - 1, r.x + 1, r.w - 1);
		curs_set(1);
	} else {
		mvaddnstr(r.y + r.h - 1, r.x, " / filter  Up/Down PgUp/PgDn scroll  "
		    "g/G first/last  Esc close", r.w);
	}
	attrset(theme_attr(SLOT_NORMAL));
}

static void events_free(struct mode *m)
{
	struct events *ev = m->data;

	text_clear(&ev->text);
	edit_free(&ev->filter);
	free(ev);
}

const struct mode_type mode_events = {
	.name = "events",
	.keys = KT_PAGE,
	.init = events_init,
	.key = events_key,
	.draw = events_draw,
	.move = mode_page_move_op,
	.free = events_free,
};
