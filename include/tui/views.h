/* views.h — the panes of the console as small vtables. Each view turns the
 * model into table rows (build, lock held) and, for Enter, into detail
 * lines (details, lock held). Views never call libvirt and never draw
 * outside the table widget. */
#ifndef HVDECK_VIEWS_H
#define HVDECK_VIEWS_H

#include <stddef.h>
#include <stdint.h>

#include "tui/layout.h"
#include "tui/ui-table.h"

struct text;

struct view {
	enum pane_id id;
	const char *title;         /* "Hypervisors" */
	const struct table_column *cols;
	int ncols;
	void (*build)(struct table *t, int ascii);
	/* Per-row updates of a built table, in two steps: collect (model
	 * lock held) walks the objects comparing generations and copies
	 * only what changed (on a tick, also what a clock moves); apply
	 * (lock released) puts the copies in their rows (formatted, or kept
	 * for their cells to be formatted when needed: table_lazy), drops
	 * the rows of objects gone, frees what it does not keep, and returns
	 * the rows updated or dropped. NULL: the pane is built whole each time. */
	void *(*collect)(struct table *t, int tick);
	size_t (*apply)(struct table *t, void *changes, int ascii);
	/* Detail lines for the row with this key; NULL: none. */
	void (*details)(const char *key, struct text *out);
};

extern const struct view view_hosts, view_pools, view_volumes,
    view_desktops, view_jobs;

/* The view of a pane. */
const struct view *view_of(enum pane_id id);

/* A growing list of lines for the details and help screens. */
struct text {
	char **lines;
	enum theme_slot *slots;
	size_t n, cap;
};
void text_add(struct text *t, enum theme_slot slot, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void text_clear(struct text *t);

/* Shared by views: the slot for a desktop or host state. */
enum theme_slot view_desktop_slot(int desktop_state);
enum theme_slot view_host_slot(int host_state);
/* "12:03" (today) or "Nov 28 12:03" for a wall-clock time in ms. */
char *view_clock(char *buf, size_t len, int64_t wall_ms);
/* The configuration's bases and templates pool names, for what the
 * views mark (template desktops, unused volumes); set once at start,
 * borrowed for the process's life. */
void views_set_pools(const char *bases, const char *templates);
const char *views_pool_bases(void);
const char *views_pool_templates(void);
/* The backing chain under a desktop's disk, "backed by" lines: from the
 * volumes hvdeck knows when source is one (seen from host, NULL: shared
 * storage only), with its problems; else the live domain's list. Model
 * lock held. */
void view_volumes_disk_chain(const char *source, const char *host,
    char *const *live, size_t nlive, struct text *out);
/* Desktops running on a host (the RUN column, the migrate form). Model
 * lock held. */
int view_hosts_running_on(unsigned host_id);
/* Jobs going on: hvdeck's queued and running jobs, libvirt's jobs and
 * actions in flight on desktops. Model lock held (takes the job lock). */
int view_jobs_count(void);

#endif
