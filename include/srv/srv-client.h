/* srv-client.h — one request of a client to its cluster's server (the
 * command line's, srv_client_run's and the server commands'). */
#ifndef HVDECK_SRV_CLIENT_H
#define HVDECK_SRV_CLIENT_H

#include "core/config.h"

struct cmd_face;

/* Connect to cfg's server, HELLO (read_only: the -r flag), send a frame
 * of type (proto.h) with n fields f, and show what the server says and
 * asks through face until its EXIT. wait_end: after an EXIT 0, wait
 * (bounded) for the server to close the connection as it ends (server
 * stop). Returns 1 when no server runs, 0 with *status, or -1 with
 * *cause (caller frees): refused, versions differ, the server went
 * away. */
int srv_client_request(const struct config *cfg, const struct cmd_face *face,
    int read_only, int type, char **f, int n, int wait_end, int *status,
    char **cause);

#endif
