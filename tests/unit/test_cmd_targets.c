/* Unit tests for cmd-targets.c: the names of a bulk command (a range
 * expanded, an existing name taken as it is), the confirmation's short
 * list, and --json: accepted by every command a server may run, one JSON
 * object per result, other lines unsaid. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd-face.h"
#include "cmd/cmd-targets.h"
#include "cmd/cmd-table.h"
#include "core/names.h"
#include "core/util.h"

static void test_expand(void **state)
{
	char a0[] = "solo", a1[] = "class-{01..03}", a2[] = "odd name!";
	char bad[] = "bad-{1..}";
	char *argv[] = { a0, a1, a2 }, **v, *cause = NULL;
	size_t n;

	(void)state;
	assert_int_equal(cmd_targets_expand(3, argv, 0, &v, &n, &cause), 0);
	assert_int_equal(n, 5);
	assert_string_equal(v[0], "solo");
	assert_string_equal(v[1], "class-01");
	assert_string_equal(v[3], "class-03");
	assert_string_equal(v[4], "odd name!");	/* an existing name, as given */
	names_free(v, n);
	/* new names follow the naming rules, as desktop new's always did */
	assert_int_equal(cmd_targets_expand(3, argv, 1, &v, &n, &cause), -1);
	assert_non_null(cause);
	assert_null(v);
	free(cause);
	cause = NULL;
	argv[0] = bad;
	assert_int_equal(cmd_targets_expand(1, argv, 0, &v, &n, &cause), -1);
	assert_non_null(cause);
	free(cause);
}

static void test_list(void **state)
{
	char a[] = "a", b[] = "b", c[] = "c", d[] = "d", e[] = "e";
	char *v[] = { a, b, c, d, e }, *s;

	(void)state;
	s = cmd_targets_list(v, 5, 3);
	assert_string_equal(s, "a, b, c and 2 more");
	free(s);
	s = cmd_targets_list(v, 2, 3);
	assert_string_equal(s, "a, b");
	free(s);
}

static char said[4][256];
static int nsaid;

static void face_say(const struct cmd_face *f, int error, const char *text)
{
	(void)f;
	if (nsaid < 4)
		snprintf(said[nsaid++], sizeof said[0], "%d %s", error, text);
}

static void test_json(void **state)
{
	struct cmd_face face;
	struct cmd_opts o;
	struct cmd_ctx c;
	char *cause = NULL;

	(void)state;
	memset(&face, 0, sizeof face);
	face.say = face_say;
	memset(&o, 0, sizeof o);
	memset(&c, 0, sizeof c);
	c.face = &face;
	c.opts = &o;
	cmd_result(&c, 3, "done", "a", NULL);	/* without --json: nothing */
	assert_int_equal(nsaid, 0);
	o.n = 1;
	strcpy(o.v[0].name, "json");
	o.v[0].value = "";
	cmd_say(&c, 0, "text a script would have to parse");
	cmd_say(&c, 1, "an error");
	cmd_result(&c, 0, "refused", "x\"y", "no desktop named x\"y");
	cmd_result(&c, 7, "done", "b", NULL);
	assert_int_equal(nsaid, 3);
	assert_string_equal(said[0], "1 an error");
	assert_string_equal(said[1], "0 {\"id\":null,\"state\":\"refused\","
	    "\"target\":\"x\\\"y\",\"error\":\"no desktop named x\\\"y\"}");
	assert_string_equal(said[2], "0 {\"id\":7,\"state\":\"done\","
	    "\"target\":\"b\",\"error\":null}");
	assert_int_equal(c.results, 3);
	/* every action command takes --json without declaring it; a command
	 * run only in the process (watch declares it, host key does not) not */
	assert_int_equal(cmd_check_options(cmd_find("desktop delete"), &o,
	    &cause), 0);
	assert_int_equal(cmd_check_options(cmd_find("pool refresh"), &o,
	    &cause), 0);
	assert_int_equal(cmd_check_options(cmd_find("list-commands"), &o,
	    &cause), -1);
	free(cause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_json),
	};

	cmd_commands_register();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
