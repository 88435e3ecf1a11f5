/* mode-help.c — the ? page, generated from the key tables and the command
 * table so it cannot drift from what the keys and commands do. */
#include "tui/mode.h"
#include "cmd/cmd.h"
#include "tui/keys.h"
#include "tui/theme.h"
#include "tui/ui.h"
#include "core/util.h"
#include "tui/views.h"

#include <stdlib.h>
#include <string.h>

struct help {
	struct mode_page page;	/* first: mode_page_move_op */
	struct text text;
};

static void add_keys(struct text *t, enum key_table kt)
{
	const struct key_binding *k;
	size_t n, i;

	char where[96];

	k = keys_table(kt, &n);
	for (i = 0; i < n; i++)
		if (k[i].label != NULL)
			text_add(t, SLOT_NORMAL, "  %-14s %s%s%s%s", k[i].label,
			    keys_help(&k[i]), k[i].panes != 0 ? " (in " : "",
			    k[i].panes != 0 ? keys_where(k[i].panes, where,
			    sizeof where) : "", k[i].panes != 0 ? ")" : "");
}

static void build(struct text *t, int read_only)
{
	const struct cmd_entry *e;
	size_t n, i;
	char head[64], *desc;

	text_add(t, SLOT_TITLE, "hvdeck %s - keys (Esc to close)", HVDECK_VERSION);
	add_keys(t, KT_PANES);
	text_add(t, SLOT_NORMAL, "  %-14s %s", "mouse",
	    "click selects a row and its pane, double click opens details,");
	text_add(t, SLOT_NORMAL, "  %-14s %s", "",
	    "the wheel scrolls; :mouse off lets the terminal select text");
	text_add(t, SLOT_NORMAL, "  %-14s %s", "marks",
	    "with desktops marked, u h r p F act on all of them (one question)");
	text_add(t, SLOT_NORMAL, "%s", "");
	text_add(t, SLOT_HEADER, "In details and help");
	add_keys(t, KT_PAGE);
	text_add(t, SLOT_NORMAL, "%s", "");
	text_add(t, SLOT_HEADER, "In a migration's progress view (Enter on it in the jobs pane)");
	text_add(t, SLOT_NORMAL, "  memory transferred, data processed/remaining/total, transfer and");
	text_add(t, SLOT_NORMAL, "  dirty-page rates, iteration, expected downtime, elapsed, ETA, and");
	text_add(t, SLOT_NORMAL, "  remaining data per iteration as a sparkline: falling = converging;");
	text_add(t, SLOT_NORMAL, "  NOT CONVERGING says what can still help (b, d, P)");
	add_keys(t, KT_MIGRATE);
	text_add(t, SLOT_NORMAL, "%s", "");
	text_add(t, SLOT_HEADER, "Editing a line (/, :, the event log's /)");
	text_add(t, SLOT_NORMAL, "  Left/Right, Home/End (Ctrl-A/E), Backspace/Delete, Ctrl-U kills to");
	text_add(t, SLOT_NORMAL, "  the start, Ctrl-W the word before; Up/Down recall earlier lines");
	text_add(t, SLOT_NORMAL, "%s", "");
	text_add(t, SLOT_HEADER, "Filters (/)");
	text_add(t, SLOT_NORMAL, "  words must all match; TEXT matches any column, !WORD inverts,");
	text_add(t, SLOT_NORMAL, "  state:running matches the state, host:NAME the host,");
	text_add(t, SLOT_NORMAL, "  kind:template the template desktops, kind:unused the volumes");
	text_add(t, SLOT_NORMAL, "  nothing uses (no desktop, nothing derived, no base or template)");
	text_add(t, SLOT_NORMAL, "%s", "");
	text_add(t, SLOT_HEADER, "Desktops pane");
	text_add(t, SLOT_NORMAL, "  HOST !CPU: no other hypervisor can run the desktop's CPU; Enter");
	text_add(t, SLOT_NORMAL, "  says where it can run, :desktop set-cpu NAME baseline frees it");
	text_add(t, SLOT_NORMAL, "%s", "");
	text_add(t, SLOT_HEADER, "The wall (hvdeck wall [--rotate SECONDS] [--kiosk])");
	text_add(t, SLOT_NORMAL, "  a read-only dashboard: host tiles, totals, jobs, alerts, a clock;");
	text_add(t, SLOT_NORMAL, "  q or Ctrl-C quits, Ctrl-Z suspends, Ctrl-L redraws; with --kiosk");
	text_add(t, SLOT_NORMAL, "  only Ctrl-L acts (SIGTERM stops it); --rotate pages hosts");
	text_add(t, SLOT_NORMAL, "%s", "");
	text_add(t, SLOT_HEADER, "Commands (:, Tab completes)");
	e = cmd_table(&n);
	for (i = 0; i < n; i++) {
		if (!(e[i].flags & CMD_LINE))
			continue;
		snprintf(head, sizeof head, ":%s%s%s", e[i].name,
		    e[i].args[0] != '\0' ? " " : "", e[i].args);
		text_add(t, SLOT_NORMAL, "  %-28s %s", head, e[i].help);
		if ((desc = cmd_opts_describe(e[i].name, e[i].args)) != NULL)
			text_add(t, SLOT_NORMAL, "  %-28s values: %s", "", desc);
		free(desc);
	}
	if (read_only)
		text_add(t, SLOT_STATUS_MODE_RO, "Read-only: desktop actions are refused.");
}

static void help_init(struct mode *m, void *arg)
{
	struct help *h = xcalloc(1, sizeof *h);

	(void)arg;
	build(&h->text, m->ui->read_only);
	m->data = h;
}

static void help_draw(struct mode *m, struct rect r)
{
	struct help *h = m->data;

	mode_page_draw_more(&h->page, &h->text, r, m->ui->ascii);
}

static void help_free(struct mode *m)
{
	struct help *h = m->data;

	text_clear(&h->text);
	free(h);
}

const struct mode_type mode_help = {
	.name = "help",
	.keys = KT_PAGE,
	.init = help_init,
	.draw = help_draw,
	.move = mode_page_move_op,
	.free = help_free,
};
