/* cli-migrate.h — `hvdeck migrate DESKTOP DEST_HOST [--bandwidth MiB/s]
 * [--max-downtime MS] [--auto-converge] [--postcopy] [--compress]
 * [--copy-storage] [--unsafe] [--no-persist]`: a live migration
 * (act-migrate.h) started and waited on from a shell, its pre-flight and
 * progress printed. The console's `m` form is elsewhere (cmd.c's entry
 * runs this only on the command line). */
#ifndef HVDECK_CLI_MIGRATE_H
#define HVDECK_CLI_MIGRATE_H

#include "cmd/cmd.h"

/* The command table's exec (c->cfg, c->cli, c->opts). Sets c->status: 0
 * migrated, 1 refused, failed or cancelled, 2 bad usage. */
int cli_migrate_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause);

#endif
