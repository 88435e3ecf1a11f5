/* keys.h — the console's key bindings as one table: key -> command, the
 * panes where it applies, and its help text. The help screen and the man
 * page's key list are generated from / checked against this table. */
#ifndef HVDECK_KEYS_H
#define HVDECK_KEYS_H

#include <stddef.h>

enum ui_cmd {
	CMD_NONE,
	CMD_PANE_HOSTS, CMD_PANE_POOLS, CMD_PANE_VOLUMES, CMD_PANE_DESKTOPS,
	CMD_PANE_JOBS, CMD_NEXT_PANE, CMD_PREV_PANE,
	CMD_UP, CMD_DOWN, CMD_PAGE_UP, CMD_PAGE_DOWN, CMD_HOME, CMD_END,
	CMD_DETAILS, CMD_BACK, CMD_FILTER, CMD_SORT, CMD_SORT_REVERSE,
	CMD_HELP, CMD_COMMAND, CMD_QUIT, CMD_REDRAW,
	CMD_START, CMD_SHUTDOWN, CMD_REBOOT, CMD_PAUSE_RESUME, CMD_FORCE_OFF,
};

/* Which panes a binding applies in; 0 = everywhere. */
#define KEYS_DESKTOPS (1u << 3)

struct key_binding {
	int key;              /* curses key code */
	enum ui_cmd cmd;
	unsigned panes;       /* bit per pane_id, 0 = all */
	const char *label;    /* "Shift-F", "Ctrl-S" ... */
	const char *help;     /* shown once per command; NULL for aliases */
};

/* The command for a key in a pane, CMD_NONE if unbound. */
enum ui_cmd keys_lookup(int key, int pane);
/* The table, for the help screen. */
const struct key_binding *keys_table(size_t *n);

#endif
