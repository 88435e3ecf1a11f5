/* cli.h — headless subcommands over the model: dump and watch. */
#ifndef HVDECK_CLI_H
#define HVDECK_CLI_H

#include <stdio.h>

#include "core/config.h"

struct cli_options {
	int json;
	int stats;          /* watch: also print stats samples */
	int read_only;
	int timeout;        /* seconds; 0 = config's connect_timeout */
};

/* Connect to every host, wait for inventory (bounded), print, return the
 * exit status: 0, or 1 when a host was unreachable. */
int cli_dump(const struct config *cfg, const struct cli_options *o);

/* Where a command of the command line prints: the terminal (stdout,
 * stderr) when it runs in-process, or, in the server for a client
 * (srv-peer.h), buffers that cli_out_flush sends to the client's, which
 * writes them as they are: the same bytes either way. */
struct cmd_ctx;
struct srv_peer;
struct cli_out {
	FILE *out, *err;
	struct srv_peer *peer;  /* NULL: in-process */
	char *obuf, *ebuf;      /* the buffers' (open_memstream) */
	size_t olen, elen;
	int quiet;              /* --json: what goes to out is dropped */
};
/* For c's command: in the server when c's face is a client's. */
void cli_out_open(struct cli_out *o, const struct cmd_ctx *c);
/* For a command whose --json output is its results (cmd-targets.h):
 * with --json, what it prints to o->out is dropped (its errors still
 * reach o->err), so the results are all a script reads. */
void cli_out_results_only(struct cli_out *o, const struct cmd_ctx *c);
/* Send what was printed so far (in-process: flush the terminal's). */
void cli_out_flush(struct cli_out *o);
/* Flush and close. */
void cli_out_close(struct cli_out *o);
/* dump for a client of the server: the server's model as it is (warm: no
 * connect, no inventory), printed as cli_dump prints it. The exit
 * status. */
int cli_dump_warm(struct cmd_ctx *c, struct cli_out *o, int json);
/* Print the events (text) or one JSON line per model change until SIGINT or
 * SIGTERM, or until the reader goes away; a reader that stops reading never
 * stalls the engine (see watch.h). Returns 0, or 1 when it cannot start. */
int cli_watch(const struct config *cfg, const struct cli_options *o);
/* Text for the operator on f: names and libvirt's text come from hosts,
 * so all of it is shown in its visible form (text.h); newline ends the
 * line. Flushed (progress lines reach a pipe as they happen). */
void cli_say(FILE *f, int newline, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Wait until every host has delivered its inventory or failed
 * (engine_wait_settled), at most the command line's --timeout (o), else
 * cfg's connect_timeout. The engine must run. */
void cli_wait_settled(const struct cli_options *o, const struct config *cfg);
/* The options of a command the command line's face runs (cli-cmd.h).
 * Borrowed. */
struct cmd_ctx;
const struct cli_options *cli_options_of(const struct cmd_ctx *c);

/* The steps of a checklist the terminal has been shown, by their state
 * (zeroed: none yet). */
struct checklist;
struct cli_checklist_seen {
	int *state;             /* enum check_state printed, per step */
	size_t n;
};
/* Print each step of cl that settled (ok, warn, fail) in a state not
 * printed yet, as "ok   connect 10.0.0.5:22: reason": failures to
 * fail_out, the rest to out. The command line's host add and migrate
 * show their checklists so. */
void cli_checklist_print(struct checklist *cl, struct cli_checklist_seen *seen,
    FILE *out, FILE *fail_out);
void cli_checklist_seen_free(struct cli_checklist_seen *seen);
/* 1 when cli_checklist_print would print something now (a progress line
 * on the terminal is ended first). */
int cli_checklist_news(struct checklist *cl,
    const struct cli_checklist_seen *seen);

/* Ask question on the terminal ("... [y/N] ", shown visibly); only y goes
 * ahead. Returns 0 on y, else -1 with *cause (caller frees): "WHAT: not
 * confirmed", or "WHAT: asks for a confirmation on a terminal, and there
 * is none" without one. */
int cli_confirm(const char *question, const char *what, char **cause);
/* `host add NAME ADDRESS [--port N] [--user USER] [--role R]
 * [--yes-fingerprint FP]` (cli-host-add.c), both ways in: on the command
 * line the add runs here and is followed on the terminal (exit status 0
 * added, 1 failed, 2 bad usage, in c->status); in the console it goes to
 * its add-host form (the console's face). */
struct cmd_ctx;
struct cmd_entry;
struct hostadd_req;
int cli_host_add_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause);

#endif
