/* forms.h — the forms the console opens for a command given without the
 * words only an operator can choose (cmd_face.form): one opener per
 * entry, each in its form-*.c. Every form builds the full command line
 * (names quoted with cmd_quote) and runs it through the table with
 * forms_run, so the same line works from a shell. */
#ifndef HVDECK_FORMS_H
#define HVDECK_FORMS_H

#include "tui/ui-cmd.h"

#include <stdint.h>

struct form;

/* The openers, by entry name. */
const struct ui_form_opener *forms_table(size_t *n);

/* Run a form's command line in the console (c's face, config and
 * read-only set from u; the rest of *c, the typed results it asks for,
 * left as given). 0, or -1 with the cause shown on field `field` of f
 * (NULL: the form's message line). */
int forms_run(struct ui *u, struct form *f, const char *field,
    struct cmd_ctx *c, const char *line);

/* A form's Enter that runs line and is done: 1 (the form closes), or -1
 * with the error beside field. */
int forms_submit(struct ui *u, struct form *f, const char *field,
    const char *line);
/* The same as forms_run, the error left in *cause (caller frees) for a form that
 * places it itself. 0 or -1. */
int forms_run_line(struct ui *u, struct cmd_ctx *c, const char *line,
    char **cause);

/* Attached to a server, a form whose line went as request (the
 * u->sent_request forms_run_line left) waits for what comes back: 1 with
 * *job, the job of kind the server followed for that request (its line
 * may reach the mirror a little after the follow); 0 still waiting; -1
 * refused, and *why says why. */
int forms_awaited(struct ui *u, unsigned request, int kind, unsigned *job,
    const char **why);
/* `job cancel JOB --yes` through the table (to the server): a form's Esc
 * is the operator's answer already (its message says Esc cancels), as
 * in-process, where the form cancels the job without a question. 0, or
 * -1 with *cause (caller frees). */
int forms_cancel_remote(struct ui *u, unsigned job, char **cause);
/* A form closed (Esc) while its line, request, was on the way to the
 * server: the job that comes back for it is cancelled there, and a
 * question it asks is declined, instead of going on without the form. */
void forms_forsake(struct ui *u, unsigned request);
/* What the face is given now (cmd_relay_delivering) came for a forsaken
 * request: a confirmation it asks is answered no. */
int forms_forsaken_now(const struct ui *u);
/* The face's follow: 1 when job came back for a forsaken request (it was
 * cancelled; not followed). */
int forms_forsaken_job(struct ui *u, unsigned job);
/* The face's relayed question: 1 when it came for a forsaken request
 * (answered no, which cancels its command). */
int forms_forsaken_question(struct ui *u, const char *ticket);

/* `add-host` (the `a` key, a console entry): the empty add-host form. */
int form_host_add_exec(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);

/* The openers (ui_form_opener.open), argv as the command was given: */
/* `host add NAME ADDRESS ...`: c->hostadd set (the form submitted it),
 * the add starts and *c->hostadd is its attempt (owned by the form); else
 * (the `:` line) a form filled from the arguments opens to follow it */
int form_host_add_open(struct ui *u, struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv, char **cause);
/* `host role NAME`: the roles */
int form_role_open(struct ui *u, struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);
/* `job bandwidth ID`, `job downtime ID`: the value */
int form_job_value_open(struct ui *u, struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv, char **cause);
/* `desktop migrate NAME`: the destination and the options */
int form_migrate_open(struct ui *u, struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv, char **cause);
/* Enter on a jobs-pane row key: a migration opens its progress view (1),
 * other jobs are left to the details page (0). */
int form_migrate_open_view(struct ui *u, const char *key);
/* `derive [POOL/NAME]` (no NAME: the selected volume): the new volumes */
int form_derive_open(struct ui *u, struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv, char **cause);
/* `desktop new [TEMPLATE]` (none: the selected template desktop, or the
 * template desktops using the selected volume): the names */
int form_desktop_new_open(struct ui *u, struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv, char **cause);
/* `template from DESKTOP`: the template's name */
int form_template_open(struct ui *u, struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv, char **cause);
/* `desktop delete DESKTOP` without --yes: the question, and its disk */
int form_delete_open(struct ui *u, struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv, char **cause);
/* `host drain NAME`: the plan, then Enter drains (form-drain.c) */
int form_drain_open(struct ui *u, struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv, char **cause);
/* `desktop move-disk DESKTOP`: the disk, the pool, delete the old one */
int form_disk_move_open(struct ui *u, struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv, char **cause);
/* `desktop set DESKTOP` without options: vCPUs, memory, max memory */
int form_size_open(struct ui *u, struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);
/* `desktop viewer DESKTOP`: the viewer page (mode-viewer.c) */
int form_viewer_open(struct ui *u, struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv, char **cause);
/* `capacity`: the capacity view (mode-capacity.c), not a form */
int form_capacity_open(struct ui *u, struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv, char **cause);

#endif
