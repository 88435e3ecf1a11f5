/* act-drain.h — drain a host (issue 21): put it in maintenance, then
 * live-migrate every running desktop off it as the plan says
 * (place_drain_plan: the host with the most free memory after the moves
 * planned before), at most `parallel` at a time.
 *
 * The drain is ONE job (JK_DRAIN) on a thread of its own; each move is an
 * ordinary migration job (migrate_start) with its own pre-flight. A
 * desktop whose pre-flight refuses or whose migration fails stays where
 * it is, with the reason, and the drain goes on with the others. A
 * cancel stops starting moves and either cancels the running migrations
 * (the desktop stays on the source) or lets them finish, as the operator
 * chose (drain_cancel). The host stays in maintenance either way. Shut-
 * off desktops defined on the host are listed and stay, unless the
 * request includes them: then a definition whose disks the destination
 * sees (shared storage, migrate_check_storage) is defined there and
 * undefined on the source. Every move and definition move writes its own
 * audit lines (command "desktop migrate" / "desktop move-definition",
 * target "NAME DEST (drain of HOST)"). */
#ifndef HVDECK_ACT_DRAIN_H
#define HVDECK_ACT_DRAIN_H

#include <stddef.h>

#include "core/config.h"
#include "core/place.h"

#define DRAIN_PARALLEL_MAX 64

struct drain_req {
	const char *host;           /* the host to drain */
	char *const *to;            /* only onto these hosts (nto > 0) */
	size_t nto;
	unsigned parallel;          /* migrations at once; 0: 2 */
	unsigned long bandwidth_mibs;   /* each move's limit, MiB/s; 0 none */
	int include_defined;        /* move shut-off definitions too */
};

/* The plan for r (place_drain_plan), with the shut-off desktops' fate
 * said in their why when they stay. 0 with *p (place_plan_free), or -1
 * with *cause (caller frees). Takes the model lock. */
int drain_plan(const struct drain_req *r, struct place_plan *p, char **cause);

/* Put r->host in maintenance (saved in cfg's file, as `host maintenance`
 * does), then start the drain job following plan p (taken: freed by the
 * job; p is zeroed). 0 with *job, or -1 with *cause (caller frees):
 * read-only, no such host, the file cannot be saved; p is freed then too.
 * A plan with nothing to move still makes a job (it reports so). */
int drain_start(const struct config *cfg, const struct drain_req *r,
    struct place_plan *p, unsigned *job, char **cause);

/* Where each desktop of a drain is. */
enum drain_state {
	DRAIN_WAITING,      /* its move has not started */
	DRAIN_MOVING,       /* its migration job runs */
	DRAIN_MOVED,
	DRAIN_FAILED,       /* refused, pre-flight or migration failed: it
	                     * stays where it was (why) */
	DRAIN_NOT_MOVED,    /* the drain was cancelled before its move, or
	                     * its migration was cancelled */
	DRAIN_STAYS,        /* shut off, its definition stays (why) */
};
const char *drain_state_name(enum drain_state s);   /* "moving" */

struct drain_item {
	char *name, *dest, *why;    /* dest NULL: no destination */
	enum drain_state state;
	int defined;                /* a shut-off desktop's definition */
	unsigned job;               /* its migration job, 0 none yet */
	double pct;                 /* moving: memory transferred, -1 unknown */
};

/* A copy of drain job's items, in plan order (running desktops, then the
 * shut-off ones): 0 with *items (drain_items_free), -1 when job is no
 * drain of this process. */
int drain_items(unsigned job, struct drain_item **items, size_t *n);
void drain_items_free(struct drain_item *items, size_t n);
/* An attached console's copy of its server's drain job (items copied,
 * replacing the last copy): drain_items answers from it for a job this
 * process does not run, so the jobs pane's details list every desktop. */
void drain_mirror(unsigned job, const struct drain_item *items, size_t n);

/* Cancel drain job: no move starts any more; the running migrations are
 * cancelled, or left to finish when let_running_finish. 0, or -1 with
 * *cause (caller frees): no such drain, already final. */
int drain_cancel(unsigned job, int let_running_finish, char **cause);

/* How many of drain job's migrations run now (the cancel question), -1
 * when job is no drain of this process. */
int drain_moving_count(unsigned job);

#endif
