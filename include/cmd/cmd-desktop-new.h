/* cmd-desktop-new.h — the commands `desktop new`, `template from` and
 * `desktop delete` (the command line, the `:` line, and the keys N, T and
 * Shift-X), on act-desktop.h. In the console, a command without its names
 * opens a form (N: the template desktop, or a choice of the template
 * desktops that use the selected volume; T: the template's name and
 * whether to flatten); `desktop delete` asks first, naming the desktop and
 * (with the disk box ticked) its disk. Each form runs the full command
 * line through the table, so every way in takes one path (and the audit
 * log sees it). */
#ifndef HVDECK_CMD_DESKTOP_NEW_H
#define HVDECK_CMD_DESKTOP_NEW_H

#include "cmd/cmd.h"

int cmd_desktop_exec_new(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);
int cmd_desktop_exec_template(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);
int cmd_desktop_exec_delete(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);

#endif
