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

/* ---- a drain's plan ---- */

static void desk(unsigned host, const char *uuid, const char *name,
    enum desktop_state st, uint64_t mem_kib)
{
	struct xml_domain x;

	memset(&x, 0, sizeof x);
	x.memory_kib = x.max_memory_kib = mem_kib;
	model_desktop_seen(host, uuid, name, st, 1, 1, &x);
}

static const struct place_move *move_of(const struct place_plan *p,
    const char *name)
{
	size_t i;

	for (i = 0; i < p->nmoves; i++)
		if (strcmp(p->moves[i].name, name) == 0)
			return &p->moves[i];
	fail_msg("%s is not in the plan", name);
	return NULL;
}

/* Three hosts may receive (node2 4000, node6 and node0 1000 free); the
 * drained node1 runs a 3000, two 900 and a 50 KiB desktop. The 3000 goes
 * to node2 (1000 left there), then each smaller one to the host with the
 * most left AFTER the moves before it: 900 to node0 (node0, node2 and
 * node6 all have 1000 left: the name decides), 900 to node2 (ties node6),
 * 50 to node6 — not to node2, which had the most free before the plan. */
static void test_plan_after_moves(void **state)
{
	struct place_plan p;
	char *cause = NULL;

	(void)state;
	desk(n1, "00000000-0000-0000-0000-000000000001", "big", DS_RUNNING, 3000);
	desk(n1, "00000000-0000-0000-0000-000000000002", "mid-a", DS_RUNNING, 900);
	desk(n1, "00000000-0000-0000-0000-000000000003", "mid-b", DS_PAUSED, 900);
	desk(n1, "00000000-0000-0000-0000-000000000004", "small", DS_RUNNING, 50);
	desk(n1, "00000000-0000-0000-0000-000000000005", "off", DS_SHUTOFF, 4000);
	desk(n2, "00000000-0000-0000-0000-000000000006", "elsewhere", DS_RUNNING, 10);
	assert_int_equal(place_drain_plan("node1", NULL, 0, &p, &cause), 0);
	assert_int_equal(p.src_id, n1);
	assert_int_equal(p.nmoves, 4);
	assert_int_equal(p.unplaced, 0);
	assert_string_equal(p.moves[0].name, "big");    /* largest first */
	assert_string_equal(move_of(&p, "big")->dest, "node2");
	assert_int_equal(move_of(&p, "big")->dest_free_kib, 1000);
	assert_string_equal(move_of(&p, "mid-a")->dest, "node0");
	assert_int_equal(move_of(&p, "mid-a")->dest_free_kib, 100);
	assert_string_equal(move_of(&p, "mid-b")->dest, "node2");
	assert_int_equal(move_of(&p, "mid-b")->dest_free_kib, 100);
	assert_string_equal(move_of(&p, "small")->dest, "node6");
	assert_int_equal(move_of(&p, "small")->dest_free_kib, 950);
	/* the shut-off one is listed apart; its definition would go to the
	 * host with most left after the moves, needing no memory */
	assert_int_equal(p.ndefined, 1);
	assert_string_equal(p.defined[0].name, "off");
	assert_string_equal(p.defined[0].dest, "node6");
	place_plan_free(&p);
}

/* What does not fit is not placed, with the reason; the reserve counts. */
static void test_plan_unplaced(void **state)
{
	struct place_plan p;
	char *cause = NULL;
	struct m_host *h;

	(void)state;
	model_lock();
	h = model_host(n2);
	h->memory_reserve_kib = 1024;
	model_unlock();
	desk(n1, "00000000-0000-0000-0000-000000000001", "huge", DS_RUNNING, 3500);
	desk(n1, "00000000-0000-0000-0000-000000000002", "ok", DS_RUNNING, 2048);
	assert_int_equal(place_drain_plan("node1", NULL, 0, &p, &cause), 0);
	assert_int_equal(p.unplaced, 1);
	assert_null(move_of(&p, "huge")->dest);
	assert_int_equal(move_of(&p, "huge")->dest_id, 0);
	assert_non_null(strstr(move_of(&p, "huge")->why, "most any host has left"));
	assert_string_equal(move_of(&p, "ok")->dest, "node2");
	assert_int_equal(move_of(&p, "ok")->dest_free_kib, 4000 - 2048);
	place_plan_free(&p);
}

/* --to limits the destinations; a named host that may not receive is a
 * reason; an unknown name is refused. */
static void test_plan_to(void **state)
{
	struct place_plan p;
	char *cause = NULL;
	char *to[] = { (char *)"node4", (char *)"node0" };
	char *only4[] = { (char *)"node4" };
	char *bad[] = { (char *)"nosuch" };

	(void)state;
	desk(n1, "00000000-0000-0000-0000-000000000001", "a", DS_RUNNING, 100);
	assert_int_equal(place_drain_plan("node1", to, 2, &p, &cause), 0);
	assert_string_equal(p.moves[0].dest, "node0");
	place_plan_free(&p);
	assert_int_equal(place_drain_plan("node1", only4, 1, &p, &cause), 0);
	assert_int_equal(p.unplaced, 1);
	assert_string_equal(p.moves[0].why,
	    "no host may receive it (node4 is in maintenance)");
	place_plan_free(&p);
	assert_int_equal(place_drain_plan("node1", bad, 1, &p, &cause), -1);
	assert_string_equal(cause, "no host named nosuch");
	free(cause);
	assert_int_equal(place_drain_plan("nosuch", NULL, 0, &p, &cause), -1);
	free(cause);
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
		cmocka_unit_test_setup_teardown(test_plan_after_moves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_unplaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_to, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
