/* act-host-admin.h — removing a host and replacing its host key, the
 * actions of `host remove` (command line, `:` line and X in the
 * hypervisors pane) and `host rekey` (command line): cmd/cmd-host.c.
 *
 * Remove edits the config file (config_edit) and hvdeck's known_hosts
 * only — never the remote host — and in the console also takes the host
 * out of the running engine and the model. Rekey shows the old and new
 * fingerprints and replaces the known_hosts lines only once the operator
 * typed the new fingerprint (or passed it with --yes-fingerprint). */
#ifndef HVDECK_ACT_HOST_ADMIN_H
#define HVDECK_ACT_HOST_ADMIN_H

#include "core/config.h"
#include "virt/ssh.h"

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

/* The model's id of the host called name, 0 if none (takes the model
 * lock). */
unsigned act_host_id_of(const char *name);

/* Remove host name from cfg's file and hvdeck's known_hosts now (the
 * command line: no engine runs). 0 with *said (what was done; caller
 * frees), or -1 with *cause: given with -H only, not in the file. */
int act_host_remove(const struct config *cfg, const char *name, char **said,
    char **cause);
/* Would the removal of name be refused (asked before the question)? 0 if
 * not, else -1 with *cause (caller frees): -H only, no config file, no
 * such host in the model or the config. */
int act_host_remove_check(const struct config *cfg, const char *name,
    char **cause);
/* The console's removal, on a job thread: the config file at
 * config_path, known_hosts, then the engine's worker and the model's host
 * (a worker closing an SSH connection may take seconds). 0 with *job, or
 * -1 with *cause. */
int act_host_remove_start(const char *config_path, const char *name,
    unsigned *job, char **cause);

/* A rekey in progress: the host, the key it presents now, the session
 * that saw it (whose key replace writes). */
struct act_rekey {
	const struct config_host *host;  /* borrowed from the config */
	struct host_ssh_target target;
	int have_target;
	struct sshc *session;
	struct sshc_hostkey key;
};
/* Connect to host name of cfg (over SSH, its URI checking hvdeck's
 * known_hosts) and read the key it presents. 0 with *r (free with
 * act_host_rekey_free), or -1 with *cause (nothing to free). */
int act_host_rekey_probe(const struct config *cfg, const char *name,
    struct act_rekey *r, char **cause);
/* hvdeck's known_hosts lines of the host replaced by exactly r's key. */
int act_host_rekey_replace(struct act_rekey *r, char **cause);
void act_host_rekey_free(struct act_rekey *r);

#endif
