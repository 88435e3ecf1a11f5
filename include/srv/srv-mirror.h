/* srv-mirror.h — an attached console's mirror of its server's model: a
 * thread reads the subscription (srv-sub.h) and applies each line to this
 * process's model through the model's own setters (those the host
 * workers use), so the console draws from it unchanged and its wakeups
 * work as with an engine of its own. The model is put in mirror mode
 * (model_set_mirror): the events strip is the server's. When the server
 * goes away, an error event says so and how to get it back. */
#ifndef HVDECK_SRV_MIRROR_H
#define HVDECK_SRV_MIRROR_H

#include "core/config.h"

/* Connect to cfg's server (HELLO with read_only), subscribe, and start
 * the mirror's thread. 0 with *pid (the server's), 1 when no server
 * runs, -1 with *cause (caller frees). */
int srv_mirror_start(const struct config *cfg, int read_only, long *pid,
    char **cause);
/* Wait up to timeout_ms for the snapshot to be in the model: 0, or -1
 * (not yet, or the server went away). */
int srv_mirror_wait_synced(int timeout_ms);
/* Stop the thread and close the subscription (no-op when not started). */
void srv_mirror_stop(void);

/* The wall (tui/wall.h): only the server's jobs, copied under their ids
 * beside this process's own engine, whose model has the hosts (hosts,
 * pools, desktops and events of the subscription are ignored, the model
 * is no mirror). Read-only. Results as srv_mirror_start; stopped with
 * srv_mirror_stop_jobs. */
int srv_mirror_start_jobs(const struct config *cfg, long *pid, char **cause);
/* 1 while the subscription is up (0 once the server went away). */
int srv_mirror_running(void);
void srv_mirror_stop_jobs(void);

/* Apply one line of the subscription to the model (the thread's work;
 * for tests). 0, or -1 with *cause (caller frees) for a line that is no
 * JSON object. A line of kind "synced" sets *synced. */
int srv_mirror_apply(const char *line, int *synced, char **cause);

#endif
