/* cli-host-list.h — `hvdeck host list [--json]`: every configured host
 * with its URI, role and maintenance from the config, and the state the
 * engine found (online / offline with libvirt's reason) within the
 * connect timeout, as dump waits. */
#ifndef HVDECK_CLI_HOST_LIST_H
#define HVDECK_CLI_HOST_LIST_H

#include "cmd/cmd.h"

/* The command table's exec (c->cfg, c->cli). Sets c->status 0, or 1 when
 * the engine cannot start. */
int cli_host_list_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause);

#endif
