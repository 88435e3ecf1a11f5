/* cmd-capacity.h — `capacity [--json]`: the cluster's capacity
 * (capacity.h) as a table or one JSON object; the console opens its
 * capacity view instead (the % key). */
#ifndef HVDECK_CMD_CAPACITY_H
#define HVDECK_CMD_CAPACITY_H

#include "cmd/cmd.h"

int cmd_capacity_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause);

struct capacity;
/* The capacity as the command prints it, one text line per element of
 * *lines (caller frees each and the array); returns the count. The
 * console's view shows the same lines. */
size_t cmd_capacity_lines(const struct capacity *cap, char ***lines);

#endif
