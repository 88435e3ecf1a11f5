/* Unit tests for names.c: each name rule with its own message (the bad
 * character named visibly), brace ranges (padding as written, descending,
 * one group only, bounded count) and the --count check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/names.h"
#include "core/util.h"

/* names_check's message for name, or NULL when it passes. Caller frees. */
static char *why(const char *name)
{
	char *cause = NULL;

	if (names_check(name, &cause) == 0) {
		assert_null(cause);
		return NULL;
	}
	assert_non_null(cause);
	return cause;
}

static void assert_refused(const char *name, const char *needle)
{
	char *c = why(name);

	assert_non_null(c);
	if (strstr(c, needle) == NULL)
		fail_msg("'%s' -> '%s', wanted '%s'", name, c, needle);
	free(c);
}

static void test_good_names(void **state)
{
	char *long_ok = xcalloc(NAMES_MAX_LEN + 1, 1);

	(void)state;
	memset(long_ok, 'a', NAMES_MAX_LEN);
	assert_null(why("base.qcow2"));
	assert_null(why("class-a_01.qcow2"));
	assert_null(why("A"));
	assert_null(why("x..y"));
	assert_null(why(long_ok));
	free(long_ok);
}

static void test_bad_names(void **state)
{
	char *longer = xcalloc(301, 1);

	(void)state;
	memset(longer, 'a', 300);
	assert_refused("", "name is empty");
	assert_refused(NULL, "name is empty");
	assert_refused(longer, "300 bytes long: at most 200");
	assert_refused(".hidden", "starts with '.'");
	assert_refused("..", "starts with '.'");
	assert_refused("../x.qcow2", "'/' at byte 3");
	assert_refused("a/b", "'/' at byte 2");
	assert_refused("a b", "' ' at byte 2");
	/* invisible and look-alike characters are named visibly */
	assert_refused("t\x07x", "'<U+0007>' at byte 2");
	assert_refused("t\xe2\x80\x8bx", "'<U+200B>' at byte 2");
	assert_refused("caf\xc3\xa9", "'\xc3\xa9' at byte 4");
	assert_refused("x\xff", "'<0xff>' at byte 2");
	assert_refused("a{1", "'{' at byte 2");
	free(longer);
}

static void expect(const char *pattern, size_t n, const char *first,
    const char *last)
{
	char **v = NULL, *cause = NULL;
	size_t got = 99;

	if (names_expand(pattern, &v, &got, &cause) != 0)
		fail_msg("%s: %s", pattern, cause);
	assert_null(cause);
	assert_int_equal(got, n);
	assert_string_equal(v[0], first);
	assert_string_equal(v[n - 1], last);
	names_free(v, got);
}

/* check(name, cause) is 0 (want NULL) or refuses saying want. */
static void check_as(int (*check)(const char *, char **), const char *name,
    const char *want)
{
	char *cause = NULL;
	int rc = check(name, &cause);

	if (want == NULL) {
		if (rc != 0)
			fail_msg("'%s' refused: %s", name, cause);
		return;
	}
	assert_int_equal(rc, -1);
	if (strstr(cause, want) == NULL)
		fail_msg("'%s' -> '%s', wanted '%s'", name, cause, want);
	free(cause);
}

/* Desktops: never all digits ({1..3} made 1 2 3, which virsh reads as
 * domain ids); hosts: names every command takes back as a word. */
static void test_desktop_and_host_names(void **state)
{
	(void)state;
	check_as(names_check_desktop, "1", "name \"1\" is all digits: virsh "
	    "would take it for a domain id");
	check_as(names_check_desktop, "0042", "all digits");
	check_as(names_check_desktop, "x-1", NULL);
	check_as(names_check_desktop, "1.5", NULL);
	check_as(names_check_desktop, "a b", "has ' ' at byte 2");
	check_as(names_check_host, "hv1", NULL);
	check_as(names_check_host, "127.0.0.1:16509", NULL);
	check_as(names_check_host, "[::1]:22", NULL);
	check_as(names_check_host, "my node", "host name \"my node\" has ' ' at "
	    "byte 3: only A-Z a-z 0-9 . _ - : [ ] are allowed");
	check_as(names_check_host, "n\"q", "has '\"' at byte 2");
	check_as(names_check_host, "x$(id)", "has '$' at byte 2");
	check_as(names_check_host, "../x", "has '/' at byte 3");
	check_as(names_check_host, "n\xc5\x93ud \"2\"", "has '\xc5\x93' at byte 2");
	check_as(names_check_host, "-x", "host name \"-x\" starts with '-'");
	check_as(names_check_host, ".x", "starts with '.'");
	check_as(names_check_host, "", "host name is empty");
}

static void test_expand(void **state)
{
	char **v = NULL, *cause = NULL;
	size_t n = 0;

	(void)state;
	expect("plain.qcow2", 1, "plain.qcow2", "plain.qcow2");
	expect("class-a-{01..20}.qcow2", 20, "class-a-01.qcow2",
	    "class-a-20.qcow2");
	expect("d{1..3}", 3, "d1", "d3");
	expect("d{8..12}", 5, "d8", "d12");
	expect("d{3..1}", 3, "d3", "d1");
	expect("d{008..10}", 3, "d008", "d010");
	expect("d{1..010}", 10, "d001", "d010");
	expect("{0..0}x", 1, "0x", "0x");
	expect("d{1..1000}", 1000, "d1", "d1000");
	assert_int_equal(names_expand("c-{01..20}.q", &v, &n, &cause), 0);
	assert_string_equal(v[9], "c-10.q");
	assert_string_equal(v[1], "c-02.q");
	names_free(v, n);
}

static void expand_refused(const char *pattern, const char *needle)
{
	char **v = (char **)1, *cause = NULL;
	size_t n = 99;

	assert_int_equal(names_expand(pattern, &v, &n, &cause), -1);
	assert_null(v);
	assert_int_equal(n, 0);
	assert_non_null(cause);
	if (strstr(cause, needle) == NULL)
		fail_msg("'%s' -> '%s', wanted '%s'", pattern, cause, needle);
	free(cause);
}

static void test_expand_refused(void **state)
{
	(void)state;
	expand_refused("d{1..1001}", "makes 1001 names: at most 1000");
	expand_refused("d{1..2}{1..2}", "more than one brace range");
	expand_refused("d{a,b}", "braces must hold one range");
	expand_refused("d{1..}", "braces must hold one range");
	expand_refused("d{..2}", "braces must hold one range");
	expand_refused("d{1..2", "braces must hold one range");
	expand_refused("d}1..2{", "braces must hold one range");
	expand_refused("d{-1..2}", "braces must hold one range");
	expand_refused("d{1234567890..1234567891}", "braces must hold");
	expand_refused("{1..3}/x", "'/' at byte 2");
	expand_refused(".{1..3}", "starts with '.'");
	expand_refused("", "name is empty");
	expand_refused("x/y", "'/' at byte 2");
}

static void test_count(void **state)
{
	char *cause = NULL;

	(void)state;
	assert_int_equal(names_check_count("p{1..3}", 3, NULL, &cause), 0);
	assert_int_equal(names_check_count("p{1..3}", 3, "3", &cause), 0);
	assert_null(cause);
	assert_int_equal(names_check_count("c-{01..20}", 20, "5", &cause), -1);
	assert_string_equal(cause, "--count 5, but c-{01..20} makes 20 names");
	free(cause);
	cause = NULL;
	assert_int_equal(names_check_count("p", 1, "x", &cause), -1);
	assert_string_equal(cause, "--count: 'x' is not a number");
	free(cause);
	cause = NULL;
	assert_int_equal(names_check_count("p", 1, "-1", &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(names_check_count("p", 1, "", &cause), -1);
	free(cause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_names),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_desktop_and_host_names),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_expand_refused),
		cmocka_unit_test(test_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
