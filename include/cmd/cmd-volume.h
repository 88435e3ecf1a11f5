/* cmd-volume.h — the command `volume delete [POOL/NAME] [--on HOST]
 * [--yes]` (the command line, the `:` line, and Shift-D in the volumes
 * pane, where the console names the selected volume), on act-volume.h.
 * The console refuses at once when something depends on the volume, else
 * asks, naming it; the answer runs the command with --yes through the
 * table, so every way in takes one path (and the audit log sees it). The
 * command line does not ask. */
#ifndef HVDECK_CMD_VOLUME_H
#define HVDECK_CMD_VOLUME_H

#include "cmd/cmd.h"

int cmd_volume_exec_delete(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);

/* `pool refresh NAME` (Shift-R in the pools pane, where the console
 * names the selected pool): libvirt sends no event for a volume made
 * behind its back, so the pool is rescanned on every host that has it. */
int cmd_pool_exec_refresh(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);

#endif
