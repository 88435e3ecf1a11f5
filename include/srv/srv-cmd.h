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

#endif
