/* Unit tests for the typed options (cmd-opts.c): every option a command's
 * usage declares has one typed line and the other way round; every
 * number's bounds (min-1, min, max, max+1), garbage and the empty value,
 * every word of a choice, given to every command that takes the option
 * through the command line's path (main.c: cmd_take_options with hvdeck's
 * own options left for getopt, cmd_parse, cmd_check_options) and the `:`
 * line's (cmd_run_line), get the same answer and the same message; the
 * help text shows the ranges. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli-cmd.h"
#include "cmd/cmd.h"
#include "cmd/cmd-opts.h"
#include "cmd/cmd-table.h"
#include "core/config.h"
#include "core/util.h"
#include "srv/srv-cmd.h"
#include "tui/wall.h"

/* main.c's own long options: the command line leaves them to getopt */
static const char *const globals[] = { "config", "host", "read-only",
	"timeout", "log", "json", "stats", "theme", "ascii", "version", "help",
	NULL };

/* Whether usage declares --name, and with a value (a metavariable after
 * a space or '='): what cmd.c reads from the table. */
static int declares(const char *usage, const char *name, int *has_value)
{
	size_t len = strlen(name);
	const char *p;

	for (p = strstr(usage, "--"); p != NULL; p = strstr(p + 2, "--")) {
		char after;

		if (strncmp(p + 2, name, len) != 0)
			continue;
		after = p[2 + len];
		if (after != '\0' && after != ' ' && after != '=' && after != ']')
			continue;
		*has_value = after == ' ' || after == '=';
		return 1;
	}
	return 0;
}

/* The entry's name and as many arguments as it takes (at most two). */
static char *words_of(const struct cmd_entry *e)
{
	int n = e->max_args < 2 ? e->max_args : 2, i;
	char *s = xstrdup(e->name), *t;

	for (i = 0; i < n; i++) {
		t = xasprintf("%s a%d", s, i);
		free(s);
		s = t;
	}
	return s;
}

/* The command line's path: 0 when accepted, else -1 with *cause. */
static int cli_path(const struct cmd_entry *e, const char *opt,
    const char *value, char **cause)
{
	char *line = words_of(e), **words, **args, *opt_word;
	int n = cmd_split(line, &words), nargs, rc = -1;
	char **argv = xcalloc((size_t)n + 4, sizeof *argv);
	const struct cmd_entry *found;
	struct cmd_opts o;

	/* argv as main sees it: the option after the arguments, its value a
	 * word of its own */
	memcpy(argv, words, (size_t)n * sizeof *argv);
	opt_word = xasprintf("--%s", opt);
	argv[n++] = opt_word;
	if (value != NULL)
		argv[n++] = (char *)value;
	if (cmd_take_options(&n, argv, NULL, globals, &o, cause) == 0 &&
	    (found = cmd_parse(argv, n, CMD_CLI, &nargs, &args, cause)) != NULL) {
		assert_ptr_equal(found, e);
		rc = cmd_check_options(e, &o, cause);
	}
	free(opt_word);
	free(argv);
	cmd_free_words(words);
	free(line);
	return rc;
}

/* The `:` line's path, up to running: a read-only hvdeck refuses a
 * command whose options passed (none of these may run read-only). */
static int line_path(const struct cmd_entry *e, const char *opt,
    const char *value, char **cause)
{
	char *words = words_of(e), *q = value != NULL ? cmd_quote(value) : NULL;
	char *line = xasprintf("%s --%s%s%s", words, opt, q != NULL ? " " : "",
	    q != NULL ? q : "");
	struct cmd_ctx c;
	int rc;

	memset(&c, 0, sizeof c);
	c.read_only = 1;
	assert_false(e->flags & CMD_READ_ONLY_OK);
	rc = cmd_run_line(&c, line, CMD_LINE, cause);
	assert_int_equal(rc, -1);
	if (strncmp(*cause, "read-only: ", 11) == 0) {
		free(*cause);
		*cause = NULL;
		rc = 0;
	}
	free(q);
	free(line);
	free(words);
	return rc;
}

/* value given to --s->name of every entry that takes it, on each path
 * the entry has: accepted when `ok`, else refused saying `why`. */
static void given_everywhere(const struct cmd_opt_spec *s, const char *value,
    int ok, const char *why)
{
	const struct cmd_entry *t;
	size_t n, i, tried = 0;
	char *cause = NULL;
	int has_value, rc;

	t = cmd_table(&n);
	for (i = 0; i < n; i++) {
		if (!declares(t[i].args, s->name, &has_value) ||
		    cmd_opt_spec(t[i].name, s->name) != s)
			continue;
		if (t[i].flags & CMD_CLI) {
			rc = cli_path(&t[i], s->name, value, &cause);
			if (rc != (ok ? 0 : -1) || (!ok && strcmp(cause, why) != 0))
				fail_msg("hvdeck %s --%s '%s': %s", t[i].name,
				    s->name, value, rc == 0 ? "accepted" : cause);
			free(cause);
			cause = NULL;
			tried++;
		}
		/* a read-only-safe entry would run: its line is the CLI's */
		if ((t[i].flags & CMD_LINE) &&
		    !(t[i].flags & CMD_READ_ONLY_OK)) {
			rc = line_path(&t[i], s->name, value, &cause);
			if (rc != (ok ? 0 : -1) || (!ok && strcmp(cause, why) != 0))
				fail_msg(":%s --%s '%s': %s", t[i].name, s->name,
				    value, rc == 0 ? "accepted" : cause);
			free(cause);
			cause = NULL;
			tried++;
		}
	}
	assert_true(tried > 0);
}

static int positional(const struct cmd_opt_spec *s)
{
	return s->name[0] >= 'A' && s->name[0] <= 'Z';
}

/* Every option the table's usage texts declare has a typed line of the
 * same kind (flag or value), and every line belongs to a command. */
static void test_table_and_lines_agree(void **state)
{
	const struct cmd_entry *t;
	const struct cmd_opt_spec *s;
	size_t n, ns, i, k, users;
	const char *p;
	char name[32];
	int has_value;

	(void)state;
	t = cmd_table(&n);
	for (i = 0; i < n; i++) {
		for (p = strstr(t[i].args, "--"); p != NULL; p = strstr(p + 2, "--")) {
			size_t len = strcspn(p + 2, " =]");

			snprintf(name, sizeof name, "%.*s", (int)len, p + 2);
			s = cmd_opt_spec(t[i].name, name);
			if (s == NULL)
				fail_msg("%s: --%s has no typed line", t[i].name, name);
			assert_true(declares(t[i].args, name, &has_value));
			if (has_value != (s->type != CMD_OPT_FLAG))
				fail_msg("%s: --%s is a %s in its usage", t[i].name,
				    name, has_value ? "value" : "flag");
		}
	}
	s = cmd_opt_specs(&ns);
	for (k = 0; k < ns; k++) {
		for (i = 0, users = 0; i < n; i++) {
			if (s[k].command != NULL && strcmp(s[k].command, t[i].name) != 0)
				continue;
			if (positional(&s[k]) ? strstr(t[i].args, s[k].name) != NULL :
			    declares(t[i].args, s[k].name, &has_value))
				users++;
		}
		if (users == 0)
			fail_msg("the line of %s is no command's", s[k].name);
		if (s[k].type == CMD_OPT_INT || s[k].type == CMD_OPT_SIZE)
			assert_true(s[k].min <= s[k].max);
	}
}

static void test_number_bounds(void **state)
{
	const struct cmd_opt_spec *s;
	size_t ns, k;
	char lo[32], hi[32], below[32], above[32], *why, *msg;
	const char *bad[4];
	long long v;
	int j;

	(void)state;
	s = cmd_opt_specs(&ns);
	for (k = 0; k < ns; k++) {
		if (s[k].type != CMD_OPT_INT && s[k].type != CMD_OPT_SIZE)
			continue;
		snprintf(lo, sizeof lo, "%lld", s[k].min);
		snprintf(hi, sizeof hi, "%lld", s[k].max);
		snprintf(below, sizeof below, "%lld", s[k].min - 1);
		snprintf(above, sizeof above, "%lld", s[k].max + 1);
		/* the parser itself, also for positional arguments */
		assert_int_equal(cmd_opt_parse_int(&s[k], lo, &v, &msg), 0);
		assert_int_equal(v, s[k].min);
		assert_int_equal(cmd_opt_parse_int(&s[k], hi, &v, &msg), 0);
		assert_int_equal(v, s[k].max);
		bad[0] = below, bad[1] = above, bad[2] = "12x", bad[3] = "";
		for (j = 0; j < 4; j++) {
			msg = NULL;
			assert_int_equal(cmd_opt_parse_int(&s[k], bad[j], &v, &msg), -1);
			assert_non_null(strstr(msg, s[k].type == CMD_OPT_INT ?
			    "is not a whole number" : "is not a size"));
			free(msg);
		}
		if (positional(&s[k]))
			continue;	/* the console's jobs: no command line */
		given_everywhere(&s[k], lo, 1, NULL);
		given_everywhere(&s[k], hi, 1, NULL);
		for (j = 0; j < 4; j++) {
			assert_int_equal(cmd_opt_check(&s[k], bad[j], &why), -1);
			given_everywhere(&s[k], bad[j], 0, why);
			free(why);
		}
	}
}

static void test_words_and_names(void **state)
{
	const struct cmd_opt_spec *s;
	size_t ns, k;
	char *words, *w, *save, *why;
	enum host_role role;

	(void)state;
	s = cmd_opt_specs(&ns);
	for (k = 0; k < ns; k++) {
		if (s[k].type == CMD_OPT_ENUM) {
			words = xstrdup(s[k].words);
			for (w = strtok_r(words, "|", &save); w != NULL;
			    w = strtok_r(NULL, "|", &save)) {
				given_everywhere(&s[k], w, 1, NULL);
				if (strcmp(s[k].name, "role") == 0)
					assert_int_equal(config_role_parse(w, &role), 0);
			}
			free(words);
			assert_int_equal(cmd_opt_check(&s[k], "Boss", &why), -1);
			given_everywhere(&s[k], "Boss", 0, why);
			free(why);
		}
		if (s[k].type == CMD_OPT_ENUM || s[k].type == CMD_OPT_NAME) {
			if (s[k].type == CMD_OPT_NAME)
				given_everywhere(&s[k], "x", 1, NULL);
			assert_int_equal(cmd_opt_check(&s[k], "", &why), -1);
			given_everywhere(&s[k], "", 0, why);
			free(why);
		}
	}
}

/* The messages the issue asks for, and what the console's migrate form
 * and `:desktop migrate` share with `hvdeck migrate`. */
static void test_messages(void **state)
{
	const struct cmd_opt_spec *bw = cmd_opt_spec("migrate", "bandwidth");
	char *cause = NULL;
	long long v = -1;
	struct cmd_opts o;

	(void)state;
	assert_ptr_equal(bw, cmd_opt_spec("desktop migrate", "bandwidth"));
	assert_int_equal(bw->min, 0);
	assert_int_equal(bw->max, 1000000);
	assert_int_equal(cmd_opt_parse_int(bw, "0", &v, &cause), 0);
	assert_int_equal(v, 0);
	assert_int_equal(cmd_opt_parse_int(bw, "1000001", &v, &cause), -1);
	assert_string_equal(cause, "--bandwidth: '1000001' is not a whole "
	    "number 0..1000000 (MiB/s, 0 unlimited)");
	free(cause);
	/* the job's positional value is named by its metavariable */
	assert_int_equal(cmd_opt_parse_int(cmd_opt_spec("job downtime", "MS"),
	    "0", &v, &cause), -1);
	assert_string_equal(cause, "MS: '0' is not a whole number 1..3600000 (ms)");
	free(cause);
	assert_int_equal(cmd_opt_parse_int(cmd_opt_spec("derive",
	    "cluster-size"), "64K", &v, &cause), 0);
	assert_int_equal(v, 65536);
	/* control characters are shown, not sent to the terminal */
	assert_int_equal(cmd_opt_check(cmd_opt_spec("host add", "role"),
	    "a\033[2J", &cause), -1);
	assert_null(strchr(cause, '\033'));
	free(cause);
	/* the getter: untouched when absent, checked when given */
	memset(&o, 0, sizeof o);
	v = 7;
	assert_int_equal(cmd_opt_int(&o, bw, &v, &cause), 0);
	assert_int_equal(v, 7);
	snprintf(o.v[0].name, sizeof o.v[0].name, "bandwidth");
	o.v[0].value = "x";
	o.n = 1;
	assert_int_equal(cmd_opt_int(&o, bw, &v, &cause), -1);
	free(cause);
	o.v[0].value = "250";
	assert_int_equal(cmd_opt_int(&o, bw, &v, &cause), 0);
	assert_int_equal(v, 250);
}

static void test_help_shows_ranges(void **state)
{
	const struct cmd_entry *e = cmd_find("desktop migrate");
	char *d = cmd_opts_describe(e->name, e->args);

	(void)state;
	assert_string_equal(d, "--bandwidth 0..1000000 (MiB/s, 0 unlimited), "
	    "--max-downtime 0..3600000 (ms, 0 libvirt's default)");
	free(d);
	e = cmd_find("job downtime");
	d = cmd_opts_describe(e->name, e->args);
	assert_string_equal(d, "MS 1..3600000 (ms)");
	free(d);
	e = cmd_find("host remove");
	assert_null(cmd_opts_describe(e->name, e->args));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_and_lines_agree),
		cmocka_unit_test(test_number_bounds),
		cmocka_unit_test(test_words_and_names),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_help_shows_ranges),
	};

	/* one table, as main.c makes it; the console's own entries take no
	 * options, so this test needs no console */
	cmd_commands_register();
	srv_cmd_register();
	cli_cmd_register();
	wall_cmd_register();	/* --rotate and --kiosk are the wall's */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
