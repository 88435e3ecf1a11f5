/* srv-client.h — the command line as a client of its cluster's server
 * (srv.h): one request, what the server's command says and asks shown
 * through the command line's face. */
#ifndef HVDECK_SRV_CLIENT_H
#define HVDECK_SRV_CLIENT_H

#include "core/config.h"

struct cmd_face;

/* This process is a console attached to the server: its requests say so
 * (HELLO), and the server runs the desktop verbs as the console does
 * (one question for several, the jobs followed, not waited on). */
void srv_client_set_console(int on);

/* Connect to cfg's server and say HELLO (read_only: the -r flag): 0
 * with *fd (the caller's to close) and *pid (the server's), 1 when no
 * server runs, -1 with *cause (caller frees): refused, versions differ. */
int srv_client_connect(const struct config *cfg, int read_only, int *fd,
    long *pid, char **cause);

/* Connect to cfg's server, HELLO (read_only: the -r flag), send a frame
 * of type (proto.h) with n fields f, and show what the server says and
 * asks through face until its EXIT. wait_end: after an EXIT 0, wait
 * (bounded) for the server to close the connection as it ends (server
 * stop). Returns 1 when no server runs, 0 with *status, or -1 with
 * *cause (caller frees): refused, versions differ, the server went
 * away. */
int srv_client_request(const struct config *cfg, const struct cmd_face *face,
    int read_only, int type, char **f, int n, int wait_end, int *status,
    char **cause);

/* Run e's words through the cluster's server: words are the command's
 * options ("--name", value) then "--" then the command and its arguments
 * (the command line's, as main.c parsed them). face is the command line's
 * (cmd-face.h): what the server's command says and asks comes out
 * through it. Returns 1 when no server runs (run it in-process), 0 when
 * it ran there (*status: its exit status), -1 with *cause when the server
 * refused the client or went away. */
int srv_client_run(const struct config *cfg, const struct cmd_face *face,
    int read_only, char **words, int n, int *status, char **cause);

/* Ctrl-C (SIGINT, SIGTERM) during the next srv_client_run: on (1) it
 * sends CANCEL and follows the command to its end (migrate: the job is
 * cancelled, as in-process); off (0, the default) the signal's default
 * action ends the client alone, and the command goes on in the server. */
void srv_client_cancel_on_interrupt(int on);

#endif
