/* srv-peer.h — the server's side of one client (srv.h): the face a
 * command runs with in the server (cmd-face.h), which sends what the
 * command says over the client's socket and asks the client's terminal
 * its questions, and the run of one command's words, parsed and checked
 * as main.c does (options, the read-only rule from the command table,
 * the entry's rules). A client that stops reading is dropped after
 * SRV_SEND_TIMEOUT_MS: the command goes on without it, and its jobs are
 * the server's. */
#ifndef HVDECK_SRV_PEER_H
#define HVDECK_SRV_PEER_H

#include <pthread.h>

#include "cmd/cmd-face.h"
#include "core/config.h"

#define SRV_SEND_TIMEOUT_MS 5000

struct srv_peer {
	int fd;
	int gone;               /* a send failed: nothing more is sent */
	int read_only;          /* the client's -r */
	int cancel;             /* the client sent CANCEL */
	int console;            /* an attached console (HELLO) */
	char *user;             /* its uid's login (peer credentials) */
	char *from;             /* SSH_CONNECTION's client address, or NULL */
	struct cmd_face face;   /* data: this peer */
};

/* Set p's face up (p->fd and the rest filled by the caller). */
void srv_peer_init(struct srv_peer *p);

/* Send a frame of type to p unless it is gone; -1 when it is (now). */
int srv_peer_send(struct srv_peer *p, int type, const char *const *f,
    int n);
/* A SAY line. */
void srv_peer_say(struct srv_peer *p, int error, const char *text);
/* The peer whose face f is; NULL for any other face (the command
 * line's, the console's): a command that prints itself (dump, migrate)
 * sends its output with srv_peer_out then. */
struct srv_peer *srv_peer_of_face(const struct cmd_face *f);
/* Output as the command prints it in-process: len bytes of text (no NUL)
 * for the client's stdout (stream 1) or stderr (2), in OUT frames. */
void srv_peer_out(struct srv_peer *p, int stream, const char *text,
    size_t len);
/* Whether p's client asked to cancel (CANCEL: Ctrl-C in it) since the
 * command began; looks without waiting. A client that went away asked
 * nothing: the command goes on. */
int srv_peer_cancelled(struct srv_peer *p);
/* How the client reads an ASK's answer (proto.h). */
enum srv_ask {
	SRV_ASK_LINE,           /* a line on its terminal (/dev/tty) */
	SRV_ASK_SECRET,         /* a password, no echo: only when its
	                         * standard input is a terminal */
	SRV_ASK_STDIN_TTY,      /* a line, only when its standard input is
	                         * a terminal (host add's key question) */
};
/* Ask p's client for a line after prompt, into buf (len bytes; wiped by
 * the caller when it is a secret; the frames it came in are). 0; -2 when
 * the operator declined (Esc in an attached console); -1 when nobody
 * could answer or the client went away. */
int srv_peer_ask(struct srv_peer *p, const char *prompt, enum srv_ask how,
    char *buf, size_t len);
/* Ask p's terminal question (names what is asked): 0 on y, -1 with
 * *cause (caller frees) otherwise or without a client. */
int srv_peer_confirm(struct srv_peer *p, const char *question,
    const char *what, char **cause);

/* Run one command's words (srv_client_run's) for p with cfg (borrowed),
 * under p's user in the audit log. Returns its exit status: 2 bad usage,
 * 1 refused or failed (said to p), else the command's. */
int srv_peer_run(struct srv_peer *p, const struct config *cfg, char **words,
    int n);

#endif
