/* ssh.h — hvdeck's own SSH identity and sessions over libssh (helper H2
 * implements ssh-key.c, ssh-known.c, ssh-conn.c and preflight.c).
 *
 * hvdeck has its own ed25519 key pair and its own known_hosts, in
 * $XDG_CONFIG_HOME/hvdeck/ (directory 0700, key 0600; $HOME/.config/hvdeck
 * when XDG_CONFIG_HOME is unset or relative). The libvirt URIs of hosts
 * added by hvdeck point at both (keyfile=, known_hosts=), so libvirt's
 * libssh transport uses the same identity and the same verified keys.
 *
 * Every function that can fail returns 0 / -1 with *cause (caller frees),
 * libssh's own text inside the message. None of these run on the UI
 * thread: they block (jobs and the command line call them). */
#ifndef HVDECK_SSH_H
#define HVDECK_SSH_H

#include <stddef.h>

#include "core/checklist.h"

/* ---- hvdeck's key (ssh-key.c) ---- */
/* The directory, key and known_hosts paths (caller frees); NULL without
 * any home. */
char *sshkey_dir(void);
char *sshkey_private_path(void);
char *sshkey_known_hosts_path(void);
/* Make the key pair on first need (ssh_pki_generate, ed25519; the
 * directory made 0700, the private key 0600, the public one beside it as
 * id_ed25519.pub); an existing key is loaded, never replaced. *pub_line
 * (caller frees, may be NULL) is the authorized_keys line
 * "ssh-ed25519 AAAA... hvdeck@HOSTNAME". Under the key's lock
 * (id_ed25519.lock, atomic-file.h): racing threads or processes end with
 * the same key. */
int sshkey_ensure(char **pub_line, char **cause);
/* Make hvdeck's directory (0700; a looser one is tightened) and check it:
 * refused when others may write to it or it is not the user's. *dir
 * (caller frees, may be NULL) is its path. */
int sshkey_dir_ensure(char **dir, char **cause);

/* ---- known_hosts (ssh-known.c) ---- */
/* The known_hosts name of an address and port: "[addr]:port", or "addr"
 * for port 22 (OpenSSH's and libssh's convention). Caller frees. */
char *sshknown_host_name(const char *address, int port);
/* Remove every line for that host (hvdeck's file only). *removed: lines
 * removed (0 is not an error). */
int sshknown_remove(const char *address, int port, int *removed,
    char **cause);
/* The "SHA256:..." fingerprint (as OpenSSH prints it) of the public key
 * "type base64" into out. Returns 0, or -1 for a key libssh cannot read. */
int sshknown_fingerprint(const char *type, const char *b64, char *out,
    size_t outsz);
/* Look up a host in hvdeck's known_hosts (libssh's matching: plain,
 * pattern and hashed names) for the key "type base64". Returns
 * SSHC_KEY_KNOWN when a line has that key; SSHC_KEY_CHANGED when lines
 * for the host have only other keys (*line: the first, 1-based, and
 * fingerprint: its SHA256, at least 96 bytes); SSHC_KEY_UNKNOWN. -1
 * with *cause when the file cannot be read (a missing file is UNKNOWN). */
int sshknown_lookup(const char *address, int port, const char *type,
    const char *b64, int *line, char *fingerprint, char **cause);
/* Append "NAME TYPE BASE64" for the host (file created 0600). This and
 * the rewrites of remove and replace hold known_hosts.lock (atomic-file.h),
 * so a rewrite never drops a line added meanwhile. */
int sshknown_add(const char *address, int port, const char *type,
    const char *b64, char **cause);
/* Replace every line of the host by one with this key, atomically. */
int sshknown_replace(const char *address, int port, const char *type,
    const char *b64, char **cause);

/* ---- a session (ssh-conn.c) ---- */
struct sshc;

enum sshc_key_status {
	SSHC_KEY_KNOWN,    /* matches hvdeck's known_hosts */
	SSHC_KEY_UNKNOWN,  /* no line for this host */
	SSHC_KEY_CHANGED,  /* a line for this host with another key: refuse */
};

struct sshc_hostkey {
	enum sshc_key_status status;
	char type[32];          /* "ssh-ed25519" */
	char fingerprint[96];   /* "SHA256:base64" as OpenSSH prints it */
	int known_line;         /* CHANGED: the known_hosts line (1-based) */
	char known_path[512];   /* CHANGED: the file of that line */
	char known_fingerprint[96]; /* CHANGED: the key on that line */
};

/* Resolve and connect (no authentication yet), within timeout_s. Each
 * failure has its own message: the name does not resolve, the connection
 * is refused, no answer within the timeout, not an SSH server. */
int sshc_connect(const char *address, int port, const char *user,
    int timeout_s, struct sshc **out, char **cause);
void sshc_free(struct sshc *s);
/* The numeric address connected to (for duplicate checks). */
const char *sshc_peer_address(const struct sshc *s);

/* The server's host key, checked against hvdeck's known_hosts. */
int sshc_hostkey(struct sshc *s, struct sshc_hostkey *k, char **cause);
/* Append the server's key to hvdeck's known_hosts (only for UNKNOWN:
 * refuses to touch a CHANGED host). */
int sshc_hostkey_accept(struct sshc *s, char **cause);
/* Replace the known_hosts lines of this host by the server's key (rekey,
 * after the operator confirmed the new fingerprint). */
int sshc_hostkey_replace(struct sshc *s, char **cause);

/* Log in with hvdeck's key. Returns 0 logged in, 1 refused (try a
 * password), -1 error with *cause. */
int sshc_auth_key(struct sshc *s, char **cause);
/* Whether the server takes passwords, as it said when it refused a key
 * (1 also when it has not said yet: the password attempt finds out). */
int sshc_password_allowed(struct sshc *s);
/* Log in with a password (used once, not kept: the caller wipes it).
 * Returns 0 logged in, 1 wrong password (or password logins refused:
 * *cause says which), -1 error with *cause. */
int sshc_auth_password(struct sshc *s, const char *password, char **cause);

/* Run a command (sh -c) and collect its stdout (caller frees; at most
 * 64 KiB kept) and exit status. -1 only when the command could not run. */
int sshc_exec(struct sshc *s, const char *command, char **out,
    int *status, char **cause);
/* Append hvdeck's public key to the remote ~/.ssh/authorized_keys:
 * idempotent (no second identical line), ~/.ssh made 0700 and the file
 * 0600 when missing. *added: 1 when a line was added, 0 when present. */
int sshc_install_key(struct sshc *s, int *added, char **cause);
/* s quoted for a POSIX shell ('it'\''s'). Caller frees. */
char *sshc_shell_quote(const char *s);

/* ---- pre-flight (preflight.c) ---- */
/* A storage path another host of the cluster already has for a shared
 * pool: it should exist on the new host too. */
struct preflight_path {
	const char *pool;       /* "bases" */
	const char *path;       /* "/var/lib/isard/bases" */
};
/* Run the pre-flight checks over a logged-in session, each step added to
 * cl and settled as it runs: libvirtd or virtqemud running with its
 * socket; virt-ssh-helper or nc; qemu-system-x86_64 or qemu-kvm; /dev/kvm
 * (warning only); every path (exists, free space); SPICE/VNC TLS
 * certificates under /etc/pki/libvirt-spice and spice_tls/spice_listen in
 * /etc/libvirt/qemu.conf (warnings); curl. Returns the number of failed
 * steps (warnings do not count), or -1 with *cause when the session broke. */
int preflight_run(struct sshc *s, const struct preflight_path *paths,
    size_t npaths, struct checklist *cl, char **cause);
/* The number of fixed checks preflight_run adds before the paths' steps. */
size_t preflight_nchecks(void);
/* Settle steps (preflight_nchecks() + npaths indices into cl, in
 * preflight_run's order) from the script's answers out. Returns the
 * number of failed steps. For preflight_run and tests. */
int preflight_report(const char *out, const struct preflight_path *paths,
    size_t npaths, struct checklist *cl, const size_t *steps);

#endif
