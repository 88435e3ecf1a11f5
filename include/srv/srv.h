/* srv.h — hvdeck's server: one process per cluster (keyed by the
 * configuration file's absolute path) that holds the engine (connections,
 * model, jobs) and runs the commands of cmd/ for its clients, each on a
 * thread of its own with a face (cmd-face.h) that forwards what the
 * command says and asks over the socket (proto.h). A command line with a
 * server running sends its words there (srv_client_run) instead of
 * connecting to every host itself (dump, host list and migrate print
 * through cli_out: the client writes their OUT frames); watch and the
 * other CMD_LOCAL entries stay in-process; the console attaches (a
 * mirror of the server's model, its commands sent there). The pieces:
 * server.h (the server's life), srv-peer.h (a client's commands in it),
 * proto.h (the frames), srv-client.h (the client), srv-cmd.h (the
 * server's commands), srv-reload.h (following the configuration file),
 * srv-sub.h (the subscriptions), srv-mirror.h and srv-remote.h (the
 * attached console); this header: where the server listens and which
 * commands go to it.
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

#include <sys/un.h>

struct cmd_entry;
struct cmd_opts;

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
/* Whether a server holds the lock of the configuration at config_path
 * (it may not listen yet: it takes the lock first). */
int srv_lock_held(const char *config_path);

/* The address of the socket at path, for the server's bind and the
 * client's connect alike: 0, or -1 with *cause (caller frees) when the
 * path does not fit an AF_UNIX address. */
int srv_sockaddr(const char *path, struct sockaddr_un *sa, char **cause);

/* Whether the command line sends e to a running server: a CMD_CLI entry
 * of cmd/ that needs a configuration and is not CMD_LOCAL. */
int srv_wanted(const struct cmd_entry *e);

/* Whether an attached console sends e to its server besides those: the
 * console's commands on a job (cancel, bandwidth, downtime, postcopy),
 * and dismiss, which act on the server's jobs (a job dismissed goes from
 * every console), and those that act through the engine (desktop
 * migrate, pool refresh, host reconnect); they run there with
 * a console's rules (its questions are the console's confirmations, the
 * jobs it starts are followed by the console: FOLLOW, proto.h). */
int srv_console_entry(const struct cmd_entry *e);

/* Entries the command line and the console run differently (the desktop
 * verbs: the console asks once for several and follows the jobs, the
 * command line waits; host remove: the console asks, naming the host,
 * the command line does not; volume delete, which an attached console
 * sends only with --yes after its own question, derive, and host drain
 * with --yes (its form's) or --dry-run: the job followed, not waited on):
 * run as the console does when a console sent them (o: its options). */
int srv_console_flavour(const struct cmd_entry *e, const struct cmd_opts *o);

#endif
