/* engine.h — the machinery under every mode: model, libxml2, the event-loop
 * thread, and a worker per configured host. */
#ifndef HVDECK_ENGINE_H
#define HVDECK_ENGINE_H

#include "core/config.h"

/* Returns 0, or -1 after printing why (before curses starts). */
int engine_start(const struct config *cfg, int read_only);
/* Stop jobs and host workers (a second each, and up to 10 s more for a
 * worker still closing its connection), then the event loop (after it ran
 * what the closed connections left), free the model. A worker stuck
 * connecting to a silent host keeps the rest alive until the process
 * exits: see engine_left_behind(). */
void engine_stop(void);
/* Workers engine_stop() left running (stuck in a connect): they are inside
 * libvirt and libssh, so the process must end with _exit(), never by
 * running library destructors under them. */
int engine_left_behind(void);

/* Wait until every host has delivered its inventory or failed its first
 * attempt, at most timeout_s seconds. The engine must run. */
void engine_wait_settled(int timeout_s);

#endif
