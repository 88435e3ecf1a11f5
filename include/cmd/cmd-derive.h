/* cmd-derive.h — the command `derive SOURCE NAME [--pool POOL] [--count N]
 * [--on HOST] [--cluster-size BYTES] [--lazy-refcounts] [--extended-l2]`
 * on act-derive.h: the command line (engine started, the job followed
 * with its progress "3/20", exit 0 made, 1 refused or failed, 2 bad
 * usage), the `:` line, and the key n of the volumes pane, which opens
 * the derive form for the selected volume. The form's Enter runs the
 * full command line through the table, so every way in takes one path
 * (and the audit log sees it). */
#ifndef HVDECK_CMD_DERIVE_H
#define HVDECK_CMD_DERIVE_H

#include "cmd/cmd.h"

int cmd_derive_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause);

#endif
