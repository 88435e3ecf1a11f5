/* test_place.c — placement over a model filled by hand: who may do what
 * (role, maintenance, state), in the balancer's order with ties by name,
 * and the refusals' words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "core/place.h"
#include "core/util.h"

/* A host with its role, maintenance, state, free memory and CPU load. */
static unsigned host(const char *name, enum host_role role, int maint,
    enum host_state st, uint64_t free_kib, double cpu)
{
	struct config_host ch = { .name = (char *)name,
	    .uri = (char *)"test:///default", .role = role, .maintenance = maint };
	unsigned id = model_host_add(&ch);
	struct m_host *h;

	model_host_set_state(id, st, st == HOST_ONLINE ? NULL : "down");
	model_lock();
	h = model_host(id);
	h->free_kib = free_kib;
	h->cpu_pct = cpu;
	model_unlock();
	return id;
}

static unsigned n1, n2, n3, n4, n5, n6, n7;

static int setup(void **state)
{
	(void)state;
	model_init();
	n1 = host("node1", ROLE_HYPERVISOR, 0, HOST_ONLINE, 1000, 50);
	n2 = host("node2", ROLE_MIXED, 0, HOST_ONLINE, 4000, 10);
	n3 = host("node3", ROLE_DISK, 0, HOST_ONLINE, 9000, 5);
	n4 = host("node4", ROLE_MIXED, 1, HOST_ONLINE, 9000, 0);    /* maintenance */
	n5 = host("node5", ROLE_MIXED, 0, HOST_OFFLINE, 9000, 0);
	n6 = host("node6", ROLE_MIXED, 0, HOST_ONLINE, 1000, -1);   /* load unknown */
	n7 = host("node0", ROLE_HYPERVISOR, 0, HOST_ONLINE, 1000, 50); /* ties node1 */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	model_free();
	return 0;
}

static void test_roles(void **state)
{
	(void)state;
	assert_true(place_role_allows(ROLE_HYPERVISOR, PLACE_DESKTOP));
	assert_true(place_role_allows(ROLE_HYPERVISOR, PLACE_MIGRATE));
	assert_false(place_role_allows(ROLE_HYPERVISOR, PLACE_DISK));
	assert_false(place_role_allows(ROLE_DISK, PLACE_DESKTOP));
	assert_false(place_role_allows(ROLE_DISK, PLACE_MIGRATE));
	assert_true(place_role_allows(ROLE_DISK, PLACE_DISK));
	assert_true(place_role_allows(ROLE_MIXED, PLACE_DESKTOP));
	assert_true(place_role_allows(ROLE_MIXED, PLACE_MIGRATE));
	assert_true(place_role_allows(ROLE_MIXED, PLACE_DISK));
}

static void expect(enum place_what what, unsigned except, const unsigned *want,
    size_t nwant)
{
	unsigned *ids;
	size_t n = place_hosts(what, except, &ids), i;

	assert_int_equal(n, nwant);
	for (i = 0; i < n; i++)
		assert_int_equal(ids[i], want[i]);
	free(ids);
}

static void test_desktop_order(void **state)
{
	/* most free memory first; node0, node1 and node6 tie: by name */
	unsigned want[] = { n2, n7, n1, n6 };

	(void)state;
	expect(PLACE_DESKTOP, 0, want, 4);
	expect(PLACE_MIGRATE, 0, want, 4);
}

static void test_except(void **state)
{
	unsigned want[] = { n2, n7, n1 };

	(void)state;
	expect(PLACE_MIGRATE, n6, want, 3);
}

static void test_disk_order(void **state)
{
	/* least load first, unknown load last */
	unsigned want[] = { n3, n2, n6 };

	(void)state;
	expect(PLACE_DISK, 0, want, 3);
}

static void test_none(void **state)
{
	unsigned *ids = (unsigned *)&n1;

	(void)state;
	model_free();
	model_init();
	host("only", ROLE_DISK, 0, HOST_ONLINE, 1, 1);
	assert_int_equal(place_hosts(PLACE_DESKTOP, 0, &ids), 0);
	assert_null(ids);
}

static void refusal_is(unsigned id, enum place_what what, const char *want)
{
	char *why;

	model_lock();
	why = place_refusal(model_host(id), what);
	model_unlock();
	if (want == NULL)
		assert_null(why);
	else
		assert_string_equal(why, want);
	free(why);
}

static void test_refusals(void **state)
{
	(void)state;
	refusal_is(n3, PLACE_DESKTOP, "node3 has role disk: it runs no desktops");
	refusal_is(n3, PLACE_MIGRATE, "node3 has role disk: it receives no migrations");
	refusal_is(n1, PLACE_DISK, "node1 has role hypervisor: it does no disk operations");
	refusal_is(n4, PLACE_DESKTOP, "node4 is in maintenance");
	refusal_is(n5, PLACE_DESKTOP, "node5 is offline");
	refusal_is(n2, PLACE_DESKTOP, NULL);
	refusal_is(n3, PLACE_DISK, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),
		cmocka_unit_test_setup_teardown(test_desktop_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_except, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disk_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
