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

#include "core/model-json.h"
#include "core/model.h"
#include "act/pool-share.h"
#include "core/util.h"
#include "tui/views.h"

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

static void desktop_in(unsigned host, const char *uuid, const char *name,
    const char *disk, enum desktop_state state)
{
	struct xml_domain x;

	memset(&x, 0, sizeof x);
	x.vcpus = 2;
	x.memory_kib = 2 << 20;
	x.ndisks = 1;
	x.disks = xcalloc(1, sizeof *x.disks);
	x.disks[0].source = xstrdup(disk);
	model_desktop_seen(host, uuid, name, state, 1, 1, &x);
}

static void desktop(unsigned host, const char *uuid, const char *name,
    const char *disk)
{
	desktop_in(host, uuid, name, disk, DS_RUNNING);
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
	return table_cell_text(t, t->shown[row], col);
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
	/* its backing is in no pool hvdeck knows: said, not called missing */
	assert_string_equal(cell(&t, 1, 0),
	    "orphan.qcow2 (backing not in any known pool: /gone/base.qcow2)");
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

/* Backing cycles: a.qcow2 <-> b.qcow2, self.qcow2 backed by itself, and
 * child.qcow2 under the cycle. Every walk must end and show them all. */
static int setup_cycles(void **state)
{
	struct config_host a = { .name = (char *)"hv1", .uri = (char *)"test:///default" };
	struct m_volume v[7];

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
	/* the pool at /p is active and lists no gone.qcow2: missing */
	v[5] = vol("miss.qcow2", "/p/miss.qcow2", "/p/gone.qcow2");
	/* no pool at /elsewhere: hvdeck cannot tell */
	v[6] = vol("out.qcow2", "/p/out.qcow2", "/elsewhere/base.qcow2");
	pool(h1, "groups", "/p", v, 7);
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
	assert_int_equal(t.nshown, 7);
	a = row_named(&t, "a.qcow2");
	b = row_named(&t, "b.qcow2");
	s = row_named(&t, "self.qcow2");
	c = row_named(&t, "child.qcow2");
	base = row_named(&t, "base.qcow2");
	assert_true(a >= 0 && b >= 0 && s >= 0 && c >= 0 && base >= 0);
	assert_non_null(strstr(cell(&t, (size_t)a, 0), "backing cycle"));
	assert_non_null(strstr(cell(&t, (size_t)b, 0), "backing cycle"));
	assert_string_equal(cell(&t, (size_t)s, 0), "self.qcow2 (backs itself)");
	assert_int_equal(t.rows[t.shown[s]].slot[0], SLOT_VOLUME_PROBLEM);
	assert_int_equal(t.rows[t.shown[a]].slot[0], SLOT_VOLUME_PROBLEM);
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

/* The details of a base name what depends on it, at every depth, and the
 * desktops that use it through their overlays: what a delete is refused
 * with (vol-deps.h). A leaf names its user and no volume. */
static void test_volume_dependents_details(void **state)
{
	(void)state;
	details_have(&view_volumes, "/nfs/bases/win11.qcow2",
	    "Depends on it (4 volumes, 2 desktops)",
	    "\n  templates/dev.qcow2  /nfs/templates/dev.qcow2\n",
	    "\n    groups/alice.qcow2  /nfs/groups/alice.qcow2\n",
	    "desktop alice on hv1, running (through /nfs/groups/alice.qcow2)",
	    "desktop bob on hv2, running (through /nfs/groups/./bob.qcow2)",
	    "Shift-D is refused", NULL);
	details_have(&view_volumes, "/nfs/groups/alice.qcow2",
	    "used by   alice", "Depends on it (0 volumes, 1 desktop)",
	    "\n  desktop alice on hv1, running\n", "backing file /nfs/templates/office.qcow2", "no backing file: the base", NULL);
}

/* A volume disk (source pool and volume, "POOL/VOL") uses the volume it
 * names on its desktop's host: USED BY says so, as a delete would. */
static void test_volume_disk_user(void **state)
{
	struct table t;
	long o;

	(void)state;
	desktop(h1, "aaaaaaaa-0000-0000-0000-000000000003", "carol",
	    "groups/orphan.qcow2");
	build_view(&t, &view_volumes);
	o = row_named(&t, "orphan.qcow2");
	assert_true(o >= 0);
	assert_string_equal(cell(&t, (size_t)o, 6), "carol");
	table_free(&t);
}

static void test_volume_cycle_details(void **state)
{
	char *d;

	(void)state;
	/* the chain child -> a -> b, then a again: named as a cycle */
	details_have(&view_volumes, "/p/child.qcow2",
	    "  /p/child.qcow2\n      groups/child.qcow2: format qcow2, virtual "
	    "size 1.0G, allocation 0B\n      backing file /p/a.qcow2, format -\n"
	    "  /p/a.qcow2\n", "\n  /p/b.qcow2\n      groups/b.qcow2: format "
	    "qcow2", "backing cycle",
	    "/p/a.qcow2 again", NULL);
	/* a self-backed volume is no root: its details say it backs itself */
	details_have(&view_volumes, "/p/self.qcow2", "problem   backs itself",
	    "/p/self.qcow2 backs itself: the chain never reaches a base", NULL);
	d = details_of(&view_volumes, "/p/self.qcow2");
	assert_null(strstr(d, "not in any pool"));
	free(d);
	d = details_of(&view_volumes, "/p/base.qcow2");
	assert_null(strstr(d, "cycle"));
	assert_null(strstr(d, "problem"));
	free(d);
}

/* A backing file absent from the active pool at its directory is missing;
 * one outside every known pool is only said to be so. */
static void test_volume_missing_backing(void **state)
{
	struct table t;
	long m, o;

	(void)state;
	build_view(&t, &view_volumes);
	m = row_named(&t, "miss.qcow2");
	o = row_named(&t, "out.qcow2");
	assert_true(m >= 0 && o >= 0);
	assert_string_equal(cell(&t, (size_t)m, 0),
	    "miss.qcow2 (backing file missing: /p/gone.qcow2)");
	assert_int_equal(t.rows[t.shown[m]].slot[0], SLOT_VOLUME_PROBLEM);
	assert_string_equal(cell(&t, (size_t)o, 0),
	    "out.qcow2 (backing not in any known pool: /elsewhere/base.qcow2)");
	assert_int_not_equal(t.rows[t.shown[o]].slot[0], SLOT_VOLUME_PROBLEM);
	table_free(&t);
	details_have(&view_volumes, "/p/miss.qcow2", "problem   backing file missing",
	    "/p/gone.qcow2: backing file missing (pool groups on hv1", NULL);
	details_have(&view_volumes, "/p/out.qcow2",
	    "/elsewhere/base.qcow2: not in any known pool", NULL);
	/* an inactive pool lists nothing: it proves nothing missing */
	model_lock();
	model_host(h1)->pools[0]->active = 0;
	model_unlock();
	details_have(&view_volumes, "/p/miss.qcow2",
	    "/p/gone.qcow2: not in any known pool", NULL);
}

/* Every shown row hangs under its parent (its nearest shown ancestor
 * under a filter): the parent is shown above it and every row between them
 * is the parent's descendant. */
static void assert_tree_kept(const struct table *t, const char *how)
{
	size_t i, k, *pos = xcalloc(t->nrows + 1, sizeof *pos);
	char *shown = xcalloc(t->nrows + 1, 1);
	long p, q;

	for (i = 0; i < t->nshown; i++) {
		pos[t->shown[i]] = i;
		shown[t->shown[i]] = 1;
	}
	for (i = 0; i < t->nshown; i++) {
		for (p = t->rows[t->shown[i]].tree_parent; p >= 0 && !shown[p];
		    p = t->rows[p].tree_parent)
			;
		if (p < 0)
			continue;
		if (pos[p] >= i)
			fail_msg("%s: %s above its parent %s", how,
			    t->rows[t->shown[i]].key, t->rows[p].key);
		for (k = pos[p] + 1; k < i; k++) {
			for (q = t->rows[t->shown[k]].tree_parent; q >= 0 && q != p;
			    q = t->rows[q].tree_parent)
				;
			if (q != p)
				fail_msg("%s: %s between %s and its child %s", how,
				    t->rows[t->shown[k]].key, t->rows[p].key,
				    t->rows[t->shown[i]].key);
		}
	}
	free(pos);
	free(shown);
}

/* Sorting the volumes pane by any column, either way, orders siblings
 * only; the pane's own order gives back the tree cell for cell. */
static void test_volume_sort_keeps_tree(void **state)
{
	struct table t;
	char *before[16];
	size_t i, n;
	int col, desc;
	char how[64];

	(void)state;
	build_view(&t, &view_volumes);
	n = t.nshown;
	assert_true(n <= 16);
	for (i = 0; i < n; i++)
		before[i] = xstrdup(cell(&t, i, 0));
	for (desc = 0; desc < 2; desc++) {
		for (col = -1; col < t.ncols; col++) {
			t.sort_col = col;
			t.sort_desc = desc;
			table_finish(&t);
			snprintf(how, sizeof how, "sort %d%s", col, desc ? " desc" : "");
			assert_int_equal(t.nshown, n);
			assert_tree_kept(&t, how);
		}
	}
	/* by name, descending: win11's children reversed under it */
	t.sort_col = 0;
	t.sort_desc = 1;
	table_finish(&t);
	assert_string_equal(cell(&t, 0, 0), "win11.qcow2");
	assert_string_equal(cell(&t, 1, 0), "|- office.qcow2");
	assert_string_equal(cell(&t, 2, 0), "|  |- bob.qcow2");
	assert_string_equal(cell(&t, 3, 0), "|  `- alice.qcow2");
	assert_string_equal(cell(&t, 4, 0), "`- dev.qcow2");
	/* a rebuild while sorted keeps the sort and the tree */
	table_clear(&t);
	model_lock();
	view_volumes.build(&t, 1);
	model_unlock();
	table_finish(&t);
	assert_tree_kept(&t, "rebuilt");
	assert_string_equal(cell(&t, 0, 0), "win11.qcow2");
	/* back to the pane's order: exactly the tree it started with */
	t.sort_col = -1;
	t.sort_desc = 0;
	table_finish(&t);
	for (i = 0; i < n; i++) {
		assert_string_equal(cell(&t, i, 0), before[i]);
		free(before[i]);
	}
	/* a filter keeps a match under its nearest shown ancestor */
	table_set_filter(&t, "!office");
	assert_tree_kept(&t, "filtered");
	assert_string_equal(cell(&t, 3, 0), "|- dev.qcow2");
	assert_string_equal(cell(&t, 4, 0), "|- alice.qcow2");
	assert_string_equal(cell(&t, 5, 0), "`- bob.qcow2");
	table_free(&t);
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
	    "  /var/lib/libvirt/images/kid.qcow2\n      default/kid.qcow2 on hv2: "
	    "format qcow2, virtual size 1.0G, allocation 0B\n      backing file "
	    "/var/lib/libvirt/images/base.qcow2, format -\n"
	    "  /var/lib/libvirt/images/base.qcow2\n      default/base.qcow2 on "
	    "hv2: format qcow2", "no backing file: the base",
	    NULL);
	free(key);
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

/* The pool of host id called name; lock held. */
static struct m_pool *pool_of(unsigned id, const char *name)
{
	struct m_host *h = model_host(id);
	size_t k;

	for (k = 0; k < h->npools; k++)
		if (strcmp(h->pools[k]->name, name) == 0)
			return h->pools[k];
	return NULL;
}

static void set_space(unsigned id, const char *name, int active,
    uint64_t gib, uint64_t free_gib)
{
	struct m_pool *p;

	model_lock();
	p = pool_of(id, name);
	p->active = active;
	p->capacity = gib << 30;
	p->available = free_gib << 30;
	p->allocation = (gib - free_gib) << 30;
	model_unlock();
}

/* A shared pool inactive on one of three hosts: "active 2/3"; the row and
 * the details show one host's view with the same numbers, then each
 * host's state and numbers. */
static void test_pool_partly_active(void **state)
{
	struct config_host c = { .name = (char *)"hv3", .uri = (char *)"test:///default" };
	struct m_volume b[1];
	struct table t;
	long r;
	char *want;
	unsigned h3;

	(void)state;
	h3 = model_host_add(&c);
	model_host_set_state(h3, HOST_ONLINE, NULL);
	b[0] = vol("win11.qcow2", "/nfs/bases/win11.qcow2", NULL);
	pool(h3, "bases", "/nfs/bases", b, 1);
	set_space(h1, "bases", 0, 252, 252);
	set_space(h2, "bases", 1, 252, 236);
	set_space(h3, "bases", 1, 252, 240);
	build_view(&t, &view_pools);
	r = pool_row(&t, "bases", "hv1,hv2,hv3");
	assert_true(r >= 0);
	assert_string_equal(cell(&t, (size_t)r, 1), "active 2/3");
	assert_string_equal(cell(&t, (size_t)r, 4), "252G");
	assert_string_equal(cell(&t, (size_t)r, 5), "16G");
	assert_string_equal(cell(&t, (size_t)r, 6), "236G");
	/* the details say the row's numbers, from the same host */
	want = xasprintf("size %s, used %s, free %s (as hv2 sees it)",
	    cell(&t, (size_t)r, 4), cell(&t, (size_t)r, 5), cell(&t, (size_t)r, 6));
	details_have(&view_pools, "dir /nfs/bases", want,
	    "  hv1          as bases        inactive",
	    "  hv2          as bases        active: size 252G, used 16G, free 236G",
	    "  hv3          as bases        active: size 252G, used 12G, free 240G",
	    NULL);
	free(want);
	table_free(&t);
	/* all active: plain "active" */
	set_space(h1, "bases", 1, 252, 236);
	build_view(&t, &view_pools);
	assert_string_equal(cell(&t, (size_t)pool_row(&t, "bases", "hv1,hv2,hv3"), 1),
	    "active");
	table_free(&t);
}

/* A shut-off desktop has no live backing chain: its details still show
 * the chain, from the volumes hvdeck knows. */
static void test_shutoff_desktop_chain(void **state)
{
	(void)state;
	desktop_in(h1, "aaaaaaaa-0000-0000-0000-000000000009", "dora",
	    "/nfs/groups/alice.qcow2", DS_SHUTOFF);
	details_have(&view_desktops, "aaaaaaaa-0000-0000-0000-000000000009",
	    "state     shutoff", "/nfs/groups/alice.qcow2",
	    "backed by /nfs/templates/office.qcow2",
	    "backed by /nfs/bases/win11.qcow2", NULL);
	/* the chain of a disk whose backing is outside the known pools */
	desktop_in(h1, "aaaaaaaa-0000-0000-0000-00000000000a", "erin",
	    "/nfs/groups/orphan.qcow2", DS_SHUTOFF);
	details_have(&view_desktops, "aaaaaaaa-0000-0000-0000-00000000000a",
	    "/gone/base.qcow2: not in any known pool", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_volume_forest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_pools_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_desktop_rows_and_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_desktops_default_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_brain_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offline_host_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_volume_cycles_shown, setup_cycles, teardown_cycles),
		cmocka_unit_test_setup_teardown(test_volume_dependents_details, setup, teardown),
		cmocka_unit_test_setup_teardown(test_volume_disk_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_volume_cycle_details, setup_cycles, teardown_cycles),
		cmocka_unit_test_setup_teardown(test_volume_missing_backing, setup_cycles, teardown_cycles),
		cmocka_unit_test_setup_teardown(test_volume_sort_keeps_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_partly_active, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shutoff_desktop_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_pools_not_merged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_dir_pools_setting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_netfs_pools_by_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_propagation_to_many_hosts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_volumes_per_host, setup, teardown),
	};

	return cmocka_run_group_tests_name("views", tests, NULL, NULL);
}
