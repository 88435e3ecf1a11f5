/* srv-remote.h — an attached console (srv-mirror.h) runs the commands of
 * cmd/ in its server: cmd_run_line hands each entry the server would run
 * (srv_wanted) to a thread of its own, which sends its words and relays
 * what the server's command says and asks to the console's face
 * (cmd-relay.h), so the console never waits on the socket. A command
 * whose form is missing words opens the form here first; its submit then
 * goes to the server. The console's own entries run here as ever. */
#ifndef HVDECK_SRV_REMOTE_H
#define HVDECK_SRV_REMOTE_H

#include "core/config.h"

/* The console attaches: the mirror (srv_mirror_start's arguments and
 * results), then commands go to the server. cfg borrowed until
 * srv_attach_stop. */
int srv_attach_start(const struct config *cfg, int read_only, long *pid,
    char **cause);
/* The console ends: questions still open are answered no, the mirror
 * stops. Commands sent go on in the server. */
void srv_attach_stop(void);

#endif
