/* cli-cmd.h — the command line's side of the command table: the entries
 * only a terminal runs (dump, watch, host list, migrate, host add) and
 * the command line's face (cmd-face.h): lines on stdout and stderr,
 * questions on /dev/tty, no forms. */
#ifndef HVDECK_CLI_CMD_H
#define HVDECK_CLI_CMD_H

#include "cmd/cmd-face.h"

/* Add the command line's entries to the command table (once). */
void cli_cmd_register(void);

struct cli_options;

/* The command line's face, with its options (borrowed for its life):
 * main.c sets it in its cmd_ctx. */
void cli_face_init(struct cmd_face *f, struct cli_options *o);


#endif
