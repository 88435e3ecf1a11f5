/* cmd-host.h — the commands `host remove [NAME]` (command line, `:` line,
 * X in the hypervisors pane) and `host rekey NAME [--yes-fingerprint FP]`
 * (command line) on act-host-admin.h. The console asks before a removal,
 * naming the host, and removes it on a job thread (its worker and model
 * host too); the command line removes at once from the file. Rekey shows
 * the old and new fingerprints and replaces the key only once the
 * operator typed the new one (the face's ask) or passed it. */
#ifndef HVDECK_CMD_HOST_H
#define HVDECK_CMD_HOST_H

#include "cmd/cmd.h"

int cmd_host_remove_exec(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);
int cmd_host_rekey_exec(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);

#endif
