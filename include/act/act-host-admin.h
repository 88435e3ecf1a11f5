/* act-host-admin.h — removing a host and replacing its host key: the
 * command table's execs for `host remove` (command line, `:` line and X in
 * the hypervisors pane) and `host rekey` (command line).
 *
 * Remove edits the config file (config_edit) and hvdeck's known_hosts
 * only — never the remote host — and in the console also takes the host
 * out of the running engine and the model. Rekey shows the old and new
 * fingerprints and replaces the known_hosts lines only once the operator
 * typed the new fingerprint (or passed it with --yes-fingerprint). */
#ifndef HVDECK_ACT_HOST_ADMIN_H
#define HVDECK_ACT_HOST_ADMIN_H

#include "cmd/cmd.h"

/* Where a host's libvirt URI reaches it over SSH: its address (brackets
 * of an IPv6 literal removed) and port (22 when absent), the user (NULL
 * when absent) and the URI's known_hosts= file (NULL when absent). */
struct host_ssh_target {
	char *address, *user, *known_hosts;
	int port;
};

/* Parse uri: 0 with *t filled (free with host_ssh_target_free), 1 when it
 * is not an SSH transport (qemu+ssh, qemu+libssh), -1 with *cause when it
 * does not parse. */
int host_ssh_target(const char *uri, struct host_ssh_target *t,
    char **cause);
void host_ssh_target_free(struct host_ssh_target *t);

/* The model's id of the host called name, 0 if none. */
unsigned act_host_id_of(const char *name);

int act_host_remove_exec(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);
int act_host_rekey_exec(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);

#endif
