/* cmd-host-add.h — `host add`'s request from its words and options: the
 * command line follows the add on the terminal (cli-host-add.c), the
 * console in its add-host form (tui/form-host-add.c). */
#ifndef HVDECK_CMD_HOST_ADD_H
#define HVDECK_CMD_HOST_ADD_H

#include "cmd/cmd.h"

struct hostadd_req;

/* Fill *r from argv (NAME ADDRESS) and c's options; r borrows them.
 * Returns 0, or -1 with *cause (caller frees) naming the bad option and
 * e's usage. */
int cmd_host_add_request(const struct cmd_ctx *c, const struct cmd_entry *e,
    char **argv, struct hostadd_req *r, char **cause);

#endif
