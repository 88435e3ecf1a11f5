/* Unit tests for the hosts' running counters (m_host.running): after every
 * step of a sequence of changes — desktops appearing, changing state,
 * migrating, split over two hosts, vanishing from one host or all, a full
 * sync sweeping, a host removed — each counter equals a scan of the
 * desktops, the count the RUN column showed before it was a counter; and
 * the stirring set (what the tick and the jobs count walk) holds exactly
 * the desktops a scan finds with two live placements, a split-brain flag,
 * a job or a pending mark. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include "core/model.h"
#include "model-fill.h"

#include <libvirt/libvirt.h>

static unsigned h1, h2, h3;

static int setup(void **state)
{
	(void)state;
	model_init();
	h1 = fill_host("hv1");
	h2 = fill_host("hv2");
	h3 = fill_host("hv3");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	model_free();
	return 0;
}

/* The RUN column's old scan (blocked: only the blocked ones). Lock held. */
static size_t scan_running(unsigned id, int blocked)
{
	struct m_desktop **ds;
	const struct m_place *p;
	size_t n, i, count = 0;

	ds = model_desktops(&n);
	for (i = 0; i < n; i++) {
		p = model_desktop_place(ds[i]);
		count += p != NULL && p->host_id == id &&
		    (p->state == DS_BLOCKED ||
		    (!blocked && p->state == DS_RUNNING));
	}
	return count;
}

/* Lock held. 0 if the stirring set is what a scan finds, else the index
 * + 1 of the first desktop it is wrong about. */
static size_t scan_stirring(void)
{
	struct m_desktop **ds, **st;
	size_t n, ns, i, k, live, in = 0;
	int want;

	ds = model_desktops(&n);
	st = model_desktops_stirring(&ns);
	for (i = 0; i < n; i++) {
		for (live = 0, k = 0; k < ds[i]->nplaces; k++)
			live += model_place_live(&ds[i]->places[k]) != 0;
		want = ds[i]->pending != NULL || ds[i]->job_active ||
		    live >= 2 || ds[i]->split_brain;
		if (want != (ds[i]->stir_slot != 0) || (want &&
		    (ds[i]->stir_slot > ns || st[ds[i]->stir_slot - 1] != ds[i])))
			return i + 1;
		in += want;
	}
	return in == ns ? 0 : n + 1;
}

/* The comparison is made under the lock, the failure reported after it:
 * cmocka's jump out of a failed check must not leave the lock held. */
static void check_counters(int step)
{
	struct m_host **hosts;
	size_t n, i, counted = 0, scanned = 0;
	char name[32] = "";
	size_t wrong;

	model_lock();
	wrong = scan_stirring();
	hosts = model_hosts(&n);
	for (i = 0; i < n && counted == scanned; i++) {
		counted = hosts[i]->running;
		scanned = scan_running(hosts[i]->id, 0);
		snprintf(name, sizeof name, "%s", hosts[i]->name);
		if (counted == scanned) {
			counted = hosts[i]->blocked;
			scanned = scan_running(hosts[i]->id, 1);
			snprintf(name, sizeof name, "%s (blocked)", hosts[i]->name);
		}
	}
	model_unlock();
	if (wrong != 0)
		fail_msg("step %d: the stirring set is wrong about desktop %zu",
		    step, wrong - 1);
	if (counted != scanned)
		fail_msg("step %d: %s counts %zu running, a scan finds %zu",
		    step, name, counted, scanned);
}

static void uuid_of(char *buf, size_t len, int i)
{
	snprintf(buf, len, "00000000-0000-0000-0000-%012d", i);
}

static void test_running_counter_matches_scan(void **state)
{
	char u[40];
	int i, step = 0;
	size_t n3;

	(void)state;
	for (i = 0; i < 12; i++) {	/* a third running on each host */
		uuid_of(u, sizeof u, i);
		model_desktop_seen(i % 3 == 0 ? h1 : i % 3 == 1 ? h2 : h3, u,
		    "d", i % 2 ? DS_RUNNING : DS_SHUTOFF, 1, 1, NULL);
		check_counters(step++);
	}
	uuid_of(u, sizeof u, 0);
	model_desktop_set_state(h1, u, DS_RUNNING, 1);
	check_counters(step++);
	model_desktop_set_state(h1, u, DS_BLOCKED, 0);
	check_counters(step++);
	model_desktop_set_state(h1, u, DS_RUNNING, 1);
	check_counters(step++);
	model_desktop_set_state(h1, u, DS_BLOCKED, 0);
	model_desktop_seen(h2, u, "d", DS_RUNNING, 1, 1, NULL);	/* counts on h1 */
	check_counters(step++);
	model_desktop_gone(h2, u);
	model_desktop_set_state(h1, u, DS_PAUSED, 1);
	check_counters(step++);
	/* a migration: paused on the target, running on the source, then
	 * running on the target and gone from the source */
	uuid_of(u, sizeof u, 1);
	model_desktop_seen(h1, u, "d", DS_PAUSED, VIR_DOMAIN_PAUSED_MIGRATION,
	    0, NULL);
	check_counters(step++);
	model_desktop_set_state(h1, u, DS_RUNNING, VIR_DOMAIN_RUNNING_MIGRATED);
	check_counters(step++);
	model_desktop_gone(h2, u);
	check_counters(step++);
	/* defined on two hosts, shut off on one, running on the other */
	uuid_of(u, sizeof u, 3);
	model_desktop_seen(h2, u, "d", DS_SHUTOFF, 0, 1, NULL);
	check_counters(step++);
	model_desktop_set_state(h1, u, DS_SHUTOFF, 0);
	model_desktop_set_state(h2, u, DS_RUNNING, 1);
	check_counters(step++);
	model_desktop_gone(h2, u);
	check_counters(step++);
	model_desktop_pending(u, "stopping");	/* a pending mark, then none */
	check_counters(step++);
	model_desktop_job(u, 1, "migration", 10, 1);
	check_counters(step++);
	model_desktop_pending(u, NULL);
	model_desktop_job(u, 0, NULL, 0, 0);
	check_counters(step++);
	model_desktop_job(u, 1, "backup", 10, 1);
	model_desktop_pending(u, "stopping");
	model_desktop_gone(h1, u);	/* gone everywhere, with both */
	check_counters(step++);
	/* a full sync of hv3 that sees only one of its desktops */
	model_sync_begin(h3);
	uuid_of(u, sizeof u, 5);
	model_desktop_seen(h3, u, "d", DS_RUNNING, 1, 1, NULL);
	model_sync_end(h3, MODEL_SYNC_DESKTOPS);
	check_counters(step++);
	model_lock();
	n3 = model_host(h3)->running;
	model_unlock();
	assert_int_equal(n3, 1);
	assert_int_equal(model_host_remove(h2), 0);
	check_counters(step++);
	model_host_set_state(h1, HOST_OFFLINE, "gone");	/* placements stay */
	check_counters(step++);
	/* a split brain raised, then over: in the set while flagged */
	uuid_of(u, sizeof u, 6);
	model_desktop_seen(h1, u, "d", DS_RUNNING, 1, 1, NULL);
	model_desktop_seen(h3, u, "d", DS_RUNNING, 1, 1, NULL);
	check_counters(step++);
	model_lock();
	n3 = model_split_brain_count();
	model_unlock();
	assert_int_equal(n3, 1);
	model_desktop_set_state(h3, u, DS_SHUTOFF, 0);
	check_counters(step++);
	model_desktop_gone(h3, u);
	model_desktop_gone(h1, u);
	check_counters(step++);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_running_counter_matches_scan,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
