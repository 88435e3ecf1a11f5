/* cmd-desktop-new.h — the commands `desktop new`, `template from` and
 * `desktop delete` (the command line, the `:` line, and the keys N, T and
 * Shift-X), on act-desktop.h. In the console, a command without its names
 * asks the console's form (tui/form-desktop-new.c: N, T), and `desktop
 * delete` without --yes asks first, naming the desktop and (with the disk
 * box ticked) its disk; the command line asks on the terminal. Each form
 * runs the full command line through the table, so every way in takes
 * one path (and the audit log sees it). */
#ifndef HVDECK_CMD_DESKTOP_NEW_H
#define HVDECK_CMD_DESKTOP_NEW_H

#include "cmd/cmd.h"

int cmd_desktop_exec_new(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);
int cmd_desktop_exec_template(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);
int cmd_desktop_exec_delete(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);
/* desktop set-cpu DESKTOP MODEL|baseline (act_desktop_set_cpu): the
 * console follows its job, the command line waits for it. */
int cmd_desktop_exec_set_cpu(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);

/* "Delete desktop NAME and its disk DISK?" (disk NULL: "... (its disk
 * stays)"), names made visible. Caller frees. */
char *cmd_desktop_delete_question(const char *name, const char *disk);

#endif
