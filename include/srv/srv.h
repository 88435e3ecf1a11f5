/* srv.h — hvdeck's server: one process per cluster (keyed by the
 * configuration file's absolute path) that holds the engine (connections,
 * model, jobs) and runs the commands of cmd/ for its clients, each on a
 * thread of its own with a face (cmd-face.h) that forwards what the
 * command says and asks over the socket (proto.h). A command line with a
 * server running sends its words there (srv_client_run) instead of
 * connecting to every host itself; the console, dump, watch and the other
 * CMD_LOCAL entries stay in-process.
 *
 * Where: the socket directory is $XDG_RUNTIME_DIR/hvdeck (absolute
 * XDG_RUNTIME_DIR), else /tmp/hvdeck-UID; it is made 0700 and refused
 * when it is not a directory owned by this uid or is open to others (as
 * tmux does). In it, per cluster, SOCKET (cluster-HASH.sock, HASH from
 * the configuration's absolute path) and SOCKET.lock, which the server
 * holds (flock) for its life: a second server for the cluster is refused
 * naming the pid written in it, and a socket whose lock nobody holds is
 * stale and replaced. -S PATH (srv_set_socket) names a socket directly:
 * its directory is not checked (tests, a shared socket later). */
#ifndef HVDECK_SRV_H
#define HVDECK_SRV_H

#include "core/config.h"

struct cmd_face;
struct cmd_entry;

struct srv_paths {
	char *socket;           /* the Unix socket */
	char *lock;             /* SOCKET.lock: flock + pid */
	char *key;              /* the configuration's absolute path */
};

/* -S PATH: use this socket (borrowed for the process's life; NULL: the
 * cluster's own). */
void srv_set_socket(const char *path);

/* The paths of the server of the configuration at config_path. make: the
 * socket directory is made when missing (the server); else a missing one
 * is no error (no server runs). Fills *p (free with srv_paths_free), or
 * -1 with *cause (caller frees): the directory is not ours or open to
 * others, or cannot be made. */
int srv_paths(const char *config_path, int make, struct srv_paths *p,
    char **cause);
void srv_paths_free(struct srv_paths *p);

/* Whether the command line sends e to a running server: a CMD_CLI entry
 * of cmd/ that needs a configuration and is not CMD_LOCAL. */
int srv_wanted(const struct cmd_entry *e);

/* Run e's words through the cluster's server: words are the command's
 * options ("--name", value) then "--" then the command and its arguments
 * (the command line's, as main.c parsed them). face is the command line's
 * (cmd-face.h): what the server's command says and asks comes out
 * through it. Returns 1 when no server runs (run it in-process), 0 when
 * it ran there (*status: its exit status), -1 with *cause when the server
 * refused the client or went away. */
int srv_client_run(const struct config *cfg, const struct cmd_face *face,
    int read_only, char **words, int n, int *status, char **cause);

/* `hvdeck server [--keep]`: run the server in the foreground until it is
 * stopped, or idle for cfg->server_idle seconds without --keep. ready_fd
 * (-1: none) gets "ok\n" once it listens, else the reason it cannot.
 * Returns the exit status (0, or 1 after saying why on stderr). */
int srv_serve(const struct config *cfg, int keep, int ready_fd);

/* Add the server's entries (server, server start|stop|status) to the
 * command table (once). */
void srv_cmd_register(void);

#endif
