/* cmd-disk-move.h — `desktop move-disk DESKTOP [DISK] POOL
 * [--delete-source] [--bandwidth MIBS]` on the command line, the `:` line
 * and the desktops pane's Shift-V (a form: the console's form chooses
 * the pool and asks, naming the desktop, the disk and the pool). The job
 * is act-disk-move.h's; the command line waits for it, printing its
 * progress, and Ctrl-C cancels it (the desktop stays on its disk). */
#ifndef HVDECK_CMD_DISK_MOVE_H
#define HVDECK_CMD_DISK_MOVE_H

#include "cmd/cmd.h"

int cmd_disk_move_exec(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);

#endif
