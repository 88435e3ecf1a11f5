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
struct migrate_req;

/* The options of `desktop migrate` and `hvdeck migrate` (one table line
 * each, cmd-opts.h) into r's bandwidth, downtime and flags; the desktop
 * and destination are the caller's. Returns 0 or -1 with *cause. */
int cmd_migrate_request(const struct cmd_opts *o, struct migrate_req *r,
    char **cause);

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
