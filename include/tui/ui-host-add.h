/* ui-host-add.h — the add-host form (`a` in the hypervisors pane): name,
 * address, port, user and role; submitting runs `host add` through the
 * command table (so the audit log sees it), and the form then follows the
 * add: the checklist live, the host key question on the message line
 * (y/n), a password field when hvdeck's key is refused, the error with
 * the fields unlocked to retry, or, once added, the form closes and the
 * new host's row is selected. Esc cancels a running add. */
#ifndef HVDECK_UI_HOST_ADD_H
#define HVDECK_UI_HOST_ADD_H

struct cmd_ctx;
struct ui;
struct cmd_entry;

/* `add-host` (the `a` key): open the empty form. */
int ui_host_add_open_exec(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);
/* The form of `host add NAME ADDRESS ...` in the console (cmd_face.form):
 * c->hostadd set (the form submitted it): the add starts and *c->hostadd
 * is its attempt (owned by the form); else (the `:` line) a form filled
 * from the arguments opens to follow it. */
int ui_host_add_form(struct ui *u, struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause);

#endif
