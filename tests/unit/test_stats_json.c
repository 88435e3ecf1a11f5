/* Unit tests for the stats delta math and the JSON writer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/stats.h"
#include "core/util.h"

static void test_cpu_percent(void **state)
{
	(void)state;
	/* 2 vCPUs fully busy for 2 s: 4 CPU-seconds -> 200 % */
	assert_true(stats_cpu_percent(0, 1000, 4000000000ULL, 3000) == 200.0);
	assert_true(stats_cpu_percent(1000, 1000, 1000, 2000) == 0.0);
	/* first sample, clock not advanced, counter reset */
	assert_true(stats_cpu_percent(0, 0, 5, 1000) < 0);
	assert_true(stats_cpu_percent(0, 1000, 5, 1000) < 0);
	assert_true(stats_cpu_percent(50, 1000, 5, 2000) < 0);
}

static void test_rate(void **state)
{
	(void)state;
	assert_true(stats_rate(1000, 1000, 1000 + 4096, 1500) == 8192.0);
	assert_true(stats_rate(10, 1000, 5, 2000) < 0);
	assert_true(stats_rate(10, 0, 50, 2000) < 0);
}

static void test_json_escapes(void **state)
{
	struct json j;

	(void)state;
	json_init(&j);
	json_begin_object(&j, NULL);
	json_string(&j, "name", "a\"b\\c\n\x01\xc3\xa9");
	json_null(&j, "none");
	json_string(&j, "null", NULL);
	json_begin_array(&j, "list");
	json_int(&j, NULL, -3);
	json_uint(&j, NULL, 18446744073709551615ULL);
	json_bool(&j, NULL, 1);
	json_double(&j, NULL, 0.0 / 0.0, 1);
	json_double(&j, NULL, 12.345, 1);
	json_end_array(&j);
	json_begin_object(&j, "empty");
	json_end_object(&j);
	json_end_object(&j);
	assert_string_equal(j.buf,
	    "{\"name\":\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\",\"none\":null,\"null\":null,"
	    "\"list\":[-3,18446744073709551615,true,null,12.3],\"empty\":{}}");
	json_free(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_percent),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_json_escapes),
	};

	return cmocka_run_group_tests_name("stats_json", tests, NULL, NULL);
}
