/* ui-box.h — a box with a title (ui-box.c). */
#ifndef HVDECK_UI_BOX_H
#define HVDECK_UI_BOX_H

#include "tui/layout.h"

/* A box with a title over r; active: the focused border colour. */
void ui_box(struct rect r, int active, const char *title, int ascii);

#endif
