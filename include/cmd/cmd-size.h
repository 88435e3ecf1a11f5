/* cmd-size.h — `desktop set NAME [--vcpus N] [--memory MiB]
 * [--max-memory MiB]` (act-size.h); the console's z opens a form with
 * the desktop's size when no option is given. */
#ifndef HVDECK_CMD_SIZE_H
#define HVDECK_CMD_SIZE_H

#include "cmd/cmd.h"

int cmd_size_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause);

#endif
