/* conn.h — the one opener of a job's private libvirt connection (a
 * migration drives both hosts without their workers; derive, desktop new
 * and add host open their own). Every such connection is opened alike: no
 * prompt for credentials (keys and known_hosts come in the URI), keepalive
 * on, given up after a deadline (libvirt may hang on a host that answers
 * SSH but not RPC), and VIR_CONNECT_RO whenever hvdeck runs read-only, so
 * libvirt itself refuses a write an action forgot to check.
 *
 * The event loop must be running before a connection is opened (keepalive
 * and close callbacks need it). */
#ifndef HVDECK_CONN_H
#define HVDECK_CONN_H

#include <libvirt/libvirt.h>

/* A job's deadline when the caller names none. */
#define CONN_TIMEOUT_MS 30000

/* hvdeck's read-only mode, process-wide: set once at start (engine_start)
 * before the first connection; any thread may read it. */
void conn_set_read_only(int on);
int conn_read_only(void);
/* Whether c refuses writes, proven on c itself: a define of XML no driver
 * accepts is refused as "operation forbidden" by a read-only connection
 * before anything reads it (a writable one fails on the XML: nothing is
 * ever defined). 1 refused, 0 not. */
int conn_refuses_writes(virConnectPtr c);

/* The credential callback that never asks (no one could type on a worker
 * or a job thread): a host that wants a password is refused. Static. */
virConnectAuthPtr conn_no_prompt_auth(void);

/* How an open is waited for; NULL for the defaults. */
struct conn_opts {
	int timeout_ms;               /* <= 0: CONN_TIMEOUT_MS */
	/* polled about every 200 ms while waiting; 1 gives up ("cancelled") */
	int (*cancelled)(void *ctx);
	void *ctx;
	/* 1: VIR_CONNECT_RO even when the process is not read-only (a host
	 * worker's own flag); the process-wide flag always applies */
	int read_only;
};

/* Why an open failed, for callers that word each case themselves. */
enum conn_failure {
	CONN_REFUSED,     /* libvirt answered no: *cause is libvirt's text */
	CONN_TIMEOUT,     /* "did not answer within N s" */
	CONN_CANCELLED,   /* "cancelled" */
};

/* Open uri as above. Blocks up to the deadline: never on the UI thread. A
 * connection that opens after it was given up is closed by the opener
 * thread itself. Returns the connection (caller closes it with
 * conn_close), or NULL with *cause (caller frees) and, when fail is not
 * NULL, *fail. */
virConnectPtr conn_open(const char *uri, const struct conn_opts *opts,
    enum conn_failure *fail, char **cause);

/* Keepalive on conn as on every hvdeck connection (a driver without it,
 * like test:///, is logged at debug level: name says whose). */
void conn_keepalive(virConnectPtr conn, const char *name);

/* virConnectClose, NULL-safe. */
void conn_close(virConnectPtr conn);

#endif
