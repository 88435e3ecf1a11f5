/* test_vol_deps.c — what depends on a volume, over a model filled by hand.
 *
 * hv1 and hv2 (online) and hv3 (offline) share pools `bases` and `groups`
 * (one storage each: the same share key); hv1 and hv2 each have a local
 * pool `default` at the same directory, which is two storages. Chain:
 * base <- tmpl <- {leaf, groups/d1}; desk1 (shut off, hv1) runs on
 * groups/d1 by path, desk2 (hv2) on bases/leaf as a volume disk. A local
 * pool `loop` on hv1 has two volumes backing each other. The same model
 * serves act-volume's naming of volumes and the delete's refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "act/act-domain.h"
#include "act/act-volume.h"
#include "core/job.h"
#include "core/model.h"
#include "core/util.h"
#include "act/vol-deps.h"

static unsigned h1, h2, h3;

static void vol(struct m_volume *v, const char *dir, const char *name,
    const char *backing)
{
	v->name = xstrdup(name);
	v->path = xasprintf("%s/%s", dir, name);
	v->format = xstrdup("qcow2");
	v->capacity = 10ull << 30;
	v->allocation = 1ull << 20;
	if (backing != NULL) {
		v->backing_path = xasprintf("%s", backing);
		v->backing_format = xstrdup("qcow2");
	}
}

static void pool(unsigned host, const char *name, const char *dir,
    const char *share, struct m_volume *v, size_t n)
{
	struct m_pool info;

	memset(&info, 0, sizeof info);
	info.name = (char *)name;
	info.target_path = (char *)dir;
	info.type = (char *)"dir";
	info.share_key = (char *)share;
	info.active = 1;
	model_pool_seen(host, &info, v, n);
}

static void shared_pools(unsigned host)
{
	struct m_volume *b = xcalloc(3, sizeof *b), *g = xcalloc(1, sizeof *g);

	vol(&b[0], "/nfs/bases", "base.qcow2", NULL);
	vol(&b[1], "/nfs/bases", "tmpl.qcow2", "/nfs/bases/base.qcow2");
	/* written differently, the same file */
	vol(&b[2], "/nfs/bases", "leaf.qcow2", "/nfs/bases/../bases/tmpl.qcow2");
	pool(host, "bases", "/nfs/bases", "dir /nfs/bases", b, 3);
	vol(&g[0], "/nfs/groups", "d1.qcow2", "/nfs/bases/tmpl.qcow2");
	pool(host, "groups", "/nfs/groups", "dir /nfs/groups", g, 1);
}

/* A desktop in state s whose one disk is source (read-only or not). */
static void desktop_in(unsigned host, const char *uuid, const char *name,
    const char *source, enum desktop_state s, int readonly)
{
	struct xml_domain x;

	memset(&x, 0, sizeof x);
	x.disks = xcalloc(1, sizeof *x.disks);
	x.ndisks = 1;
	x.disks[0].device = xstrdup("disk");
	x.disks[0].source = xstrdup(source);
	x.disks[0].readonly = readonly;
	model_desktop_seen(host, uuid, name, s, 1, 1, &x);
}

static void desktop(unsigned host, const char *uuid, const char *name,
    const char *source)
{
	desktop_in(host, uuid, name, source, DS_SHUTOFF, 0);
}

static int setup(void **state)
{
	struct config_host a = { .name = (char *)"hv1", .uri = (char *)"test:///default" };
	struct config_host b = { .name = (char *)"hv2", .uri = (char *)"test:///default" };
	struct config_host c = { .name = (char *)"hv3", .uri = (char *)"test:///default" };
	struct m_volume *v;

	(void)state;
	model_init();
	h1 = model_host_add(&a);
	h2 = model_host_add(&b);
	h3 = model_host_add(&c);
	model_host_set_state(h1, HOST_ONLINE, NULL);
	model_host_set_state(h2, HOST_ONLINE, NULL);
	model_host_set_state(h3, HOST_ONLINE, NULL);
	shared_pools(h1);
	shared_pools(h2);
	v = xcalloc(2, sizeof *v);
	vol(&v[0], "/var/lib/libvirt/images", "x.qcow2",
	    "/var/lib/libvirt/images/y.qcow2");
	vol(&v[1], "/var/lib/libvirt/images", "y.qcow2", NULL);
	pool(h1, "default", "/var/lib/libvirt/images", NULL, v, 2);
	v = xcalloc(2, sizeof *v);
	vol(&v[0], "/var/lib/libvirt/images", "y.qcow2", NULL);
	vol(&v[1], "/var/lib/libvirt/images", "z.qcow2", NULL);
	pool(h2, "default", "/var/lib/libvirt/images", NULL, v, 2);
	v = xcalloc(2, sizeof *v);
	vol(&v[0], "/loop", "a.qcow2", "/loop/b.qcow2");
	vol(&v[1], "/loop", "b.qcow2", "/loop/a.qcow2");
	pool(h1, "loop", "/loop", NULL, v, 2);
	desktop(h1, "aaaaaaaa-0000-0000-0000-000000000001", "desk1",
	    "/nfs/groups/d1.qcow2");
	desktop(h2, "aaaaaaaa-0000-0000-0000-000000000002", "desk2",
	    "bases/leaf.qcow2");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	model_free();
	return 0;
}

static struct vol_deps deps(unsigned host, const char *pool, const char *name)
{
	struct vol_deps d;
	char *cause = NULL;

	model_lock();
	assert_int_equal(vol_deps_of(host, pool, name, &d, &cause), 0);
	model_unlock();
	assert_null(cause);
	return d;
}

/* The base: every volume whose chain reaches it, nearest first, and both
 * desktops through their overlays; one volume whichever host is asked. */
static void test_base(void **state)
{
	struct vol_deps d = deps(h2, "bases", "base.qcow2");

	(void)state;
	assert_int_equal(d.nvolumes, 3);
	assert_string_equal(d.volumes[0].name, "tmpl.qcow2");
	assert_int_equal(d.volumes[0].depth, 1);
	assert_string_equal(d.volumes[1].path, "/nfs/bases/leaf.qcow2");
	assert_int_equal(d.volumes[1].depth, 2);
	assert_string_equal(d.volumes[2].path, "/nfs/groups/d1.qcow2");
	assert_int_equal(d.ndesktops, 2);
	assert_string_equal(d.desktops[0].name, "desk1");
	assert_string_equal(d.desktops[0].via, "/nfs/groups/d1.qcow2");
	assert_string_equal(d.desktops[0].host, "hv1");
	assert_string_equal(d.desktops[1].name, "desk2");
	assert_string_equal(d.desktops[1].via, "bases/leaf.qcow2");
	assert_int_equal(d.noffline, 0);
	assert_true(vol_deps_blocking(&d));
	vol_deps_free(&d);
}

/* A leaf: no volume, its desktop directly (a volume disk). */
static void test_leaf(void **state)
{
	struct vol_deps d = deps(0, "bases", "leaf.qcow2");
	char *why;

	(void)state;
	assert_int_equal(d.nvolumes, 0);
	assert_int_equal(d.ndesktops, 1);
	assert_string_equal(d.desktops[0].name, "desk2");
	assert_null(d.desktops[0].via);
	why = vol_deps_refusal("bases/leaf.qcow2", &d);
	assert_non_null(why);
	assert_non_null(strstr(why, "desk2"));
	assert_null(strstr(why, "derived"));
	free(why);
	vol_deps_free(&d);
}

static void test_free_volume(void **state)
{
	struct vol_deps d = deps(h2, "default", "z.qcow2");

	(void)state;
	assert_false(vol_deps_blocking(&d));
	assert_null(vol_deps_refusal("default/z.qcow2", &d));
	vol_deps_free(&d);
}

/* A host that has the shared pool and is offline blocks; one that has
 * only a local pool of the same name does not. */
static void test_offline_sharer(void **state)
{
	struct vol_deps d;
	char *why;

	(void)state;
	shared_pools(h3);
	model_host_set_state(h3, HOST_OFFLINE, "gone");
	d = deps(h1, "groups", "d1.qcow2");
	assert_int_equal(d.noffline, 1);
	assert_string_equal(d.offline[0], "hv3");
	why = vol_deps_refusal("groups/d1.qcow2", &d);
	assert_non_null(strstr(why, "hv3"));
	assert_non_null(strstr(why, "desk1"));
	free(why);
	vol_deps_free(&d);
	d = deps(h2, "default", "z.qcow2");
	assert_int_equal(d.noffline, 0);
	vol_deps_free(&d);
}

/* A host never reached has unknown pools: it may share any shared pool
 * (a command line run while it is down), never a local one. */
static void test_never_reached(void **state)
{
	struct config_host c = { .name = (char *)"hv4", .uri = (char *)"test:///default" };
	struct vol_deps d;
	unsigned h4;

	(void)state;
	h4 = model_host_add(&c);
	model_host_set_state(h4, HOST_OFFLINE, "connection refused");
	d = deps(h2, "default", "z.qcow2");
	assert_int_equal(d.noffline, 0);
	vol_deps_free(&d);
	d = deps(h1, "bases", "leaf.qcow2");
	assert_int_equal(d.noffline, 1);
	assert_string_equal(d.offline[0], "hv4");
	vol_deps_free(&d);
}

static void test_refusal_names(void **state)
{
	struct vol_deps d = deps(h1, "bases", "tmpl.qcow2");
	char *why = vol_deps_refusal("bases/tmpl.qcow2", &d);

	(void)state;
	assert_string_equal(why, "cannot delete bases/tmpl.qcow2: volumes are "
	    "derived from it: bases/leaf.qcow2, groups/d1.qcow2; desktops use "
	    "it: desk1 (through /nfs/groups/d1.qcow2), desk2 (through "
	    "bases/leaf.qcow2)");
	free(why);
	vol_deps_free(&d);
}

/* A local pool's file is its host's own: hv2's y has no child, hv1's has. */
static void test_is_parent(void **state)
{
	char *who = NULL;

	(void)state;
	model_lock();
	assert_true(vol_deps_is_parent(h1, "/nfs/bases/tmpl.qcow2", &who));
	assert_string_equal(who, "bases/leaf.qcow2, groups/d1.qcow2");
	free(who);
	assert_false(vol_deps_is_parent(h2, "/nfs/bases/leaf.qcow2", &who));
	assert_null(who);
	assert_true(vol_deps_is_parent(h1, "/var/lib/libvirt/images/y.qcow2", NULL));
	assert_false(vol_deps_is_parent(h2, "/var/lib/libvirt/images/y.qcow2", &who));
	assert_false(vol_deps_is_parent(h1, "/nowhere.qcow2", &who));
	model_unlock();
}

static void test_chain(void **state)
{
	struct vol_level *l;
	enum vol_chain_end end;
	size_t n;

	(void)state;
	model_lock();
	n = vol_deps_chain(h2, "/nfs/groups/d1.qcow2", &l, &end);
	model_unlock();
	assert_int_equal(n, 3);
	assert_int_equal(end, VCE_BASE);
	assert_string_equal(l[0].pool, "groups");
	assert_string_equal(l[0].backing_path, "/nfs/bases/tmpl.qcow2");
	assert_string_equal(l[0].backing_format, "qcow2");
	assert_string_equal(l[1].name, "tmpl.qcow2");
	assert_string_equal(l[2].name, "base.qcow2");
	assert_null(l[2].backing_path);
	assert_true(l[2].capacity == 10ull << 30);
	vol_chain_free(l, n);
}

/* Backing links that loop end every walk: the chain, and the deps. */
static void test_loop(void **state)
{
	struct vol_level *l;
	enum vol_chain_end end;
	struct vol_deps d;
	size_t n;

	(void)state;
	model_lock();
	n = vol_deps_chain(h1, "/loop/a.qcow2", &l, &end);
	model_unlock();
	assert_int_equal(n, 2);
	assert_int_equal(end, VCE_LOOP);
	vol_chain_free(l, n);
	d = deps(h1, "loop", "a.qcow2");
	assert_int_equal(d.nvolumes, 1);
	assert_string_equal(d.volumes[0].name, "b.qcow2");
	vol_deps_free(&d);
}

static void test_unknown(void **state)
{
	struct vol_deps d;
	char *cause = NULL;

	(void)state;
	model_lock();
	assert_int_equal(vol_deps_of(h1, "bases", "nope.qcow2", &d, &cause), -1);
	model_unlock();
	assert_non_null(strstr(cause, "nope.qcow2"));
	free(cause);
	/* hv2's local default has z, hv1's does not */
	model_lock();
	assert_int_equal(vol_deps_of(h1, "default", "z.qcow2", &d, &cause), -1);
	model_unlock();
	free(cause);
}

/* ---- act-volume: naming a volume, and the delete's refusals ---- */

/* A name that each of two hosts' local pools has is two volumes: --on
 * picks one; a shared pool's volume is one whatever hosts see it. */
static void test_find(void **state)
{
	struct vol_target t;
	char *cause = NULL, *label;

	(void)state;
	assert_int_equal(act_volume_find("default/y.qcow2", NULL, &t, &cause), -1);
	assert_non_null(strstr(cause, "hv1, hv2"));
	assert_non_null(strstr(cause, "--on HOST"));
	free(cause);
	cause = NULL;
	assert_int_equal(act_volume_find("default/y.qcow2", "hv2", &t, &cause), 0);
	assert_string_equal(t.host, "hv2");
	assert_false(t.shared);
	label = act_volume_label(&t);
	assert_string_equal(label, "default/y.qcow2 on hv2");
	free(label);
	act_volume_target_free(&t);
	assert_int_equal(act_volume_find("bases/leaf.qcow2", NULL, &t, &cause), 0);
	assert_true(t.shared);
	assert_string_equal(t.path, "/nfs/bases/leaf.qcow2");
	act_volume_target_free(&t);
	assert_int_equal(act_volume_find("/nfs/bases/../bases/leaf.qcow2", NULL,
	    &t, &cause), 0);
	assert_string_equal(t.name, "leaf.qcow2");
	act_volume_target_free(&t);
	assert_int_equal(act_volume_find_key("hv2\t/var/lib/libvirt/images/z.qcow2",
	    &t, &cause), 0);
	assert_string_equal(t.pool, "default");
	act_volume_target_free(&t);
	assert_int_equal(act_volume_find("leaf.qcow2", NULL, &t, &cause), -1);
	assert_non_null(strstr(cause, "POOL/NAME"));
	free(cause);
	cause = NULL;
	assert_int_equal(act_volume_find("bases/leaf.qcow2", "hv3", &t, &cause), -1);
	assert_non_null(strstr(cause, "no volume bases/leaf.qcow2 on host hv3"));
	free(cause);
}

static unsigned last_job(void)
{
	const struct job *j;
	unsigned id;

	job_lock();
	j = job_last();
	id = j != NULL ? j->id : 0;
	job_unlock();
	return id;
}

/* Refused at once, naming why, and no job is made. */
static void test_delete_refused(void **state)
{
	struct vol_target t;
	char *cause = NULL;
	unsigned job = 99, before = last_job();

	(void)state;
	act_set_read_only(0);
	assert_int_equal(act_volume_find("bases/leaf.qcow2", NULL, &t, &cause), 0);
	assert_int_equal(act_volume_delete(&t, &job, &cause), -1);
	assert_int_equal(job, 0);
	assert_int_equal(last_job(), before);
	assert_string_equal(cause, "cannot delete bases/leaf.qcow2: desktops use it: desk2");
	free(cause);
	act_volume_target_free(&t);
	assert_int_equal(act_volume_find("default/z.qcow2", NULL, &t, &cause), 0);
	assert_int_equal(act_volume_delete_check(&t, &cause), 0);
	assert_null(cause);
	act_set_read_only(1);
	assert_int_equal(act_volume_delete(&t, &job, &cause), -1);
	assert_non_null(strstr(cause, "read-only"));
	free(cause);
	act_set_read_only(0);
	act_volume_target_free(&t);
	assert_int_equal(last_job(), before);
}

static char *writer(unsigned host, const char *pool, const char *name)
{
	char *why;

	model_lock();
	why = vol_deps_writer(host, pool, name);
	model_unlock();
	return why;
}

/* A disk a live desktop writes is named with the desktop, its state and
 * host, from whichever host the volume is asked of; its backing file,
 * a read-only disk, a shut-off desktop and another host's local file of
 * the same path are not written. */
static void test_writer(void **state)
{
	const char *u2 = "aaaaaaaa-0000-0000-0000-000000000002";
	const char *u3 = "aaaaaaaa-0000-0000-0000-000000000003";
	const char *u4 = "aaaaaaaa-0000-0000-0000-000000000004";
	char *why;

	(void)state;
	assert_null(writer(0, "bases", "leaf.qcow2"));	/* desk2 is shut off */
	desktop_in(h2, u2, "desk2", "bases/leaf.qcow2", DS_RUNNING, 0);
	why = writer(h1, "bases", "leaf.qcow2");
	assert_string_equal(why, "leaf.qcow2 is written by desktop desk2 "
	    "running on hv2: shut it down first");
	free(why);
	why = writer(0, "bases", "leaf.qcow2");
	assert_non_null(why);
	free(why);
	assert_null(writer(0, "bases", "tmpl.qcow2"));	/* only read */
	assert_null(writer(0, "bases", "base.qcow2"));
	desktop_in(h2, u2, "desk2", "bases/leaf.qcow2", DS_PAUSED, 0);
	why = writer(h2, "bases", "leaf.qcow2");
	assert_non_null(strstr(why, "desk2 paused on hv2"));
	free(why);
	desktop_in(h2, u2, "desk2", "bases/leaf.qcow2", DS_RUNNING, 1);
	assert_null(writer(h2, "bases", "leaf.qcow2"));
	/* a local file: hv2's y.qcow2 is not hv1's */
	desktop_in(h2, u3, "desk3", "/var/lib/libvirt/images/y.qcow2",
	    DS_RUNNING, 0);
	assert_null(writer(h1, "default", "y.qcow2"));
	why = writer(h2, "default", "y.qcow2");
	assert_non_null(strstr(why, "y.qcow2 is written by desktop desk3 "
	    "running on hv2"));
	free(why);
	/* by path on shared storage, as a domain disk names it */
	desktop_in(h1, u4, "desk4", "/nfs/bases/../bases/base.qcow2",
	    DS_RUNNING, 0);
	why = writer(h2, "bases", "base.qcow2");
	assert_non_null(strstr(why, "desk4 running on hv1"));
	free(why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_base, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leaf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_volume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offline_sharer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_never_reached, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusal_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_is_parent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writer, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
