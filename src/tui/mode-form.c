/* mode-form.c — a form over the panes (ui-form.h): keys go to the form's
 * fields and navigation, then to its owner's ops; Enter validates and
 * submits, Esc asks the owner whether it may close. The owner's poll runs
 * before every redraw (the UI wakes on model_wake, so a job's or a
 * checklist's change shows at once). */
#include "tui/mode.h"
#include "tui/ui-form.h"
#include "tui/ui.h"
#include "core/util.h"

#include <curses.h>
#include <stdlib.h>

#ifndef CTRL
#define CTRL(c) ((c) & 0x1f)
#endif

struct form_mode {
	struct form *f;
	const struct form_ops *ops;
	void *ctx;
	int closing;            /* to close once nothing is above it */
};

struct form_arg {
	struct form *f;
	const struct form_ops *ops;
	void *ctx;
};

void mode_form_push(struct ui *u, struct form *f, const struct form_ops *ops,
    void *ctx)
{
	struct form_arg a = { f, ops, ctx };

	mode_push(&u->modes, u, &mode_form, &a);
}

static void form_mode_init(struct mode *m, void *arg)
{
	const struct form_arg *a = arg;
	struct form_mode *fm = xcalloc(1, sizeof *fm);

	fm->f = a->f;
	fm->ops = a->ops;
	fm->ctx = a->ctx;
	m->data = fm;
}

/* Close the form now when it is on top, else as soon as it is (a mode
 * its owner opened above it, a confirmation, goes first). */
static void close_form(struct mode *m)
{
	struct form_mode *fm = m->data;

	fm->closing = 1;
	if (m->ui->modes.top == m)
		mode_pop(&m->ui->modes);
}

static void submit(struct mode *m)
{
	struct form_mode *fm = m->data;

	form_clear_errors(fm->f);
	if (form_validate(fm->f) < 0)
		return;		/* the errors are beside their fields */
	if (fm->ops->submit != NULL &&
	    fm->ops->submit(m->ui, fm->f, fm->ctx) == 1)
		close_form(m);
}

/* Every key is the form's: none reaches the panes below. */
static int form_mode_key(struct mode *m, int ch)
{
	struct form_mode *fm = m->data;
	MEVENT ev;

	if (ch == KEY_MOUSE) {
		getmouse(&ev);	/* off the queue; the form has no mouse */
		return 1;
	}
	if (ch == CTRL('l')) {
		ui_redraw(m->ui);
		return 1;
	}
	switch (form_key(fm->f, ch)) {
	case FORM_KEY_CANCEL:
		if (fm->ops->cancel == NULL ||
		    fm->ops->cancel(m->ui, fm->f, fm->ctx))
			close_form(m);
		break;
	case FORM_KEY_SUBMIT:
		submit(m);
		break;
	case FORM_KEY_IGNORED:
		if (fm->ops->key != NULL)
			fm->ops->key(m->ui, fm->f, fm->ctx, ch);
		break;
	case FORM_KEY_TAKEN:
		break;
	}
	return 1;
}

/* Centred, as wide as a form needs (form_size: up to FORM_MAX_WIDTH) and
 * as high as its lines, inside the screen above the status line; it
 * scrolls when the terminal is smaller. */
static void form_mode_draw(struct mode *m, struct rect s)
{
	struct form_mode *fm = m->data;
	struct rect r;

	form_size(fm->f, s.w - 4, &r.w, &r.h);
	if (r.w < 20)
		r.w = s.w;
	if (r.h > s.h - 1)
		r.h = s.h - 1;
	r.y = s.y + (s.h - 1 - r.h) / 2;
	r.x = s.x + (s.w - r.w) / 2;
	form_draw(fm->f, r, m->ui->ascii);
}

static void form_mode_free(struct mode *m)
{
	struct form_mode *fm = m->data;

	if (fm->ops->free != NULL)
		fm->ops->free(fm->ctx);
	form_free(fm->f);
	free(fm);
}

/* The open form at m or below it (NULL: none), top first. */
static struct mode *open_form_from(struct mode *m)
{
	for (; m != NULL; m = m->below)
		if (m->type == &mode_form &&
		    !((struct form_mode *)m->data)->closing)
			return m;
	return NULL;
}

void mode_form_poll(struct ui *u)
{
	struct mode *m;
	struct form_mode *fm;

	for (m = open_form_from(u->modes.top); m != NULL;
	    m = open_form_from(m->below)) {
		fm = m->data;
		if (fm->ops->poll != NULL && fm->ops->poll(u, fm->f, fm->ctx) == 1)
			fm->closing = 1;
	}
	while ((m = u->modes.top) != NULL && m->type == &mode_form &&
	    ((struct form_mode *)m->data)->closing)
		mode_pop(&u->modes);
}

int mode_form_question(struct ui *u, int secret, const char *ticket)
{
	struct mode *m;
	struct form_mode *fm;

	for (m = open_form_from(u->modes.top); m != NULL;
	    m = open_form_from(m->below)) {
		fm = m->data;
		if (fm->ops->question != NULL &&
		    fm->ops->question(u, fm->f, fm->ctx, secret, ticket) == 1)
			return 1;
	}
	return 0;
}

const struct mode_type mode_form = {
	.name = "form",
	.overlay = 1,
	.keys = KT_NONE,
	.init = form_mode_init,
	.key = form_mode_key,
	.draw = form_mode_draw,
	.free = form_mode_free,
};
