/* ui-cmd.h — the console's side of the command table: its own entries
 * (moving, panes, details, filter, marks, help, quit, `go`...), its face
 * (cmd-face.h: the status line, a confirmation mode, the forms, jobs
 * followed), and the line it runs: the selection and the marks turned
 * into explicit names before the command sees it. */
#ifndef HVDECK_UI_CMD_H
#define HVDECK_UI_CMD_H

#include "cmd/cmd.h"

struct ui;

/* Add the console's entries to the command table (once; main.c, ui_run,
 * and tests that look them up). */
void ui_cmd_register(void);

/* The console's face, for u. */
void ui_cmd_face_init(struct ui *u, struct cmd_face *f);

/* line as the command will see it: an entry that acts on the selection
 * (CMD_SEL_*) given without arguments gets the selected row's name (a
 * desktop's name when no other has it, else its UUID), or every marked
 * desktop's (then *marks is 1, else 0); other lines are returned as they
 * are. Caller frees. */
char *ui_cmd_explicit(struct ui *u, const char *line, unsigned where,
    int *marks);

/* The forms a command opens in the console for the words it lacks
 * (cmd_face.form), by entry name: form-*.c. */
struct ui_form_opener {
	const char *name;       /* the entry: "host role" */
	int (*open)(struct ui *u, struct cmd_ctx *c, const struct cmd_entry *e,
	    int argc, char **argv, char **cause);
};

/* Run a command line in the console; failures go to the status line. */
void ui_run_command(struct ui *u, const char *line, unsigned where);

#endif
