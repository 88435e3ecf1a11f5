/* ui-box.c — a box with a title, the frame of every pane, form and
 * question. Apart from ui.c so that widgets (forms) draw their frame
 * without depending on the console that holds them. */
#include "tui/ui-box.h"
#include "tui/theme.h"

#include <curses.h>

static void hline_at(int y, int x, int w, int ascii)
{
	move(y, x);
	if (ascii)
		while (w-- > 0)
			addch('-');
	else
		hline(ACS_HLINE, w);
}

void ui_box(struct rect r, int active, const char *title, int ascii)
{
	int i;

	attrset(theme_attr(active ? SLOT_BORDER_ACTIVE : SLOT_BORDER));
	hline_at(r.y, r.x, r.w, ascii);
	hline_at(r.y + r.h - 1, r.x, r.w, ascii);
	for (i = r.y + 1; i < r.y + r.h - 1; i++) {
		mvaddch(i, r.x, ascii ? '|' : ACS_VLINE);
		mvaddch(i, r.x + r.w - 1, ascii ? '|' : ACS_VLINE);
	}
	mvaddch(r.y, r.x, ascii ? '+' : ACS_ULCORNER);
	mvaddch(r.y, r.x + r.w - 1, ascii ? '+' : ACS_URCORNER);
	mvaddch(r.y + r.h - 1, r.x, ascii ? '+' : ACS_LLCORNER);
	mvaddch(r.y + r.h - 1, r.x + r.w - 1, ascii ? '+' : ACS_LRCORNER);
	attrset(theme_attr(active ? SLOT_TITLE : SLOT_BORDER));
	if (r.w > 6)
		mvaddnstr(r.y, r.x + 2, title, r.w - 4);
	attrset(theme_attr(SLOT_NORMAL));
}
