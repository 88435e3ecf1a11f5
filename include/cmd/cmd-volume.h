/* cmd-volume.h — the command `volume delete [POOL/NAME] [--on HOST]` (the
 * command line, the `:` line, and Shift-D in the volumes pane), on
 * act-volume.h. In the console without a name it takes the selected
 * volume, refuses at once when something depends on it, else asks,
 * naming it; the answer runs the full command through the command table,
 * so every way in takes one path (and the audit log sees it). */
#ifndef HVDECK_CMD_VOLUME_H
#define HVDECK_CMD_VOLUME_H

#include "cmd/cmd.h"

int cmd_volume_exec_delete(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);

#endif
