/* test_sync.c — the full inventory's mark-and-sweep against libvirt's
 * in-process test driver (test:///default: domain "test", pool
 * "default-pool"), with reads made to fail on demand.
 *
 * The failures are injected by defining virDomainGetState,
 * virStoragePoolGetInfo and virConnectIsAlive here: virt-sync.o is linked
 * into this executable, so its calls bind to these, which pass through to
 * libvirt's own (RTLD_NEXT) unless a test asks them to fail. A failed read
 * must never report a host's desktops or pools removed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dlfcn.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "virt/virt-sync.h"
#include "virt/virt-xml.h"

#define TEST_UUID "6695eb01-f6a4-8304-79aa-97f2502e193f"
#define SWEEP_UUID "0b0b0b0b-1111-2222-3333-444444444444"

static int fail_domain_state, fail_pool_info, connection_lost;
/* the bulk call: refused as a driver without it does, or failing */
static int refuse_bulk, fail_bulk, bulk_calls, state_calls, volxml_calls;
static virConnectPtr tconn;
static unsigned host_id;

/* dlsym returns data pointers; POSIX guarantees this conversion works */
static void *real_fn(const char *name)
{
	void *fn = dlsym(RTLD_NEXT, name);

	if (fn == NULL)
		abort();
	return fn;
}

int virDomainGetState(virDomainPtr dom, int *state, int *reason,
    unsigned int flags)
{
	int (*real)(virDomainPtr, int *, int *, unsigned int);

	state_calls++;
	if (fail_domain_state)
		return -1;
	*(void **)&real = real_fn("virDomainGetState");
	return real(dom, state, reason, flags);
}

int virConnectGetAllDomainStats(virConnectPtr conn, unsigned int stats,
    virDomainStatsRecordPtr **retStats, unsigned int flags)
{
	int (*real)(virConnectPtr, unsigned int, virDomainStatsRecordPtr **,
	    unsigned int);
	virTypedParameterPtr params = NULL;
	int n = 0;

	bulk_calls++;
	*(void **)&real = real_fn("virConnectGetAllDomainStats");
	/* libvirt's own errors, set the only way a client can: a call the
	 * test driver does not implement, a group no driver knows enforced */
	if (refuse_bulk) {
		if (virNodeGetSEVInfo(conn, &params, &n, 0) == 0)
			virTypedParamsFree(params, n);
		return -1;
	}
	if (fail_bulk)
		return real(conn, 1u << 30, retStats,
		    VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS);
	return real(conn, stats, retStats, flags);
}

char *virStorageVolGetXMLDesc(virStorageVolPtr vol, unsigned int flags)
{
	char *(*real)(virStorageVolPtr, unsigned int);

	volxml_calls++;
	*(void **)&real = real_fn("virStorageVolGetXMLDesc");
	return real(vol, flags);
}

int virStoragePoolGetInfo(virStoragePoolPtr pool, virStoragePoolInfoPtr info)
{
	int (*real)(virStoragePoolPtr, virStoragePoolInfoPtr);

	if (fail_pool_info)
		return -1;
	*(void **)&real = real_fn("virStoragePoolGetInfo");
	return real(pool, info);
}

int virConnectIsAlive(virConnectPtr conn)
{
	int (*real)(virConnectPtr);

	if (connection_lost)
		return 0;
	*(void **)&real = real_fn("virConnectIsAlive");
	return real(conn);
}

static int setup(void **state)
{
	struct config_host ch = { .name = (char *)"hv1", .uri = (char *)"test:///default" };
	char *cause = NULL;

	(void)state;
	fail_domain_state = fail_pool_info = connection_lost = 0;
	refuse_bulk = fail_bulk = bulk_calls = 0;
	model_init();
	virtxml_init();
	host_id = model_host_add(&ch);
	tconn = virConnectOpen("test:///default");
	assert_non_null(tconn);
	assert_int_equal(sync_full(tconn, host_id, &cause), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	virConnectClose(tconn);
	model_free();
	virtxml_cleanup();
	return 0;
}

/* Lock taken here: how many hosts place the desktop, pools of the host. */
static size_t places_of(const char *uuid)
{
	struct m_desktop *d;
	size_t n;

	model_lock();
	d = model_desktop(uuid);
	n = d != NULL ? d->nplaces : 0;
	model_unlock();
	return n;
}

static size_t pools_of_host(void)
{
	size_t n;

	model_lock();
	n = model_host(host_id)->npools;
	model_unlock();
	return n;
}

static void test_lost_mid_inventory_removes_nothing(void **state)
{
	char *cause = NULL;
	size_t npools = pools_of_host();

	(void)state;
	assert_int_equal(places_of(TEST_UUID), 1);
	assert_true(npools >= 1);
	fail_domain_state = fail_pool_info = connection_lost = 1;
	assert_int_equal(sync_full(tconn, host_id, &cause), -1);
	assert_non_null(cause);
	free(cause);
	assert_int_equal(places_of(TEST_UUID), 1);
	assert_int_equal(pools_of_host(), npools);
}

static void test_failed_reads_on_live_connection_remove_nothing(void **state)
{
	char *cause = NULL;
	size_t npools = pools_of_host();

	(void)state;
	/* one domain's state read failing: only where each is asked */
	refuse_bulk = fail_domain_state = 1;
	assert_int_equal(sync_full(tconn, host_id, &cause), 0);
	assert_int_equal(places_of(TEST_UUID), 1);
	refuse_bulk = fail_domain_state = 0;
	/* the bulk call failing is a failed list: the inventory fails */
	fail_bulk = 1;
	assert_int_equal(sync_full(tconn, host_id, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_int_equal(places_of(TEST_UUID), 1);
	fail_bulk = 0;
	fail_pool_info = 1;
	assert_int_equal(sync_full(tconn, host_id, &cause), 0);
	assert_int_equal(pools_of_host(), npools);
	assert_int_equal(places_of(TEST_UUID), 1);
}

/* The other side: a complete read still sweeps what the host dropped. */
static void test_complete_inventory_sweeps(void **state)
{
	const char *xml =
	    "<domain type='test'><name>sweepme</name>"
	    "<uuid>" SWEEP_UUID "</uuid>"
	    "<memory>1024</memory><vcpu>1</vcpu>"
	    "<os><type>hvm</type></os></domain>";
	virDomainPtr dom;
	char *cause = NULL;

	(void)state;
	dom = virDomainDefineXML(tconn, xml);
	assert_non_null(dom);
	assert_int_equal(sync_full(tconn, host_id, &cause), 0);
	assert_int_equal(places_of(SWEEP_UUID), 1);
	assert_int_equal(virDomainUndefine(dom), 0);
	virDomainFree(dom);
	assert_int_equal(sync_full(tconn, host_id, &cause), 0);
	assert_int_equal(places_of(SWEEP_UUID), 0);
	assert_int_equal(places_of(TEST_UUID), 1);
}

/* State and persistence the same from the bulk call as asked one by one
 * (a driver that refuses it): "test" runs defined, a created guest runs
 * transient. */
static void bulk_and_each_agree(int refuse)
{
	const char *xml =
	    "<domain type='test'><name>passing</name>"
	    "<uuid>" SWEEP_UUID "</uuid>"
	    "<memory>1024</memory><vcpu>1</vcpu>"
	    "<os><type>hvm</type></os></domain>";
	virDomainPtr dom = virDomainCreateXML(tconn, xml, 0);
	const struct m_place *p;
	char *cause = NULL;

	assert_non_null(dom);
	refuse_bulk = refuse;
	bulk_calls = state_calls = 0;
	assert_int_equal(sync_full(tconn, host_id, &cause), 0);
	assert_int_equal(bulk_calls, 1);
	/* no domain asked on its own, unless the bulk call was refused */
	assert_int_equal(state_calls, refuse ? 2 : 0);
	if (refuse) {
		virErrorPtr err;

		/* what the fallback relies on: that call says "no support" */
		{ virTypedParameterPtr pp = NULL; int np = 0;
		assert_int_equal(virNodeGetSEVInfo(tconn, &pp, &np, 0), -1); }
		err = virGetLastError();
		assert_int_equal(err != NULL ? err->code : 0, VIR_ERR_NO_SUPPORT);
	}
	model_lock();
	p = model_desktop_place(model_desktop(TEST_UUID));
	assert_int_equal(p->state, DS_RUNNING);
	assert_int_equal(p->persistent, 1);
	p = model_desktop_place(model_desktop(SWEEP_UUID));
	assert_int_equal(p->state, DS_RUNNING);
	assert_int_equal(p->persistent, 0);
	assert_int_equal(model_desktop(SWEEP_UUID)->xml.vcpus, 1);
	model_unlock();
	assert_int_equal(virDomainDestroy(dom), 0);
	virDomainFree(dom);
}

static void test_bulk_inventory(void **state)
{
	(void)state;
	bulk_and_each_agree(0);
}

static void test_bulk_refused_asks_each(void **state)
{
	(void)state;
	bulk_and_each_agree(1);
}

/* A volume of default-pool of capacity KiB (replacing one so named). */
static void make_volume(const char *name, unsigned kib)
{
	virStoragePoolPtr pool = virStoragePoolLookupByName(tconn, "default-pool");
	virStorageVolPtr vol = virStorageVolLookupByName(pool, name);
	char xml[256];

	if (vol != NULL) {
		assert_int_equal(virStorageVolDelete(vol, 0), 0);
		virStorageVolFree(vol);
	}
	snprintf(xml, sizeof xml, "<volume><name>%s</name>"
	    "<capacity unit='KiB'>%u</capacity></volume>", name, kib);
	vol = virStorageVolCreateXML(pool, xml, 0);
	assert_non_null(vol);
	virStorageVolFree(vol);
	virStoragePoolFree(pool);
}

/* Capacity of volume name of default-pool in the model, 0 if none. */
static uint64_t model_capacity(const char *name)
{
	const struct m_host *h;
	uint64_t cap = 0;
	size_t i, k;

	model_lock();
	h = model_host(host_id);
	for (i = 0; i < h->npools; i++)
		for (k = 0; k < h->pools[i]->nvols; k++)
			if (strcmp(h->pools[i]->vols[k].name, name) == 0)
				cap = h->pools[i]->vols[k].capacity;
	model_unlock();
	return cap;
}

/* A pool re-read (a pool event) asks the XML only of volumes new by key
 * or resized; an inventory after a connect asks every one. */
static void test_volume_xml_read_once(void **state)
{
	char *cause = NULL;

	(void)state;
	make_volume("v1.img", 1024);
	volxml_calls = 0;
	sync_pool(tconn, host_id, "default-pool");
	assert_int_equal(volxml_calls, 1);
	assert_int_equal(model_capacity("v1.img"), 1024 * 1024);
	make_volume("v2.img", 1024);
	volxml_calls = 0;
	sync_pool(tconn, host_id, "default-pool");
	assert_int_equal(volxml_calls, 1);      /* v2 only */
	assert_int_equal(model_capacity("v1.img"), 1024 * 1024);
	make_volume("v1.img", 2048);            /* same key, new size */
	volxml_calls = 0;
	sync_pool(tconn, host_id, "default-pool");
	assert_int_equal(volxml_calls, 1);
	assert_int_equal(model_capacity("v1.img"), 2048 * 1024);
	/* after a connect nothing is trusted: every volume read again */
	volxml_calls = 0;
	assert_int_equal(sync_full(tconn, host_id, &cause), 0);
	assert_int_equal(volxml_calls, 2);
}

static void quiet(void *opaque, virErrorPtr err)
{
	(void)opaque;
	(void)err;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lost_mid_inventory_removes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_reads_on_live_connection_remove_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_complete_inventory_sweeps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_inventory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_refused_asks_each, setup, teardown),
		cmocka_unit_test_setup_teardown(test_volume_xml_read_once, setup, teardown),
	};

	virSetErrorFunc(NULL, quiet);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
