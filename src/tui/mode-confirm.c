/* mode-confirm.c — a yes/no question over the screen. Only y (or the one
 * extra key a question names, like a second Ctrl-C for quit) confirms;
 * any other key cancels, so a stray key never forces a desktop off. */
#include "cmd/cmd-face.h"
#include "cmd/cmd-audit.h"
#include "cmd/cmd-relay.h"
#include "tui/mode.h"
#include "tui/theme.h"
#include "tui/ui-table.h"
#include "tui/ui.h"
#include "tui/ui-box.h"
#include "core/text.h"
#include "core/util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

struct confirm {
	struct cmd_audit *audit;  /* the command that asked: ends with us */
	char *text;
	void (*fn)(struct ui *u, const char *arg);
	const struct cmd_face *face;  /* or a command's answer, through it */
	cmd_face_yes yes;
	char *arg;
	int also_yes;
	void (*after_yes)(struct ui *u);  /* the console's own part of a yes */
};

struct confirm_arg {
	const char *text;
	void (*fn)(struct ui *u, const char *arg);
	const struct cmd_face *face;
	cmd_face_yes yes;
	const char *arg;
	int also_yes;
};

void mode_confirm_push_also(struct ui *u, const char *text,
    void (*fn)(struct ui *u, const char *arg), const char *arg, int also_yes)
{
	struct confirm_arg a = { text, fn, NULL, NULL, arg, also_yes };

	mode_push(&u->modes, u, &mode_confirm, &a);
}

void mode_confirm_after_yes(struct mode *m, void (*fn)(struct ui *u))
{
	struct confirm *c = m->data;

	c->after_yes = fn;
}

void mode_confirm_push_face(struct ui *u, const char *text,
    const struct cmd_face *face, cmd_face_yes yes, const char *arg)
{
	struct confirm_arg a = { text, NULL, face, yes, arg, 0 };

	mode_push(&u->modes, u, &mode_confirm, &a);
}

void mode_confirm_push(struct ui *u, const char *text,
    void (*fn)(struct ui *u, const char *arg), const char *arg)
{
	mode_confirm_push_also(u, text, fn, arg, 0);
}

static void confirm_init(struct mode *m, void *arg)
{
	const struct confirm_arg *a = arg;
	struct confirm *c = xcalloc(1, sizeof *c);

	c->text = text_visible(a->text);	/* names come from hosts */
	c->fn = a->fn;
	c->face = a->face;
	c->yes = a->yes;
	c->arg = xstrdup(a->arg);
	c->also_yes = a->also_yes;
	c->audit = cmd_audit_hold();
	m->data = c;
}

static int confirm_key(struct mode *m, int ch)
{
	struct confirm *c = m->data;
	struct ui *u = m->ui;
	void (*fn)(struct ui *, const char *) = c->fn;
	const struct cmd_face *face = c->face;
	cmd_face_yes answer = c->yes;
	void (*after)(struct ui *) = c->after_yes;
	char *arg = c->arg;
	int yes = ch == 'y' || ch == 'Y' || (c->also_yes != 0 && ch == c->also_yes);

	struct cmd_audit *audit = c->audit, *prev;

	c->arg = NULL;	/* outlives the mode for fn */
	c->audit = NULL;
	mode_pop(&u->modes);
	if (yes) {
		prev = cmd_audit_enter(audit);	/* its jobs are the command's */
		if (answer != NULL)
			answer(face, arg);
		else if (fn != NULL)
			fn(u, arg);
		cmd_audit_leave(prev);
		cmd_audit_release(audit, NULL, NULL);
		if (after != NULL)
			after(u);
	} else {
		if (answer == cmd_relay_yes)	/* the server's command waits */
			cmd_relay_no(arg);
		cmd_audit_release(audit, "cancelled", "not confirmed");
		ui_message(u, 0, "cancelled");
	}
	free(arg);
	return 1;
}

#define CONFIRM_LINES 6

/* The question in lines of at most w cells, broken between words, so the
 * desktop's name and its host are both always on screen; a single word
 * wider than a line (a long name) is shortened in its middle, never cut
 * off at its end. Returns the number of lines (each freed by the caller). */
static int wrap_question(const char *text, int w, int ascii, char **lines)
{
	char *copy = xstrdup(text), *save = NULL, *word, *line = NULL, *t;
	int n = 0;

	for (word = strtok_r(copy, " ", &save); word != NULL;
	    word = strtok_r(NULL, " ", &save)) {
		char *scr = text_screen(word, ascii);

		if (text_width(scr) > w) {	/* shorten to fit a line */
			size_t keep = (size_t)(w > 3 ? w : 3);
			char *cut;

			do {
				cut = text_shorten(word, keep);
				free(scr);
				scr = text_screen(cut, ascii);
				free(cut);
			} while (text_width(scr) > w && --keep > 3);
		}
		if (line != NULL && text_width(line) + 1 + text_width(scr) <= w) {
			t = xasprintf("%s %s", line, scr);
			free(line);
			line = t;
		} else {
			if (line != NULL) {
				if (n == CONFIRM_LINES - 1) {
					free(scr);	/* no room: the rest is left out */
					break;
				}
				lines[n++] = line;
			}
			line = xstrdup(scr);
		}
		free(scr);
	}
	if (line != NULL)
		lines[n++] = line;
	free(copy);
	return n;
}

static void confirm_draw(struct mode *m, struct rect s)
{
	struct confirm *c = m->data;
	char *lines[CONFIRM_LINES];
	int w = text_width(c->text) + 4, h, i, n;
	struct rect r;

	if (w > s.w - 2)
		w = s.w - 2;
	if (w < 30)
		w = 30;
	n = wrap_question(c->text, w - 4, m->ui->ascii, lines);
	h = n + 4;
	r.y = s.y + (s.h - h) / 2;
	r.x = s.x + (s.w - w) / 2;
	r.h = h;
	r.w = w;
	attrset(theme_attr(SLOT_NORMAL));
	for (i = 0; i < h; i++)
		mvhline(r.y + i, r.x, ' ', w);
	ui_box(r, 1, " Confirm ", m->ui->ascii);
	attrset(theme_attr(SLOT_ALERT));
	for (i = 0; i < n; i++) {
		table_put_text(r.y + 1 + i, r.x + 2, lines[i], w - 4, 0,
		    m->ui->ascii);
		free(lines[i]);
	}
	attrset(theme_attr(SLOT_KEY));
	mvaddnstr(r.y + n + 2, r.x + 2, "y: yes    any other key: no", w - 4);
	attrset(theme_attr(SLOT_NORMAL));
}

static void confirm_free(struct mode *m)
{
	struct confirm *c = m->data;

	/* closed unanswered (hvdeck quits) */
	if (c->yes == cmd_relay_yes && c->arg != NULL)
		cmd_relay_no(c->arg);
	cmd_audit_release(c->audit, "cancelled", "not confirmed");
	free(c->text);
	free(c->arg);
	free(c);
}

const struct mode_type mode_confirm = {
	.name = "confirm",
	.overlay = 1,
	.init = confirm_init,
	.key = confirm_key,
	.draw = confirm_draw,
	.free = confirm_free,
};
