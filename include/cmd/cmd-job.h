/* cmd-job.h — the commands on jobs that the jobs pane (5) and the
 * migration progress view bind to keys: `job cancel` (c, asks naming the
 * desktop), `job bandwidth` (b) and `job downtime` (d) of a running
 * migration (a small form without a value), `job postcopy` (P, asks,
 * saying what a failure then costs), `job dismiss` (x) and `job
 * dismiss-finished` (X). In the console the ID is the progress view's
 * job, else the selected row of the jobs pane (the console puts it in the
 * line). Questions and the value form come through the face. None calls libvirt: job_cancel and
 * act-migrate.h's requests are delivered by the job's watcher. */
#ifndef HVDECK_CMD_JOB_H
#define HVDECK_CMD_JOB_H

#include "cmd/cmd.h"

enum cmd_job_op { JOB_OP_CANCEL, JOB_OP_BANDWIDTH, JOB_OP_DOWNTIME,
	JOB_OP_POSTCOPY, JOB_OP_DISMISS, JOB_OP_DISMISS_FINISHED };

/* e->arg is enum cmd_job_op. */
int cmd_job_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause);

/* `jobs [--json]`: hvdeck's jobs (the server's, through one) and the jobs
 * libvirt runs that hvdeck did not start (each host asked first), one
 * line (or JSON object: id, kind, state, target, host, progress, hvdeck,
 * error) each. `job cancel` given a desktop (the jobs pane's row of such
 * a job) aborts libvirt's job after a question saying hvdeck did not
 * start it (act-ljob.h). */
int cmd_jobs_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause);

/* The typed line (cmd-opts.h) of a running migration's value: op is
 * JOB_OP_BANDWIDTH (MiB/s, 0 unlimited) or JOB_OP_DOWNTIME (ms); its range
 * serves the form and the parser alike. Never NULL. */
struct cmd_opt_spec;
const struct cmd_opt_spec *cmd_job_value_spec(int op);

struct migrate_stats;
/* Migration id of hvdeck's that still runs: 0 with *name (visible; caller
 * frees) and *st, else -1 with *cause. For the form that asks a value. */
int cmd_job_migration(unsigned id, char **name, struct migrate_stats *st,
    char **cause);

/* The job of a jobs-pane row key ("job:12"), 0 when it is none. */
unsigned cmd_job_of_key(const char *key);

#endif
