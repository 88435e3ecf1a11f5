/* proto.h — the frames between an hvdeck client and its server (srv.h):
 * each frame is a 4-byte big-endian length, then that many bytes: one
 * type byte and its fields, each a string ended by a NUL (so no field
 * holds a NUL). A frame is at most PROTO_FRAME_MAX bytes and
 * PROTO_FIELDS_MAX fields; anything else is malformed, and a peer that
 * sends it is dropped. The conversation (client → server, server →
 * client):
 *   HELLO → HELLO_OK | REFUSE   "hvdeck-proto", protocol version, hvdeck's
 *                               version, read-only "0"|"1", user, the
 *                               client address of SSH_CONNECTION ("" none),
 *                               [console "0"|"1": an attached console's
 *                               request, run as the console runs it];
 *                               the server answers with its versions, pid
 *   CMD words...                one command's words (options first, "--",
 *                               then the command and its arguments)
 *     ← SAY "0"|"1" text        a line for the operator (1: an error)
 *     ← CONFIRM question what   → ANSWER "y" | ANSWER "n" cause (the
 *                               operator said no) | ANSWER "x" cause
 *                               (nobody could be asked)
 *     ← ASK prompt [how]        → ANSWER "y" line | ANSWER "n" cause
 *                               (the operator declined) | ANSWER "x" cause
 *                               (nobody could be asked)
 *                               (how, srv-peer.h's enum srv_ask: "0" a
 *                               line on the client's terminal, "1" a
 *                               password without echo, "2" a line; 1 and
 *                               2 only when the client's standard input
 *                               is a terminal; every frame is wiped once
 *                               used: an answer may be a password)
 *     ← OUT "1"|"2" text        output as the command prints it in-process
 *                               (1: stdout, 2: stderr), written as is
 *     ← FOLLOW job              a console's command started the server's
 *                               job (its id): an attached console follows
 *                               it as its own (the status line says its
 *                               end, the migrate form its pre-flight)
 *     ← FORGET job              a console's command removed the server's
 *                               job ("0": several finished ones): the
 *                               console closes what showed it
 *     → CANCEL                  Ctrl-C in the client (migrate): cancel
 *                               the command's job; a client that goes
 *                               away cancels nothing
 *     ← EXIT status             the command's exit status; the end
 *   STATUS → SAY lines, EXIT 0  the server's state
 *   STOP "0"|"1" (force) → SAY lines, EXIT status (1: jobs run, not forced)
 *   SUBSCRIBE → SUB_LINES lines... (the snapshot: an "add" line of every
 *               host, pool and desktop, the events strip, then a line of
 *               kind "synced"), then SUB_LINES of every change (a job
 *               dismissed: its "job" line with state "gone"; a
 *               migration's stats and steps: lines of kind "migration",
 *               srv-mig.h) (watch --json's lines, stats too, and
 *               "event" lines of the events strip), until either side
 *               closes; srv-sub.h
 * A mismatch of protocol or hvdeck version is refused by both sides with a
 * message naming both versions. */
#ifndef HVDECK_PROTO_H
#define HVDECK_PROTO_H

#include <stddef.h>
#include <sys/types.h>

#define PROTO_VERSION 2
#define PROTO_MAGIC "hvdeck-proto"
#define PROTO_FRAME_MAX (64 * 1024)     /* bytes after the length */
#define PROTO_FIELDS_MAX 1024

enum proto_type {
	PROTO_HELLO = 1,
	PROTO_HELLO_OK,
	PROTO_REFUSE,
	PROTO_CMD,
	PROTO_SAY,
	PROTO_CONFIRM,
	PROTO_ASK,
	PROTO_ANSWER,
	PROTO_EXIT,
	PROTO_STATUS,
	PROTO_STOP,
	/* results (dump, migrate, host add) */
	PROTO_OUT,
	PROTO_CANCEL,
	/* subscription (attach) */
	PROTO_SUBSCRIBE,
	PROTO_SUB_LINES,
	/* a job a console's command started */
	PROTO_FOLLOW,
	/* jobs a console's command removed */
	PROTO_FORGET,
	PROTO_TYPE_MAX = PROTO_FORGET,
};

/* One decoded frame: fields point into buf (owned). */
struct proto_msg {
	int type;
	int n;
	char **f;
	char *buf;
	size_t len;     /* buf's bytes, wiped when freed (a password) */
};

/* Encode a frame of type with n fields into *out (caller frees), *len its
 * size with the length prefix. -1 with *cause (caller frees) when the
 * frame would pass PROTO_FRAME_MAX bytes or PROTO_FIELDS_MAX fields. */
int proto_encode(int type, const char *const *f, int n, char **out,
    size_t *len, char **cause);
/* Decode the frame at the start of buf (len bytes): the bytes it took
 * (> 0) with *m filled (free with proto_msg_free), 0 when more bytes are
 * needed, -1 with *cause when malformed (oversized, unknown type, a field
 * not ended, too many fields). */
ssize_t proto_decode(const char *buf, size_t len, struct proto_msg *m,
    char **cause);
void proto_msg_free(struct proto_msg *m);

/* Send a whole frame on fd within timeout_ms (< 0: no limit), even if fd
 * is non-blocking. 0, or -1 with *cause: the peer went away, a write
 * error, or the peer did not take it in time (a stalled reader). */
int proto_send(int fd, int type, const char *const *f, int n, int timeout_ms,
    char **cause);
/* Receive one frame from fd within timeout_ms (< 0: no limit). 0 with *m,
 * or -1 with *cause ("closed" at end of input). */
int proto_recv(int fd, struct proto_msg *m, int timeout_ms, char **cause);

/* The HELLO's fields: 0, or -1 with *cause saying which versions differ
 * (ours and theirs), for both sides' refusals. */
int proto_check_hello(const struct proto_msg *m, char **cause);

#endif
