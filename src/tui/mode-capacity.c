/* mode-capacity.c — `%` (`:capacity`): the cluster's capacity full
 * screen, the lines `hvdeck capacity` prints, rebuilt only when the
 * model moved (never on the panes' path). */
#include "tui/forms.h"
#include "cmd/cmd-capacity.h"
#include "core/capacity.h"
#include "core/model.h"
#include "core/util.h"
#include "tui/mode.h"
#include "tui/theme.h"
#include "tui/ui.h"
#include "tui/views.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

struct capview {
	struct mode_page page;  /* first: mode_page_move_op */
	struct text text;
	uint64_t gen;           /* the model's generation at the last build */
	int64_t built_ms;       /* when (monotonic); 0: never */
};

static const struct mode_type mode_capacity;

#define CAPVIEW_REBUILD_MS 1000

int form_capacity_open(struct ui *u, struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv, char **cause)
{
	(void)c; (void)e; (void)argc; (void)argv; (void)cause;
	if (mode_find(&u->modes, &mode_capacity) == NULL)
		mode_push(&u->modes, u, &mode_capacity, NULL);
	return 0;
}

static void build(struct capview *v, const struct ui *u)
{
	struct capacity cap;
	char **lines;
	size_t n, i;
	int head = 1;	/* the first line, and each after a blank one */

	capacity_read(&cap, u->cfg != NULL ? u->cfg->pool_warn_percent : 90);
	n = cmd_capacity_lines(&cap, &lines);
	text_clear(&v->text);
	for (i = 0; i < n; i++) {
		/* a full pool, an overcommitted host: the warning colour */
		int warn = strstr(lines[i], " WARNING") != NULL;

		text_add(&v->text, head ? SLOT_TITLE : warn ? SLOT_STATE_PAUSED :
		    SLOT_NORMAL, "%s", lines[i]);
		head = lines[i][0] == '\0';
		free(lines[i]);
	}
	free(lines);
	capacity_free(&cap);
}

static void capview_init(struct mode *m, void *arg)
{
	(void)arg;
	m->data = xcalloc(1, sizeof(struct capview));
}

static void capview_draw(struct mode *m, struct rect r)
{
	struct capview *v = m->data;
	struct rect body = { r.y + 1, r.x, r.h - 2, r.w };
	uint64_t gen = model_generation();
	int64_t now = util_now_ms();

	if (r.h < 3 || r.w < 10)
		return;
	/* one walk of the desktops a second at most: stats move the
	 * generation many times a second on a large cluster */
	if (v->built_ms == 0 || (gen != v->gen && now - v->built_ms >=
	    CAPVIEW_REBUILD_MS)) {
		build(v, m->ui);
		v->gen = gen;
		v->built_ms = now;
	}
	attrset(theme_attr(SLOT_TITLE));
	mvaddnstr(r.y, r.x, "Capacity", r.w);
	mode_page_draw(&v->page, &v->text, body, m->ui->ascii);
	attrset(theme_attr(SLOT_STATUS));
	mvhline(r.y + r.h - 1, r.x, ' ', r.w);
	mvaddnstr(r.y + r.h - 1, r.x, " Up/Down PgUp/PgDn scroll  Esc close",
	    r.w);
	attrset(theme_attr(SLOT_NORMAL));
}

static void capview_free(struct mode *m)
{
	struct capview *v = m->data;

	text_clear(&v->text);
	free(v);
}

static const struct mode_type mode_capacity = {
	.name = "capacity",
	.keys = KT_PAGE,
	.init = capview_init,
	.draw = capview_draw,
	.move = mode_page_move_op,
	.free = capview_free,
};
