/* audit.h — the audit log (helper H4 implements audit.c): one JSON line
 * per mutating command when it starts and one when it ends, appended to
 * $XDG_STATE_HOME/hvdeck/audit.log ($HOME/.local/state/hvdeck/audit.log
 * when XDG_STATE_HOME is unset or relative). Written by the command layer
 * (cmd_exec_entry) so no way in — key, form, `:` line, command line — can
 * bypass it; an action that ends later (a job) writes its end line when
 * the job ends.
 *
 * Fields: time (ISO 8601 UTC with ms), user (the local login), from (the
 * client address of SSH_CONNECTION, null without one), pid, id (one per
 * command, shared by its start and end lines), event ("start" | "end"),
 * command ("host add"), target, result ("ok" | "failed" | "refused" |
 * "cancelled"; end lines only), error (the library's text; end lines, null
 * when none). Never a secret: callers pass names, never passwords. */
#ifndef HVDECK_AUDIT_H
#define HVDECK_AUDIT_H

/* Path of the log (caller frees); NULL without any home. */
char *audit_path(void);

/* A command starts: returns its audit id (> 0), or 0 when the log cannot
 * be written (then the reason is logged once per process; the command
 * still runs). */
unsigned long audit_start(const char *command, const char *target);
/* It ended: result "ok", "failed", "refused", "cancelled"; error may be
 * NULL. id 0 is ignored. */
void audit_end(unsigned long id, const char *command, const char *target,
    const char *result, const char *error);
/* At start: every start line of this user whose process died without its
 * end line (the pid is gone or no longer an hvdeck) is said once as a
 * warning naming the pid and the command, and closed with an end line of
 * that pid and id, result "unknown (process died)". Returns how many. */
int audit_close_dead(void);

/* Whom the lines written on this thread are for when not this process's
 * user: a server running a client's command sets the client's user name
 * (from its peer credentials) and SSH client address (either NULL: the
 * process's own). Borrowed until changed; per thread. audit_client gives
 * the current ones (borrowed, NULL when unset). */
void audit_set_client(const char *user, const char *from);
void audit_client(const char **user, const char **from);

/* A line about the session, not a command: event "session", command
 * what ("read-only session started"), id 0, target null. */
void audit_session(const char *what);

#endif
