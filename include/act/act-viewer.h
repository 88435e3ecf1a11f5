/* act-viewer.h — `desktop viewer`: what a remote viewer needs to open a
 * desktop's screen — its graphics type, the address and ports to reach,
 * the password when one is set (read from the live XML with
 * VIR_DOMAIN_XML_SECURE on the host's worker: never logged, never in a
 * command line) — as a virt-viewer .vv file, and, when the graphics
 * listen only on the host's loopback (or a socket), the `ssh -L` command
 * that reaches them with the key and known_hosts of the host's URI
 * (hvdeck's own, ssh.h, when it names none). */
#ifndef HVDECK_ACT_VIEWER_H
#define HVDECK_ACT_VIEWER_H

#include <stddef.h>

struct viewer {
	char *name;             /* the desktop */
	char *host;             /* its host's name in hvdeck */
	char *type;             /* "spice", "vnc" */
	char *listen;           /* where the host listens (address or
	                         * "socket PATH") */
	char *address;          /* what a viewer connects to */
	int port, tls_port;     /* what a viewer connects to; -1 none */
	char *password;         /* NULL: none set; wiped when freed */
	int password_unknown;   /* the XML could not be read with secrets
	                         * (a read-only connection) */
	char *ssh;              /* the tunnel command, NULL when none is
	                         * needed */
};
void viewer_free(struct viewer *v);

/* One reading of a desktop's graphics on its host's worker. */
struct viewer_req;
/* Start it for the running desktop with this UUID: 0 with *req (release
 * it with act_viewer_release), or -1 with *cause (not running, host not
 * online, no worker). Never blocks. */
int act_viewer_begin(const char *uuid, struct viewer_req **req, char **cause);
/* 1 with *out filled (the caller's: viewer_free), 0 while it is read, -1
 * with *cause (caller frees): libvirt's message, no graphics. Never
 * blocks; any thread. */
int act_viewer_poll(struct viewer_req *req, struct viewer *out, char **cause);
/* Wait up to timeout_ms for it to end (the command line). */
void act_viewer_wait(struct viewer_req *req, int timeout_ms);
void act_viewer_release(struct viewer_req *req);

/* v as a virt-viewer file ("[virt-viewer]", type, host, port, tls-port,
 * password, title, delete-this-file=1, ...). Caller frees (wipe: it
 * may hold the password). */
char *act_viewer_vv(const struct viewer *v);
/* v as one JSON object (name, host, type, listen, address, port,
 * tls_port, password, password_unknown, ssh; -1 and null for none), for
 * `desktop viewer --json`. Caller frees (wipe: the password). */
char *act_viewer_json(const struct viewer *v);
/* The other way: 0 with *v filled (viewer_free), -1 with *cause. */
int act_viewer_from_json(const char *text, struct viewer *v, char **cause);

/* A process without host workers of its own (a console attached to its
 * server) reads a desktop's graphics with fn, which blocks (it asks the
 * server): act_viewer_begin then runs it on a thread of its own, and
 * the reading is polled as a worker's. NULL: the workers, as before. */
typedef int (*act_viewer_remote_fn)(const char *uuid, struct viewer *out,
    char **cause);
void act_viewer_set_remote(act_viewer_remote_fn fn);

/* v for a person, one line each ("type: spice", "host: ...", "ssh -L
 * ..."), the password shown only when show_password. Caller frees each
 * and the array; returns the count. */
size_t act_viewer_lines(const struct viewer *v, int show_password,
    char ***lines);

/* The tunnel's pieces from a host's libvirt URI: exposed for tests.
 * Fills what the URI says (user, host, port: 0 unknown, keyfile,
 * known_hosts; caller frees each) and returns 1 for an SSH transport,
 * 0 for another. */
int act_viewer_uri(const char *uri, char **user, char **host, int *port,
    char **keyfile, char **known_hosts);

#endif
