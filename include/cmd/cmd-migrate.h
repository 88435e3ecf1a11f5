/* cmd-migrate.h — the console's side of live migration (issue 12): the
 * command `desktop migrate [NAME] [DEST_HOST] [--options]` (the `:` line
 * and the key m of the desktops pane); without a destination the
 * console's form asks (tui/form-migrate.c; cmd-job.h has the keys that
 * steer a running one). It
 * runs through the command table (so the audit log has it) and never
 * calls libvirt: act-migrate.h's job does. The command line's `hvdeck migrate` is cli-migrate.c's. */
#ifndef HVDECK_CMD_MIGRATE_H
#define HVDECK_CMD_MIGRATE_H

#include "cmd/cmd.h"

struct checklist;

/* The bounds of --bandwidth (MiB/s: a sanity bound, not a limit; 0
 * unlimited) and --max-downtime (ms; 0 libvirt's default). */
#define CMD_MIGRATE_BANDWIDTH_MAX 1000000L
#define CMD_MIGRATE_DOWNTIME_MAX 3600000L

/* `desktop migrate`: without DEST_HOST the form (console only), with it
 * migrate_start; c->job is the migration's job, its pre-flight checklist
 * cmd_migrate_checklist(c->job). */
int cmd_migrate_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause);

/* The pre-flight checklist of a migration started in this console, NULL
 * if none. Borrowed: valid on the UI thread until cmd_migrate_free_all. */
struct checklist *cmd_migrate_checklist(unsigned job);
/* The checklists, after every job thread has ended (ui_run's exit). */
void cmd_migrate_free_all(void);

#endif
