/* test_act_pool.c — a volume made behind the model's back shows on every
 * host that shares its pool once act_pool_refresh_sharing's jobs are done
 * (no sleep: act_pool_wait). On the real engine with libvirt's in-process
 * test driver: every connection to test:///default is one driver, so two
 * hosts on it see one storage, and `default-pool` is named shared in the
 * configuration. A third host with its own driver (a file URI) has a pool
 * of the same name that is not the same storage and is not refreshed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act-domain.h"
#include "act-pool.h"
#include "config.h"
#include "engine.h"
#include "job.h"
#include "model.h"
#include "util.h"

#include "model-wait.h"

#define SETTLE_MS 60000
#define JOB_MS 10000
#define POOL "default-pool"
#define VOL "made-behind.img"

static struct config cfg;

static int settled(const void *arg)
{
	struct m_host **hosts;
	size_t n, i;

	(void)arg;
	hosts = model_hosts(&n);
	for (i = 0; i < n; i++)
		if (!hosts[i]->inventory_done && !hosts[i]->attempted)
			return 0;
	return n > 0;
}

/* Lock held. Whether host `name` lists VOL in POOL. */
static int lists(const char *name)
{
	struct m_host **hosts;
	size_t n, i, k, v;

	hosts = model_hosts(&n);
	for (i = 0; i < n; i++) {
		if (strcmp(hosts[i]->name, name) != 0)
			continue;
		for (k = 0; k < hosts[i]->npools; k++) {
			const struct m_pool *p = hosts[i]->pools[k];

			if (strcmp(p->name, POOL) != 0)
				continue;
			for (v = 0; v < p->nvols; v++)
				if (strcmp(p->vols[v].name, VOL) == 0)
					return 1;
		}
	}
	return 0;
}

static unsigned host_id(const char *name)
{
	struct m_host **hosts;
	size_t n, i;
	unsigned id = 0;

	model_lock();
	hosts = model_hosts(&n);
	for (i = 0; i < n; i++)
		if (strcmp(hosts[i]->name, name) == 0)
			id = hosts[i]->id;
	model_unlock();
	return id;
}

static void add_host(const char *name, const char *uri)
{
	char *cause = NULL;

	if (config_add_host(&cfg, name, uri, ROLE_MIXED, NULL, &cause) < 0)
		fail_msg("config_add_host %s: %s", name, cause);
}

static void test_refresh_sharing(void **state)
{
	virConnectPtr c;
	virStoragePoolPtr p;
	virStorageVolPtr v;
	unsigned *jobs = NULL;
	char *cause = NULL;
	size_t n;
	int a, b;

	(void)state;
	config_defaults(&cfg, NULL);
	act_set_read_only(0);
	free(cfg.shared_dir_pools);
	cfg.shared_dir_pools = xstrdup(POOL);
	add_host("a", "test:///default");
	add_host("b", "test:///default");
	assert_int_equal(engine_start(&cfg, 0), 0);
	if (!wait_model(settled, NULL, SETTLE_MS))
		fail_msg("hosts did not settle");

	c = virConnectOpen("test:///default");
	assert_non_null(c);
	p = virStoragePoolLookupByName(c, POOL);
	assert_non_null(p);
	v = virStorageVolCreateXML(p, "<volume><name>" VOL "</name>"
	    "<capacity>1048576</capacity></volume>", 0);
	assert_non_null(v);
	model_lock();
	a = lists("a");
	b = lists("b");
	model_unlock();
	assert_false(a || b);	/* libvirt sent no event: nobody knows yet */

	n = act_pool_refresh_sharing(host_id("a"), POOL, &jobs);
	assert_int_equal(n, 2);
	if (act_pool_wait(jobs, n, JOB_MS, &cause) < 0)
		fail_msg("wait: %s", cause);
	free(jobs);
	model_lock();
	a = lists("a");
	b = lists("b");
	model_unlock();
	assert_true(a);
	assert_true(b);

	/* deleted: both forget it, the same way */
	assert_int_equal(virStorageVolDelete(v, 0), 0);
	n = act_pool_refresh_sharing(host_id("b"), POOL, &jobs);
	assert_int_equal(n, 2);
	assert_int_equal(act_pool_wait(jobs, n, JOB_MS, &cause), 0);
	free(jobs);
	model_lock();
	a = lists("a");
	b = lists("b");
	model_unlock();
	assert_false(a || b);

	virStorageVolFree(v);
	virStoragePoolFree(p);
	virConnectClose(c);
	engine_stop();
	config_free(&cfg);
}

/* A refresh that never ends in time is reported, not waited on forever. */
static void test_wait_unknown(void **state)
{
	unsigned none[] = { 999999 };
	char *cause = NULL;

	(void)state;
	/* a job forgotten (or never made) is not a failure */
	assert_int_equal(act_pool_wait(none, 1, 10, &cause), 0);
	assert_null(cause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refresh_sharing),
		cmocka_unit_test(test_wait_unknown),
	};

	virSetErrorFunc(NULL, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
