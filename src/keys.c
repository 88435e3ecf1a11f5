/* keys.c — the key table. Adding a key is one line here. */
#include "keys.h"

#include <curses.h>

#define CTRL(c) ((c) & 0x1f)

static const struct key_binding bindings[] = {
	{ '1', CMD_PANE_HOSTS, 0, "1", "hypervisors pane" },
	{ '2', CMD_PANE_POOLS, 0, "2", "storage pools pane" },
	{ '3', CMD_PANE_VOLUMES, 0, "3", "volumes pane (backing chains)" },
	{ '4', CMD_PANE_DESKTOPS, 0, "4", "desktops pane" },
	{ '5', CMD_PANE_JOBS, 0, "5", "jobs pane" },
	{ '\t', CMD_NEXT_PANE, 0, "Tab", "next pane" },
	{ KEY_BTAB, CMD_PREV_PANE, 0, "Shift-Tab", "previous pane" },
	{ KEY_UP, CMD_UP, 0, "Up, k", "move up" },
	{ 'k', CMD_UP, 0, "k", NULL },
	{ KEY_DOWN, CMD_DOWN, 0, "Down, j", "move down" },
	{ 'j', CMD_DOWN, 0, "j", NULL },
	{ KEY_PPAGE, CMD_PAGE_UP, 0, "PgUp", "page up" },
	{ KEY_NPAGE, CMD_PAGE_DOWN, 0, "PgDn", "page down" },
	{ 'g', CMD_HOME, 0, "g, Home", "first row" },
	{ KEY_HOME, CMD_HOME, 0, "Home", NULL },
	{ 'G', CMD_END, 0, "G, End", "last row" },
	{ KEY_END, CMD_END, 0, "End", NULL },
	{ '\n', CMD_DETAILS, 0, "Enter", "details of the selected row" },
	{ KEY_ENTER, CMD_DETAILS, 0, "Enter", NULL },
	{ 27, CMD_BACK, 0, "Esc", "back (close details, help, filter)" },
	{ '/', CMD_FILTER, 0, "/", "filter: text, !text, state:S, host:H" },
	{ 's', CMD_SORT, 0, "s", "sort by the next column" },
	{ 'S', CMD_SORT_REVERSE, 0, "S", "reverse the sort" },
	{ '?', CMD_HELP, 0, "?", "this help" },
	{ ':', CMD_COMMAND, 0, ":", "command: host NAME, desktop NAME, quit" },
	{ 'q', CMD_QUIT, 0, "q", "quit (asks when jobs are running)" },
	{ CTRL('l'), CMD_REDRAW, 0, "Ctrl-L", "redraw the screen" },
	{ CTRL('s'), CMD_START, KEYS_DESKTOPS, "Ctrl-S, u", "start the desktop" },
	{ 'u', CMD_START, KEYS_DESKTOPS, "u", NULL },
	{ 'h', CMD_SHUTDOWN, KEYS_DESKTOPS, "h", "graceful shutdown (ACPI)" },
	{ 'r', CMD_REBOOT, KEYS_DESKTOPS, "r", "reboot" },
	{ 'p', CMD_PAUSE_RESUME, KEYS_DESKTOPS, "p", "pause / resume" },
	{ 'F', CMD_FORCE_OFF, KEYS_DESKTOPS, "Shift-F", "force off (asks, naming the desktop)" },
};

enum ui_cmd keys_lookup(int key, int pane)
{
	size_t i;

	for (i = 0; i < sizeof bindings / sizeof bindings[0]; i++)
		if (bindings[i].key == key &&
		    (bindings[i].panes == 0 || (bindings[i].panes & (1u << pane))))
			return bindings[i].cmd;
	return CMD_NONE;
}

const struct key_binding *keys_table(size_t *n)
{
	*n = sizeof bindings / sizeof bindings[0];
	return bindings;
}
