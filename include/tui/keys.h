/* keys.h — the console's key bindings as tables, one per kind of mode:
 * key -> a command line run through the command table (cmd.h), the panes
 * where it applies, and its label. The help text is the command's own
 * unless the binding says more; the ? screen and the docs test are
 * generated from these tables. Adding a key is one line in keys.c. */
#ifndef HVDECK_KEYS_H
#define HVDECK_KEYS_H

#include <stddef.h>

enum key_table { KT_NONE, KT_PANES, KT_PAGE, KT_MIGRATE, KT_COUNT };

/* Which panes a binding applies in; 0 = everywhere. */
#define KEYS_HOSTS (1u << 0)
#define KEYS_VOLUMES (1u << 2)
#define KEYS_DESKTOPS (1u << 3)
#define KEYS_JOBS (1u << 4)

struct key_binding {
	int key;              /* curses key code */
	const char *label;    /* "Shift-F", "Ctrl-S"; NULL: an alias, not shown */
	const char *command;  /* a command line: "desktop start", "pane 1" */
	unsigned panes;       /* bit per pane_id, 0 = all */
	const char *help;     /* NULL: the command entry's help */
};

/* The binding of a key in a table and pane, NULL if unbound. */
const struct key_binding *keys_lookup(enum key_table kt, int key, int pane);
/* A table, for the help screen and list-keys. */
const struct key_binding *keys_table(enum key_table kt, size_t *n);
/* The first binding of key in kt that applies in other panes but not in
 * pane, with *other the first of them; NULL if none (to tell an
 * operator where a key belongs). */
const struct key_binding *keys_elsewhere(enum key_table kt, int key,
    int pane, int *other);
/* "the hypervisors pane", "the desktops and volumes panes": where a
 * binding's panes are, in buf; NULL for 0 (everywhere). */
char *keys_where(unsigned panes, char *buf, size_t len);
/* The help text of a binding: its own or its command's. */
const char *keys_help(const struct key_binding *b);
/* "panes", "pages": a table's name for help headings. */
const char *keys_table_name(enum key_table kt);

#endif
