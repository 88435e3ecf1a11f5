/* cmd-drain.h — `host drain NAME [--parallel N] [--dry-run] [--to HOST,…]
 * [--include-defined] [--yes]` (act-drain.h), both ways in:
 *   - the command line (in-process, or in the server for a client) prints
 *     the plan, then, unless --dry-run, puts the host in maintenance,
 *     starts the drain job and prints a line per change of a desktop
 *     (moving, moved, failed with the reason) and the final report; its
 *     Ctrl-C cancels the drain (running migrations cancelled: the
 *     desktops stay on the host). Exit 0 when every desktop that was to
 *     move moved (and for --dry-run), 1 otherwise, 2 bad usage;
 *   - the console (`:host drain`, Shift-E on the hypervisors pane) shows
 *     the plan in its form first (cmd_form) unless --yes, and follows the
 *     job in the jobs pane; --dry-run says the plan's summary. */
#ifndef HVDECK_CMD_DRAIN_H
#define HVDECK_CMD_DRAIN_H

#include "act/act-drain.h"
#include "cmd/cmd.h"

int cmd_drain_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause);

/* The request c's options make for host (--to split at commas into *to,
 * caller frees with cmd_drain_req_free; --parallel, else the config's
 * drain_parallel). 0, or -1 with *cause (a bad value). */
int cmd_drain_request(const struct cmd_ctx *c, const char *host,
    struct drain_req *r, char **cause);
void cmd_drain_req_free(struct drain_req *r);

/* One line of the plan for a person: "desk-1 -> hv2 (hv2 keeps 3.1 GiB
 * free)", "desk-4: cannot move: REASON", "lab-7 (shut off): stays ...".
 * Names visible. Caller frees. */
char *cmd_drain_move_line(const struct place_move *m, int defined,
    int include_defined);
/* "drain node1: 3 desktops move, 1 cannot, 2 shut off stay". Caller
 * frees. */
char *cmd_drain_summary(const struct place_plan *p, int include_defined);

#endif
