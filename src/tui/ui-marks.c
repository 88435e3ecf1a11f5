/* ui-marks.c — marking desktops: Space, `*`, Esc. A desktop verb then
 * gets every marked desktop as its names (ui-cmd.c), and the command asks
 * once for all of them (cmd.c). */
#include "tui/ui-marks.h"
#include "tui/mode.h"
#include "tui/ui.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ui_marks_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct ui *u = cmd_in_console(c) ? c->face->data : NULL;
	struct panes *p;
	size_t n;

	(void)argc; (void)argv;
	if (u == NULL || (p = panes_of(u)) == NULL) {
		*cause = xasprintf("%s: only in the console", e->name);
		return -1;
	}
	switch (e->arg) {
	case UI_MARK_TOGGLE:
	case UI_MARK_SHOWN:
		if ((e->arg == UI_MARK_TOGGLE ? panes_mark_toggle(p) :
		    panes_mark_shown(p)) < 0) {
			*cause = xstrdup("marks are for desktops: focus the "
			    "desktops pane (4)");
			return -1;
		}
		break;
	case UI_MARK_CLEAR:
		n = panes_mark_clear(p);
		ui_message(u, 0, "%zu mark%s cleared", n, n == 1 ? "" : "s");
		break;
	}
	return 0;
}
