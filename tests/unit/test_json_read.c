/* test_json_read.c — the JSON reader against what json.c writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/json.h"
#include "core/json-read.h"

static void test_round_trip(void **state)
{
	struct json j;
	struct jread v;
	const struct jread *a;
	char *cause = NULL;

	(void)state;
	json_init(&j);
	json_begin_object(&j, NULL);
	json_string(&j, "name", "a \"b\"\n\\ é");
	json_uint(&j, "big", UINT64_C(18446744073709551615));
	json_int(&j, "neg", -42);
	json_double(&j, "pct", 12.5, 1);
	json_bool(&j, "on", 1);
	json_null(&j, "none");
	json_begin_array(&j, "list");
	json_string(&j, NULL, "x");
	json_begin_object(&j, NULL);
	json_end_object(&j);
	json_end_array(&j);
	json_end_object(&j);
	assert_int_equal(jread_parse(j.buf, &v, &cause), 0);
	assert_string_equal(jread_str(&v, "name"), "a \"b\"\n\\ é");
	assert_true(jread_u64(&v, "big", 0) == UINT64_C(18446744073709551615));
	assert_int_equal(jread_i64(&v, "neg", 0), -42);
	assert_true(jread_num(&v, "pct", 0) == 12.5);
	assert_true(jread_bool(&v, "on"));
	assert_null(jread_str(&v, "none"));
	assert_null(jread_get(&v, "absent"));
	a = jread_get(&v, "list");
	assert_non_null(a);
	assert_int_equal(a->type, JR_ARR);
	assert_int_equal(a->n, 2);
	assert_string_equal(a->items[0].str, "x");
	assert_int_equal(a->items[1].type, JR_OBJ);
	jread_free(&v);
	json_free(&j);
}

/* A JSON line: the document and one newline; the writer is left empty,
 * ready for the next (nothing to free). */
static void test_take_line(void **state)
{
	struct json j;
	char *line;

	(void)state;
	json_init(&j);
	json_begin_object(&j, NULL);
	json_string(&j, "kind", "job");
	json_end_object(&j);
	line = json_take_line(&j);
	assert_string_equal(line, "{\"kind\":\"job\"}\n");
	assert_null(j.buf);
	assert_int_equal(j.len, 0);
	free(line);
	json_begin_object(&j, NULL);
	json_end_object(&j);
	line = json_take_line(&j);
	assert_string_equal(line, "{}\n");
	free(line);
}

static void test_malformed(void **state)
{
	/* each ends where the reader must not read on (fuzz findings: a key
	 * kept by a failed member, a look past the end) */
	static const char *const bad[] = { "", "{", "[1,", "{\"a\" 1}",
	    "\"abc", "tru", "{} x", "\"\\u12\"", "[1 2]", "{\"a\"", "[1",
	    "{\"a\":", "\"\\" };
	struct jread v;
	char *cause;
	size_t i;
	char deep[200];

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		assert_int_equal(jread_parse(bad[i], &v, &cause), -1);
		assert_non_null(cause);
		free(cause);
	}
	memset(deep, '[', sizeof deep - 1);
	deep[sizeof deep - 1] = '\0';
	cause = NULL;
	assert_int_equal(jread_parse(deep, &v, &cause), -1);
	assert_non_null(strstr(cause, "deep"));
	free(cause);
	assert_int_equal(jread_parse("1e999999", &v, &cause), 0);
	assert_int_equal(v.i, 0);	/* out of range: no conversion */
	jread_free(&v);
	assert_int_equal(jread_parse("\"\\ud83d\\ude00\"", &v, &cause), 0);
	assert_string_equal(v.str, "\xf0\x9f\x98\x80");
	jread_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_take_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
