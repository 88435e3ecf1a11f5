/* cmd-host-reconnect.h — `:host reconnect NAME`: try a host again now
 * instead of at the end of its backoff (an online host's connection is
 * dropped and opened again). */
#ifndef HVDECK_CMD_HOST_RECONNECT_H
#define HVDECK_CMD_HOST_RECONNECT_H

#include "cmd/cmd.h"

/* The command table's exec; -1 with *cause (caller frees) for a name
 * that is no configured host. */
int cmd_host_reconnect_exec(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);

#endif
