/* mode-prompt.c — the line at the bottom: the filter ('/'), applied as it
 * is typed, and the command line (':'), run through the command table on
 * Enter with Tab completion from the table and the model. */
#include "mode.h"
#include "cmd.h"
#include "theme.h"
#include "ui.h"
#include "ui-table.h"
#include "text.h"
#include "util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#define CTRL(c) ((c) & 0x1f)

struct prompt {
	int kind;               /* '/' or ':' */
	char input[256];
	size_t len;
	char *filter_before;    /* restored by Esc */
	char *hint;             /* Tab's candidates */
};

void mode_prompt_push(struct ui *u, int kind)
{
	mode_push(&u->modes, u, &mode_prompt, &kind);
}

static struct table *focused(struct mode *m)
{
	struct panes *p = panes_of(m->ui);

	return panes_table(p, panes_focus(p));
}

static void prompt_init(struct mode *m, void *arg)
{
	struct prompt *p = xcalloc(1, sizeof *p);

	p->kind = *(int *)arg;
	if (p->kind == '/') {
		const char *f = focused(m)->filter;

		p->filter_before = xstrdup(f);
		snprintf(p->input, sizeof p->input, "%s", f != NULL ? f : "");
		p->len = strlen(p->input);
	}
	m->data = p;
}

static void set_input(struct prompt *p, const char *s)
{
	snprintf(p->input, sizeof p->input, "%s", s);
	p->len = strlen(p->input);
}

static void complete(struct prompt *p)
{
	char *done, *list;

	free(p->hint);
	p->hint = NULL;
	if (cmd_complete(p->input, &done, &list) > 0)
		set_input(p, done);
	p->hint = list;
	free(done);
}

/* Every key is the prompt's. */
static int prompt_key(struct mode *m, int ch)
{
	struct prompt *p = m->data;
	struct ui *u = m->ui;
	char line[sizeof p->input];

	if (ch == 27) {
		if (p->kind == '/')
			table_set_filter(focused(m), p->filter_before);
		mode_pop(&u->modes);
		return 1;
	}
	if (ch == '\n' || ch == KEY_ENTER) {
		snprintf(line, sizeof line, "%s", p->input);
		if (p->kind == ':') {
			mode_pop(&u->modes);
			ui_run_command(u, line, CMD_LINE);
		} else {
			mode_pop(&u->modes);
		}
		return 1;
	}
	if (ch == '\t' && p->kind == ':') {
		complete(p);
		return 1;
	}
	free(p->hint);		/* the candidates were for the old text */
	p->hint = NULL;
	if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (p->len > 0)
			p->input[--p->len] = '\0';
	} else if (ch == CTRL('u')) {
		set_input(p, "");
	} else if (ch >= 0x20 && ch < 0x100 && ch != 0x7f &&
	    p->len + 1 < sizeof p->input) {
		p->input[p->len++] = (char)ch;
		p->input[p->len] = '\0';
	}
	if (p->kind == '/')
		table_set_filter(focused(m), p->input);	/* as it is typed */
	return 1;
}

static void prompt_draw(struct mode *m, struct rect s)
{
	struct prompt *p = m->data;
	int y = s.y + s.h - 1, x;
	char *vis = text_visible(p->input);

	attrset(theme_attr(SLOT_STATUS));
	mvhline(y, s.x, ' ', s.w);
	mvprintw(y, s.x, "%c%.*s", p->kind, s.w - 2, vis);
	free(vis);
	getyx(stdscr, y, x);
	if (p->hint != NULL && x + 3 < s.x + s.w) {
		attrset(theme_attr(SLOT_DIM));
		mvaddnstr(y, x + 2, p->hint, s.x + s.w - x - 3);
	}
	attrset(theme_attr(SLOT_NORMAL));
	move(y, x);
	curs_set(1);
}

static void prompt_free(struct mode *m)
{
	struct prompt *p = m->data;

	free(p->filter_before);
	free(p->hint);
	free(p);
}

const struct mode_type mode_prompt = {
	.name = "prompt",
	.overlay = 1,
	.init = prompt_init,
	.key = prompt_key,
	.draw = prompt_draw,
	.free = prompt_free,
};
