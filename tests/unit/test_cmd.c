/* Unit tests for the command table (cmd.c) and the key tables (keys.c):
 * argument rules and their messages, unknown commands, read-only
 * refusal, `:` line splitting, every key reaching a table entry, and Tab
 * completion from a hand-filled model. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli-cmd.h"
#include "cmd/cmd-face.h"
#include "cmd/cmd.h"
#include "cmd/cmd-table.h"
#include "tui/ui-cmd.h"
#include "tui/keys.h"
#include "tui/layout.h"
#include "tui/mode.h"
#include "core/model.h"
#include "tui/ui.h"
#include "tui/wall.h"
#include "core/util.h"
#include "model-fill.h"

/* Parse a line where (CMD_LINE, CMD_CLI, 0 for keys); returns the entry
 * name or the message, in buf. */
static const char *parse(const char *line, unsigned where, char *buf, size_t len,
    int *nargs)
{
	char **w, **args, *cause = NULL;
	int n = cmd_split(line, &w);
	const struct cmd_entry *e = cmd_parse(w, n, where, nargs, &args, &cause);

	if (e != NULL) {
		snprintf(buf, len, "%s", e->name);
		if (*nargs > 0)
			snprintf(buf + strlen(buf), len - strlen(buf), " <%s>", args[0]);
	} else {
		snprintf(buf, len, "ERR %s", cause);
	}
	free(cause);
	cmd_free_words(w);
	return buf;
}

static void test_split(void **state)
{
	char **w;
	int n;

	(void)state;
	n = cmd_split("  go   \"my desktop\"  ", &w);
	assert_int_equal(n, 2);
	assert_string_equal(w[0], "go");
	assert_string_equal(w[1], "my desktop");
	assert_null(w[2]);
	cmd_free_words(w);
	n = cmd_split("", &w);
	assert_int_equal(n, 0);
	assert_null(w[0]);
	cmd_free_words(w);
}

static void test_argument_rules(void **state)
{
	char b[256];
	int n;

	(void)state;
	assert_string_equal(parse("go", CMD_LINE, b, sizeof b, &n),
	    "ERR go: missing argument (usage: go NAME)");
	assert_string_equal(parse("go a b", CMD_LINE, b, sizeof b, &n),
	    "ERR go: unexpected argument 'b' (usage: go NAME)");
	assert_string_equal(parse("quit now", CMD_LINE, b, sizeof b, &n),
	    "ERR quit: unexpected argument 'now' (usage: quit)");
	assert_string_equal(parse("dump extra", CMD_CLI, b, sizeof b, &n),
	    "ERR dump: unexpected argument 'extra' (usage: dump [--json])");
	assert_string_equal(parse("go hv1", CMD_LINE, b, sizeof b, &n), "go <hv1>");
	assert_int_equal(n, 1);
	assert_string_equal(parse("q", CMD_LINE, b, sizeof b, &n), "quit");
	/* a family verb before the family's own entry */
	assert_string_equal(parse("desktop start", CMD_LINE, b, sizeof b, &n), "desktop start");
	assert_int_equal(n, 0);
	assert_string_equal(parse("desktop start bob", CMD_LINE, b, sizeof b, &n),
	    "desktop start <bob>");
	assert_string_equal(parse("desktop bob", CMD_LINE, b, sizeof b, &n), "desktop <bob>");
	/* several desktops (the console's marks): one command; the command
	 * line's exec takes one */
	assert_string_equal(parse("desktop start a b", CMD_LINE, b, sizeof b, &n),
	    "desktop start <a>");
	assert_int_equal(n, 2);
	assert_string_equal(parse("host role a disk b", CMD_LINE, b, sizeof b, &n),
	    "ERR host role: unexpected argument 'b' (usage: host role NAME hypervisor|disk|mixed)");
}

static void test_unknown_and_wrong_place(void **state)
{
	char b[256];
	int n;

	(void)state;
	assert_string_equal(parse("frob", CMD_LINE, b, sizeof b, &n),
	    "ERR unknown command 'frob' (try :help)");
	assert_string_equal(parse("frob x", CMD_CLI, b, sizeof b, &n),
	    "ERR unknown command 'frob' (try --help)");
	assert_string_equal(parse("dump", CMD_LINE, b, sizeof b, &n),
	    "ERR 'dump' runs from the command line: hvdeck dump");
	assert_string_equal(parse("go x", CMD_CLI, b, sizeof b, &n),
	    "ERR 'go' is a console command: type :go in the console");
	/* console-internal entries are for keys, not for the `:` line */
	assert_string_equal(parse("up", CMD_LINE, b, sizeof b, &n),
	    "ERR unknown command 'up' (try :help)");
	assert_string_equal(parse("up", 0, b, sizeof b, &n), "up");
	assert_string_equal(parse("", CMD_LINE, b, sizeof b, &n),
	    "ERR no command (try :help)");
}

static void test_read_only_refusal(void **state)
{
	struct cmd_ctx c;
	char *cause = NULL;
	const struct cmd_entry *e;

	(void)state;
	memset(&c, 0, sizeof c);
	c.read_only = 1;
	/* refused before it runs: without a console it would ask for a name */
	assert_int_equal(cmd_run_line(&c, "desktop start", 0, &cause), -1);
	assert_string_equal(cause, "read-only: desktop start is not allowed");
	free(cause);
	cause = NULL;
	assert_int_equal(cmd_run_line(&c, "desktop force-off x", CMD_LINE, &cause), -1);
	assert_string_equal(cause, "read-only: desktop force-off is not allowed");
	free(cause);
	cause = NULL;
	/* allowed when read-only: it runs (and needs a console) */
	assert_int_equal(cmd_run_line(&c, "go x", CMD_LINE, &cause), -1);
	assert_string_equal(cause, "'go' is a console command");
	free(cause);
	cause = NULL;
	c.read_only = 0;
	/* without a console (the command line) a desktop verb needs a name:
	 * bad usage, exit status 2 */
	assert_int_equal(cmd_run_line(&c, "desktop start", 0, &cause), -1);
	assert_string_equal(cause, "desktop start: the command line needs the "
	    "desktop's name (usage: desktop start [NAME...])");
	assert_int_equal(c.status, 2);
	free(cause);
	cause = NULL;
	/* several names and one range (issue 22); a range that is not one
	 * is bad usage before anything connects */
	c.status = 0;
	assert_int_equal(cmd_run_line(&c, "desktop start a 'b-{1..}'", 0,
	    &cause), -1);
	assert_non_null(strstr(cause, "{"));
	assert_int_equal(c.status, 2);
	free(cause);
	/* every action that changes the cluster is refused read-only */
	e = cmd_find("desktop reboot");
	assert_non_null(e);
	assert_false(e->flags & CMD_READ_ONLY_OK);
	assert_true(cmd_find("dump")->flags & CMD_READ_ONLY_OK);
}

/* Every entry of the whole table (every part registered, as main.c
 * does): under read-only, each one not marked CMD_READ_ONLY_OK is refused
 * with the one text naming it in full, before it runs; each one marked is
 * not refused for being read-only. */
static const char read_only_ok[] = " list-commands job dismiss "
    " job dismiss-finished dump watch host list list-keys go host desktop "
    " mouse events help quit pane next-pane previous-pane up down page-up "
    " page-down home end details back filter command-prompt sort "
    " sort-reverse redraw mark mark-shown mark-clear host reconnect jobs "
    " capacity desktop viewer desktop cpu-fit wall ";

static void test_read_only_walk(void **state)
{
	const struct cmd_entry *t;
	struct cmd_ctx c;
	char *cause, *want;
	size_t n, i, refused = 0;

	(void)state;
	memset(&c, 0, sizeof c);
	c.read_only = 1;
	t = cmd_table(&n);
	for (i = 0; i < n; i++) {
		cause = NULL;
		if (t[i].flags & CMD_READ_ONLY_OK) {
			assert_int_equal(cmd_check_read_only(&c, &t[i], &cause), 0);
			assert_null(cause);
			continue;
		}
		want = xasprintf("read-only: %s is not allowed", t[i].name);
		assert_int_equal(cmd_check_read_only(&c, &t[i], &cause), -1);
		assert_string_equal(cause, want);
		free(cause);
		cause = NULL;
		/* and every way in passes the check before the entry runs */
		assert_int_equal(cmd_exec_entry(&c, &t[i], 0, NULL, &cause), -1);
		assert_string_equal(cause, want);
		free(cause);
		free(want);
		refused++;
	}
	/* the entries a read-only hvdeck may run are exactly these: marking
	 * derive or volume delete read-only-safe fails here */
	for (i = 0; i < n; i++) {
		want = xasprintf(" %s ", t[i].name);
		if (t[i].flags & CMD_READ_ONLY_OK)
			assert_non_null(strstr(read_only_ok, want));
		else
			assert_null(strstr(read_only_ok, want));
		free(want);
	}
	assert_true(refused > 20);
	c.read_only = 0;
	assert_int_equal(cmd_check_read_only(&c, cmd_find("derive"), &cause), 0);
}

static void test_table_is_sound(void **state)
{
	const struct cmd_entry *e;
	size_t n, i, k;

	(void)state;
	e = cmd_table(&n);
	assert_true(n > 20);
	for (i = 0; i < n; i++) {
		assert_non_null(e[i].help);
		assert_true(e[i].help[0] != '\0');
		assert_non_null(e[i].args);
		assert_non_null(e[i].exec);
		assert_true(e[i].min_args >= 0 && e[i].max_args >= e[i].min_args);
		assert_ptr_equal(cmd_find(e[i].name), &e[i]);
		for (k = 0; k < i; k++)
			assert_string_not_equal(e[k].name, e[i].name);
	}
}

/* Every binding runs a real entry: a typo in keys.c would otherwise be a
 * key that silently does something else. */
static void test_keys_reach_entries(void **state)
{
	const struct key_binding *k;
	size_t n, i;
	int kt, nargs;
	char b[256];

	(void)state;
	for (kt = 0; kt < KT_COUNT; kt++) {
		k = keys_table((enum key_table)kt, &n);
		for (i = 0; i < n; i++) {
			parse(k[i].command, 0, b, sizeof b, &nargs);
			if (strncmp(b, "ERR", 3) == 0)
				fail_msg("key %s: %s", k[i].command, b);
			/* "desktop X" must be a verb, not the select-by-name entry */
			assert_int_equal(nargs, strncmp(k[i].command, "pane ", 5) == 0);
			assert_true(keys_help(&k[i])[0] != '?');
		}
	}
	assert_string_equal(keys_lookup(KT_PANES, 'u', PANE_DESKTOPS)->command, "desktop start");
	assert_null(keys_lookup(KT_PANES, 'u', PANE_HOSTS));
	assert_string_equal(keys_lookup(KT_PANES, 'F', PANE_DESKTOPS)->command, "desktop force-off");
	assert_string_equal(keys_lookup(KT_PANES, 'p', PANE_DESKTOPS)->command, "desktop toggle-pause");
	assert_string_equal(keys_lookup(KT_PANES, '3', PANE_HOSTS)->command, "pane 3");
	assert_string_equal(keys_lookup(KT_PANES, 3, PANE_HOSTS)->command, "quit");	/* Ctrl-C */
	assert_string_equal(keys_lookup(KT_PAGE, 27, PANE_HOSTS)->command, "back");
	assert_string_equal(keys_lookup(KT_PAGE, KEY_DOWN, PANE_HOSTS)->command, "down");
	assert_null(keys_lookup(KT_PAGE, 'u', PANE_DESKTOPS));
	assert_string_equal(keys_help(keys_lookup(KT_PANES, 'h', PANE_DESKTOPS)),
	    "graceful shutdown (ACPI)");
}

/* ---- completion from a hand-filled model ---- */

static int model_setup(void **state)
{
	unsigned h1, h2;

	(void)state;
	fill_hosts(&h1, &h2);
	fill_desktop(h1, "aaaaaaaa-0000-0000-0000-000000000001", "alice-win", DS_RUNNING);
	fill_desktop(h1, "aaaaaaaa-0000-0000-0000-000000000002", "alice-dev", DS_RUNNING);
	fill_desktop(h2, "aaaaaaaa-0000-0000-0000-000000000003", "bob", DS_RUNNING);
	fill_bases(h1);
	return 0;
}

static int model_teardown(void **state)
{
	(void)state;
	model_free();
	return 0;
}

/* hv1's id in this test's model (each setup adds hosts anew). */
static unsigned hv1_id(void)
{
	struct m_host *h;
	unsigned id;

	model_lock();
	h = model_host_by_name("hv1");
	id = h != NULL ? h->id : 0;
	model_unlock();
	return id;
}

static void complete(const char *line, const char *want, size_t count,
    const char *want_list)
{
	char *done, *list;
	size_t n = cmd_complete(line, &done, &list);

	assert_string_equal(done, want);
	assert_int_equal(n, count);
	if (want_list == NULL)
		assert_null(list);
	else
		assert_string_equal(list, want_list);
	free(done);
	free(list);
}

static void test_complete(void **state)
{
	(void)state;
	complete("g", "go ", 1, NULL);
	complete("des", "desktop ", 1, NULL);
	complete("de", "de", 2, "derive desktop");	/* a command and a family */
	complete("desktop st", "desktop start ", 1, NULL);
	complete("go al", "go alice-", 2, "alice-dev alice-win");
	complete("go alice-w", "go alice-win ", 1, NULL);
	complete("go b", "go b", 2, "bases bob");		/* pool and desktop */
	complete("go de", "go deb.qcow2 ", 1, NULL);		/* a volume */
	complete("go t", "go tmpl.qcow2 ", 1, NULL);
	complete("host h", "host hv", 2, "hv1 hv2");
	complete("host b", "host b", 0, NULL);			/* hosts only */
	complete("desktop start b", "desktop start bob ", 1, NULL); /* desktops only */
	complete("frob x", "frob x", 0, NULL);
	complete("up", "up", 0, NULL);				/* keys only */
	/* a name the line would not read back bare is inserted quoted */
	fill_desktop(hv1_id(), "cccccccc-0000-0000-0000-000000000001", "x y",
	    DS_RUNNING);
	fill_desktop(hv1_id(), "cccccccc-0000-0000-0000-000000000002", "--unsafe",
	    DS_RUNNING);
	complete("desktop start x", "desktop start \"x y\" ", 1, NULL);
	complete("desktop start --u", "desktop start \"--unsafe\" ", 1, NULL);
	complete("desktop start \"x", "desktop start \"x y\" ", 1, NULL);
}

/* Run a `:` line in a console made of the panes alone; the message, or
 * "ok" and the focused pane's selected key. */
static const char *console_line(struct ui *u, const char *line, char *buf,
    size_t len)
{
	struct cmd_ctx c;
	char *cause = NULL;
	enum pane_id pane;
	const char *key;

	memset(&c, 0, sizeof c);
	ui_cmd_face_init(u, &u->face);
	c.face = &u->face;
	if (cmd_run_line(&c, line, CMD_LINE, &cause) < 0) {
		snprintf(buf, len, "ERR %s", cause);
	} else {
		key = panes_selected(u->panes, &pane);
		snprintf(buf, len, "ok %d %s", (int)pane + 1, key != NULL ? key : "-");
	}
	free(cause);
	return buf;
}

/* Every command that selects by name gives the same kind of answer for
 * an unknown name, and the table's message for a missing or extra
 * argument (:host used to say "selected when it appears"). */
static void test_console_lines_alike(void **state)
{
	struct ui u;
	char b[256];

	(void)state;
	memset(&u, 0, sizeof u);
	u.panes = panes_new(50, 200, 1);
	panes_refresh(u.panes, 1);
	assert_string_equal(console_line(&u, "host nosuch", b, sizeof b),
	    "ERR no host named nosuch");
	assert_string_equal(console_line(&u, "desktop nosuch", b, sizeof b),
	    "ERR no desktop named nosuch");
	assert_string_equal(console_line(&u, "go nosuch", b, sizeof b),
	    "ERR no host, desktop, pool or volume named nosuch");
	/* a desktop is not a host */
	assert_string_equal(console_line(&u, "host bob", b, sizeof b),
	    "ERR no host named bob");
	assert_string_equal(console_line(&u, "host", b, sizeof b),
	    "ERR host: missing argument (usage: host NAME)");
	assert_string_equal(console_line(&u, "desktop", b, sizeof b),
	    "ERR desktop: missing argument (usage: desktop NAME)");
	assert_string_equal(console_line(&u, "host hv1 hv2", b, sizeof b),
	    "ERR host: unexpected argument 'hv2' (usage: host NAME)");
	assert_string_equal(console_line(&u, "quit now", b, sizeof b),
	    "ERR quit: unexpected argument 'now' (usage: quit)");
	assert_string_equal(console_line(&u, "help me", b, sizeof b),
	    "ERR help: unexpected argument 'me' (usage: help)");
	assert_string_equal(console_line(&u, "host hv2", b, sizeof b), "ok 1 hv2");
	assert_string_equal(console_line(&u, "desktop bob", b, sizeof b),
	    "ok 4 aaaaaaaa-0000-0000-0000-000000000003");
	assert_false(u.quit);
	panes_free(u.panes);
}

/* Any name survives cmd_quote and cmd_split: forms and confirmations
 * build their command lines this way. */
static void test_quote_round_trip(void **state)
{
	const char *names[] = { "plain", "two words", "a\"quote", "back\\slash",
	    "\\\"", "" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *q = cmd_quote(names[i]), *line = NULL, **w = NULL;

		line = xasprintf("go %s", q);
		assert_int_equal(cmd_split(line, &w), 2);
		assert_string_equal(w[1], names[i]);
		cmd_free_words(w);
		free(line);
		free(q);
	}
}

/* Command options come out of the words wherever they stand; globals
 * stay for main's getopt; an entry refuses options it does not declare. */
static void test_options(void **state)
{
	char a0[] = "watch", a1[] = "--json", a2[] = "--stats", a3[] = "--",
	    a4[] = "--json";
	char *w[] = { a0, a1, a2, a3, a4, NULL };
	const char *const globals[] = { "stats", NULL };
	struct cmd_opts o;
	char *cause = NULL;
	int n = 5;

	(void)state;
	assert_int_equal(cmd_take_options(&n, w, NULL, globals, &o, &cause), 0);
	assert_int_equal(n, 3);
	assert_string_equal(w[0], "watch");
	assert_string_equal(w[1], "--stats");   /* a global: left in place */
	assert_string_equal(w[2], "--json");    /* after "--": an argument */
	assert_int_equal(o.n, 1);
	assert_string_equal(cmd_opt(&o, "json"), "");
	assert_null(cmd_opt(&o, "stats"));
	assert_int_equal(cmd_check_options(cmd_find("watch"), &o, &cause), 0);
	assert_int_equal(cmd_check_options(cmd_find("list-keys"), &o, &cause), -1);
	assert_string_equal(cause,
	    "list-keys does not take --json (usage: list-keys)");
	free(cause);
	cause = NULL;
	{
		char b0[] = "dump", b1[] = "--json=yes";
		char *v[] = { b0, b1, NULL };

		n = 2;
		assert_int_equal(cmd_take_options(&n, v, NULL, NULL, &o, &cause), -1);
		assert_string_equal(cause, "option '--json' takes no value");
		free(cause);
	}
}

/* A face that records what a command asks, as the console would show it,
 * and answers nothing: the commands need no console to ask. */
static char asked[256], asked_arg[256];

static int record_confirm(const struct cmd_face *f, const char *question,
    const char *what, cmd_face_yes yes, const char *arg, char **cause)
{
	(void)f; (void)what; (void)cause;
	assert_non_null(yes);	/* the console answers later */
	snprintf(asked, sizeof asked, "%s", question);
	snprintf(asked_arg, sizeof asked_arg, "%s", arg);
	return 0;
}

static const char *ask_line(const char *line)
{
	struct cmd_face face = { .console = 1, .confirm = record_confirm };
	struct cmd_ctx c;
	char *cause = NULL;

	memset(&c, 0, sizeof c);
	c.face = &face;
	asked[0] = asked_arg[0] = '\0';
	if (cmd_run_line(&c, line, CMD_LINE, &cause) < 0) {
		snprintf(asked, sizeof asked, "ERR %s", cause);
		free(cause);
	}
	return asked;
}

/* Questions go through the face, naming what they act on. */
static void test_face_questions(void **state)
{
	(void)state;
	assert_string_equal(ask_line("desktop force-off bob"), "Force off "
	    "desktop bob on hv2? (like pulling the power cord)");
	assert_string_equal(asked_arg, "5 aaaaaaaa-0000-0000-0000-000000000003");
	assert_string_equal(ask_line("desktop shutdown bob alice-win"),
	    "Shut down 2 desktops on hv1, hv2? (bob, alice-win)");
	assert_string_equal(ask_line("host maintenance hv1"), "Put hv1 in "
	    "maintenance? (no new desktops, derivations or migrations go to "
	    "it; what runs there keeps running)");
	assert_string_equal(asked_arg, "host maintenance \"hv1\" on");
	/* refused before asking: never a question whose yes is refused */
	assert_string_equal(ask_line("desktop force-off nosuch"),
	    "ERR no desktop named nosuch");
}

/* explicit(u, line): the line as the console runs it. */
static const char *explicit(struct ui *u, const char *line, char *buf,
    size_t len)
{
	int marks;
	char *full = ui_cmd_explicit(u, line, 0, &marks);

	snprintf(buf, len, "%s%s", full, marks ? " (marks)" : "");
	free(full);
	return buf;
}

/* The console names its selection and its marks in the line before a
 * command runs: the command never asks what is selected. */
static void test_explicit_targets(void **state)
{
	struct ui u;
	char b[256];

	(void)state;
	memset(&u, 0, sizeof u);
	u.panes = panes_new(50, 200, 1);
	panes_refresh(u.panes, 1);
	assert_string_equal(console_line(&u, "desktop bob", b, sizeof b),
	    "ok 4 aaaaaaaa-0000-0000-0000-000000000003");
	/* a desktop by its name (no other has it), quoted */
	assert_string_equal(explicit(&u, "desktop start", b, sizeof b),
	    "desktop start \"bob\"");
	/* options after the name stay */
	assert_string_equal(explicit(&u, "desktop delete --with-disk", b, sizeof b),
	    "desktop delete \"bob\" --with-disk");
	/* given names and commands without a target are not touched */
	assert_string_equal(explicit(&u, "desktop start alice-win", b, sizeof b),
	    "desktop start alice-win");
	assert_string_equal(explicit(&u, "help", b, sizeof b), "help");
	/* a host command wants a host: the desktop is not one */
	assert_string_equal(explicit(&u, "host role", b, sizeof b), "host role");
	assert_string_equal(console_line(&u, "host hv2", b, sizeof b), "ok 1 hv2");
	assert_string_equal(explicit(&u, "host role", b, sizeof b),
	    "host role \"hv2\"");
	/* marks: every marked desktop, for a verb that takes them */
	assert_string_equal(console_line(&u, "desktop bob", b, sizeof b),
	    "ok 4 aaaaaaaa-0000-0000-0000-000000000003");
	assert_int_equal(panes_mark_toggle(u.panes), 0);
	assert_string_equal(console_line(&u, "desktop alice-dev", b, sizeof b),
	    "ok 4 aaaaaaaa-0000-0000-0000-000000000002");
	assert_int_equal(panes_mark_toggle(u.panes), 0);
	explicit(&u, "desktop shutdown", b, sizeof b);
	assert_true(strcmp(b, "desktop shutdown \"bob\" \"alice-dev\" (marks)") == 0 ||
	    strcmp(b, "desktop shutdown \"alice-dev\" \"bob\" (marks)") == 0);
	/* migrate and delete take the marks too (issue 22) */
	explicit(&u, "desktop migrate", b, sizeof b);
	assert_non_null(strstr(b, "(marks)"));
	/* but not one that acts on one desktop: the selected one (Space
	 * moved the selection on) */
	assert_string_equal(explicit(&u, "template from", b, sizeof b),
	    "template from \"alice-win\"");
	panes_free(u.panes);
}

/* Names that look like options or hold quotes and spaces: a quoted word
 * is a name, never an option, wherever the line came from (typed, a
 * form's cmd_quote, the console's explicit selection). */
static const char *hostile[] = { "--unsafe", "a\"b", "x y" };

static void fill_hostile(void)
{
	char uuid[40];
	size_t i;

	for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		snprintf(uuid, sizeof uuid, "bbbbbbbb-0000-0000-0000-00000000000%zu", i);
		fill_desktop(hv1_id(), uuid, hostile[i], DS_RUNNING);
	}
}

static void test_quoted_words_are_names(void **state)
{
	char **w, **all, *q, *line, *cause = NULL;
	unsigned char *quoted;
	struct cmd_opts o;
	size_t i;
	int n;

	(void)state;
	fill_hostile();
	n = cmd_split_marked("x \"--unsafe\" --unsafe '--on' --on=\"a b\"", &w,
	    &quoted);
	assert_int_equal(n, 5);
	/* cmd_take_options moves the option words out of w (their values
	 * point into them): the caller frees every word it split */
	all = xcalloc((size_t)n + 1, sizeof *all);
	memcpy(all, w, (size_t)n * sizeof *all);
	assert_int_equal(quoted[1], 1);
	assert_int_equal(quoted[2], 0);
	assert_int_equal(quoted[3], 1);
	assert_int_equal(quoted[4], 0);
	assert_int_equal(cmd_take_options(&n, w, quoted, NULL, &o, &cause), 0);
	assert_int_equal(n, 3);
	assert_string_equal(w[1], "--unsafe");	/* the quoted one */
	assert_string_equal(w[2], "--on");
	assert_int_equal(o.n, 2);
	assert_string_equal(cmd_opt(&o, "unsafe"), "");
	assert_string_equal(cmd_opt(&o, "on"), "a b");
	/* the taken option words are the unquoted "--unsafe" and "--on=..." */
	free(w);
	cmd_free_words(all);
	free(quoted);
	for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		q = cmd_quote(hostile[i]);
		line = xasprintf("desktop force-off %s", q);
		ask_line(line);
		free(line);
		line = xasprintf("Force off desktop %s on hv1? (like pulling the "
		    "power cord)", hostile[i]);
		assert_string_equal(asked, line);
		free(line);
		free(q);
	}
}

/* The `:` line reads 'single quotes' as a shell does. */
static void test_single_quotes(void **state)
{
	char **w;

	(void)state;
	assert_int_equal(cmd_split("desktop new t 'x-{1..3}.qcow2' 'a\"b' 'c\\d'"
	    "'e f'g", &w), 6);
	assert_string_equal(w[3], "x-{1..3}.qcow2");
	assert_string_equal(w[4], "a\"b");
	assert_string_equal(w[5], "c\\de fg");
	cmd_free_words(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_single_quotes),
		cmocka_unit_test_setup_teardown(test_quoted_words_are_names,
		    model_setup, model_teardown),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_quote_round_trip),
		cmocka_unit_test(test_argument_rules),
		cmocka_unit_test(test_unknown_and_wrong_place),
		cmocka_unit_test(test_read_only_refusal),
		cmocka_unit_test(test_read_only_walk),
		cmocka_unit_test(test_table_is_sound),
		cmocka_unit_test(test_keys_reach_entries),
		cmocka_unit_test_setup_teardown(test_complete, model_setup, model_teardown),
		cmocka_unit_test_setup_teardown(test_console_lines_alike, model_setup,
		    model_teardown),
		cmocka_unit_test_setup_teardown(test_explicit_targets, model_setup,
		    model_teardown),
		cmocka_unit_test_setup_teardown(test_face_questions, model_setup,
		    model_teardown),
	};

	/* one table, as main.c makes it: the faces' entries too */
	cmd_commands_register();
	cli_cmd_register();
	ui_cmd_register();
	wall_cmd_register();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
