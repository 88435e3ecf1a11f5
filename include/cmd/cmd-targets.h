/* cmd-targets.h — what a command that acts on several desktops at once
 * shares (issue 22, bulk work): the names it was given expanded (one
 * brace range, names.h, the same expander `desktop new` uses), the short
 * list a confirmation names ("20 desktops: class-01, class-02, class-03
 * and 17 more"), and the result of each target for --json (one JSON
 * object per target: id, state, target, error). */
#ifndef HVDECK_CMD_TARGETS_H
#define HVDECK_CMD_TARGETS_H

#include <stddef.h>

#include "cmd/cmd.h"

/* The names argv[0..argc) stand for, in order, into *names (caller frees
 * with names_free) and *n. new_names: every word is a name hvdeck makes
 * (names_expand: each checked with names_check); else the words name
 * existing desktops (a name or UUID, which may break hvdeck's naming
 * rules): only a word with a brace is expanded. Returns 0, or -1 with
 * *cause (caller frees). */
int cmd_targets_expand(int argc, char **argv, int new_names, char ***names,
    size_t *n, char **cause);

/* "class-01, class-02, class-03 and 17 more": the first `show` names of
 * v (visible), then how many more. Caller frees. */
char *cmd_targets_list(char *const *v, size_t n, size_t show);

/* 1 when c's command was given --json and runs for the command line (a
 * shell's or, in the server, a client's): its results are then JSON
 * lines, its other lines unsaid (errors still go to stderr). */
int cmd_json(const struct cmd_ctx *c);

/* The result of one target of c's command: with --json one line
 * {"id":JOB,"state":STATE,"target":TARGET,"error":ERROR} (job 0: null;
 * error NULL: null), said through c's face; without, nothing (the
 * command says its own text). Counts in c->results. */
void cmd_result(struct cmd_ctx *c, unsigned job, const char *state,
    const char *target, const char *error);

/* The result of a command that said none under --json (for
 * cmd_set_after_exec): one object, "done" or "failed", for target. */
void cmd_result_generic(struct cmd_ctx *c, const char *target, int rc,
    const char *cause);

#endif
