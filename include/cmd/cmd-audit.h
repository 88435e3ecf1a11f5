/* cmd-audit.h — the command layer's side of the audit log (audit.h):
 * cmd_exec_entry opens a record for every command that changes something
 * (not CMD_READ_ONLY_OK) before it runs and the record's end line is
 * written exactly once, when the last of these ends:
 *   - the exec itself (its return and status: 0 ok; -1 refused, or failed
 *     when it had made jobs; a command-line status 2 refused, else failed);
 *   - every job made while the record is current on the thread (job.h's
 *     end hook: done ok, failed failed, cancelled or forgotten cancelled);
 *   - a confirmation the exec asked (mode-confirm.c holds the record; a
 *     "no" ends it cancelled);
 * or when hvdeck exits with it still open (cmd_audit_close_all).
 * The result is the worst seen (failed > refused > cancelled > ok) with
 * the first error of that kind. The start line is written when the
 * command first acts (a job, a question) or just before its end line, so
 * that one which only opened a form (cmd_audit_form) writes nothing: the
 * form's submit runs the command, and that is logged. A read-only hvdeck
 * writes no record, only cmd_audit_read_only_session's line. Thread-safe. */
#ifndef HVDECK_CMD_AUDIT_H
#define HVDECK_CMD_AUDIT_H

#include "cmd/cmd.h"

struct cmd_audit;

/* A command starts: NULL for a read-only one or in a read-only hvdeck
 * (c->read_only; nothing is written), else
 * the record, made current on this thread. Its target: the arguments
 * joined by spaces (the console has put its selection or its marked
 * desktops there, ui-cmd.c). */
struct cmd_audit *cmd_audit_begin(const struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv);
/* Its exec returned rc (with c->status and cause): no longer current. */
void cmd_audit_done(struct cmd_audit *a, int rc, int status,
    const char *cause);

/* The outcome of part of the current command that reports without a
 * cause (a refused marked desktop, a refused force off after its
 * confirmation): result "refused", "failed", "cancelled". No-op without a
 * current record. */
void cmd_audit_note(const char *result, const char *error);

/* The current command's question was answered no (cmd_face_declined):
 * a command that then gives up (exec returns -1 with no job) ends
 * "cancelled" with "not confirmed", as the console's own question does,
 * not "refused". No-op without a current record. */
void cmd_audit_declined(void);

/* For an action that runs later on this thread (a confirmation): the
 * current record, held (NULL when none). enter makes a held record
 * current and returns the one before; leave restores it; release lets go
 * with an outcome (result NULL: none). */
struct cmd_audit *cmd_audit_hold(void);
struct cmd_audit *cmd_audit_enter(struct cmd_audit *a);
void cmd_audit_leave(struct cmd_audit *prev);
void cmd_audit_release(struct cmd_audit *a, const char *result,
    const char *error);

/* The current command only opened a form: no lines for it (unless it
 * acted already). No-op without a current record. */
void cmd_audit_form(void);
/* A read-only hvdeck started (its console or a command): the one line it
 * writes. */
void cmd_audit_read_only_session(void);

/* hvdeck exits: write the end line of every record still open (a job
 * thread left behind), result cancelled with why unless worse. */
void cmd_audit_close_all(const char *why);

#endif
