/* mode-migrate.h — the migration progress view (mode_migrate, mode.h):
 * full screen on Enter on a migration in the jobs pane, refreshed while
 * it runs. Its lines are made by a pure function so the unit tests can
 * check what an operator is told (convergence, what can still help, the
 * end) without a terminal or a libvirt. */
#ifndef HVDECK_MODE_MIGRATE_H
#define HVDECK_MODE_MIGRATE_H

#include <stddef.h>
#include <stdint.h>

#include "act/act-migrate.h"
#include "core/job.h"

struct text;
struct check_step;

/* What the view needs of the job itself (copied under the job lock). */
struct migrate_view_job {
	unsigned id;
	const char *name;           /* the desktop */
	enum job_state state;
	const char *error;          /* libvirt's text, NULL none */
	int cancel_requested;
	int64_t took_ms;            /* started to ended (or now) */
};

/* The view's lines: the numbers, the sparkline of remaining data per
 * iteration, a warning with what can still help when it does not
 * converge, the end (total time, libvirt's downtime, or its error), the
 * pre-flight steps. st NULL: no statistics (yet). */
void mode_migrate_lines(struct text *out, const struct migrate_view_job *j,
    const struct migrate_stats *st, const struct check_step *steps,
    size_t nsteps, int ascii);

#endif
