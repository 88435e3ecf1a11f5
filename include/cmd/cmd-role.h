/* cmd-role.h — the commands `host role` and `host maintenance` (the
 * command line, the `:` line, and the keys e and M of the hypervisors
 * pane), on act-role.h. In the console, `host role` without a role opens
 * a form to choose one, and `host maintenance` without on|off asks
 * whether to toggle it, naming the host; both then run the full command
 * through the command table, so every way in takes one path. */
#ifndef HVDECK_CMD_ROLE_H
#define HVDECK_CMD_ROLE_H

#include "cmd/cmd.h"

int cmd_role_exec_role(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);
int cmd_role_exec_maintenance(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);

#endif
