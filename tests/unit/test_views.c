/* Unit tests for the views: the rows they build from a model filled by
 * hand (no libvirt): the volume forest, shared pools, desktop rows. */
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
#include "views.h"

static unsigned h1, h2;

static struct m_volume vol(const char *name, const char *path, const char *backing)
{
	struct m_volume v;

	memset(&v, 0, sizeof v);
	v.name = xstrdup(name);
	v.path = xstrdup(path);
	v.format = xstrdup("qcow2");
	v.backing_path = xstrdup(backing);
	v.capacity = 1 << 30;
	return v;
}

static void pool(unsigned host, const char *name, const char *target,
    struct m_volume *vols, size_t n)
{
	struct m_pool info;
	struct m_volume *copy = xcalloc(n + 1, sizeof *copy);

	memset(&info, 0, sizeof info);
	info.name = (char *)name;
	info.target_path = (char *)target;
	info.type = (char *)"dir";
	info.active = 1;
	memcpy(copy, vols, n * sizeof *vols);
	model_pool_seen(host, &info, copy, n);
}

static void desktop(unsigned host, const char *uuid, const char *name,
    const char *disk)
{
	struct xml_domain x;

	memset(&x, 0, sizeof x);
	x.vcpus = 2;
	x.memory_kib = 2 << 20;
	x.ndisks = 1;
	x.disks = xcalloc(1, sizeof *x.disks);
	x.disks[0].source = xstrdup(disk);
	model_desktop_seen(host, uuid, name, DS_RUNNING, 1, 1, &x);
}

static int setup(void **state)
{
	struct config_host a = { .name = (char *)"hv1", .uri = (char *)"test:///default" };
	struct config_host b = { .name = (char *)"hv2", .uri = (char *)"test:///default" };
	struct m_volume bases[2], tmpl[2], groups[3];

	(void)state;
	model_init();
	h1 = model_host_add(&a);
	h2 = model_host_add(&b);
	model_host_set_state(h1, HOST_ONLINE, NULL);
	model_host_set_state(h2, HOST_ONLINE, NULL);
	bases[0] = vol("win11.qcow2", "/nfs/bases/win11.qcow2", NULL);
	bases[1] = vol("deb.qcow2", "/nfs/bases/deb.qcow2", NULL);
	tmpl[0] = vol("office.qcow2", "/nfs/templates/office.qcow2", "/nfs/templates/../bases/win11.qcow2");
	tmpl[1] = vol("dev.qcow2", "/nfs/templates/dev.qcow2", "/nfs/bases/win11.qcow2");
	groups[0] = vol("alice.qcow2", "/nfs/groups/alice.qcow2", "/nfs/templates/office.qcow2");
	groups[1] = vol("bob.qcow2", "/nfs/groups/bob.qcow2", "/nfs/templates/office.qcow2");
	groups[2] = vol("orphan.qcow2", "/nfs/groups/orphan.qcow2", "/gone/base.qcow2");
	pool(h1, "bases", "/nfs/bases", bases, 2);
	pool(h1, "templates", "/nfs/templates", tmpl, 2);
	pool(h1, "groups", "/nfs/groups", groups, 3);
	/* hv2 sees the same bases through NFS */
	bases[0] = vol("win11.qcow2", "/nfs/bases/win11.qcow2", NULL);
	bases[1] = vol("deb.qcow2", "/nfs/bases/deb.qcow2", NULL);
	pool(h2, "bases", "/nfs/bases/", bases, 2);
	desktop(h1, "aaaaaaaa-0000-0000-0000-000000000001", "alice", "/nfs/groups/alice.qcow2");
	desktop(h2, "aaaaaaaa-0000-0000-0000-000000000002", "bob", "/nfs/groups/./bob.qcow2");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	model_free();
	return 0;
}

static const char *cell(struct table *t, size_t row, int col)
{
	return t->rows[t->shown[row]].cells[col];
}

static void test_volume_forest(void **state)
{
	struct table t;

	(void)state;
	table_init(&t, view_volumes.cols, view_volumes.ncols);
	model_lock();
	view_volumes.build(&t, 1);
	model_unlock();
	table_finish(&t);
	/* shared bases appear once; chains nest; roots sorted by name */
	assert_int_equal(t.nshown, 7);
	assert_string_equal(cell(&t, 0, 0), "deb.qcow2");
	assert_string_equal(cell(&t, 1, 0), "orphan.qcow2");	/* backing not in a pool */
	assert_string_equal(cell(&t, 2, 0), "win11.qcow2");
	assert_string_equal(cell(&t, 3, 0), "|- dev.qcow2");
	assert_string_equal(cell(&t, 4, 0), "`- office.qcow2");
	assert_string_equal(cell(&t, 5, 0), "   |- alice.qcow2");
	assert_string_equal(cell(&t, 6, 0), "   `- bob.qcow2");
	assert_string_equal(cell(&t, 2, 5), "2");		/* derived */
	assert_string_equal(cell(&t, 5, 6), "alice");		/* used by */
	assert_string_equal(cell(&t, 6, 6), "bob");		/* path normalised */
	table_free(&t);
}

static void test_shared_pools_merge(void **state)
{
	struct table t;
	size_t i;
	int found = 0;

	(void)state;
	table_init(&t, view_pools.cols, view_pools.ncols);
	model_lock();
	view_pools.build(&t, 1);
	model_unlock();
	table_finish(&t);
	assert_int_equal(t.nshown, 3);
	for (i = 0; i < t.nshown; i++) {
		if (strcmp(cell(&t, i, 0), "bases") == 0) {
			assert_string_equal(cell(&t, i, 9), "hv1,hv2");
			found = 1;
		}
	}
	assert_true(found);
	table_free(&t);
}

static void test_desktop_rows_and_filter(void **state)
{
	struct table t;

	(void)state;
	table_init(&t, view_desktops.cols, view_desktops.ncols);
	model_lock();
	view_desktops.build(&t, 1);
	model_unlock();
	table_set_filter(&t, "host:hv2");
	assert_int_equal(t.nshown, 1);
	assert_string_equal(cell(&t, 0, 0), "bob");
	assert_string_equal(cell(&t, 0, 1), "running");
	table_set_filter(&t, "!bob state:run");
	assert_int_equal(t.nshown, 1);
	assert_string_equal(cell(&t, 0, 0), "alice");
	/* a host going offline greys its desktops as unknown */
	model_host_set_state(h2, HOST_OFFLINE, "gone");
	table_clear(&t);
	model_lock();
	view_desktops.build(&t, 1);
	model_unlock();
	table_set_filter(&t, "state:unknown");
	assert_int_equal(t.nshown, 1);
	assert_true(t.rows[t.shown[0]].dim);
	table_free(&t);
}

static void test_normalise(void **state)
{
	const char *cases[][2] = {
		{ "/a/b/../c", "/a/c" }, { "/a/./b//c/", "/a/b/c" },
		{ "a/../../b", "../b" }, { "/..", "/" }, { "", "." }, { "x", "x" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *n = view_normalise_path(cases[i][0]);

		assert_string_equal(n, cases[i][1]);
		free(n);
	}
	assert_null(view_normalise_path(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_volume_forest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_pools_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_desktop_rows_and_filter, setup, teardown),
		cmocka_unit_test(test_normalise),
	};

	return cmocka_run_group_tests_name("views", tests, NULL, NULL);
}
