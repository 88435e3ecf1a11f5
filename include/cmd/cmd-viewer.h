/* cmd-viewer.h — `desktop viewer NAME [--file PATH|-]` (act-viewer.h):
 * the command line prints what a viewer needs, or writes the .vv file
 * (0600, atomically) or prints it (-); the console's v opens its viewer
 * page instead. */
#ifndef HVDECK_CMD_VIEWER_H
#define HVDECK_CMD_VIEWER_H

#include "cmd/cmd.h"

/* How long the host's worker may take to read the graphics. */
#define CMD_VIEWER_WAIT_MS 30000

int cmd_viewer_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause);

struct viewer;
/* Write v's .vv file as path (mode 0600, through a temporary renamed
 * over it). 0, or -1 with *cause (caller frees). */
int cmd_viewer_write(const struct viewer *v, const char *path, char **cause);
/* "wrote PATH (vnc 127.0.0.1 port 5900)" for a .vv text written as
 * path (the command line says it so whether the file came from the
 * server or not). Caller frees. */
char *cmd_viewer_wrote(const char *path, const char *vv);

#endif
