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

struct check_step;
struct checklist;
struct migrate_req;
struct migrate_stats;

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

/* The pre-flight checklist of a migration started in this process (or
 * mirrored from the server, cmd_migrate_mirror), NULL if none. Borrowed:
 * valid until cmd_migrate_free_all. */
struct checklist *cmd_migrate_checklist(unsigned job);
/* A migration's stats (act-migrate.h's migrate_stats), or for an attached
 * console its server's last copy (cmd_migrate_mirror): 0 with *out, or
 * -1 when neither knows the job. */
int cmd_migrate_stats(unsigned job, struct migrate_stats *out);
/* An attached console's copy of its server's migration job: its stats
 * (copied) and its pre-flight steps (steps[0..n), copied into the job's
 * checklist here, made on the first call). Any thread; wakes the UI. */
void cmd_migrate_mirror(unsigned job, const struct migrate_stats *st,
    const struct check_step *steps, size_t n);
/* The checklists, after every job thread has ended (ui_run's exit). */
void cmd_migrate_free_all(void);

#endif
