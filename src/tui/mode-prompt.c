/* mode-prompt.c — the line at the bottom: the filter ('/'), applied as it
 * is typed, the command line (':'), run through the command table on
 * Enter with Tab completion from the table and the model, and the answer
 * to a question of a command that runs in the server ('?': an attached
 * console, cmd-relay.h), a password never shown. */
#include "tui/mode.h"
#include "cmd/cmd-relay.h"
#include "cmd/cmd.h"
#include "tui/theme.h"
#include "tui/ui.h"
#include "tui/ui-cmd.h"
#include "tui/ui-edit.h"
#include "tui/ui-table.h"
#include "core/text.h"
#include "core/util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

struct prompt {
	int kind;               /* '/', ':' or '?' */
	struct edit line;
	char *filter_before;    /* restored by Esc */
	char *hint;             /* Tab's candidates */
	char *question;         /* '?': the server's prompt */
	char *ticket;           /* '?': its ticket, NULL once answered */
};

/* What prompt_init is given. */
struct prompt_arg {
	int kind;
	const char *question, *ticket;
	int secret;
};

void mode_prompt_push(struct ui *u, int kind)
{
	struct prompt_arg a = { kind, NULL, NULL, 0 };

	mode_push(&u->modes, u, &mode_prompt, &a);
}

void mode_prompt_push_question(struct ui *u, const char *question,
    int secret, const char *ticket)
{
	struct prompt_arg a = { '?', question, ticket, secret };

	mode_push(&u->modes, u, &mode_prompt, &a);
}

static struct table *focused(struct mode *m)
{
	struct panes *p = panes_of(m->ui);

	return panes_table(p, panes_focus(p));
}

static void prompt_init(struct mode *m, void *arg)
{
	struct prompt *p = xcalloc(1, sizeof *p);
	const struct prompt_arg *a = arg;

	p->kind = a->kind;
	if (p->kind == '?') {
		p->question = text_visible(a->question);	/* a host's words */
		p->ticket = xstrdup(a->ticket);
		if (a->secret)
			util_secret_guard();	/* the field will hold it */
		edit_init(&p->line, a->secret ? EDIT_PASSWORD | EDIT_STARS : 0,
		    NULL);
		m->data = p;
		return;
	}
	edit_init(&p->line, 0, p->kind == '/' ? &m->ui->filter_history :
	    &m->ui->command_history);
	if (p->kind == '/') {
		const char *f = focused(m)->filter;

		p->filter_before = xstrdup(f);
		edit_set(&p->line, f);
	}
	m->data = p;
}

static void complete(struct prompt *p)
{
	char *done, *list;

	free(p->hint);
	p->hint = NULL;
	if (cmd_complete(edit_text(&p->line), &done, &list) > 0)
		edit_set(&p->line, done);
	p->hint = list;
	free(done);
}

/* Every key is the prompt's. */
static int prompt_key(struct mode *m, int ch)
{
	struct prompt *p = m->data;
	struct ui *u = m->ui;
	char *line;
	int kind = p->kind;

	if (p->kind == '?' && (ch == 27 || ch == '\n' || ch == KEY_ENTER)) {
		if (ch == 27) {	/* the server's error after it is not said */
			cmd_relay_no(p->ticket);
			ui_message(u, 0, "cancelled");
		} else
			cmd_relay_answer(p->ticket, edit_text(&p->line));
		free(p->ticket);
		p->ticket = NULL;
		mode_pop(&u->modes);
		return 1;
	}
	if (ch == 27) {
		if (p->kind == '/')
			table_set_filter(focused(m), p->filter_before);
		mode_pop(&u->modes);
		return 1;
	}
	if (ch == '\n' || ch == KEY_ENTER) {
		edit_commit(&p->line);
		line = xstrdup(edit_text(&p->line));
		mode_pop(&u->modes);	/* frees p */
		if (kind == ':')
			ui_run_command(u, line, CMD_LINE);
		free(line);
		return 1;
	}
	if (ch == '\t' && p->kind == ':') {
		complete(p);
		return 1;
	}
	if (edit_key(&p->line, ch) != EDIT_CHANGED)
		return 1;
	free(p->hint);		/* the candidates were for the old text */
	p->hint = NULL;
	if (p->kind == '/')	/* as it is typed */
		table_set_filter(focused(m), edit_text(&p->line));
	return 1;
}

/* The kind, the field, and Tab's candidates after the text when there is
 * room; the terminal cursor ends on the edit cursor. */
static void prompt_draw(struct mode *m, struct rect s)
{
	struct prompt *p = m->data;
	int y = s.y + s.h - 1, x, w = s.w - 1, used;

	attrset(theme_attr(SLOT_STATUS));
	mvhline(y, s.x, ' ', s.w);
	if (p->question != NULL) {	/* the question, then the answer */
		mvaddnstr(y, s.x, p->question, w / 2);
		getyx(stdscr, y, x);
		edit_draw(&p->line, y, x + 1, s.x + w - x - 1);
		getyx(stdscr, y, x);
		attrset(theme_attr(SLOT_NORMAL));
		move(y, x);
		curs_set(1);
		return;
	}
	mvaddch(y, s.x, (chtype)p->kind);
	used = edit_width(&p->line) + 1;
	if (p->hint != NULL && used + 3 < w) {
		char *vis = text_visible(p->hint);	/* names from hosts */

		attrset(theme_attr(SLOT_DIM));
		mvaddnstr(y, s.x + 1 + used + 1, vis, w - used - 2);
		free(vis);
		attrset(theme_attr(SLOT_STATUS));
		w = used;
	}
	edit_draw(&p->line, y, s.x + 1, w);
	getyx(stdscr, y, x);
	attrset(theme_attr(SLOT_NORMAL));
	move(y, x);
	curs_set(1);
}

static void prompt_free(struct mode *m)
{
	struct prompt *p = m->data;

	if (p->ticket != NULL)	/* popped unanswered: the server hears no */
		cmd_relay_no(p->ticket);
	free(p->ticket);
	free(p->question);
	free(p->filter_before);
	free(p->hint);
	edit_free(&p->line);
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
