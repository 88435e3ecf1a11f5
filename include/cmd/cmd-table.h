/* cmd-table.h — the entries of cmd/'s own commands (cmd-table.c). */
#ifndef HVDECK_CMD_TABLE_H
#define HVDECK_CMD_TABLE_H

#include "cmd/cmd.h"

/* Register cmd/'s entries into the table (once): main.c first, before
 * the faces', and tests that look commands up. */
void cmd_commands_register(void);

#endif
