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
#include <unistd.h>

#include "model-json.h"
#include "model.h"
#include "pool-share.h"
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

/* A pool as virt-sync reads it: its share key from its parsed XML. */
static void pool_as(unsigned host, const struct xml_pool *x,
    struct m_volume *vols, size_t n)
{
	struct m_pool info;
	struct m_volume *copy = xcalloc(n + 1, sizeof *copy);

	memset(&info, 0, sizeof info);
	info.name = x->name;
	info.target_path = x->target_path;
	info.type = x->type;
	info.active = 1;
	info.share_key = pool_share_key(x, &info.share_basis);
	if (n > 0)
		memcpy(copy, vols, n * sizeof *vols);
	model_pool_seen(host, &info, copy, n);
	free(info.share_key);
	free(info.share_basis);
}

static void pool(unsigned host, const char *name, const char *target,
    struct m_volume *vols, size_t n)
{
	struct xml_pool x = { .name = (char *)name, .type = (char *)"dir",
	    .target_path = (char *)target };

	pool_as(host, &x, vols, n);
}

static void netfs_pool(unsigned host, const char *name, const char *target,
    const char *src_host, const char *src_dir)
{
	struct xml_pool x = { .name = (char *)name, .type = (char *)"netfs",
	    .target_path = (char *)target, .source_host = (char *)src_host,
	    .source_dir = (char *)src_dir };

	pool_as(host, &x, NULL, 0);
}

/* The shared dir pool names of a default configuration, plus extra. */
static void configure_shares(const char *shared_dir_pools)
{
	struct config cfg;

	config_defaults(&cfg, NULL);
	util_set_str(&cfg.shared_dir_pools, shared_dir_pools);
	pool_share_configure(&cfg);
	config_free(&cfg);
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
	configure_shares("");
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
	pool_share_configure(NULL);
	return 0;
}

static const char *cell(struct table *t, size_t row, int col)
{
	return t->rows[t->shown[row]].cells[col];
}

/* Rows of a view over the model as it is now, filter cleared. */
static void build_view(struct table *t, const struct view *v)
{
	table_init(t, v->cols, v->ncols);
	model_lock();
	v->build(t, 1);
	model_unlock();
	table_finish(t);
}

static void test_volume_forest(void **state)
{
	struct table t;

	(void)state;
	build_view(&t, &view_volumes);
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
	build_view(&t, &view_pools);
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

/* Backing cycles: a.qcow2 <-> b.qcow2, self.qcow2 backed by itself, and
 * child.qcow2 under the cycle. Every walk must end and show them all. */
static int setup_cycles(void **state)
{
	struct config_host a = { .name = (char *)"hv1", .uri = (char *)"test:///default" };
	struct m_volume v[5];

	(void)state;
	model_init();
	configure_shares("");
	h1 = model_host_add(&a);
	model_host_set_state(h1, HOST_ONLINE, NULL);
	v[0] = vol("a.qcow2", "/p/a.qcow2", "/p/b.qcow2");
	v[1] = vol("b.qcow2", "/p/b.qcow2", "/p/./a.qcow2");
	v[2] = vol("self.qcow2", "/p/self.qcow2", "/p/self.qcow2");
	v[3] = vol("child.qcow2", "/p/child.qcow2", "/p/a.qcow2");
	v[4] = vol("base.qcow2", "/p/base.qcow2", NULL);
	pool(h1, "groups", "/p", v, 5);
	/* a walk that never ends fails the test instead of hanging it */
	alarm(10);
	return 0;
}

static int teardown_cycles(void **state)
{
	alarm(0);
	return teardown(state);
}

/* The row whose name cell starts with name after its tree prefix. */
static long row_named(struct table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nshown; i++) {
		const char *c = cell(t, i, 0);

		c += strspn(c, " |`-");
		if (strncmp(c, name, strlen(name)) == 0)
			return (long)i;
	}
	return -1;
}

static void test_volume_cycles_shown(void **state)
{
	struct table t;
	long a, b, s, c, base;

	(void)state;
	build_view(&t, &view_volumes);
	assert_int_equal(t.nshown, 5);
	a = row_named(&t, "a.qcow2");
	b = row_named(&t, "b.qcow2");
	s = row_named(&t, "self.qcow2");
	c = row_named(&t, "child.qcow2");
	base = row_named(&t, "base.qcow2");
	assert_true(a >= 0 && b >= 0 && s >= 0 && c >= 0 && base >= 0);
	assert_non_null(strstr(cell(&t, (size_t)a, 0), "backing cycle"));
	assert_non_null(strstr(cell(&t, (size_t)b, 0), "backing cycle"));
	assert_non_null(strstr(cell(&t, (size_t)s, 0), "backing cycle"));
	assert_null(strstr(cell(&t, (size_t)c, 0), "backing cycle"));
	assert_null(strstr(cell(&t, (size_t)base, 0), "backing cycle"));
	/* the child hangs under a, nested deeper than a */
	assert_true(c > a);
	assert_true(strspn(cell(&t, (size_t)c, 0), " |`-") >
	    strspn(cell(&t, (size_t)a, 0), " |`-"));
	table_free(&t);
}

/* The details of key as one string, lines joined by '\n'. Caller frees. */
static char *details_of(const struct view *v, const char *key)
{
	struct text out;
	char *all = xstrdup(""), *tmp;
	size_t i;

	memset(&out, 0, sizeof out);
	model_lock();
	v->details(key, &out);
	model_unlock();
	for (i = 0; i < out.n; i++) {
		tmp = xasprintf("%s%s\n", all, out.lines[i]);
		free(all);
		all = tmp;
	}
	text_clear(&out);
	return all;
}

/* Assert that the details of key hold every string given (NULL ends). */
static void details_have(const struct view *v, const char *key, ...)
{
	char *d = details_of(v, key);
	const char *want;
	va_list ap;

	va_start(ap, key);
	while ((want = va_arg(ap, const char *)) != NULL) {
		if (strstr(d, want) == NULL)
			print_error("details of %s lack \"%s\":\n%s", key, want, d);
		assert_non_null(strstr(d, want));
	}
	va_end(ap);
	free(d);
}

static void test_volume_cycle_details(void **state)
{
	char *d;

	(void)state;
	/* the chain child -> a -> b, then a again: named as a cycle */
	details_have(&view_volumes, "/p/child.qcow2",
	    "  /p/child.qcow2\n  /p/a.qcow2\n  /p/b.qcow2\n", "backing cycle",
	    "/p/a.qcow2 again", NULL);
	details_have(&view_volumes, "/p/self.qcow2", "backing cycle",
	    "/p/self.qcow2 again", NULL);
	d = details_of(&view_volumes, "/p/base.qcow2");
	assert_null(strstr(d, "cycle"));
	free(d);
}

/* The pools-pane row whose name and hosts cells are these, or -1. */
static long pool_row(struct table *t, const char *name, const char *hosts)
{
	size_t i;

	for (i = 0; i < t->nshown; i++)
		if (strcmp(cell(t, i, 0), name) == 0 && strcmp(cell(t, i, 9), hosts) == 0)
			return (long)i;
	return -1;
}

/* Every host's local `default` is at one path: still one row per host,
 * and a refresh of one is not followed on the other. */
static void test_local_pools_not_merged(void **state)
{
	struct table t;
	struct m_pool_ref *refs;

	(void)state;
	pool(h1, "default", "/var/lib/libvirt/images", NULL, 0);
	pool(h2, "default", "/var/lib/libvirt/images/", NULL, 0);
	build_view(&t, &view_pools);
	assert_true(pool_row(&t, "default", "hv1") >= 0);
	assert_true(pool_row(&t, "default", "hv2") >= 0);
	assert_int_equal(t.nshown, 5);
	table_free(&t);
	assert_int_equal(model_pools_sharing(h1, "default", &refs), 0);
	assert_null(refs);
	/* the named shared pools still are followed */
	assert_int_equal(model_pools_sharing(h1, "bases", &refs), 1);
	assert_int_equal(refs[0].host_id, h2);
	assert_string_equal(refs[0].pool, "bases");
	model_pool_refs_free(refs, 1);
}

/* A dir pool named by shared_dir_pools is shared; its basis says why. */
static void test_shared_dir_pools_setting(void **state)
{
	struct table t;

	(void)state;
	configure_shares("scratch, isos");
	pool(h1, "isos", "/srv/isos", NULL, 0);
	pool(h2, "isos", "/srv/isos", NULL, 0);
	pool(h1, "other", "/srv/other", NULL, 0);
	pool(h2, "other", "/srv/other", NULL, 0);
	build_view(&t, &view_pools);
	assert_true(pool_row(&t, "isos", "hv1,hv2") >= 0);
	assert_true(pool_row(&t, "other", "hv1") >= 0);
	assert_true(pool_row(&t, "other", "hv2") >= 0);
	table_free(&t);
	details_have(&view_pools, "dir /srv/isos",
	    "storage   shared: dir pool named in shared_dir_pools, at /srv/isos", NULL);
	details_have(&view_pools, "dir /nfs/bases",
	    "shared: dir pool named in pool_bases", "  hv1 ", "  hv2 ", NULL);
	details_have(&view_pools, "local hv1/other",
	    "storage   local: a dir pool not named in", NULL);
}

/* netfs pools are one storage when their source is, whatever their names
 * and target paths. */
static void test_netfs_pools_by_source(void **state)
{
	struct table t;
	struct m_pool_ref *refs;
	struct json j;

	(void)state;
	netfs_pool(h1, "nas", "/mnt/nas", "NAS1.example.org", "/export/vdi");
	netfs_pool(h2, "nas-vdi", "/srv/nas", "nas1.example.org", "/export//vdi/");
	netfs_pool(h1, "other", "/mnt/other", "nas1.example.org", "/export/other");
	netfs_pool(h2, "other", "/mnt/other", "nas2.example.org", "/export/other");
	build_view(&t, &view_pools);
	assert_true(pool_row(&t, "nas", "hv1,hv2") >= 0);
	assert_true(pool_row(&t, "other", "hv1") >= 0);
	assert_true(pool_row(&t, "other", "hv2") >= 0);
	table_free(&t);
	assert_int_equal(model_pools_sharing(h2, "nas-vdi", &refs), 1);
	assert_int_equal(refs[0].host_id, h1);
	assert_string_equal(refs[0].pool, "nas");
	model_pool_refs_free(refs, 1);
	assert_int_equal(model_pools_sharing(h1, "other", &refs), 0);
	details_have(&view_pools, "netfs nas1.example.org:/export/vdi",
	    "storage   shared: netfs source nas1.example.org:/export/vdi", NULL);
	/* dump --json carries the key and its basis */
	json_init(&j);
	model_lock();
	model_json_pool(&j, NULL, model_host(h1), model_host(h1)->pools[3]);
	model_unlock();
	assert_non_null(strstr(j.buf, "\"share_key\":\"netfs nas1.example.org:/export/vdi\""));
	assert_non_null(strstr(j.buf, "\"share_basis\":\"shared: netfs source"));
	json_free(&j);
}

/* Every host with the storage is told of a refresh: no fixed limit. */
static void test_propagation_to_many_hosts(void **state)
{
	enum { MANY = 40 };
	unsigned ids[MANY];
	struct m_pool_ref *refs;
	char name[16];
	size_t i, n, k;

	(void)state;
	for (i = 0; i < MANY; i++) {
		struct config_host c = { .name = name, .uri = (char *)"test:///default" };

		snprintf(name, sizeof name, "many%zu", i);
		ids[i] = model_host_add(&c);
		netfs_pool(ids[i], "nas", "/mnt/nas", "nas1", "/export");
	}
	n = model_pools_sharing(ids[0], "nas", &refs);
	assert_int_equal(n, MANY - 1);
	for (i = 1; i < MANY; i++) {
		for (k = 0; k < n && refs[k].host_id != ids[i]; k++)
			;
		assert_true(k < n);
	}
	model_pool_refs_free(refs, n);
}

/* Local pools of two hosts at one path hold different files: each host's
 * volume is a row of its own, chained to its own host's base, used by its
 * own host's desktops. */
static void test_local_volumes_per_host(void **state)
{
	struct table t;
	struct m_volume v1[1], v2[2];
	size_t i, bases = 0;
	long kid;
	char *key;

	(void)state;
	v1[0] = vol("base.qcow2", "/var/lib/libvirt/images/base.qcow2", NULL);
	v2[0] = vol("base.qcow2", "/var/lib/libvirt/images/base.qcow2", NULL);
	v2[1] = vol("kid.qcow2", "/var/lib/libvirt/images/kid.qcow2",
	    "/var/lib/libvirt/images/base.qcow2");
	pool(h1, "default", "/var/lib/libvirt/images", v1, 1);
	pool(h2, "default", "/var/lib/libvirt/images", v2, 2);
	desktop(h1, "aaaaaaaa-0000-0000-0000-000000000003", "carol",
	    "/var/lib/libvirt/images/base.qcow2");
	build_view(&t, &view_volumes);
	assert_int_equal(t.nshown, 10);
	for (i = 0; i < t.nshown; i++) {
		if (strcmp(cell(&t, i, 0), "base.qcow2") != 0)
			continue;
		bases++;
		/* carol runs on hv1: she uses hv1's file, not hv2's */
		assert_string_equal(cell(&t, i, 6),
		    strcmp(t.rows[t.shown[i]].host, "hv1") == 0 ? "carol" : "");
	}
	assert_int_equal(bases, 2);
	kid = row_named(&t, "kid.qcow2");
	assert_true(kid > 0);
	assert_string_equal(t.rows[t.shown[kid]].host, "hv2");
	assert_string_equal(t.rows[t.shown[kid - 1]].host, "hv2");
	assert_string_equal(cell(&t, (size_t)kid - 1, 0), "base.qcow2");
	assert_string_equal(cell(&t, (size_t)kid - 1, 5), "1");
	key = xstrdup(t.rows[t.shown[kid]].key);
	table_free(&t);
	details_have(&view_volumes, key, "(local to hv2)",
	    "  /var/lib/libvirt/images/kid.qcow2\n  /var/lib/libvirt/images/base.qcow2\n",
	    NULL);
	free(key);
}

static void test_natural_cmp(void **state)
{
	static const char *const sorted[] = {
		"desk-1", "desk-01a", "desk-2", "Desk-3", "desk-9", "desk-10",
		"desk-10b", "desk-100", "desk2", "x",
	};
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof sorted / sizeof sorted[0]; i++)
		for (k = 0; k < sizeof sorted / sizeof sorted[0]; k++) {
			int c = view_natural_cmp(sorted[i], sorted[k]);

			if ((i < k && c >= 0) || (i > k && c <= 0) ||
			    (i == k && c != 0))
				fail_msg("%s vs %s: %d", sorted[i], sorted[k], c);
		}
	assert_true(view_natural_cmp("a01", "a1") != 0);	/* total order */
	assert_true(view_natural_cmp(NULL, "a") < 0);
}

static void seen_as(unsigned host, const char *uuid, const char *name,
    enum desktop_state s)
{
	model_desktop_seen(host, uuid, name, s, 1, 1, NULL);
}

/* The pane's own order at fleet scale: live desktops first, then every
 * name in natural order, whatever the UUIDs. */
static void test_desktops_default_order(void **state)
{
	static const char *const want[] = {
		"alice", "bob", "desk-1", "Desk-3", "desk-20",	/* live */
		"desk-2", "desk-10",
	};
	struct table t;
	char uuid[40], name[16];
	size_t i;
	int k, at9 = -1, at10 = -1;

	(void)state;
	seen_as(h1, "00000000-0000-0000-0000-00000000000a", "desk-10", DS_SHUTOFF);
	seen_as(h1, "00000000-0000-0000-0000-00000000000b", "desk-2", DS_SHUTOFF);
	seen_as(h2, "ffffffff-0000-0000-0000-00000000000c", "desk-1", DS_RUNNING);
	seen_as(h1, "00000000-0000-0000-0000-00000000000d", "Desk-3", DS_PAUSED);
	seen_as(h1, "00000000-0000-0000-0000-00000000000e", "desk-20", DS_RUNNING);
	for (k = 0; k < 300; k++) {
		snprintf(uuid, sizeof uuid, "%08x-1111-0000-0000-000000000000",
		    (unsigned)(k * 2654435761u));
		snprintf(name, sizeof name, "vdi-%d", k);
		seen_as(k % 2 ? h1 : h2, uuid, name, DS_SHUTOFF);
	}
	build_view(&t, &view_desktops);
	assert_int_equal(t.sort_col, -1);
	assert_int_equal(t.nshown, 307);
	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		assert_string_equal(cell(&t, i, 0), want[i]);
	for (i = 0; i < t.nshown; i++) {
		at9 = strcmp(cell(&t, i, 0), "vdi-9") == 0 ? (int)i : at9;
		at10 = strcmp(cell(&t, i, 0), "vdi-10") == 0 ? (int)i : at10;
	}
	assert_int_equal(at9, 7 + 9);
	assert_int_equal(at10, 7 + 10);
	assert_string_equal(cell(&t, 306, 0), "vdi-299");
	table_free(&t);
}

/* A split brain's row names both hosts and says SPLIT in the alarm slot;
 * "state:split" finds it. */
static void test_split_brain_row(void **state)
{
	struct table t;
	struct text details;
	size_t i;
	int said = 0;

	(void)state;
	seen_as(h2, "aaaaaaaa-0000-0000-0000-000000000001", "alice", DS_RUNNING);
	build_view(&t, &view_desktops);
	table_set_filter(&t, "state:split");
	assert_int_equal(t.nshown, 1);
	assert_string_equal(cell(&t, 0, 0), "alice");
	assert_string_equal(cell(&t, 0, 1), "SPLIT");
	assert_string_equal(cell(&t, 0, 2), "hv1+hv2");
	assert_int_equal(t.rows[t.shown[0]].slot[1], SLOT_SPLIT_BRAIN);
	assert_int_equal(t.rows[t.shown[0]].slot[2], SLOT_SPLIT_BRAIN);
	table_free(&t);
	memset(&details, 0, sizeof details);
	model_lock();
	view_desktops.details("aaaaaaaa-0000-0000-0000-000000000001", &details);
	model_unlock();
	for (i = 0; i < details.n; i++)
		said += strstr(details.lines[i], "SPLIT BRAIN: running on hv1 AND hv2") != NULL;
	assert_int_equal(said, 1);
	text_clear(&details);
}

/* An offline host: when it was last seen and when it retries, blank
 * figures in the row, the last ones in the details marked as such. */
static void test_offline_host_row(void **state)
{
	struct table t;
	struct text details;
	char want[64], clock[24];
	size_t i, row = 0;
	int last_seen = 0;

	(void)state;
	model_host_stats(h2, 100, 1000, 1 << 20);
	model_host_stats(h2, 600, 2000, 1 << 20);
	model_host_set_state(h2, HOST_OFFLINE, "connection refused");
	model_host_retry_at(h2, util_wall_ms() + 14000);
	build_view(&t, &view_hosts);
	for (i = 0; i < t.nshown; i++)
		if (strcmp(cell(&t, i, 0), "hv2") == 0)
			row = i;
	model_lock();
	snprintf(want, sizeof want, "offline, seen %s, retry in 14s: connection refused",
	    view_clock(clock, sizeof clock, model_host(h2)->seen_wall_ms));
	model_unlock();
	assert_string_equal(cell(&t, row, 2), want);
	assert_string_equal(cell(&t, row, 5), "");	/* CPU% */
	assert_null(cell(&t, row, 6) != NULL && *cell(&t, row, 6) != '\0' ?
	    cell(&t, row, 6) : NULL);			/* memory bar */
	assert_string_equal(cell(&t, row, 7), "");	/* used/total */
	assert_string_equal(cell(&t, row, 8), "");	/* running */
	assert_int_equal(t.rows[t.shown[row]].bar_col, -1);
	table_free(&t);
	memset(&details, 0, sizeof details);
	model_lock();
	view_hosts.details("hv2", &details);
	model_unlock();
	for (i = 0; i < details.n; i++)
		last_seen += strstr(details.lines[i], "50.0% busy (last seen)") != NULL;
	assert_int_equal(last_seen, 1);
	text_clear(&details);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_volume_forest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_pools_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_desktop_rows_and_filter, setup, teardown),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_natural_cmp),
		cmocka_unit_test_setup_teardown(test_desktops_default_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_brain_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offline_host_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_volume_cycles_shown, setup_cycles, teardown_cycles),
		cmocka_unit_test_setup_teardown(test_volume_cycle_details, setup_cycles, teardown_cycles),
		cmocka_unit_test_setup_teardown(test_local_pools_not_merged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_dir_pools_setting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_netfs_pools_by_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_propagation_to_many_hosts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_volumes_per_host, setup, teardown),
	};

	return cmocka_run_group_tests_name("views", tests, NULL, NULL);
}
