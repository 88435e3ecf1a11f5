/* srv-cmd.h — the server's commands in the command table: `server`,
 * `server start`, `server stop`, `server status`. */
#ifndef HVDECK_SRV_CMD_H
#define HVDECK_SRV_CMD_H

/* Add the server's entries (server, server start|stop|status) to the
 * command table (once). */
void srv_cmd_register(void);

#endif
