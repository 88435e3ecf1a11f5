/* keys.c — the key tables. Each key names a command line that goes through
 * the command table, so a key and its `:` command can never disagree.
 * Adding a key is one line here. */
#include "tui/keys.h"
#include "cmd/cmd.h"

#include <curses.h>
#include <stdlib.h>

#define CTRL(c) ((c) & 0x1f)

static const struct key_binding panes_keys[] = {
	{ '1', "1", "pane 1", 0, "hypervisors pane" },
	{ '2', "2", "pane 2", 0, "storage pools pane" },
	{ '3', "3", "pane 3", 0, "volumes pane (backing chains)" },
	{ '4', "4", "pane 4", 0, "desktops pane" },
	{ '5', "5", "pane 5", 0, "jobs pane" },
	{ '\t', "Tab", "next-pane", 0, NULL },
	{ KEY_BTAB, "Shift-Tab", "previous-pane", 0, NULL },
	{ KEY_UP, "Up, k", "up", 0, NULL },
	{ 'k', NULL, "up", 0, NULL },
	{ KEY_DOWN, "Down, j", "down", 0, NULL },
	{ 'j', NULL, "down", 0, NULL },
	{ KEY_PPAGE, "PgUp", "page-up", 0, NULL },
	{ KEY_NPAGE, "PgDn", "page-down", 0, NULL },
	{ 'g', "g, Home", "home", 0, NULL },
	{ KEY_HOME, NULL, "home", 0, NULL },
	{ 'G', "G, End", "end", 0, NULL },
	{ KEY_END, NULL, "end", 0, NULL },
	{ '\n', "Enter", "details", 0, NULL },
	{ KEY_ENTER, NULL, "details", 0, NULL },
	{ 27, "Esc", "back", 0, "clear the marks, else the pane's filter" },
	{ '/', "/", "filter", 0, NULL },
	{ 's', "s", "sort", 0, NULL },
	{ 'S', "S", "sort-reverse", 0, NULL },
	{ '?', "?", "help", 0, NULL },
	{ ':', ":", "command-prompt", 0, NULL },
	{ 'q', "q, Ctrl-C", "quit", 0, NULL },
	{ CTRL('c'), NULL, "quit", 0, NULL },
	{ CTRL('l'), "Ctrl-L", "redraw", 0, NULL },
	{ CTRL('s'), "Ctrl-S, u", "desktop start", KEYS_DESKTOPS, NULL },
	{ 'u', NULL, "desktop start", KEYS_DESKTOPS, NULL },
	{ 'h', "h", "desktop shutdown", KEYS_DESKTOPS, NULL },
	{ 'r', "r", "desktop reboot", KEYS_DESKTOPS, NULL },
	{ 'p', "p", "desktop toggle-pause", KEYS_DESKTOPS, NULL },
	{ 'F', "Shift-F", "desktop force-off", KEYS_DESKTOPS, NULL },
	{ 'n', "n", "derive", KEYS_VOLUMES, "derive overlays from the selected base or template: a form" },
	{ 'R', "Shift-R", "pool refresh", 0, "rescan the selected pool (pools pane)" },
	{ 'L', "Shift-L", "events", 0, NULL },
	{ 'a', "a", "add-host", KEYS_HOSTS, "add a hypervisor over SSH: a form" },
	{ 'e', "e", "host role", KEYS_HOSTS, "choose the selected host's role" },
	{ 'M', "Shift-M", "host maintenance", KEYS_HOSTS, "put the selected host in or out of maintenance, after asking" },
	{ 'D', "Shift-D", "volume delete", KEYS_VOLUMES, "delete the selected volume after asking, naming it; refused while a volume or desktop depends on it" },
	{ 'C', "Shift-C", "host reconnect", KEYS_HOSTS, "connect to the selected host now, not at the end of its backoff" },
	{ 'X', "Shift-X", "host remove", KEYS_HOSTS, "remove the selected hypervisor (asks; config and known_hosts only)" },
	{ 'E', "Shift-E", "host drain", KEYS_HOSTS, "drain the selected host: its plan (where each running desktop goes, which cannot and why) in a form naming the host and how many move; Enter puts it in maintenance and moves them" },
	{ 'N', "Shift-N", "desktop new", KEYS_DESKTOPS | KEYS_VOLUMES, "new desktops from the selected template desktop, or from a template desktop using the selected volume (a form)" },
	{ 'T', "Shift-T", "template from", KEYS_DESKTOPS, "make a template from the selected shut-off desktop (a form)" },
	{ 'X', "Shift-X", "desktop delete", KEYS_DESKTOPS, "delete the selected desktop (or every marked one), and with the box ticked its disk, after asking" },
	{ 'V', "Shift-V", "desktop move-disk", KEYS_DESKTOPS, "move the selected desktop's disk into another pool of its host, running or not: a form, then asks naming the disk and the pool" },
	{ 'm', "m", "desktop migrate", KEYS_DESKTOPS, "live-migrate the desktop: a form with the destinations and options, then its pre-flight checks (marked desktops: one question, each placed)" },
	{ 'c', "c", "job cancel", KEYS_JOBS, NULL },
	{ 'b', "b", "job bandwidth", KEYS_JOBS, NULL },
	{ 'd', "d", "job downtime", KEYS_JOBS, NULL },
	{ 'P', "Shift-P", "job postcopy", KEYS_JOBS, NULL },
	{ 'x', "x", "job dismiss", KEYS_JOBS, NULL },
	{ 'W', "Shift-W", "job dismiss-finished", KEYS_JOBS, NULL },
	{ ' ', "Space", "mark", KEYS_DESKTOPS, NULL },
	{ '*', "*", "mark-shown", KEYS_DESKTOPS, NULL },
	{ 'v', "v", "desktop viewer", KEYS_DESKTOPS, "what a remote viewer needs for the selected running desktop: graphics, address, ports, the ssh -L tunnel; w writes its .vv file" },
	{ 'z', "z", "desktop set", KEYS_DESKTOPS, "change the selected desktop's vCPUs and memory: a form (live where libvirt allows, else at next start; checked against its host's capacity)" },
	{ '%', "%", "capacity", 0, "the capacity view: per host vCPUs against CPUs, memory committed against total and memory_reserve; per pool its fill (any pane)" },
};

/* Details and help: scrolling pages. */
static const struct key_binding page_keys[] = {
	{ KEY_UP, "Up, k", "up", 0, "scroll up" },
	{ 'k', NULL, "up", 0, NULL },
	{ KEY_DOWN, "Down, j", "down", 0, "scroll down" },
	{ 'j', NULL, "down", 0, NULL },
	{ KEY_PPAGE, "PgUp", "page-up", 0, NULL },
	{ KEY_NPAGE, "PgDn", "page-down", 0, NULL },
	{ 'g', "g, Home", "home", 0, "top of the page" },
	{ KEY_HOME, NULL, "home", 0, NULL },
	{ 'G', "G, End", "end", 0, "end of the page" },
	{ KEY_END, NULL, "end", 0, NULL },
	{ 27, "Esc, Enter, ?", "back", 0, "close the page" },
	{ '\n', NULL, "back", 0, NULL },
	{ KEY_ENTER, NULL, "back", 0, NULL },
	{ '?', NULL, "back", 0, NULL },
	{ 'q', "q, Ctrl-C", "quit", 0, NULL },
	{ CTRL('c'), NULL, "quit", 0, NULL },
	{ CTRL('l'), "Ctrl-L", "redraw", 0, NULL },
};

/* The migration progress view: its job's keys, and scrolling. */
static const struct key_binding migrate_keys[] = {
	{ 'b', "b", "job bandwidth", 0, NULL },
	{ 'd', "d", "job downtime", 0, NULL },
	{ 'P', "Shift-P", "job postcopy", 0, NULL },
	{ 'c', "c", "job cancel", 0, NULL },
	{ 'x', "x", "job dismiss", 0, "dismiss the migration once it has ended (closes the view)" },
	{ KEY_UP, "Up, k", "up", 0, "scroll up" },
	{ 'k', NULL, "up", 0, NULL },
	{ KEY_DOWN, "Down, j", "down", 0, "scroll down" },
	{ 'j', NULL, "down", 0, NULL },
	{ 27, "Esc, Enter", "back", 0, "back to the panes (the migration goes on)" },
	{ '\n', NULL, "back", 0, NULL },
	{ KEY_ENTER, NULL, "back", 0, NULL },
	{ '?', "?", "help", 0, NULL },
	{ 'q', "q, Ctrl-C", "quit", 0, NULL },
	{ CTRL('c'), NULL, "quit", 0, NULL },
	{ CTRL('l'), "Ctrl-L", "redraw", 0, NULL },
};

static const struct {
	const char *name;
	const struct key_binding *keys;
	size_t n;
} tables[KT_COUNT] = {
	[KT_NONE] = { "none", NULL, 0 },
	[KT_PANES] = { "panes", panes_keys, sizeof panes_keys / sizeof panes_keys[0] },
	[KT_PAGE] = { "pages", page_keys, sizeof page_keys / sizeof page_keys[0] },
	[KT_MIGRATE] = { "migration", migrate_keys, sizeof migrate_keys / sizeof migrate_keys[0] },
};

const struct key_binding *keys_lookup(enum key_table kt, int key, int pane)
{
	const struct key_binding *b;
	size_t i;

	if ((unsigned)kt >= KT_COUNT)
		return NULL;
	for (i = 0; i < tables[kt].n; i++) {
		b = &tables[kt].keys[i];
		if (b->key == key && (b->panes == 0 || (b->panes & (1u << pane))))
			return b;
	}
	return NULL;
}

const struct key_binding *keys_table(enum key_table kt, size_t *n)
{
	*n = (unsigned)kt < KT_COUNT ? tables[kt].n : 0;
	return (unsigned)kt < KT_COUNT ? tables[kt].keys : NULL;
}

const char *keys_table_name(enum key_table kt)
{
	return (unsigned)kt < KT_COUNT ? tables[kt].name : "?";
}

/* The panes of the KEYS_* bits, in pane order (the bit is the pane). */
static const char *const pane_names[] = { "hypervisors", "storage pools",
	"volumes", "desktops", "jobs" };

char *keys_where(unsigned panes, char *buf, size_t len)
{
	size_t i, n = 0, used = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof pane_names / sizeof pane_names[0]; i++) {
		if (!(panes & (1u << i)))
			continue;
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0,
		    "%s%s", n > 0 ? " and " : "the ", pane_names[i]);
		n++;
	}
	if (n > 0 && used < len)
		snprintf(buf + used, len - used, " pane%s", n > 1 ? "s" : "");
	return n > 0 ? buf : NULL;
}

const struct key_binding *keys_elsewhere(enum key_table kt, int key,
    int pane, int *other)
{
	const struct key_binding *b;
	size_t i;
	int j;

	if ((unsigned)kt >= KT_COUNT)
		return NULL;
	for (i = 0; i < tables[kt].n; i++) {
		b = &tables[kt].keys[i];
		if (b->key != key || b->panes == 0 || (b->panes & (1u << pane)))
			continue;
		for (j = 0; !(b->panes & (1u << j)); j++)
			;
		*other = j;
		return b;
	}
	return NULL;
}

const char *keys_help(const struct key_binding *b)
{
	char **w;
	const struct cmd_entry *e = NULL;
	const char *help;
	int n;

	if (b->help != NULL)
		return b->help;
	n = cmd_split(b->command, &w);
	/* the longest name that is an entry: "desktop start" before "desktop" */
	if (n >= 2) {
		char name[64];

		snprintf(name, sizeof name, "%s %s", w[0], w[1]);
		e = cmd_find(name);
	}
	if (e == NULL && n >= 1)
		e = cmd_find(w[0]);
	cmd_free_words(w);
	help = e != NULL ? e->help : "?";
	return help;
}
