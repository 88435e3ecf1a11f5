/* wall.h — hvdeck wall: a read-only dashboard to be read from across a
 * room, unattended for days. One tile per hypervisor, the cluster's
 * totals, the running jobs and an alert band, a clock and each host's
 * data age. It runs the console's engine in-process, read-only, and
 * takes the jobs from the cluster's server when one runs (see wall.c),
 * draws only on a change of
 * the model or the jobs and once a second for the clock, and never exits
 * on its own: lost hosts are retried forever.
 *
 * wall.c: the command, the terminal and the loop; wall-data.c: the
 * snapshot of the model a frame draws; wall-alerts.c: the alerts kept
 * across frames; wall-draw.c: the layout, tiles and bands. */
#ifndef HVDECK_WALL_H
#define HVDECK_WALL_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/model.h"
#include "tui/ui.h"

/* Where the wall gets the jobs of the cluster's server (main.c gives
 * srv-mirror.h's: tui never includes srv/): start subscribes (0 with
 * *pid, 1 when no server runs, -1 with *cause), running says whether the
 * subscription is still up, stop ends it. */
struct wall_jobs_source {
	int (*start)(const struct config *cfg, long *pid, char **cause);
	int (*running)(void);
	void (*stop)(void);
};
void wall_set_jobs_source(const struct wall_jobs_source *s);

/* Register the wall's entry (`hvdeck wall`) into the command table. */
void wall_cmd_register(void);
/* The console's options (theme, --ascii) the wall starts from: main.c's,
 * borrowed for the life of the process. */
void wall_set_options(const struct ui_options *o);

/* ---- the snapshot (wall-data.c) ---- */

/* One host's tile. Strings are made for the screen (text_screen). */
struct wall_host {
	unsigned id;
	char *name, *error;           /* error NULL when none */
	enum host_role role;
	enum host_state state;
	int up;                       /* online (read-only included) */
	int stale;                    /* up, but silent past stale_after */
	int maintenance;
	double cpu_pct;               /* -1 unknown */
	double mem_frac;              /* 0..1, -1 unknown */
	size_t running, desktops;
	int64_t age_ms;               /* since its last word; -1 never */
	int64_t since_wall_ms;        /* in this state since (wall clock) */
	char *job;                    /* "drain 40%": its first job, or NULL */
};

/* A job with progress: hvdeck's own, or a libvirt job seen on a desktop
 * (a migration started elsewhere). */
struct wall_job {
	char *text;                   /* "migrate desk-3 on hv1" */
	double pct;                   /* 0..100, -1 unknown */
};

/* A condition that needs a person; the alerts keep the first time each
 * key was seen (wall-alerts.c). */
struct wall_cond {
	char *key;                    /* "offline:hv2": one per condition */
	char *text;                   /* for the screen */
	int64_t since_wall_ms;        /* when it began, 0: when first seen */
	int split_brain;              /* drawn in the split-brain slot */
};

struct wall_snap {
	struct wall_host *hosts;      /* the wall's hosts, in its order */
	size_t nhosts;
	size_t online, running, desktops;
	double cpu_pct, mem_frac;     /* the cluster's, -1 unknown */
	struct wall_job *jobs;
	size_t njobs;
	struct wall_cond *conds;
	size_t nconds;
};

/* Read the model and the jobs (each lock taken here) into *s, which then
 * owns every string and array in it: the caller frees them with
 * wall_snap_free. ascii: names made for an ASCII screen. */
void wall_snap_take(struct wall_snap *s, const struct config *cfg, int ascii);
void wall_snap_free(struct wall_snap *s);

/* ---- the alerts (wall-alerts.c) ---- */

struct wall_alert {
	char *key, *text;
	int64_t since_wall_ms;
	int split_brain;
};
struct wall_alerts {
	struct wall_alert *v;         /* oldest first */
	size_t n;
};
/* The conditions of a snapshot: each alert stays until its condition is
 * gone, keeping when it began; new ones join in order of age. Takes the
 * conditions' strings (s->conds is emptied). */
void wall_alerts_update(struct wall_alerts *a, struct wall_snap *s,
    int64_t now_wall_ms);
/* The alerts' strings and array (a stays usable, empty). */
void wall_alerts_free(struct wall_alerts *a);

/* ---- drawing (wall-draw.c) ---- */

struct wall_view {
	int rows, cols, ascii;
	int page;                     /* of the host tiles, from 0 */
	int pages;                    /* out: how many the last frame had */
	int64_t now_wall_ms;
	long server_pid;              /* the jobs are this server's; 0: none */
};
/* One frame: erase and draw everything (curses). */
void wall_draw(struct wall_view *v, const struct wall_snap *s,
    const struct wall_alerts *a);

#endif
