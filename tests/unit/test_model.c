/* Unit tests for the model: placement of desktops across hosts (a migrating
 * desktop is one object), mark-and-sweep, greying on host loss, observer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util.h"

static unsigned h1, h2;
static int adds, removes, changes;

static void count(enum m_kind kind, enum m_op op, const struct m_host *h,
    const void *obj, void *ctx)
{
	(void)h; (void)obj; (void)ctx;
	if (kind != MK_DESKTOP)
		return;
	adds += op == MO_ADD;
	removes += op == MO_REMOVE;
	changes += op == MO_CHANGE;
}

static int setup(void **state)
{
	struct config_host a = { .name = (char *)"hv1", .uri = (char *)"test:///default" };
	struct config_host b = { .name = (char *)"hv2", .uri = (char *)"test:///default" };

	(void)state;
	model_init();
	h1 = model_host_add(&a);
	h2 = model_host_add(&b);
	model_host_set_state(h1, HOST_ONLINE, NULL);
	model_host_set_state(h2, HOST_ONLINE, NULL);
	adds = removes = changes = 0;
	model_set_observer(count, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	model_set_observer(NULL, NULL);
	model_free();
	return 0;
}

static const char *U = "11111111-2222-3333-4444-555555555555";

static const char *host_of(const char *uuid)
{
	struct m_desktop *d = model_desktop(uuid);
	const struct m_place *p = d ? model_desktop_place(d) : NULL;

	return p ? model_host(p->host_id)->name : NULL;
}

static void test_migration_is_one_object(void **state)
{
	(void)state;
	model_desktop_seen(h1, U, "desk", DS_RUNNING, 1, 1, NULL);
	/* destination holds a paused incoming copy: source still counts */
	model_desktop_seen(h2, U, "desk", DS_PAUSED, 8, 0, NULL);
	model_lock();
	assert_string_equal(host_of(U), "hv1");
	model_unlock();
	/* source stops, destination resumes */
	model_desktop_gone(h1, U);
	model_desktop_set_state(h2, U, DS_RUNNING, 2);
	model_lock();
	assert_string_equal(host_of(U), "hv2");
	assert_int_equal(model_desktop_state(model_desktop(U)), DS_RUNNING);
	model_unlock();
	assert_int_equal(adds, 1);
	assert_int_equal(removes, 0);
}

static void test_gone_everywhere_removes(void **state)
{
	size_t n;

	(void)state;
	model_desktop_seen(h1, U, "desk", DS_SHUTOFF, 0, 1, NULL);
	model_desktop_seen(h2, U, "desk", DS_SHUTOFF, 0, 1, NULL);
	model_desktop_gone(h1, U);
	model_lock();
	assert_non_null(model_desktop(U));
	model_unlock();
	model_desktop_gone(h2, U);
	model_lock();
	assert_null(model_desktop(U));
	model_desktops(&n);
	assert_int_equal(n, 0);
	model_unlock();
	assert_int_equal(removes, 1);
}

static void test_sorted_lookup(void **state)
{
	char uuid[40];
	struct m_desktop **all;
	size_t n, i;
	int k;

	(void)state;
	for (k = 99; k >= 0; k--) {
		snprintf(uuid, sizeof uuid, "%08d-0000-0000-0000-000000000000", k * 7 % 100);
		model_desktop_seen(h1, uuid, "d", DS_RUNNING, 1, 1, NULL);
	}
	model_lock();
	all = model_desktops(&n);
	assert_int_equal(n, 100);
	for (i = 1; i < n; i++)
		assert_true(strcmp(all[i - 1]->uuid, all[i]->uuid) < 0);
	assert_non_null(model_desktop("00000042-0000-0000-0000-000000000000"));
	assert_null(model_desktop("00000100-0000-0000-0000-000000000000"));
	model_unlock();
}

static void test_sync_sweeps_unseen(void **state)
{
	const char *keep = "aaaaaaaa-0000-0000-0000-000000000000";
	const char *drop = "bbbbbbbb-0000-0000-0000-000000000000";
	struct m_pool info = { .name = (char *)"bases", .target_path = (char *)"/s/bases" };
	struct m_pool info2 = { .name = (char *)"old", .target_path = (char *)"/s/old" };

	(void)state;
	model_desktop_seen(h1, keep, "keep", DS_RUNNING, 1, 1, NULL);
	model_desktop_seen(h1, drop, "drop", DS_SHUTOFF, 0, 1, NULL);
	model_desktop_seen(h2, drop, "drop", DS_SHUTOFF, 0, 1, NULL);
	model_pool_seen(h1, &info, NULL, 0);
	model_pool_seen(h1, &info2, NULL, 0);
	model_sync_begin(h1);
	model_desktop_seen(h1, keep, "keep", DS_RUNNING, 1, 1, NULL);
	model_pool_seen(h1, &info, NULL, 0);
	model_sync_end(h1, MODEL_SYNC_DESKTOPS | MODEL_SYNC_POOLS);
	model_lock();
	assert_non_null(model_desktop(keep));
	/* still defined on hv2 */
	assert_non_null(model_desktop(drop));
	assert_int_equal(model_desktop(drop)->nplaces, 1);
	assert_int_equal(model_host(h1)->npools, 1);
	assert_string_equal(model_host(h1)->pools[0]->name, "bases");
	model_unlock();
}

/* A sync whose reads failed removes nothing; one whose desktops were read
 * completely but whose pools were not sweeps only desktops. Read under the
 * lock, asserted after it: a failed assertion must not keep the lock. */
static void test_failed_sync_removes_nothing(void **state)
{
	const char *a = "aaaaaaaa-0000-0000-0000-000000000000";
	const char *b = "bbbbbbbb-0000-0000-0000-000000000000";
	struct m_pool info = { .name = (char *)"bases", .target_path = (char *)"/s/bases" };
	int has_a, has_b;
	size_t npools;

	(void)state;
	model_desktop_seen(h1, a, "a", DS_RUNNING, 1, 1, NULL);
	model_desktop_seen(h1, b, "b", DS_SHUTOFF, 0, 1, NULL);
	model_pool_seen(h1, &info, NULL, 0);
	model_sync_begin(h1);
	model_desktop_seen(h1, a, "a", DS_RUNNING, 1, 1, NULL);
	model_sync_end(h1, 0);
	model_lock();
	has_b = model_desktop(b) != NULL;
	npools = model_host(h1)->npools;
	model_unlock();
	assert_true(has_b);
	assert_int_equal(npools, 1);
	assert_int_equal(removes, 0);
	model_sync_begin(h1);
	model_desktop_seen(h1, a, "a", DS_RUNNING, 1, 1, NULL);
	model_sync_end(h1, MODEL_SYNC_DESKTOPS);
	model_lock();
	has_a = model_desktop(a) != NULL;
	has_b = model_desktop(b) != NULL;
	npools = model_host(h1)->npools;
	model_unlock();
	assert_true(has_a);
	assert_false(has_b);
	assert_int_equal(npools, 1);
	assert_int_equal(removes, 1);
}

static void test_offline_host_greys_desktops(void **state)
{
	(void)state;
	model_desktop_seen(h1, U, "desk", DS_RUNNING, 1, 1, NULL);
	changes = 0;
	model_host_set_state(h1, HOST_OFFLINE, "connection closed");
	model_lock();
	assert_int_equal(model_desktop_state(model_desktop(U)), DS_UNKNOWN);
	assert_string_equal(model_host(h1)->error, "connection closed");
	model_unlock();
	assert_true(changes >= 1);	/* watchers learn the desktop changed */
	model_host_set_state(h1, HOST_ONLINE, NULL);
	model_lock();
	assert_int_equal(model_desktop_state(model_desktop(U)), DS_RUNNING);
	assert_null(model_host(h1)->error);
	model_unlock();
}

/* Sharing is by share key, never by target path. */
static void test_pools_sharing(void **state)
{
	struct m_pool a = { .name = (char *)"bases", .target_path = (char *)"/nfs/bases",
	    .share_key = (char *)"netfs nas:/bases" };
	struct m_pool b = { .name = (char *)"nfs-bases", .target_path = (char *)"/mnt/b",
	    .share_key = (char *)"netfs nas:/bases" };
	struct m_pool c = { .name = (char *)"local", .target_path = (char *)"/nfs/bases" };
	struct m_pool_ref *refs;
	size_t n;

	(void)state;
	model_pool_seen(h1, &a, NULL, 0);
	model_pool_seen(h2, &b, NULL, 0);
	model_pool_seen(h2, &c, NULL, 0);
	n = model_pools_sharing(h1, "bases", &refs);
	assert_int_equal(n, 1);
	assert_int_equal(refs[0].host_id, h2);
	assert_string_equal(refs[0].pool, "nfs-bases");
	model_pool_refs_free(refs, n);
	assert_int_equal(model_pools_sharing(h2, "local", &refs), 0);
	assert_null(refs);
	assert_int_equal(model_pools_sharing(h1, "nosuch", &refs), 0);
	assert_int_equal(model_pools_sharing(h1, NULL, &refs), 0);
}

static void test_stats_restart_after_migration(void **state)
{
	struct desktop_sample s = { .cpu_ns = 1000000000ULL, .at_ms = 1000 };

	(void)state;
	model_desktop_seen(h1, U, "desk", DS_RUNNING, 1, 1, NULL);
	model_desktop_stats(h1, U, &s);
	s.cpu_ns += 500000000ULL;	/* half a CPU second in one second */
	s.at_ms += 1000;
	model_desktop_stats(h1, U, &s);
	model_lock();
	assert_true(model_desktop(U)->cpu_pct > 49.9 && model_desktop(U)->cpu_pct < 50.1);
	model_unlock();
	/* on the new host the counter starts again: no bogus delta */
	model_desktop_seen(h2, U, "desk", DS_RUNNING, 1, 1, NULL);
	s.cpu_ns = 10;
	s.at_ms += 1000;
	model_desktop_stats(h2, U, &s);
	model_lock();
	assert_true(model_desktop(U)->cpu_pct < 0);
	model_unlock();
}

static void test_pending_clears(void **state)
{
	struct m_desktop *d;

	(void)state;
	model_desktop_seen(h1, U, "desk", DS_SHUTOFF, 0, 1, NULL);
	model_desktop_pending(U, "starting");
	model_lock();
	assert_string_equal(model_desktop_pending_now(model_desktop(U)), "starting");
	model_unlock();
	/* the state changes: the action is answered */
	model_desktop_seen(h1, U, "desk", DS_RUNNING, 1, 1, NULL);
	model_lock();
	assert_null(model_desktop_pending_now(model_desktop(U)));
	model_unlock();
	/* a request the guest ignores stops counting after a while */
	model_desktop_pending(U, "shutting down");
	model_lock();
	d = model_desktop(U);
	d->pending_since_ms -= MODEL_PENDING_MS + 1;
	assert_null(model_desktop_pending_now(d));
	model_unlock();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migration_is_one_object, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gone_everywhere_removes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sorted_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_sweeps_unseen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_sync_removes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offline_host_greys_desktops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pools_sharing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_restart_after_migration, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_clears, setup, teardown),
	};

	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
