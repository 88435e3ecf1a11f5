/* cmd-opts.h — the options of commands, typed: one table line per option
 * (its command, name, type, range or words, unit) and the one parser of
 * their values. The command line (main.c), the console's `:` line
 * (cmd_run_line) and the console's forms read the same lines, so
 * `--bandwidth 0` means the same everywhere and a form's number field has
 * the range the command accepts. cmd.c's cmd_check_options checks every
 * given option against its line before a command runs (nothing has
 * connected yet); the getters below check again, so a caller that built
 * its own struct cmd_opts (a form) cannot skip the check.
 *
 * Which options an entry takes is still declared by its usage text in the
 * command table ("[--port N]"); a unit test keeps both in step. */
#ifndef HVDECK_CMD_OPTS_H
#define HVDECK_CMD_OPTS_H

#include <stddef.h>

/* The options given to one command: cmd_take_options fills it. */
#define CMD_OPTS_MAX 16
struct cmd_opts {
	int n;
	struct {
		char name[32];          /* "port" */
		const char *value;      /* into the words; "" for a flag */
	} v[CMD_OPTS_MAX];
};

enum cmd_opt_type {
	CMD_OPT_FLAG,           /* --yes: no value */
	CMD_OPT_INT,            /* a whole number in [min, max] */
	CMD_OPT_SIZE,           /* bytes, or with K or M, in [min, max] */
	CMD_OPT_ENUM,           /* one of words ("hypervisor|disk|mixed") */
	CMD_OPT_NAME,           /* any text but empty (a host, a pool, a user) */
};

struct cmd_opt_spec {
	const char *command;    /* the entry's name; NULL: every entry that
	                         * declares the option */
	const char *name;       /* "bandwidth" for --bandwidth; a positional
	                         * argument by its metavariable ("MIBS") */
	enum cmd_opt_type type;
	long long min, max;     /* INT and SIZE */
	const char *words;      /* ENUM: the words, '|' between them */
	const char *unit;       /* what the value means, for messages and
	                         * help ("MiB/s, 0 unlimited"); NAME: what it
	                         * names ("user name"); may be NULL */
};

/* The line for option (or positional metavariable) name of command: the
 * command's own line first, else the line every command shares. NULL
 * when no line declares it. Points into a static table. */
const struct cmd_opt_spec *cmd_opt_spec(const char *command,
    const char *name);
/* 1 when every command the command line may run through a server takes
 * option name without declaring it in its usage: --json (its result as
 * one JSON object per target, cmd-targets.h). */
int cmd_opt_every(const char *name);
/* Every line, for help and tests. */
const struct cmd_opt_spec *cmd_opt_specs(size_t *n);

/* The value of an option ("" for a flag), NULL when not given (o may be
 * NULL). Points into o. */
const char *cmd_opt(const struct cmd_opts *o, const char *name);

/* Check one value against s. Returns 0, or -1 with *cause (caller frees),
 * one message per type: "--bandwidth: 'x' is not a whole number
 * 0..1000000 (MiB/s, 0 unlimited)". */
int cmd_opt_check(const struct cmd_opt_spec *s, const char *value,
    char **cause);
/* Check every option in o that command has a line for: what
 * cmd_check_options runs after it found each option declared. Returns 0
 * or -1 with *cause (caller frees) for the first bad value. */
int cmd_opts_check(const char *command, const struct cmd_opts *o,
    char **cause);

/* value as s's number (INT or SIZE) into *out. Returns 0, or -1 with
 * *cause as cmd_opt_check. */
int cmd_opt_parse_int(const struct cmd_opt_spec *s, const char *value,
    long long *out, char **cause);
/* Option s->name of o as a number into *out (untouched when the option is
 * not given). s must be an INT or SIZE line (a broken invariant aborts).
 * Returns 0, or -1 with *cause. */
int cmd_opt_int(const struct cmd_opts *o, const struct cmd_opt_spec *s,
    long long *out, char **cause);
/* Option s->name of o (ENUM or NAME) checked, into *out (a pointer into o;
 * untouched when not given). Returns 0, or -1 with *cause. */
int cmd_opt_str(const struct cmd_opts *o, const struct cmd_opt_spec *s,
    const char **out, char **cause);

/* The typed options that usage (the entry's args) shows, for help:
 * "--bandwidth 0..1000000 (MiB/s, 0 unlimited), --max-downtime ...";
 * NULL when none has a range or words. Caller frees. */
char *cmd_opts_describe(const char *command, const char *usage);

#endif
