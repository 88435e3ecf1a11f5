/* cmd-desktop.h — the desktop verbs on act-domain.h (the command line,
 * the `:` line, and the keys u h r p F of the desktops pane): see
 * cmd-desktop.c. */
#ifndef HVDECK_CMD_DESKTOP_H
#define HVDECK_CMD_DESKTOP_H

#include "cmd/cmd.h"

/* e->arg of desktop toggle-pause (else an enum domain_action): pause, or
 * resume when every desktop named is paused */
#define CMD_DESKTOP_TOGGLE_PAUSE (-1)

/* The desktop verbs: e->arg is the action. NAME is required on the
 * command line (one); the console gives the selected desktop, or every
 * marked one. */
int cmd_desktop_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause);

/* The UUID of the desktop named argv[0] (its name or UUID; a name two
 * desktops share is refused, act_desktop_resolve); NULL with *cause
 * ("no desktop selected" without arguments). Caller frees. */
char *cmd_target_desktop(struct cmd_ctx *c, int argc, char **argv,
    char **cause);

/* "Force off 3 desktops on hv1, hv2?" for action a (enum domain_action,
 * CMD_DESKTOP_TOGGLE_PAUSE) on the desktops with these UUIDs (model lock
 * taken here). Caller frees. */
char *cmd_desktops_question(int a, char *const *uuids, size_t n);

#endif
