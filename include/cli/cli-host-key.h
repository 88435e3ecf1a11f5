/* cli-host-key.h — `hvdeck host key`: hvdeck's public key (made on first
 * need) and the file it is in, for an operator installing it in a host's
 * authorized_keys before adding a key-only root host. */
#ifndef HVDECK_CLI_HOST_KEY_H
#define HVDECK_CLI_HOST_KEY_H

#include "cmd/cmd.h"

/* The command table's exec: prints the authorized_keys line, then the
 * path of id_ed25519.pub as a `#` comment line (so the output can be
 * appended to authorized_keys as it is). -1 with *cause (caller frees)
 * when the key cannot be made or read. */
int cli_host_key_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause);

#endif
