/* mode-confirm.c — a yes/no question over the screen. Only y (or the one
 * extra key a question names, like a second Ctrl-C for quit) confirms;
 * any other key cancels, so a stray key never forces a desktop off. */
#include "mode.h"
#include "theme.h"
#include "ui-table.h"
#include "ui.h"
#include "text.h"
#include "util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

struct confirm {
	char *text;
	void (*fn)(struct ui *u, const char *arg);
	char *arg;
	int also_yes;
};

struct confirm_arg {
	const char *text;
	void (*fn)(struct ui *u, const char *arg);
	const char *arg;
	int also_yes;
};

void mode_confirm_push_also(struct ui *u, const char *text,
    void (*fn)(struct ui *u, const char *arg), const char *arg, int also_yes)
{
	struct confirm_arg a = { text, fn, arg, also_yes };

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
	c->arg = xstrdup(a->arg);
	c->also_yes = a->also_yes;
	m->data = c;
}

static int confirm_key(struct mode *m, int ch)
{
	struct confirm *c = m->data;
	struct ui *u = m->ui;
	void (*fn)(struct ui *, const char *) = c->fn;
	char *arg = c->arg;
	int yes = ch == 'y' || ch == 'Y' || (c->also_yes != 0 && ch == c->also_yes);

	c->arg = NULL;	/* outlives the mode for fn */
	mode_pop(&u->modes);
	if (yes)
		fn(u, arg);
	else
		ui_message(u, 0, "cancelled");
	free(arg);
	return 1;
}

static void confirm_draw(struct mode *m, struct rect s)
{
	struct confirm *c = m->data;
	int w = (int)strlen(c->text) + 4, h = 5, i;
	struct rect r;

	if (w > s.w - 2)
		w = s.w - 2;
	if (w < 30)
		w = 30;
	r.y = s.y + (s.h - h) / 2;
	r.x = s.x + (s.w - w) / 2;
	r.h = h;
	r.w = w;
	attrset(theme_attr(SLOT_NORMAL));
	for (i = 0; i < h; i++)
		mvhline(r.y + i, r.x, ' ', w);
	ui_box(r, 1, " Confirm ", m->ui->ascii);
	attrset(theme_attr(SLOT_ALERT));
	table_put_text(r.y + 1, r.x + 2, c->text, w - 4, 0, m->ui->ascii);
	attrset(theme_attr(SLOT_KEY));
	mvaddnstr(r.y + 3, r.x + 2, "y: yes    any other key: no", w - 4);
	attrset(theme_attr(SLOT_NORMAL));
}

static void confirm_free(struct mode *m)
{
	struct confirm *c = m->data;

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
