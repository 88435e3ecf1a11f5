/* mode.c — the mode stack, and the scrolling page that details and help
 * share. */
#include "tui/mode.h"
#include "tui/theme.h"
#include "tui/ui-table.h"
#include "core/util.h"
#include "tui/views.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>

struct mode *mode_push(struct mode_stack *s, struct ui *u,
    const struct mode_type *t, void *arg)
{
	struct mode *m = xcalloc(1, sizeof *m);

	m->type = t;
	m->ui = u;
	m->below = s->top;
	s->top = m;
	s->depth++;
	if (t->init != NULL)
		t->init(m, arg);
	return m;
}

void mode_pop(struct mode_stack *s)
{
	struct mode *m = s->top;

	if (m == NULL)
		return;
	s->top = m->below;
	s->depth--;
	if (m->type->free != NULL)
		m->type->free(m);
	free(m);
}

void mode_pop_to(struct mode_stack *s, const struct mode *keep)
{
	while (s->top != NULL && s->top != keep)
		mode_pop(s);
}

void mode_free_all(struct mode_stack *s)
{
	while (s->top != NULL)
		mode_pop(s);
}

struct mode *mode_find(const struct mode_stack *s, const struct mode_type *t)
{
	struct mode *m;

	for (m = s->top; m != NULL; m = m->below)
		if (m->type == t)
			return m;
	return NULL;
}

static void draw_from(struct mode *m, struct rect screen, struct rect body)
{
	if (m == NULL)
		return;
	/* an overlay needs what it covers drawn first */
	if (m->type->overlay)
		draw_from(m->below, screen, body);
	if (m->type->draw != NULL)
		m->type->draw(m, m->type->overlay ? screen : body);
}

void mode_draw(struct mode_stack *s, struct rect screen, struct rect body)
{
	draw_from(s->top, screen, body);
}

void mode_resize(struct mode_stack *s, int rows, int cols)
{
	struct mode *m;

	for (m = s->top; m != NULL; m = m->below)
		if (m->type->resize != NULL)
			m->type->resize(m, rows, cols);
}

/* ---- a page of lines ---- */

void mode_page_move(struct mode_page *p, enum mode_move how)
{
	size_t page = (size_t)(p->rows > 1 ? p->rows - 1 : 1);

	switch (how) {
	case MOVE_UP: if (p->top > 0) p->top--; break;
	case MOVE_DOWN: p->top++; break;
	case MOVE_PAGE_UP: p->top = p->top > page ? p->top - page : 0; break;
	case MOVE_PAGE_DOWN: p->top += page; break;
	case MOVE_HOME: p->top = 0; break;
	case MOVE_END: p->top = (size_t)-1 / 2; break;	/* clamped at draw */
	}
}

void mode_page_move_op(struct mode *m, enum mode_move how)
{
	mode_page_move(m->data, how);
}

void mode_page_draw_more(struct mode_page *p, const struct text *t,
    struct rect r, int ascii)
{
	char hint[128];
	size_t last;

	if (t->n <= (size_t)r.h || r.h < 2) {
		mode_page_draw(p, t, r, ascii);
		return;
	}
	r.h--;
	mode_page_draw(p, t, r, ascii);
	last = p->top + (size_t)r.h;
	snprintf(hint, sizeof hint, last < t->n ?
	    "-- more: lines %zu-%zu of %zu; Down, PgDn, G or the wheel scroll --" :
	    "-- end: lines %zu-%zu of %zu; Up, PgUp, g scroll back --",
	    p->top + 1, last, t->n);
	attrset(theme_attr(SLOT_STATUS));
	mvhline(r.y + r.h, r.x, ' ', r.w);
	mvaddnstr(r.y + r.h, r.x, hint, r.w);
	attrset(theme_attr(SLOT_NORMAL));
}

void mode_page_draw(struct mode_page *p, const struct text *t, struct rect r,
    int ascii)
{
	int i;

	p->rows = r.h;
	if (p->top + (size_t)r.h > t->n)
		p->top = t->n > (size_t)r.h ? t->n - (size_t)r.h : 0;
	for (i = 0; i < r.h && p->top + (size_t)i < t->n; i++) {
		attrset(theme_attr(t->slots[p->top + (size_t)i]));
		table_put_text(r.y + i, r.x, t->lines[p->top + (size_t)i], r.w,
		    0, ascii);
	}
	attrset(theme_attr(SLOT_NORMAL));
}
