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

#include "core/job.h"
#include "core/model.h"
#include "core/util.h"

#include <libvirt/libvirt.h>
#include <pthread.h>
#include <time.h>

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
	model_desktop_seen(h2, U, "desk", DS_PAUSED, VIR_DOMAIN_PAUSED_MIGRATION,
	    0, NULL);
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

/* Rows kept small: a volume's name, key and backing share storage in the
 * model, and read back whole; a definition keeps its disks and NICs. */
static char *dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* A caller's volume: its strings its own, as the inventory makes them. */
static void plain_vol(struct m_volume *v, const char *name, const char *path,
    const char *key, const char *format, const char *backing)
{
	v->name = dup_or_null(name);
	v->path = dup_or_null(path);
	v->key = dup_or_null(key);
	v->format = dup_or_null(format);
	v->backing_format = dup_or_null(format);
	v->backing_path = dup_or_null(backing);
}

static struct m_volume *two_vols(void)
{
	struct m_volume *v = xcalloc(2, sizeof *v);

	plain_vol(&v[0], "a.qcow2", "/p/a.qcow2", "/p/a.qcow2", "qcow2",
	    "/p/base.qcow2");
	/* not the path's tail, nor the key */
	plain_vol(&v[1], "b.img", "/dev/sdb", "naa.5000", NULL, NULL);
	return v;
}

static void test_rows_kept_small(void **state)
{
	struct m_pool info = { .name = (char *)"p", .active = 1 };
	struct xml_domain x;
	struct m_host *h;
	struct m_desktop *d;
	const struct m_volume *v;

	(void)state;
	model_pool_seen(h1, &info, two_vols(), 2);
	model_pool_seen(h1, &info, two_vols(), 2);     /* replaces the rows */
	memset(&x, 0, sizeof x);
	x.name = xstrdup("desk");
	x.uuid = xstrdup(U);
	x.ndisks = 1;
	x.disks = xcalloc(1, sizeof *x.disks);
	x.disks[0].target = xstrdup("vda");
	x.disks[0].format = xstrdup("qcow2");
	x.disks[0].source = xstrdup("/p/a.qcow2");
	model_desktop_seen(h1, U, "desk", DS_SHUTOFF, 0, 1, &x);
	model_lock();
	h = model_host(h1);
	v = h->pools[0]->vols;
	assert_string_equal(v[0].name, "a.qcow2");
	assert_string_equal(v[0].key, "/p/a.qcow2");
	assert_string_equal(v[0].backing_path, "/p/base.qcow2");
	assert_ptr_equal(v[0].format, v[0].backing_format);
	assert_string_equal(v[1].name, "b.img");
	assert_string_equal(v[1].key, "naa.5000");
	assert_null(v[1].format);
	d = model_desktop(U);
	assert_string_equal(d->xml.disks[0].target, "vda");
	assert_ptr_equal(d->xml.disks[0].format, v[0].format);
	assert_string_equal(d->xml.disks[0].source, "/p/a.qcow2");
	model_unlock();
	model_pool_gone(h1, "p");
}

/* host remove: the host, its pools and its places go; a desktop known
 * only there goes with it, one another host knows stays; a late sighting
 * from its stopping worker finds no host. */
static void test_host_remove(void **state)
{
	static const char *lone = "aaaaaaaa-2222-3333-4444-555555555555";
	struct m_pool a = { .name = (char *)"bases", .target_path = (char *)"/b" };
	struct m_desktop *d;
	uint64_t gen;
	size_t n;

	(void)state;
	model_pool_seen(h1, &a, NULL, 0);
	model_desktop_seen(h1, U, "desk", DS_SHUTOFF, 0, 1, NULL);
	model_desktop_seen(h2, U, "desk", DS_RUNNING, 1, 1, NULL);
	model_desktop_seen(h1, lone, "lone", DS_RUNNING, 1, 1, NULL);
	gen = model_generation();
	assert_int_equal(model_host_remove(h1), 0);
	assert_true(model_generation() > gen);
	assert_null(model_host(h1));
	model_hosts(&n);
	assert_int_equal(n, 1);
	assert_null(model_desktop(lone));
	d = model_desktop(U);
	assert_non_null(d);
	assert_int_equal(d->nplaces, 1);
	assert_string_equal(host_of(U), "hv2");
	model_desktop_seen(h1, lone, "lone", DS_RUNNING, 1, 1, NULL);
	assert_null(model_desktop(lone));
	assert_int_equal(model_host_remove(h1), -1);
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

/* Stats that change no shown figure change nothing: no generation, no
 * observer call, no wake. */
static int stats_calls;

static void count_stats(enum m_kind kind, enum m_op op,
    const struct m_host *h, const void *obj, void *ctx)
{
	(void)kind; (void)h; (void)obj; (void)ctx;
	stats_calls += op == MO_STATS;
}

/* One sample of desk on h1; 1 when it changed the model. */
static int sample_changes(struct desktop_sample *s, uint64_t cpu_ns,
    uint64_t rd, int64_t ms)
{
	uint64_t gen = model_generation(), dgen;
	int calls = stats_calls, moved, dmoved;

	model_lock();
	dgen = model_desktop(U)->gen;
	model_unlock();
	s->cpu_ns += cpu_ns;
	s->rd += rd;
	s->at_ms += ms;
	model_desktop_stats(h1, U, s);
	moved = model_generation() != gen;
	model_lock();
	dmoved = model_desktop(U)->gen != dgen;
	model_unlock();
	if (dmoved != moved || (stats_calls != calls) != moved)
		fail_msg("generation, desktop gen and observer disagree");
	return moved;
}

static void test_stats_change_means_change(void **state)
{
	struct desktop_sample s = { .cpu_ns = 1000000000ULL, .at_ms = 1000 };
	uint64_t gen;

	(void)state;
	model_desktop_seen(h1, U, "desk", DS_RUNNING, 1, 1, NULL);
	model_set_observer(count_stats, NULL);
	stats_calls = 0;
	assert_false(sample_changes(&s, 0, 0, 0));   /* first: all unknown */
	assert_true(sample_changes(&s, 500000000ULL, 0, 1000));  /* 50% */
	assert_int_equal(stats_calls, 1);
	/* the same figures again, and a wobble no output shows */
	assert_false(sample_changes(&s, 500000000ULL, 0, 1000));
	assert_false(sample_changes(&s, 500040000ULL, 0, 1000));  /* 50.004 */
	model_lock();
	assert_true(model_desktop(U)->cpu_pct > 50.0);   /* kept raw */
	model_unlock();
	assert_true(sample_changes(&s, 600000000ULL, 0, 1000));   /* 60% */
	/* 10.46 and 10.54 B/s: one JSON figure, two console cells */
	assert_true(sample_changes(&s, 600000000ULL * 50, 523, 50000));
	assert_true(sample_changes(&s, 600000000ULL * 50, 527, 50000));
	assert_false(sample_changes(&s, 600000000ULL * 50, 527, 50000));
	/* a host sample like the last one is none either */
	model_host_stats(h1, 100, 1000, 4096);
	model_host_stats(h1, 200, 2000, 4096);
	gen = model_generation();
	model_host_stats(h1, 300, 3000, 4096);
	assert_int_equal(model_generation(), gen);
	model_host_stats(h1, 400, 4000, 4095);
	assert_true(model_generation() > gen);
	/* a job poll answering the same */
	model_desktop_job(U, 1, "migration", 12.34, 2);
	gen = model_generation();
	model_desktop_job(U, 1, "migration", 12.34, 2);
	model_desktop_job(U, 1, "migration", 12.3401, 2);
	assert_int_equal(model_generation(), gen);
	model_desktop_job(U, 1, "migration", 12.6, 2);
	assert_true(model_generation() > gen);
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

/* Events kept since index from whose text contains all of the words. */
static int events_with(size_t from, const char *a, const char *b)
{
	const struct m_event *e;
	size_t n, i;
	int found = 0;

	model_lock();
	for (i = from; (e = model_event_at(i, &n)) != NULL; i++)
		found += strstr(e->text, a) != NULL &&
		    (b == NULL || strstr(e->text, b) != NULL);
	model_unlock();
	return found;
}

static size_t nevents(void)
{
	size_t n;

	model_lock();
	model_event_at(0, &n);
	model_unlock();
	return n;
}

static int split(const char *uuid)
{
	int s;

	model_lock();
	s = model_desktop(uuid)->split_brain;
	model_unlock();
	return s;
}

static size_t split_count(void)
{
	size_t n;

	model_lock();
	n = model_split_brain_count();
	model_unlock();
	return n;
}

/* Two running placements: the flag, the counter, one error event naming
 * both hosts, and no "moved"; one copy stopping clears it with an info
 * event, again not told as a move. */
static void test_split_brain(void **state)
{
	const struct m_event *e;
	size_t from, n, i;
	int errors = 0;

	(void)state;
	model_desktop_seen(h1, U, "desk-3", DS_RUNNING, 1, 1, NULL);
	model_desktop_seen(h2, U, "desk-3", DS_SHUTOFF, 0, 1, NULL);
	assert_false(split(U));
	from = nevents();
	model_desktop_set_state(h2, U, DS_RUNNING, 1);
	assert_true(split(U));
	assert_int_equal(split_count(), 1);
	model_lock();
	for (i = from; (e = model_event_at(i, &n)) != NULL; i++)
		errors += e->severity == SEV_ERROR;
	model_unlock();
	assert_int_equal(errors, 1);
	assert_int_equal(events_with(from, "desk-3 is running on hv1 AND hv2",
	    "split brain"), 1);
	assert_int_equal(events_with(from, "moved", NULL), 0);
	/* the copy on hv1 stops: hv2's is the one left */
	from = nevents();
	model_desktop_set_state(h1, U, DS_SHUTOFF, 1);
	assert_false(split(U));
	assert_int_equal(split_count(), 0);
	assert_int_equal(events_with(from, "desk-3 split brain over",
	    "running only on hv2"), 1);
	assert_int_equal(events_with(from, "moved", NULL), 0);
}

/* A migration's two ends are not a split brain: libvirt's job, the
 * incoming copy paused for migration, hvdeck's own migrate job. */
static void test_split_brain_not_migration(void **state)
{
	struct job_target t = { .uuid = U, .name = "desk", .host_id = 1, .host = "hv1" };
	unsigned job;
	size_t from = nevents();

	(void)state;
	model_desktop_seen(h1, U, "desk", DS_RUNNING, 1, 1, NULL);
	model_desktop_job(U, 1, "migration", 40, 3);
	model_desktop_seen(h2, U, "desk", DS_RUNNING, 1, 0, NULL);
	assert_false(split(U));
	model_desktop_gone(h2, U);
	model_desktop_job(U, 0, NULL, -1, 0);
	model_desktop_seen(h2, U, "desk", DS_PAUSED, VIR_DOMAIN_PAUSED_MIGRATION,
	    0, NULL);
	assert_false(split(U));
	model_desktop_gone(h2, U);
	/* hvdeck's own migration, as job.c knows it */
	job = job_new(JK_MIGRATE, &t, NULL, NULL);
	model_lock();
	model_desktop(U)->migration_seen_ms = 0;	/* no grace left */
	model_unlock();
	model_desktop_seen(h2, U, "desk", DS_RUNNING, 1, 0, NULL);
	assert_false(split(U));
	assert_int_equal(events_with(from, "split brain", NULL), 0);
	/* the job ends with both still live: now it is one */
	job_fail(job, "aborted");
	model_lock();
	model_desktop(U)->migration_seen_ms = 0;
	model_unlock();
	model_tick();
	assert_true(split(U));
	assert_int_equal(events_with(from, "split brain", NULL), 1);
	jobs_free();
}

/* A host's first inventory is one summary, not a line per desktop; after
 * it, a new definition says "defined". */
static void test_first_inventory_one_summary(void **state)
{
	struct config_host c = { .name = (char *)"hv3", .uri = (char *)"test:///default" };
	struct m_pool pool = { .name = (char *)"bases", .target_path = (char *)"/s" };
	char uuid[40], name[24];
	size_t from;
	unsigned h3;
	int k;

	(void)state;
	h3 = model_host_add(&c);
	from = nevents();
	model_sync_begin(h3);
	for (k = 0; k < 301; k++) {
		snprintf(uuid, sizeof uuid, "%08d-0000-0000-0000-000000000000", k);
		snprintf(name, sizeof name, "desk-%d", k);
		model_desktop_seen(h3, uuid, name, k < 12 ? DS_RUNNING : DS_SHUTOFF,
		    1, 1, NULL);
	}
	model_pool_seen(h3, &pool, NULL, 0);
	model_sync_end(h3, MODEL_SYNC_DESKTOPS | MODEL_SYNC_POOLS);
	model_host_set_state(h3, HOST_ONLINE, NULL);
	assert_int_equal(nevents() - from, 1);
	assert_int_equal(events_with(from,
	    "hv3 online: 301 desktops (12 running), 1 pool", NULL), 1);
	from = nevents();
	model_desktop_seen(h3, U, "desk-new", DS_SHUTOFF, 0, 1, NULL);
	assert_int_equal(events_with(from, "desk-new defined on hv3 (shutoff)",
	    NULL), 1);
	assert_int_equal(events_with(0, "found", NULL), 0);
}

/* A long name is shortened in the middle: the event keeps its verb and
 * where it happened, and the name's start and end stay readable. */
static void test_long_name_keeps_verb(void **state)
{
	char name[256];
	size_t from;

	(void)state;
	memset(name, 'x', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	memcpy(name, "desk-", 5);
	memcpy(name + sizeof name - 4, "-10", 3);
	model_host_set_state(h1, HOST_ONLINE, NULL);
	from = nevents();
	model_desktop_seen(h1, U, name, DS_SHUTOFF, 0, 1, NULL);
	assert_int_equal(events_with(from, "desk-xx", NULL), 1);
	assert_int_equal(events_with(from, "\xe2\x80\xa6xx", NULL), 1);
	assert_int_equal(events_with(from, "x-10 defined on hv1 (shutoff)", NULL), 1);
}

/* A shutdown the guest ignores: after the timeout a warning naming the way
 * out, and the job ends failed with the same text. */
static void test_shutdown_timeout(void **state)
{
	struct job_target t = { .uuid = U, .name = "desk-3", .host_id = 1, .host = "hv1" };
	const char *want = "desk-3 did not shut down within 1 s "
	    "\xe2\x80\x94 F to force off";
	unsigned job, answered;
	size_t from;
	char *e;

	(void)state;
	model_set_pending_timeout(1000);
	model_desktop_seen(h1, U, "desk-3", DS_RUNNING, 1, 1, NULL);
	model_desktop_pending(U, "shutting down");
	job = job_new(JK_SHUTDOWN, &t, NULL, NULL);
	assert_int_equal(job_begin(job), 0);
	assert_int_equal(model_desktop_await(U, job, "shut down"), 1);
	from = nevents();
	model_tick();			/* not yet */
	assert_int_equal(job_wait(job, 0), JOB_RUNNING);
	model_lock();
	model_desktop(U)->pending_since_ms -= 1001;
	model_unlock();
	model_tick();
	assert_int_equal(job_wait(job, 0), JOB_FAILED);
	e = job_error(job);
	assert_string_equal(e, want);
	free(e);
	assert_int_equal(events_with(from, want, NULL), 1);
	model_lock();
	assert_null(model_desktop(U)->pending);
	assert_int_equal(model_desktop_state(model_desktop(U)), DS_RUNNING);
	model_unlock();
	/* a guest that answers: done when the state changes */
	model_desktop_pending(U, "shutting down");
	answered = job_new(JK_SHUTDOWN, &t, NULL, NULL);
	job_begin(answered);
	assert_int_equal(model_desktop_await(U, answered, "shut down"), 1);
	model_desktop_set_state(h1, U, DS_SHUTOFF, 1);
	assert_int_equal(job_wait(answered, 0), JOB_DONE);
	model_set_pending_timeout(MODEL_PENDING_MS);
	jobs_free();
}

/* An offline host remembers when it was last online and when it retries. */
static void test_offline_host_seen_and_retry(void **state)
{
	struct m_host *h;

	(void)state;
	model_host_stats(h1, 100, 1000, 0);
	model_host_stats(h1, 600, 2000, 0);
	model_host_set_state(h1, HOST_OFFLINE, "connection refused");
	model_host_retry_at(h1, util_wall_ms() + 14000);
	model_lock();
	h = model_host(h1);
	assert_true(h->seen_wall_ms > util_wall_ms() - 5000);
	assert_true(h->seen_cpu_pct > 49.9 && h->seen_cpu_pct < 50.1);
	assert_true(h->cpu_pct < 0);
	assert_true(model_host_retry_in_s(h) >= 13 && model_host_retry_in_s(h) <= 14);
	model_unlock();
	model_host_set_state(h1, HOST_ONLINE, NULL);
	model_lock();
	assert_int_equal(model_host_retry_in_s(model_host(h1)), -1);
	model_unlock();
}

/* What the model told the jobs, and whether its lock was free then. */
static unsigned settled_job;
static char *settled_error;
static int settled_lock_free;

static void *take_model_lock(void *arg)
{
	(void)arg;
	model_lock();
	model_unlock();
	return NULL;
}

/* The lock is free when another thread can take it within 2 s. */
static int model_lock_free(void)
{
	struct timespec ts = util_deadline(CLOCK_REALTIME, 2000);
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, take_model_lock, NULL), 0);
	if (pthread_timedjoin_np(t, NULL, &ts) == 0)
		return 1;
	pthread_detach(t);	/* it ends when the lock comes free */
	return 0;
}

static void record_settle(unsigned job, const char *error)
{
	settled_job = job;
	free(settled_error);
	settled_error = xstrdup(error);
	settled_lock_free = model_lock_free();
}

/* A lost host fails the shutdown the model awaited, told to the jobs
 * after the model lock (the model never ends a job under it). Last: it
 * replaces the hooks job.c registered. */
static void test_lost_host_settles_after_lock(void **state)
{
	static const struct model_jobs hooks = { record_settle, NULL };

	(void)state;
	model_set_jobs(&hooks);
	model_desktop_seen(h1, U, "desk-4", DS_RUNNING, 1, 1, NULL);
	model_desktop_pending(U, "shutting down");
	assert_int_equal(model_desktop_await(U, 7, "shut down"), 1);
	assert_int_equal(settled_job, 0);
	model_host_set_state(h1, HOST_OFFLINE, "connection refused");
	assert_int_equal(settled_job, 7);
	assert_string_equal(settled_error,
	    "host hv1 went offline before desk-4 answered");
	assert_true(settled_lock_free);
	model_set_jobs(NULL);
	free(settled_error);
	settled_error = NULL;
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
		cmocka_unit_test_setup_teardown(test_host_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_restart_after_migration, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_change_means_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rows_kept_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_clears, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_brain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_brain_not_migration, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_name_keeps_verb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_inventory_one_summary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shutdown_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offline_host_seen_and_retry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_host_settles_after_lock, setup, teardown),
	};

	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
