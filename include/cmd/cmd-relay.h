/* cmd-relay.h — what a command that runs elsewhere (in the cluster's
 * server, for an attached console) says and asks, carried to the thread
 * that owns the face (the console's UI thread). The thread that talks to
 * the server queues a line or a question and wakes the UI (model_wake);
 * the UI thread delivers them through its face in cmd_relay_drain. A
 * question's asker waits for its answer, given when the operator presses
 * y (cmd_relay_yes, the question's yes) or anything else (cmd_relay_no),
 * or when the console ends (cmd_relay_close): the UI thread never waits
 * on the socket, and the socket's thread never on the screen. */
#ifndef HVDECK_CMD_RELAY_H
#define HVDECK_CMD_RELAY_H

#include "cmd/cmd-face.h"

/* Any thread: a line for the operator (text copied). */
void cmd_relay_say(int error, const char *text);
/* Any thread but the UI's: ask question (naming what) and wait for the
 * operator. 0 on y, -1 with *cause (caller frees) otherwise. */
int cmd_relay_confirm(const char *question, const char *what, char **cause);

/* Any thread but the UI's: ask prompt (a password when secret) and wait
 * for the line the operator types (the face's ask_relayed): 0 with buf
 * filled, -2 when the operator declined (Esc), -1 when nobody could
 * answer (the console ends, a face that cannot ask). The caller wipes
 * buf. */
int cmd_relay_ask(const char *prompt, int secret, char *buf, size_t len);
/* Any thread: the command started job; the face follows it (follow_job). */
void cmd_relay_follow(unsigned job);
/* Any thread: the command removed job (0: several); the face forgets it
 * (forget_job). */
void cmd_relay_forget(unsigned job);

/* Requests: each command line an attached console sends is one, made
 * on the UI thread (cmd_relay_request_new) and carried by a thread that
 * says so (cmd_relay_request_set). What that thread queues is stamped
 * with it, so that a form knows its own line's answer from a reply to
 * an earlier line that comes late (cmd_relay_delivering). */
unsigned cmd_relay_request_new(void);
/* The request made last (0: none yet). */
unsigned cmd_relay_request_last(void);
/* The calling thread carries request from now on. */
void cmd_relay_request_set(unsigned request);
/* The UI thread, in a face's callback from cmd_relay_drain: the request
 * of what is delivered (0: none). */
unsigned cmd_relay_delivering(void);

/* The UI thread: deliver what is queued through f. */
void cmd_relay_drain(const struct cmd_face *f);
/* A question's yes (arg: its ticket), and its no. */
void cmd_relay_yes(const struct cmd_face *f, const char *arg);
void cmd_relay_no(const char *arg);
/* An ask's answer (arg: its ticket; line copied). */
void cmd_relay_answer(const char *arg, const char *line);
/* The console ends: every question asked or queued is answered no, and
 * later ones are at once. */
void cmd_relay_close(void);

#endif
