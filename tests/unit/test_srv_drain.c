/* test_srv_drain.c — a drain's desktops as the server sends them and an
 * attached console keeps them: every item comes back equal from
 * drain_items (names, destinations, reasons, states, the move's job and
 * its progress); a second line replaces the first; a job that is no
 * drain of the process and has no copy is none; a state this build does
 * not know reads as failed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "act/act-drain.h"
#include "core/json-read.h"
#include "srv/srv-drain.h"

static void apply_line(const char *line)
{
	struct jread l;
	char *cause = NULL;

	assert_int_equal(jread_parse(line, &l, &cause), 0);
	assert_string_equal(jread_str(&l, "kind"), "drain");
	srv_drain_apply(jread_get(&l, "object"));
	jread_free(&l);
}

static void send(unsigned job, const struct drain_item *it, size_t n)
{
	char *line = srv_drain_line_of(job, it, n);

	apply_line(line);
	free(line);
}

static void test_round_trip(void **state)
{
	/* the item's strings are the item's own (not const) */
	char n1[] = "desk-1", d1[] = "hv2", n2[] = "desk-2",
	    w2[] = "no host may receive it (hv3 is in maintenance)",
	    n3[] = "lab-7", w3[] = "stays defined on hv1";
	struct drain_item sent[3] = {
		{ n1, d1, NULL, DRAIN_MOVING, 0, 17, 42.5 },
		{ n2, NULL, w2, DRAIN_FAILED, 0, 0, -1 },
		{ n3, NULL, w3, DRAIN_STAYS, 1, 0, -1 },
	}, *got = NULL;
	size_t n = 0, i;

	(void)state;
	assert_int_equal(drain_items(9, &got, &n), -1);
	send(9, sent, 3);
	assert_int_equal(drain_items(9, &got, &n), 0);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		assert_string_equal(got[i].name, sent[i].name);
		if (sent[i].dest == NULL)
			assert_null(got[i].dest);
		else
			assert_string_equal(got[i].dest, sent[i].dest);
		if (sent[i].why == NULL)
			assert_null(got[i].why);
		else
			assert_string_equal(got[i].why, sent[i].why);
		assert_int_equal(got[i].state, sent[i].state);
		assert_int_equal(got[i].defined, sent[i].defined);
		assert_int_equal(got[i].job, sent[i].job);
		assert_true(got[i].pct > sent[i].pct - 0.05 &&
		    got[i].pct < sent[i].pct + 0.05);
	}
	drain_items_free(got, n);

	/* the move ended: the next line replaces the copy */
	sent[0].state = DRAIN_MOVED;
	sent[0].pct = 100;
	send(9, sent, 1);
	assert_int_equal(drain_items(9, &got, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(got[0].state, DRAIN_MOVED);
	drain_items_free(got, n);
	assert_int_equal(drain_items(10, &got, &n), -1);
}

static void test_unknown_state(void **state)
{
	struct drain_item *got = NULL;
	size_t n = 0;

	(void)state;
	apply_line("{\"kind\":\"drain\",\"object\":{\"id\":11,\"items\":"
	    "[{\"name\":\"d\",\"state\":99,\"job\":0,\"pct\":-1}]}}");
	assert_int_equal(drain_items(11, &got, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(got[0].state, DRAIN_FAILED);
	assert_null(got[0].dest);
	drain_items_free(got, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_unknown_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
