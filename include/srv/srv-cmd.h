/* srv-cmd.h — the server's commands in the command table: `server`,
 * `server start`, `server stop`, `server status`, and `attach`. */
#ifndef HVDECK_SRV_CMD_H
#define HVDECK_SRV_CMD_H

/* Add the server's entries (server, server start|stop|status) to the
 * command table (once). */
void srv_cmd_register(void);

struct cmd_ctx;

/* `attach` runs console(c) (main.c's: the console attached to the
 * server) once it knows a server runs; console returns the exit status. */
void srv_cmd_set_attach(int (*console)(struct cmd_ctx *c));

/* Start the cluster's server (c->cfg's) in the background, in a session
 * of its own, as `server start` does: 0 once it listens (*pid), -1 with
 * *cause when it could not (what it said). 1 in the started process
 * itself, after it has served: its exit status in c->status, and the
 * caller ends with it at once. */
int srv_spawn(struct cmd_ctx *c, int keep, long *pid, char **cause);

#endif
