/* mode-details.c — the details of one row (Enter): lines from the pane's
 * view, rebuilt on each draw so they follow the model, in a scrolling
 * page. */
#include "tui/mode.h"
#include "core/model.h"
#include "tui/theme.h"
#include "tui/ui.h"
#include "core/util.h"
#include "tui/views.h"

#include <stdlib.h>

struct details {
	struct mode_page page;	/* first: mode_page_move_op */
	enum pane_id pane;
	char *key;
	struct text text;
};

struct details_arg {
	enum pane_id pane;
	const char *key;
};

void mode_details_push(struct ui *u, enum pane_id pane, const char *key)
{
	struct details_arg a = { pane, key };

	mode_push(&u->modes, u, &mode_details, &a);
}

static void details_init(struct mode *m, void *arg)
{
	const struct details_arg *a = arg;
	struct details *d = xcalloc(1, sizeof *d);

	d->pane = a->pane;
	d->key = xstrdup(a->key);
	m->data = d;
}

static void details_draw(struct mode *m, struct rect r)
{
	struct details *d = m->data;
	const struct view *v = view_of(d->pane);

	text_clear(&d->text);
	model_lock();
	if (v->details != NULL)
		v->details(d->key, &d->text);
	model_unlock();
	text_add(&d->text, SLOT_DIM, "%s", "");
	text_add(&d->text, SLOT_DIM, "Esc: back   Up/Down/PgUp/PgDn: scroll");
	mode_page_draw(&d->page, &d->text, r, m->ui->ascii);
}

static void details_free(struct mode *m)
{
	struct details *d = m->data;

	text_clear(&d->text);
	free(d->key);
	free(d);
}

const struct mode_type mode_details = {
	.name = "details",
	.keys = KT_PAGE,
	.init = details_init,
	.draw = details_draw,
	.move = mode_page_move_op,
	.free = details_free,
};
