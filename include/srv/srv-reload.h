/* srv-reload.h — the server follows its configuration file: when the file
 * is written or replaced (config_save renames a temporary into place, so
 * inotify watches the directory), it is loaded again and the engine is
 * brought in line: hosts added to the file are connected, hosts removed
 * from it are taken out (their workers stopped), roles and maintenance
 * set. A change made by any hvdeck — a command run in-process elsewhere,
 * an editor — so reaches the server's model. A file that does not load
 * changes nothing (logged). */
#ifndef HVDECK_SRV_RELOAD_H
#define HVDECK_SRV_RELOAD_H

#include "core/config.h"

/* Follow cfg->path (cfg borrowed until srv_reload_stop): a thread of its
 * own. 0, or -1 with *cause (caller frees). */
int srv_reload_start(const struct config *cfg, char **cause);
/* The configuration commands run with now: cfg, or the latest loaded.
 * Borrowed until srv_reload_stop (older ones stay valid until then). */
const struct config *srv_reload_current(void);
/* Stop following and free every configuration loaded (after the threads
 * that used them have ended). */
void srv_reload_stop(void);

#endif
