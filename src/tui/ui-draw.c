/* ui-draw.c — the drawing the modes share: boxes, the status line, the
 * "too small" screen, and one frame of the whole console. Curses calls
 * only; the model is read under its lock and only long enough to copy. */
#include "tui/ui.h"
#include "core/model.h"
#include "tui/theme.h"
#include "core/text.h"
#include "core/util.h"
#include "tui/views.h"

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
	vis = text_visible(buf);
	snprintf(u->message, sizeof u->message, "%s", vis);
	free(vis);
	u->message_error = error;
	u->message_at = util_now_ms();
	u->message_until = u->message_at + (error ? 10000 : 4000);
}

int ui_animating(void)
{
	struct m_desktop **ds;
	size_t n, i;
	int any = 0;

	model_lock();
	/* a pending mark puts its desktop in the stirring set: no walk of
	 * every desktop on each turn of the loop */
	ds = model_desktops_stirring(&n);
	for (i = 0; i < n && !any; i++)
		any = model_desktop_pending_now(ds[i]) != NULL;
	model_unlock();
	return any;
}

int64_t ui_countdown_next_ms(void)
{
	struct m_host **hosts;
	size_t n, i;
	int64_t now = util_wall_ms(), left, step, next = -1;

	model_lock();
	hosts = model_hosts(&n);
	for (i = 0; i < n; i++) {
		/* 0 shown: the next change is the retry itself (the model's) */
		if (model_host_retry_in_s(hosts[i]) <= 0)
			continue;
		/* "retry in N" (N = left rounded up) drops when left reaches
		 * the next lower multiple of a second: the countdown's own
		 * seconds, not the wall clock's (a redraw on the wall's second
		 * a few ms late could skip a value) */
		left = hosts[i]->retry_wall_ms - now;
		step = (left - 1) % 1000 + 1;
		if (next < 0 || step < next)
			next = step;
	}
	model_unlock();
	return next;
}

static void status_counts(char *buf, size_t len, const struct ui *u,
    size_t *nsplit)
{
	struct m_host **hosts;
	size_t nh, nd, i;
	int online = 0, running = 0, jobs;
	char clock[8], attached[48] = "";
	struct tm tm;
	time_t now = time(NULL);

	model_lock();
	hosts = model_hosts(&nh);
	for (i = 0; i < nh; i++) {
		online += hosts[i]->state == HOST_ONLINE || hosts[i]->state == HOST_READONLY;
		/* the model's counters, not a scan of every desktop; an
		 * offline host's desktops are unknown, not running */
		if (hosts[i]->state != HOST_OFFLINE)
			running += (int)(hosts[i]->running - hosts[i]->blocked);
	}
	model_desktops(&nd);
	jobs = view_jobs_count();
	*nsplit = model_split_brain_count();
	model_unlock();
	localtime_r(&now, &tm);
	strftime(clock, sizeof clock, "%H:%M", &tm);
	if (u->server_pid > 0)	/* the operator knows whose jobs these are */
		snprintf(attached, sizeof attached, "attached to server %ld | ",
		    u->server_pid);
	snprintf(buf, len, " hosts %d/%zu online | desktops %d/%zu running | jobs %d | %s%s | %s ",
	    online, nh, running, nd, jobs, attached,
	    u->read_only ? "READ-ONLY" : "read-write", clock);
}

void ui_draw_status(struct ui *u, struct rect r)
{
	char right[200], alarm[96];
	size_t nsplit;
	int rw, aw, skip = 0;

	attrset(theme_attr(SLOT_STATUS));
	mvhline(r.y, r.x, ' ', r.w);
	status_counts(right, sizeof right, u, &nsplit);
	rw = (int)strlen(right);
	if (rw > r.w)
		rw = r.w;
	if (u->message[0] != '\0' && util_now_ms() < u->message_until) {
		/* a message (often libvirt's error) matters more than counts */
		attrset(theme_attr(u->message_error ? SLOT_ALERT : SLOT_STATUS));
		table_put_text(r.y, r.x + 1, u->message, r.w - 2, 0, u->ascii);
		attrset(theme_attr(SLOT_NORMAL));
		return;
	}
	if (nsplit > 0) {
		/* the loudest alarm takes the place of the key hints */
		snprintf(alarm, sizeof alarm, " SPLIT BRAIN: %zu desktop%s on two "
		    "hosts (filter state:split) ", nsplit, nsplit == 1 ? "" : "s");
		/* whole, before the counts: they give way from their start
		 * (an attached console's are longer), the clock stays */
		aw = (int)strlen(alarm) < r.w ? (int)strlen(alarm) : r.w;
		if (aw + rw + 1 > r.w) {
			skip = rw - (r.w - aw - 1 > 0 ? r.w - aw - 1 : 0);
			rw -= skip;
		}
		attrset(theme_attr(SLOT_SPLIT_BRAIN));
		mvaddnstr(r.y, r.x, alarm, r.w - rw - 1 > aw ? aw : r.w - rw - 1);
		attrset(theme_attr(SLOT_STATUS));
	} else {
		mvaddnstr(r.y, r.x + 1, "? help  / filter  : command  q quit",
		    r.w - rw - 2);
	}
	attrset(theme_attr(u->read_only ? SLOT_STATUS_MODE_RO : SLOT_STATUS));
	if (rw > 0)
		mvaddnstr(r.y, r.x + r.w - rw, right + skip, rw);
	attrset(theme_attr(SLOT_NORMAL));
}

/* Word-wrap text into lines of at most w columns (ASCII text). Returns
 * the number of lines, or -1 when a word is wider than w or there would
 * be more than max lines. */
static int wrap_words(const char *text, int w, int max, int start[], int len[])
{
	int n = 0, i = 0, wl;

	while (text[i] != '\0') {
		while (text[i] == ' ')
			i++;
		if (text[i] == '\0')
			break;
		if (n == max)
			return -1;
		start[n] = i;
		len[n] = 0;
		for (;;) {
			int sp = len[n] > 0;	/* a space before the next word */

			wl = (int)strcspn(text + i + sp, " ");
			if (wl > w)
				return -1;	/* never cut a word */
			if (sp && len[n] + 1 + wl > w)
				break;
			len[n] += sp + wl;
			i += sp + wl;
			if (text[i] != ' ')
				break;
		}
		n++;
	}
	return n;
}

/* Behind this screen keys do not act (ui.c); the text says why in the
 * longest form the terminal holds, down to 1x1, never a cut sentence. */
static void draw_too_small(struct ui *u)
{
	char full[96], mid[64], need[32], size[16];
	const char *texts[5];
	int start[8], len[8], n, k, y;
	size_t i;

	snprintf(full, sizeof full, "terminal too small: %dx%d, hvdeck needs %dx%d",
	    u->cols, u->rows, LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS);
	snprintf(mid, sizeof mid, "too small, needs %dx%d", LAYOUT_MIN_COLS,
	    LAYOUT_MIN_ROWS);
	snprintf(need, sizeof need, "needs %dx%d", LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS);
	snprintf(size, sizeof size, "%dx%d", LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS);
	texts[0] = full;
	texts[1] = mid;
	texts[2] = need;
	texts[3] = size;
	texts[4] = "!";
	attrset(theme_attr(SLOT_ALERT));
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		n = wrap_words(texts[i], u->cols, u->rows < 8 ? u->rows : 8, start, len);
		if (n <= 0)
			continue;
		y = (u->rows - n) / 2;
		for (k = 0; k < n; k++)
			mvaddnstr(y + k, (u->cols - len[k]) / 2, texts[i] + start[k], len[k]);
		break;
	}
	attrset(theme_attr(SLOT_NORMAL));
}

/* One frame: the status line, then the modes from the highest full-screen
 * one up (an overlay such as the prompt covers the status line). */
void ui_draw(struct ui *u)
{
	struct rect screen = { 0, 0, u->rows, u->cols };
	struct rect body = { 0, 0, u->rows - 1, u->cols };
	struct rect status = { u->rows - 1, 0, 1, u->cols };

	erase();
	curs_set(0);
	if (ui_too_small(u)) {
		draw_too_small(u);
	} else {
		ui_draw_status(u, status);
		mode_draw(&u->modes, screen, body);
	}
	refresh();
}
