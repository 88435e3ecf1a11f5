/* ui-marks.h — actions on many desktops at once (htop's and mc's marks):
 * Space marks a desktop, `*` every desktop the filter shows, Esc clears;
 * a desktop verb without a name then gets every marked desktop as its
 * names (ui-cmd.c), and the command asks once naming how many and on
 * which hosts, each its own job with its own result (cmd.c). The marks
 * themselves live in the panes mode (mode.h: panes_mark_*). */
#ifndef HVDECK_UI_MARKS_H
#define HVDECK_UI_MARKS_H

#include "cmd/cmd.h"

/* The command table's entries "mark", "mark-shown", "mark-clear" (e->arg
 * is enum ui_mark_op). */
enum ui_mark_op { UI_MARK_TOGGLE, UI_MARK_SHOWN, UI_MARK_CLEAR };
int ui_marks_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause);

#endif
