/* test_engine.c — the real engine (event-loop thread, host workers, full
 * inventory into the model) against libvirt's in-process test driver, no
 * daemon: test:///default, a node file of our own (tests/unit/data/engine,
 * found from the current directory: run from the repository root), and a
 * URI that cannot connect.
 *
 * Waiting is on model_wake_fd() with a deadline, never a sleep. The model
 * is read under its lock into plain snapshots and asserted on afterwards:
 * a failed assertion must not leave the lock held for the teardown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "act/engine.h"
#include "core/model.h"
#include "core/util.h"
#include "virt/virt-events.h"
#include "virt/virt-host.h"

#include "model-wait.h"

/* Generous for valgrind; a normal run settles in milliseconds. */
#define SETTLE_MS 60000
#define NODE_FILE "tests/unit/data/engine/node.xml"
#define GHOST_URI "test:///nonexistent/file.xml"
#define NONE "<null>"
#define MAX_PLACES 4

static char *node_uri;          /* test:///ABS/PATH/node.xml */
static struct config cfg;
static int engine_running;

/* ---- snapshots of the model, taken under the lock ---- */

struct host_snap {
	int found;
	unsigned id;
	enum host_state state;
	int inventory_done;
	char error[512];            /* NONE when NULL */
	unsigned cpus, mhz;
	uint64_t memory_kib;
	char hv_type[32], hostname[256];
	size_t npools;
};

struct pool_snap {
	int found, active;
	uint64_t gen;
	char uuid[40], type[32], target_path[256];
	size_t nvols;
	char vol_names[4][64];
};

struct vol_snap {
	int found;
	char path[256], key[256], format[32], backing_path[256], backing_format[32];
	uint64_t capacity, allocation;
};

struct desk_snap {
	int found;
	char uuid[40];
	size_t nplaces;
	unsigned place_host[MAX_PLACES];
	enum desktop_state place_state[MAX_PLACES];
	int place_persistent[MAX_PLACES];
	enum desktop_state shown;   /* model_desktop_state() */
	unsigned vcpus;
	uint64_t memory_kib, max_memory_kib;
	size_t ndisks;
	char disk0[256];
};

static void copy(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s != NULL ? s : NONE);
}

/* Lock held. */
static struct m_host *host_named(const char *name)
{
	struct m_host **hosts;
	size_t n, i;

	hosts = model_hosts(&n);
	for (i = 0; i < n; i++)
		if (strcmp(hosts[i]->name, name) == 0)
			return hosts[i];
	return NULL;
}

/* Lock held. */
static struct m_pool *pool_named(const struct m_host *h, const char *name)
{
	size_t i;

	for (i = 0; h != NULL && i < h->npools; i++)
		if (strcmp(h->pools[i]->name, name) == 0)
			return h->pools[i];
	return NULL;
}

static struct host_snap snap_host(const char *name)
{
	struct host_snap s;
	struct m_host *h;

	memset(&s, 0, sizeof s);
	model_lock();
	h = host_named(name);
	if (h != NULL) {
		s.found = 1;
		s.id = h->id;
		s.state = h->state;
		s.inventory_done = h->inventory_done;
		copy(s.error, sizeof s.error, h->error);
		s.cpus = h->cpus;
		s.mhz = h->mhz;
		s.memory_kib = h->memory_kib;
		copy(s.hv_type, sizeof s.hv_type, h->hv_type);
		copy(s.hostname, sizeof s.hostname, h->hostname);
		s.npools = h->npools;
	}
	model_unlock();
	return s;
}

static struct pool_snap snap_pool(const char *host, const char *pool)
{
	struct pool_snap s;
	struct m_pool *p;
	size_t i;

	memset(&s, 0, sizeof s);
	model_lock();
	p = pool_named(host_named(host), pool);
	if (p != NULL) {
		s.found = 1;
		s.active = p->active;
		s.gen = p->gen;
		copy(s.uuid, sizeof s.uuid, p->uuid);
		copy(s.type, sizeof s.type, p->type);
		copy(s.target_path, sizeof s.target_path, p->target_path);
		s.nvols = p->nvols;
		for (i = 0; i < p->nvols && i < 4; i++)
			copy(s.vol_names[i], sizeof s.vol_names[i], p->vols[i].name);
	}
	model_unlock();
	return s;
}

static struct vol_snap snap_vol(const char *host, const char *pool,
    const char *vol)
{
	struct vol_snap s;
	struct m_pool *p;
	size_t i;

	memset(&s, 0, sizeof s);
	model_lock();
	p = pool_named(host_named(host), pool);
	for (i = 0; p != NULL && i < p->nvols; i++) {
		const struct m_volume *v = &p->vols[i];

		if (v->name == NULL || strcmp(v->name, vol) != 0)
			continue;
		s.found = 1;
		copy(s.path, sizeof s.path, v->path);
		copy(s.key, sizeof s.key, v->key);
		copy(s.format, sizeof s.format, v->format);
		copy(s.backing_path, sizeof s.backing_path, v->backing_path);
		copy(s.backing_format, sizeof s.backing_format, v->backing_format);
		s.capacity = v->capacity;
		s.allocation = v->allocation;
	}
	model_unlock();
	return s;
}

static struct desk_snap snap_desktop(const char *name)
{
	struct desk_snap s;
	struct m_desktop **ds;
	const struct m_desktop *d = NULL;
	size_t n, i;

	memset(&s, 0, sizeof s);
	model_lock();
	ds = model_desktops(&n);
	for (i = 0; i < n; i++)
		if (ds[i]->name != NULL && strcmp(ds[i]->name, name) == 0)
			d = ds[i];
	if (d != NULL) {
		s.found = 1;
		copy(s.uuid, sizeof s.uuid, d->uuid);
		s.nplaces = d->nplaces;
		for (i = 0; i < d->nplaces && i < MAX_PLACES; i++) {
			s.place_host[i] = d->places[i].host_id;
			s.place_state[i] = d->places[i].state;
			s.place_persistent[i] = d->places[i].persistent;
		}
		s.shown = model_desktop_state(d);
		s.vcpus = d->xml.vcpus;
		s.memory_kib = d->xml.memory_kib;
		s.max_memory_kib = d->xml.max_memory_kib;
		s.ndisks = d->xml.ndisks;
		copy(s.disk0, sizeof s.disk0,
		    d->xml.ndisks > 0 ? d->xml.disks[0].source : NULL);
	}
	model_unlock();
	return s;
}

static size_t count_desktops(void)
{
	size_t n;

	model_lock();
	model_desktops(&n);
	model_unlock();
	return n;
}

/* 1 if the events strip holds a line equal to text. */
static int has_event(const char *text)
{
	const struct m_event *e;
	size_t n = 0, i;
	int found = 0;

	model_lock();
	for (i = 0; (e = model_event_at(i, &n)) != NULL; i++)
		if (strcmp(e->text, text) == 0)
			found = 1;
	model_unlock();
	return found;
}

/* ---- starting, waiting, stopping ---- */

/* Every host has finished its first attempt: online with a completed
 * inventory, or offline with an error. Lock held. */
static int settled_locked(void)
{
	struct m_host **hosts;
	size_t n, i;

	hosts = model_hosts(&n);
	for (i = 0; i < n; i++) {
		if (hosts[i]->state == HOST_ONLINE && hosts[i]->inventory_done)
			continue;
		if (hosts[i]->state == HOST_OFFLINE && hosts[i]->error != NULL)
			continue;
		return 0;
	}
	return n > 0;
}

static int settled(const void *arg)
{
	(void)arg;
	return settled_locked();
}

static int wait_settled(int64_t timeout_ms)
{
	return wait_model(settled, NULL, timeout_ms);
}

static void add_host(const char *name, const char *uri)
{
	char *cause = NULL;

	if (config_add_host(&cfg, name, uri, ROLE_MIXED, NULL, &cause) < 0)
		fail_msg("config_add_host %s: %s", name, cause);
}

static void start_engine(void)
{
	assert_int_equal(engine_start(&cfg, 0), 0);
	engine_running = 1;
	if (!wait_settled(SETTLE_MS))
		fail_msg("hosts did not settle within %d ms", SETTLE_MS);
}

/* engine_stop frees the model: nothing of it may be left. */
static void stop_engine(void)
{
	size_t nh, nd;

	engine_stop();
	engine_running = 0;
	model_lock();
	model_hosts(&nh);
	model_desktops(&nd);
	model_unlock();
	assert_int_equal(nh, 0);
	assert_int_equal(nd, 0);
	assert_int_equal(model_wake_fd(), -1);
	/* every callback context went back through its free callback */
	assert_int_equal(events_live_contexts(), 0);
}

static int setup(void **state)
{
	(void)state;
	config_defaults(&cfg, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (engine_running) {	/* a test failed half-way */
		engine_stop();
		engine_running = 0;
	}
	config_free(&cfg);
	return 0;
}

static int group_setup(void **state)
{
	char *cwd = getcwd(NULL, 0);

	(void)state;
	if (cwd == NULL)
		return -1;
	node_uri = xasprintf("test://%s/%s", cwd, NODE_FILE);
	if (access(node_uri + strlen("test://"), R_OK) != 0) {
		fprintf(stderr, "test_engine: %s not found: run from the "
		    "repository root\n", node_uri + strlen("test://"));
		free(cwd);
		return -1;
	}
	free(cwd);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	free(node_uri);
	node_uri = NULL;
	return 0;
}

/* libvirt, asked directly on this thread: the oracle for what the engine
 * should have copied into the model. */
static virConnectPtr oracle_open(const char *uri)
{
	virConnectPtr c = virConnectOpenReadOnly(uri);

	if (c == NULL) {
		virErrorPtr err = virGetLastError();

		fail_msg("oracle connect %s: %s", uri,
		    err != NULL && err->message != NULL ? err->message : "?");
	}
	return c;
}

/* ---- tests ---- */

static void test_default_driver(void **state)
{
	struct host_snap h;
	struct desk_snap d;
	struct pool_snap p;
	virConnectPtr c;
	virDomainPtr dom;
	virDomainInfo di;
	virNodeInfo ni;
	char uuid[VIR_UUID_STRING_BUFLEN];
	char *hostname;
	const char *type;

	(void)state;
	add_host("local", "test:///default");
	start_engine();

	c = oracle_open("test:///default");
	dom = virDomainLookupByName(c, "test");
	assert_non_null(dom);
	assert_int_equal(virDomainGetUUIDString(dom, uuid), 0);
	assert_int_equal(virDomainGetInfo(dom, &di), 0);
	virDomainFree(dom);
	assert_int_equal(virNodeGetInfo(c, &ni), 0);
	hostname = virConnectGetHostname(c);
	type = virConnectGetType(c);
	assert_non_null(hostname);
	assert_non_null(type);

	h = snap_host("local");
	assert_true(h.found);
	assert_int_equal(h.state, HOST_ONLINE);
	assert_int_equal(h.inventory_done, 1);
	assert_string_equal(h.error, NONE);
	assert_int_equal(h.cpus, ni.cpus);
	assert_int_equal(h.mhz, ni.mhz);
	assert_int_equal(h.memory_kib, ni.memory);
	assert_string_equal(h.hv_type, type);
	assert_string_equal(h.hostname, hostname);
	free(hostname);

	d = snap_desktop("test");
	assert_true(d.found);
	assert_string_equal(d.uuid, uuid);
	assert_int_equal(d.nplaces, 1);
	assert_int_equal(d.place_host[0], h.id);
	assert_int_equal(d.place_state[0], DS_RUNNING);
	assert_int_equal(d.place_persistent[0], 1);
	assert_int_equal(d.shown, DS_RUNNING);
	assert_int_equal(di.state, VIR_DOMAIN_RUNNING);
	/* <vcpu>2</vcpu>, <currentMemory> 2 GiB, <memory> 8 GiB */
	assert_int_equal(d.vcpus, di.nrVirtCpu);
	assert_int_equal(d.vcpus, 2);
	assert_int_equal(d.memory_kib, di.memory);
	assert_int_equal(d.memory_kib, 2097152);
	assert_int_equal(d.max_memory_kib, di.maxMem);
	assert_int_equal(d.max_memory_kib, 8388608);
	assert_int_equal(d.ndisks, 1);
	assert_string_equal(d.disk0, "/guest/diskimage1");
	assert_int_equal(count_desktops(), 1);

	p = snap_pool("local", "default-pool");
	assert_true(p.found);
	assert_true(p.active);
	assert_string_equal(p.type, "dir");
	assert_int_equal(h.npools, 1);

	virConnectClose(c);
	stop_engine();
}

/* The node file, seen through two hosts: one object per UUID, placed on
 * both, each in the state its host reports. */
static void assert_desktop_on_both(const char *name, const char *uuid,
    unsigned hv1, unsigned hv2, enum desktop_state state, unsigned vcpus,
    uint64_t memory_kib)
{
	struct desk_snap d = snap_desktop(name);

	if (!d.found)
		fail_msg("desktop %s not in the model", name);
	assert_string_equal(d.uuid, uuid);
	assert_int_equal(d.nplaces, 2);
	assert_true((d.place_host[0] == hv1 && d.place_host[1] == hv2) ||
	    (d.place_host[0] == hv2 && d.place_host[1] == hv1));
	assert_int_equal(d.place_state[0], state);
	assert_int_equal(d.place_state[1], state);
	assert_int_equal(d.place_persistent[0], 1);
	assert_int_equal(d.place_persistent[1], 1);
	assert_int_equal(d.shown, state);
	assert_int_equal(d.vcpus, vcpus);
	assert_int_equal(d.memory_kib, memory_kib);
}

static void assert_node_host(const char *name)
{
	struct host_snap h = snap_host(name);
	struct pool_snap p = snap_pool(name, "vdi");
	struct vol_snap base = snap_vol(name, "vdi", "base-win11.qcow2");
	struct vol_snap derived = snap_vol(name, "vdi", "desk-alice.qcow2");

	assert_true(h.found);
	if (h.state != HOST_ONLINE)
		fail_msg("%s is %s: %s", name, model_host_state_name(h.state),
		    h.error);
	assert_int_equal(h.inventory_done, 1);
	/* <cpu>: 2 sockets x 4 cores x 1 thread, 2400 MHz; <memory> */
	assert_int_equal(h.cpus, 8);
	assert_int_equal(h.mhz, 2400);
	assert_int_equal(h.memory_kib, 16777216);
	assert_int_equal(h.npools, 1);

	assert_true(p.found);
	assert_true(p.active);
	assert_string_equal(p.uuid, "55555555-5555-4555-8555-555555555555");
	assert_string_equal(p.type, "dir");
	assert_string_equal(p.target_path, "/vdi/images");
	assert_int_equal(p.nvols, 2);
	assert_string_equal(p.vol_names[0], "base-win11.qcow2");
	assert_string_equal(p.vol_names[1], "desk-alice.qcow2");

	assert_true(base.found);
	assert_string_equal(base.path, "/vdi/images/base-win11.qcow2");
	assert_string_equal(base.format, "qcow2");
	assert_string_equal(base.backing_path, NONE);
	assert_int_equal(base.capacity, 40ULL << 30);
	assert_int_equal(base.allocation, 12ULL << 30);

	assert_true(derived.found);
	assert_string_equal(derived.path, "/vdi/images/desk-alice.qcow2");
	assert_string_equal(derived.key, "/vdi/images/desk-alice.qcow2");
	assert_string_equal(derived.format, "qcow2");
	assert_string_equal(derived.backing_path, base.path);
	assert_string_equal(derived.backing_format, "qcow2");
	assert_int_equal(derived.capacity, 40ULL << 30);
	assert_int_equal(derived.allocation, 512ULL << 20);
}

static void test_node_file_two_hosts(void **state)
{
	struct host_snap hv1, hv2;
	struct desk_snap alice;

	(void)state;
	add_host("hv1", node_uri);
	add_host("hv2", node_uri);
	start_engine();

	assert_node_host("hv1");
	assert_node_host("hv2");
	hv1 = snap_host("hv1");
	hv2 = snap_host("hv2");
	assert_int_not_equal(hv1.id, hv2.id);

	/* four domains in the file, each one desktop with two placements */
	assert_int_equal(count_desktops(), 4);
	assert_desktop_on_both("desk-alice", "11111111-1111-4111-8111-111111111111",
	    hv1.id, hv2.id, DS_RUNNING, 2, 2097152);
	assert_desktop_on_both("desk-bob", "22222222-2222-4222-8222-222222222222",
	    hv1.id, hv2.id, DS_PAUSED, 1, 2097152);
	assert_desktop_on_both("desk-carol", "33333333-3333-4333-8333-333333333333",
	    hv1.id, hv2.id, DS_SHUTOFF, 4, 8388608);
	assert_desktop_on_both("tmpl-win11", "44444444-4444-4444-8444-444444444444",
	    hv1.id, hv2.id, DS_SHUTOFF, 2, 4194304);

	/* the running desktop's disk is the derived volume of the pool */
	alice = snap_desktop("desk-alice");
	assert_int_equal(alice.ndisks, 1);
	assert_string_equal(alice.disk0, "/vdi/images/desk-alice.qcow2");
	assert_int_equal(alice.max_memory_kib, 4194304);

	stop_engine();
}

static void test_unreachable_host(void **state)
{
	struct host_snap ghost, local, hv1;
	char *expected, *line;
	virConnectPtr c;
	virErrorPtr err;

	(void)state;
	add_host("hv1", node_uri);
	add_host("ghost", GHOST_URI);
	add_host("local", "test:///default");
	start_engine();

	/* libvirt's own words for the failure, asked on this thread */
	c = virConnectOpenReadOnly(GHOST_URI);
	assert_null(c);
	err = virGetLastError();
	assert_non_null(err);
	assert_non_null(err->message);
	expected = xstrdup(err->message);
	assert_non_null(strstr(expected, "/nonexistent/file.xml"));

	ghost = snap_host("ghost");
	assert_true(ghost.found);
	assert_int_equal(ghost.state, HOST_OFFLINE);
	assert_int_equal(ghost.inventory_done, 0);
	assert_string_equal(ghost.error, expected);
	assert_int_equal(ghost.npools, 0);
	line = xasprintf("ghost offline: %s", expected);
	assert_true(has_event(line));
	free(line);
	free(expected);

	hv1 = snap_host("hv1");
	local = snap_host("local");
	assert_int_equal(hv1.state, HOST_ONLINE);
	assert_int_equal(local.state, HOST_ONLINE);
	assert_string_equal(hv1.error, NONE);
	assert_string_equal(local.error, NONE);
	/* four from the node file, "test" from the default driver, each on
	 * the one host that has it */
	assert_int_equal(count_desktops(), 5);
	assert_int_equal(snap_desktop("desk-alice").nplaces, 1);
	assert_int_equal(snap_desktop("desk-alice").place_host[0], hv1.id);
	assert_int_equal(snap_desktop("test").nplaces, 1);
	assert_int_equal(snap_desktop("test").place_host[0], local.id);
	assert_int_equal(snap_desktop("test").shown, DS_RUNNING);

	stop_engine();
}


/* ---- events driven through an oracle connection ----
 *
 * test:///default is one driver per process: the oracle's changes on it
 * are events on the engine's connection too, delivered on the event-loop
 * thread while the workers and this thread use the model. */

struct want_state {
	const char *name;
	int gone;                   /* wait for the desktop to leave */
	enum desktop_state state;
};

static int desktop_is(const void *arg)
{
	const struct want_state *w = arg;
	struct desk_snap d = snap_desktop(w->name);

	if (w->gone)
		return !d.found;
	return d.found && d.nplaces == 1 && d.place_state[0] == w->state;
}

static void expect_desktop(const char *name, enum desktop_state state,
    int gone)
{
	struct want_state w = { name, gone, state };

	if (!wait_model_unlocked(desktop_is, &w, SETTLE_MS))
		fail_msg("desktop %s never became %s", name,
		    gone ? "gone" : model_state_name(state));
}

static virConnectPtr oracle_open_rw(const char *uri)
{
	virConnectPtr c = virConnectOpen(uri);

	if (c == NULL)
		fail_msg("oracle connect %s failed", uri);
	return c;
}

#define DRIVE_ROUNDS 12

static void test_events_drive_model(void **state)
{
	virConnectPtr c;
	virDomainPtr dom;
	char name[32], *xml;
	int i;

	(void)state;
	add_host("local", "test:///default");
	add_host("hv1", node_uri);
	start_engine();
	c = oracle_open_rw("test:///default");

	for (i = 0; i < DRIVE_ROUNDS; i++) {
		snprintf(name, sizeof name, "ev-%d", i);
		xml = xasprintf("<domain type='test'><name>%s</name>"
		    "<memory>65536</memory><vcpu>1</vcpu>"
		    "<os><type>hvm</type></os></domain>", name);
		dom = virDomainDefineXML(c, xml);
		free(xml);
		assert_non_null(dom);
		expect_desktop(name, DS_SHUTOFF, 0);
		assert_int_equal(virDomainCreate(dom), 0);
		expect_desktop(name, DS_RUNNING, 0);
		assert_int_equal(virDomainSuspend(dom), 0);
		expect_desktop(name, DS_PAUSED, 0);
		assert_int_equal(virDomainResume(dom), 0);
		expect_desktop(name, DS_RUNNING, 0);
		assert_int_equal(virDomainDestroy(dom), 0);
		expect_desktop(name, DS_SHUTOFF, 0);
		assert_int_equal(virDomainUndefine(dom), 0);
		expect_desktop(name, 0, 1);
		virDomainFree(dom);
	}
	/* the node-file host never saw any of it */
	assert_int_equal(snap_desktop("desk-alice").nplaces, 1);

	virConnectClose(c);
	stop_engine();
}

/* A timer on the event loop: fires only if the loop is free to run. */
static void on_probe(int timer, void *opaque)
{
	virEventRemoveTimeout(timer);
	atomic_store((atomic_int *)opaque, 1);
}

/* Callbacks only queue: while this thread holds the model lock (a slow
 * reader, e.g. watch blocked on stdout), events keep arriving and the
 * loop keeps running. */
static void test_loop_runs_while_model_locked(void **state)
{
	static atomic_int fired;
	virConnectPtr c;
	virDomainPtr dom;
	int64_t deadline;

	(void)state;
	add_host("local", "test:///default");
	start_engine();
	c = oracle_open_rw("test:///default");
	dom = virDomainLookupByName(c, "test");
	assert_non_null(dom);

	model_lock();
	assert_int_equal(virDomainSuspend(dom), 0);
	assert_int_equal(virDomainResume(dom), 0);
	assert_int_equal(virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_DESCRIPTION,
	    "probe", NULL, NULL, 0), 0);
	atomic_store(&fired, 0);
	assert_true(virEventAddTimeout(50, on_probe, &fired, NULL) >= 0);
	deadline = util_now_ms() + 10000;
	while (!atomic_load(&fired) && util_now_ms() < deadline)
		usleep(1000);
	model_unlock();
	assert_true(atomic_load(&fired));
	expect_desktop("test", DS_RUNNING, 0);

	virDomainFree(dom);
	virConnectClose(c);
	stop_engine();
}

struct host_transitions {
	unsigned id;
	int offline, online_after;
};

static void count_transitions(enum m_kind kind, enum m_op op,
    const struct m_host *h, const void *obj, void *ctx)
{
	struct host_transitions *t = ctx;
	const struct m_host *mh = obj;

	(void)op;
	(void)h;
	if (kind != MK_HOST || mh->id != t->id)
		return;
	if (mh->state == HOST_OFFLINE)
		t->offline = 1;
	else if (t->offline && mh->state == HOST_ONLINE && mh->inventory_done)
		t->online_after = 1;
}

static int reconnected(const void *arg)
{
	const struct host_transitions *t = arg;
	int done;

	model_lock();
	done = t->online_after;
	model_unlock();
	return done;
}

struct pool_gen {
	const char *host, *pool;
	uint64_t gen;
};

static int pool_reread(const void *arg)
{
	const struct pool_gen *g = arg;

	return snap_pool(g->host, g->pool).gen != g->gen;
}

/* A refresh the worker made itself, whose event never came before the
 * connection closed, must not swallow the first real refresh on the next
 * connection. */
static void test_self_refresh_forgotten_on_close(void **state)
{
	struct host_transitions t;
	struct pool_gen g = { "local", "default-pool", 0 };
	virConnectPtr c;
	virStoragePoolPtr pool;

	(void)state;
	add_host("local", "test:///default");
	start_engine();
	memset(&t, 0, sizeof t);
	t.id = snap_host("local").id;
	model_set_observer(count_transitions, &t);

	host_mark_self_refresh(t.id, "default-pool");
	host_reconnect(t.id);
	if (!wait_model_unlocked(reconnected, &t, SETTLE_MS))
		fail_msg("local did not reconnect");

	c = oracle_open_rw("test:///default");
	pool = virStoragePoolLookupByName(c, "default-pool");
	assert_non_null(pool);
	g.gen = snap_pool("local", "default-pool").gen;
	assert_int_equal(virStoragePoolRefresh(pool, 0), 0);
	if (!wait_model_unlocked(pool_reread, &g, 5000))
		fail_msg("the refresh event was swallowed by a stale marker");
	virStoragePoolFree(pool);
	virConnectClose(c);
	model_set_observer(NULL, NULL);
	stop_engine();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_default_driver, setup, teardown),
		cmocka_unit_test_setup_teardown(test_node_file_two_hosts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreachable_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_drive_model, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_runs_while_model_locked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_self_refresh_forgotten_on_close, setup, teardown),
	};

	return cmocka_run_group_tests_name("engine", tests, group_setup,
	    group_teardown);
}
