/* cmd.h — the command table (tmux's cmd_entry): every command hvdeck knows
 * is one entry with its name, argument rules, where it may run, whether a
 * read-only hvdeck may run it, its help text and the function it runs.
 * cmd/ holds the commands that act on the cluster; the command line
 * (cli/cli-cmd.c: dump, watch, ...) and the console (tui/ui-cmd.c:
 * moving, panes, marks, help, ...) register their own entries into the
 * same table. The command-line parser (main.c), the console's `:` line,
 * key bindings (keys.c), --help, the ? screen and the docs test all read
 * it. A command speaks to whoever ran it through its face (cmd-face.h)
 * and never includes the console or the command line.
 *
 * Names are one word or a family and a verb ("desktop start"): the `:` line
 * and the command line share one grammar, so a family grows verbs (`host
 * add`, `desktop new`) without new parsing code. */
#ifndef HVDECK_CMD_H
#define HVDECK_CMD_H

#include <stddef.h>
#include <stdio.h>

#include "cmd/cmd-opts.h"
#include "core/config.h"

struct cmd_face;
struct derive_started;
struct hostadd;

/* Where an entry may run and how it is shown. */
enum cmd_flag {
	CMD_CLI = 1 << 0,       /* `hvdeck NAME ...` */
	CMD_LINE = 1 << 1,      /* the console's `:NAME ...` */
	CMD_READ_ONLY_OK = 1 << 2, /* allowed when hvdeck runs read-only */
	CMD_ARG_NAME = 1 << 3,  /* the argument is a name Tab completes */
	CMD_ARG_DESKTOP = 1 << 4, /* ... of a desktop only (else any object) */
	CMD_ARG_HOST = 1 << 5,  /* ... of a host only */
	CMD_NO_CONFIG = 1 << 6, /* the command line runs it without a config */
	/* In the console, a command given without arguments acts on what is
	 * selected: the console puts its name (quoted) in the line before the
	 * command runs, so the command never asks what is selected. */
	CMD_SEL_DESKTOP = 1 << 7, /* the selected desktop */
	CMD_SEL_HOST = 1 << 8,  /* the selected hypervisor */
	CMD_SEL_POOL = 1 << 9,  /* the selected pool */
	CMD_SEL_VOLUME = 1 << 10, /* the selected volume: POOL/NAME --on HOST */
	CMD_SEL_JOB = 1 << 11,  /* the progress view's job, else the selected row */
	CMD_SEL_MARKS = 1 << 12, /* every marked desktop, when there are marks */
	/* Runs in the process it was given to, never sent to a server
	 * (srv.h): its exec prints or asks on the terminal itself (watch,
	 * host key), or it is the server's own (server stop). */
	CMD_LOCAL = 1 << 13,
	/* The command is read-only whether or not -r was given (the
	 * wall): main.c sets read-only before anything connects. */
	CMD_IMPLIES_READ_ONLY = 1 << 14,
	/* Read-only-safe in a process of its own, but through a server it
	 * changes what every client sees (the server's jobs): the server
	 * refuses it to a read-only client. */
	CMD_SHARED = 1 << 15,
	/* Entries with neither CMD_CLI nor CMD_LINE are console-internal
	 * (moving, scrolling): only keys reach them. */
};

/* Where a command runs: who ran it (its face), the configuration, the
 * options. */
struct cmd_ctx {
	const struct cmd_face *face;   /* who asks and hears (NULL: nobody) */
	const struct config *cfg;      /* the running configuration */
	const struct cmd_opts *opts;   /* its options (NULL: none) */
	int read_only;
	int status;                    /* command line: the exit status */
	/* What the command started, for the caller that ran it (a form
	 * following it), typed per family; an exec fills those asked for: */
	unsigned job;                  /* out: its job, 0 when none */
	struct derive_started *derive; /* derive: its batch (caller frees it
	                                * with derive_started_free) */
	struct hostadd **hostadd;      /* host add: its attempt (caller owns);
	                                * NULL: the face follows it (a form) */
	unsigned results;              /* results said (cmd-targets.h) */
};

struct cmd_entry;
/* Runs an entry with its arguments (already checked against the entry's
 * rules). Returns 0, or -1 with *cause (caller frees). */
typedef int (*cmd_exec)(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);

struct cmd_entry {
	const char *name;       /* "go", "desktop start" */
	const char *alias;      /* "q" for quit; NULL */
	int min_args, max_args;
	const char *args;       /* "NAME", "[NAME]", "[--json]": for usage */
	unsigned flags;         /* enum cmd_flag */
	const char *help;       /* one line */
	cmd_exec exec;
	int arg;                /* passed through: pane, action, direction */
};

/* The table, for help screens, --help and list-commands: cmd's own
 * entries and those registered. Borrowed; stable once every face has
 * registered. */
const struct cmd_entry *cmd_table(size_t *n);
/* Add a face's own entries (the command line's, the console's) to the
 * one table, once; call before the first lookup (main.c, a test's
 * setup). t is borrowed for the life of the process. */
void cmd_register_table(const struct cmd_entry *t, size_t n);

/* The entry called exactly name (or alias), NULL if none. */
const struct cmd_entry *cmd_find(const char *name);

/* Split a command line into words (spaces separate; "double quotes" keep
 * spaces, and inside them \" and \\ are a quote and a backslash; inside
 * 'single quotes' every character stands for itself, as in a shell).
 * Returns the count; *words is a NULL-terminated array the caller frees
 * with cmd_free_words. */
int cmd_split(const char *line, char ***words);
/* cmd_split, and *quoted (caller frees; NULL: not wanted) one flag per
 * word: 1 when the word begins with a quote. A word that begins quoted
 * is a name, never an option ("--unsafe" may be a desktop's name). */
int cmd_split_marked(const char *line, char ***words, unsigned char **quoted);
/* A word as cmd_split_marked reads it back, begun with a quote or not as
 * it was (an option "--name=VALUE" keeps its name bare and quotes its
 * value). Caller frees. */
char *cmd_requote(const char *word, int quoted);
/* s as one word cmd_split reads back exactly: in double quotes, with "
 * and \ escaped by a backslash. Forms and confirmations that build a
 * command line from names (which may hold anything) quote them with it.
 * Caller frees. */
char *cmd_quote(const char *s);
void cmd_free_words(char **words);

/* The entry the words name, allowed where `where` (CMD_CLI or CMD_LINE)
 * says, with *nargs and *args set to its arguments (pointers into words).
 * A family word followed by a verb is tried first, then the word alone.
 * Returns NULL with *cause (caller frees) for an unknown name or
 * arguments that break the entry's rules: one message per case, made from
 * the table. */
const struct cmd_entry *cmd_parse(char **words, int nwords, unsigned where,
    int *nargs, char ***args, char **cause);

/* Move the command options ("--name VALUE", "--name=VALUE", "--flag")
 * that any entry declares out of words[0..*nwords) into *o, keeping the
 * other words in order; names listed in globals (NULL-terminated, may be
 * NULL) are left in place for the caller's own parser. Words whose flag
 * in quoted (cmd_split_marked's, indexed like words; NULL: none, as for
 * argv) is set are never options. Scanning stops at "--" (removed).
 * Returns 0, or -1 with *cause: a value missing, too many options. */
int cmd_take_options(int *nwords, char **words, const unsigned char *quoted,
    const char *const *globals, struct cmd_opts *o, char **cause);
/* 0 when e declares every option in o (or, for an entry a server may
 * run for the command line, o's option is one every such command takes:
 * cmd_opt_every) and each value fits its typed
 * line (cmd-opts.h); else -1 with *cause naming the first option it does
 * not take and e's usage, or the first bad value. */
int cmd_check_options(const struct cmd_entry *e, const struct cmd_opts *o,
    char **cause);

/* Run after every command (cmd_exec_entry) that does not print its own
 * --json: the command's first word, its return and cause, for a result of
 * its own when it said none (cmd-targets.h sets it: cmd_result_generic).
 * Set once at start. */
typedef void (*cmd_after_exec_fn)(struct cmd_ctx *c, const char *target,
    int rc, const char *cause);
void cmd_set_after_exec(cmd_after_exec_fn fn);

/* 0 when c may run e; -1 with *cause (caller frees) "read-only: NAME is
 * not allowed" (e's full name) when hvdeck runs read-only and e is not
 * CMD_READ_ONLY_OK. The one read-only refusal of every way in. */
int cmd_check_read_only(const struct cmd_ctx *c, const struct cmd_entry *e,
    char **cause);
/* Check read-only, then run e. Returns 0 or -1 with *cause. */
int cmd_exec_entry(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause);

/* An attached console runs the commands of cmd/ in the cluster's server:
 * cmd_run_line hands each parsed entry (with its options and arguments,
 * borrowed for the call) to remote first, which sends it there (0, or -1
 * with *cause) or returns 1 to run it here (a console entry, a form to
 * open first). NULL (the default): every entry runs here. */
struct cmd_opts;
typedef int (*cmd_remote_fn)(struct cmd_ctx *c, const struct cmd_entry *e,
    const struct cmd_opts *o, int argc, char **argv, char **cause);
void cmd_set_remote(cmd_remote_fn remote);

/* Parse and run one console command line (the `:` line or a key's
 * binding; where is CMD_LINE for typed lines, 0 for key bindings, which
 * may also reach console-internal entries). Returns 0 or -1 with *cause. */
int cmd_run_line(struct cmd_ctx *c, const char *line, unsigned where,
    char **cause);

/* "usage: go NAME" for an entry. Caller frees. */
char *cmd_usage(const struct cmd_entry *e);

/* Tab completion of a `:` line: command names, family verbs, and names
 * from the model for entries that take one (model lock taken here).
 * Returns the number of candidates; *completed (caller frees) is the line
 * extended by their longest common prefix (plus a space when there is one
 * candidate), and *list (caller frees, may be NULL) the candidates
 * separated by spaces when there are several. */
size_t cmd_complete(const char *line, char **completed, char **list);

/* Print the command-line commands for --help, wrapped to 78 columns. */
void cmd_print_cli_help(FILE *out);

#endif
