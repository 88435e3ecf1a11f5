/* Unit tests for intern: one copy per distinct string, through growth. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/intern.h"

static void test_one_copy(void **state)
{
	char buf[32];
	const char *first[500];
	int i;

	(void)state;
	assert_null(intern_str(NULL));
	assert_ptr_equal(intern_str("qcow2"), intern_str("qcow2"));
	assert_ptr_not_equal(intern_str("qcow2"), intern_str("raw"));
	/* past several growths, every string keeps its one copy */
	for (i = 0; i < 500; i++) {
		snprintf(buf, sizeof buf, "vd%d", i);
		first[i] = intern_str(buf);
		assert_ptr_not_equal(first[i], buf);
		assert_string_equal(first[i], buf);
	}
	for (i = 0; i < 500; i++) {
		snprintf(buf, sizeof buf, "vd%d", i);
		assert_ptr_equal(intern_str(buf), first[i]);
	}
	intern_clear();
	assert_string_equal(intern_str("raw"), "raw");
	intern_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
