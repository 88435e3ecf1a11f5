/* cmd-face.h — how a command speaks to whoever ran it (its face) without
 * knowing which: the command line (cli/: stdout, /dev/tty, waiting for
 * its jobs) or the console (tui/: the status line, a confirmation mode,
 * a form, following its jobs). A command that needs an answer mid-way
 * asks through its face; cmd/ never includes the console or the CLI.
 * Every face is set up by the layer above (main.c wires the command
 * line's, the console its own) and lives as long as its commands. */
#ifndef HVDECK_CMD_FACE_H
#define HVDECK_CMD_FACE_H

#include <stddef.h>

struct cmd_ctx;
struct cmd_entry;
struct cmd_face;

/* The answer yes to a question: runs arg's action (arg is the string the
 * question was asked with: a UUID, a job id, a command's words). */
typedef void (*cmd_face_yes)(const struct cmd_face *f, const char *arg);

struct cmd_face {
	/* 1: the console, which answers later (a question is a mode), follows
	 * the jobs a command starts and fills missing words with a form;
	 * 0: the command line, which answers at once and waits for jobs. */
	int console;
	void *data;     /* the face's own (the console's struct ui) */
	/* The command line runs an engine of its own for one command: start
	 * it for c's configuration and wait until the hosts have answered
	 * (within the command line's --timeout, else connect_timeout). 0, or
	 * -1 when it cannot start. NULL: the engine runs already (the
	 * console). engine_down stops what engine_up started. */
	int (*engine_up)(const struct cmd_face *f, const struct cmd_ctx *c);
	void (*engine_down)(const struct cmd_face *f);
	/* A line for the operator (error: a failure); text is borrowed. */
	void (*say)(const struct cmd_face *f, int error, const char *text);
	/* A job the command started (the console shows its end). */
	void (*follow_job)(const struct cmd_face *f, unsigned job);
	/* A job the command removed (0: several): the console closes what
	 * showed it and moves its selection on. */
	void (*forget_job)(const struct cmd_face *f, unsigned job);
	/* Ask question (borrowed; names the target); yes(f, arg) runs on y,
	 * inside the asking command's audit record. Returns 0 (asked, or
	 * answered yes), or -1 with *cause (caller frees) beginning with
	 * what ("desktop delete"): no terminal, not confirmed. yes may be
	 * NULL on a face that answers at once (not console): the return
	 * value is the answer. */
	int (*confirm)(const struct cmd_face *f, const char *question,
	    const char *what, cmd_face_yes yes, const char *arg, char **cause);
	/* A line the operator types after prompt (a person: the terminal
	 * itself, never stdin) into buf, trailing spaces removed. 0, or -1
	 * when nobody can answer. NULL: this face cannot. */
	int (*ask)(const struct cmd_face *f, const char *prompt, char *buf,
	    size_t len);
	/* A secret (a password) typed after prompt without echo, on a
	 * terminal the command was run from, into buf; the caller wipes
	 * buf. 0, or -1 when nobody can answer (or the answer is empty).
	 * NULL: this face cannot. */
	int (*ask_secret)(const struct cmd_face *f, const char *prompt,
	    char *buf, size_t len);
	/* A question relayed from a command that runs elsewhere (an
	 * attached console's server, cmd-relay.h): ask prompt (secret: a
	 * password, never shown) in a mode and answer later with
	 * cmd_relay_answer(ticket, line), or cmd_relay_no(ticket). NULL:
	 * such questions are answered no. */
	void (*ask_relayed)(const struct cmd_face *f, const char *prompt,
	    int secret, const char *ticket);
	/* Run a full command line as this face's own (its configuration,
	 * read-only): the yes of a question that ran a command with its last
	 * word. NULL: this face asks no such question. */
	void (*run_line)(const struct cmd_face *f, const char *line);
	/* The words e's command lacks (c, argc, argv: what it was given): a
	 * form, which runs the full command line through the table. NULL:
	 * this face has none. Returns 0 or -1 with *cause. */
	int (*form)(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
	    char **argv, char **cause);
	/* 1 when this face has a form for the entry called name (an attached
	 * console opens it here before the command goes to the server).
	 * NULL: none. */
	int (*has_form)(const struct cmd_face *f, const char *name);
	/* 1 once the operator asked the running command to stop: Ctrl-C on
	 * the command line, the client's Ctrl-C in the server (a client that
	 * went away is no such request). A long command (host drain) polls
	 * it. NULL: nobody can ask. */
	int (*interrupted)(const struct cmd_face *f);
};

/* Through c's face (nothing when it has none): */
/* the engine for one command (see cmd_face.engine_up): 0 or -1 */
int cmd_engine_up(const struct cmd_ctx *c);
void cmd_engine_down(const struct cmd_ctx *c);
/* a line for the operator, printf-like */
void cmd_say(const struct cmd_ctx *c, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* a line of the command's own listing (a table row, its JSON): said
 * under --json too, counted as a result (no generic one is added) */
void cmd_print(struct cmd_ctx *c, const char *text);
/* a job c's command started */
void cmd_follow(const struct cmd_ctx *c, unsigned job);
/* jobs c's command removed (see cmd_face.forget_job) */
void cmd_forget_job(const struct cmd_ctx *c, unsigned job);
/* A face's confirm calls this when the operator answered no (not when
 * nobody could be asked): the asking thread's cmd_face_take_declined()
 * then says 1 once. The audit line of a command given up so reads
 * "cancelled", and a relayed question's answer says "no", not "could
 * not ask". */
void cmd_face_declined(void);
int cmd_face_take_declined(void);
/* f's confirm (see cmd_face.confirm), and *said_no: 1 when it returned
 * -1 because the operator answered no, 0 otherwise. */
int cmd_face_confirm(const struct cmd_face *f, const char *question,
    const char *what, cmd_face_yes yes, const char *arg, char **cause,
    int *said_no);
/* a question (see cmd_face.confirm); -1 with *cause without a face */
int cmd_confirm(const struct cmd_ctx *c, const char *question,
    const char *what, cmd_face_yes yes, const char *arg, char **cause);
/* a typed answer (see cmd_face.ask); -1 without one */
int cmd_ask(const struct cmd_ctx *c, const char *prompt, char *buf,
    size_t len);
/* the operator asked c's command to stop (see cmd_face.interrupted) */
int cmd_interrupted(const struct cmd_ctx *c);
/* cmd_face_yes that runs arg as a command line through f (run_line) */
void cmd_face_run_line(const struct cmd_face *f, const char *line);
/* whether c's face fills missing words with a form */
int cmd_has_forms(const struct cmd_ctx *c);
/* the form for e (see cmd_face.form); -1 with *cause without one */
int cmd_form(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause);
/* c runs in the console (its face says so) */
int cmd_in_console(const struct cmd_ctx *c);

#endif
