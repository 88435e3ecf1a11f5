/* srv-mig.h — a migration's progress for an attached console: the
 * server sends each migration job's stats and pre-flight steps as a line
 * of kind "migration" (srv-sub.h) whenever they change, and the console's
 * mirror (srv-mirror.h) keeps them (cmd_migrate_mirror), so the progress
 * view and the form's checklist show the server's migration as they
 * show one of their own. */
#ifndef HVDECK_SRV_MIG_H
#define HVDECK_SRV_MIG_H

#include <stddef.h>

struct check_step;
struct jread;
struct migrate_stats;

struct json;

/* A job's own line (a migration's, a drain's): begun with its kind and
 * the job's id in an "object" the caller fills, then ended (the line,
 * newline included; caller frees; j is freed). */
void srv_job_line_begin(struct json *j, const char *kind, unsigned job);
char *srv_job_line_end(struct json *j);

/* A checklist's steps[0..n) as the member "steps" of j's object, and
 * back from that member a (*n steps; caller frees; a missing or bad
 * member: none). */
void srv_steps_json(struct json *j, const struct check_step *steps,
    size_t n);
struct check_step *srv_steps_of(const struct jread *a, size_t *n);

/* The line of migration job (ended by a newline; caller frees) from its
 * stats and steps[0..n). */
char *srv_mig_line_of(unsigned job, const struct migrate_stats *st,
    const struct check_step *steps, size_t n);
/* The line of a migration job of this process (its stats and checklist
 * now; caller frees), NULL when the job is no migration it knows. */
char *srv_mig_line(unsigned job);
/* Keep the line's object o (the line's "object" member) as the console's
 * copy of its server's migration (cmd_migrate_mirror). */
void srv_mig_apply(const struct jread *o);

#endif
