/* ui-marks.h — actions on many desktops at once (htop's and mc's marks):
 * Space marks a desktop, `*` every desktop the filter shows, Esc clears;
 * a desktop verb without a name then acts on all marked desktops after one
 * confirmation naming how many and on which hosts, each as its own job
 * (act_domain) with its own result; refusals are reported, not fatal. The
 * marks themselves live in the panes mode (mode.h: panes_mark_*). */
#ifndef HVDECK_UI_MARKS_H
#define HVDECK_UI_MARKS_H

#include "cmd/cmd.h"

/* The command table's entries "mark", "mark-shown", "mark-clear" (e->arg
 * is enum ui_mark_op). */
enum ui_mark_op { UI_MARK_TOGGLE, UI_MARK_SHOWN, UI_MARK_CLEAR };
int ui_marks_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause);

/* How many desktops are marked (0 without a console). */
size_t ui_marks_count(struct ui *u);
/* Ask once, then run action a (enum domain_action, or -1 for pause /
 * resume: resume when every marked desktop is paused) on every marked
 * desktop. Returns 0, or -1 with *cause (caller frees). */
int ui_marks_act(struct ui *u, int a, char **cause);

/* "Force off 3 desktops on hv1, hv2?" for the UUIDs in uuids (model lock
 * taken here). Caller frees. For tests too. */
char *ui_marks_question(int a, char *const *uuids, size_t n);

#endif
