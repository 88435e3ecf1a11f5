/* server.h — `hvdeck server`: the cluster's one server (srv.h), its lock
 * and socket, the engine, a thread per client (srv-peer.h), and its end:
 * stopped, or idle. */
#ifndef HVDECK_SERVER_H
#define HVDECK_SERVER_H

#include "core/config.h"

/* `hvdeck server [--keep]`: run the server in the foreground until it is
 * stopped, or idle for cfg->server_idle seconds without --keep. ready_fd
 * (-1: none) gets "ok\n" once it listens, else the reason it cannot.
 * Returns the exit status (0, or 1 after saying why on stderr). */
int srv_serve(const struct config *cfg, int keep, int ready_fd);

#endif
