/* test_capacity.c — capacity over a model filled by hand: per host the
 * sums of its running desktops only, the headroom and its order, shared
 * pools once with the warning threshold, and the refusals' numbers;
 * the .vv file, the JSON an attached console's page reads back whole
 * (a password with quotes, no password, no tunnel; bad JSON refused) and
 * the tunnel's pieces of act-viewer.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "act/act-viewer.h"
#include "core/capacity.h"
#include "core/model.h"
#include "core/place.h"
#include "core/util.h"

static unsigned h1, h2;

static void desktop(unsigned host, const char *uuid, enum desktop_state st,
    unsigned vcpus, uint64_t max_mib)
{
	struct xml_domain x;

	memset(&x, 0, sizeof x);
	x.vcpus = vcpus;
	x.memory_kib = x.max_memory_kib = max_mib * 1024;
	model_desktop_seen(host, uuid, uuid, st, 1, 1, &x);
}

static void pool(unsigned host, const char *name, const char *share,
    uint64_t cap, uint64_t alloc)
{
	struct m_pool info;

	memset(&info, 0, sizeof info);
	info.name = (char *)name;
	info.type = (char *)"dir";
	info.share_key = (char *)share;
	info.capacity = cap;
	info.allocation = alloc;
	model_pool_seen(host, &info, NULL, 0);
}

/* An online host keeping the default memory_reserve (1 GiB). */
static unsigned host(const char *name)
{
	struct config_host c = { .name = (char *)name,
	    .uri = (char *)"test:///default",
	    .memory_reserve_mib = CONFIG_MEMORY_RESERVE_DEFAULT };
	unsigned id = model_host_add(&c);

	model_host_set_state(id, HOST_ONLINE, NULL);
	return id;
}

static int setup(void **state)
{
	struct host_facts f = { .cpus = 4, .memory_kib = 8 * 1024 * 1024 };

	(void)state;
	model_init();
	h1 = host("hv1");
	h2 = host("hv2");
	model_host_set_facts(h1, &f);
	model_host_set_facts(h2, &f);
	desktop(h1, "a", DS_RUNNING, 2, 2048);
	desktop(h1, "b", DS_RUNNING, 4, 3072);
	desktop(h1, "c", DS_SHUTOFF, 8, 9999);	/* not counted */
	desktop(h2, "d", DS_RUNNING, 1, 512);
	pool(h1, "groups", "nfs:/g", 100, 95);
	pool(h2, "groups", "nfs:/g", 100, 95);	/* the same storage */
	pool(h1, "default", NULL, 100, 10);
	pool(h2, "default", NULL, 100, 20);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	model_free();
	return 0;
}

static void test_hosts(void **state)
{
	struct capacity c;

	(void)state;
	capacity_read(&c, 90);
	assert_int_equal(c.nhosts, 2);
	/* least headroom first: hv1 commits 5 GiB */
	assert_string_equal(c.hosts[0].name, "hv1");
	assert_int_equal(c.hosts[0].vcpus, 6);
	assert_int_equal(c.hosts[0].cpus, 4);
	assert_int_equal(c.hosts[0].running, 2);
	assert_int_equal(c.hosts[0].committed_kib, 5 * 1024 * 1024);
	assert_int_equal(c.hosts[0].headroom_kib, (8 - 5 - 1) * 1024 * 1024);
	assert_true(capacity_ratio(&c.hosts[0]) > 1.49 &&
	    capacity_ratio(&c.hosts[0]) < 1.51);
	assert_string_equal(c.hosts[1].name, "hv2");
	assert_int_equal(c.hosts[1].vcpus, 1);
	capacity_free(&c);
}

static void test_pools(void **state)
{
	struct capacity c;

	(void)state;
	capacity_read(&c, 90);
	assert_int_equal(c.npools, 3);	/* groups once */
	assert_string_equal(c.pools[0].name, "groups");
	assert_int_equal(c.pools[0].nhosts, 2);
	assert_int_equal(c.pools[0].percent, 95);
	assert_true(c.pools[0].warn);
	assert_int_equal(c.pools[1].percent, 20);
	assert_false(c.pools[1].warn);
	capacity_free(&c);
	capacity_read(&c, 10);
	assert_true(c.pools[2].warn);	/* 10 % at a 10 % threshold */
	capacity_free(&c);
}

static void test_refusals(void **state)
{
	struct m_host *h;
	char *fits, *why, *cpus, *text;

	(void)state;
	model_lock();	/* asserted after: a failure must not hold it */
	h = model_host(h1);
	fits = place_fit_refusal(h, 4, 2 * 1024 * 1024);
	why = place_fit_refusal(h, 4, 3 * 1024 * 1024);
	cpus = place_fit_refusal(h, 5, 0);
	text = place_capacity_text(h);
	model_unlock();
	assert_null(fits);
	assert_non_null(why);
	assert_string_equal(why, "hv1: 5.0 GiB of 8.0 GiB committed to 2 "
	    "running desktops, memory_reserve 1.0 GiB: 3.0 GiB more does not "
	    "fit (headroom 2.0 GiB)");
	assert_non_null(cpus);
	assert_non_null(strstr(cpus, "hv1 has 4 CPUs: a desktop of 5 vCPUs"));
	assert_string_equal(text, "hv1: 2 running desktops, 6 vCPUs on 4 CPUs "
	    "(ratio 1.50), 5.0 GiB of 8.0 GiB committed, memory_reserve 1.0 "
	    "GiB, headroom 2.0 GiB");
	free(why);
	free(cpus);
	free(text);
}

static void test_vv(void **state)
{
	struct viewer v = { .name = (char *)"desk-1", .type = (char *)"spice",
	    .address = (char *)"127.0.0.1", .port = 5900, .tls_port = 5901,
	    .password = (char *)"pw" };
	char *s = act_viewer_vv(&v);

	(void)state;
	assert_string_equal(s, "[virt-viewer]\ntype=spice\nhost=127.0.0.1\n"
	    "port=5900\ntls-port=5901\npassword=pw\ntitle=desk-1\n"
	    "delete-this-file=1\nfullscreen=0\ntoggle-fullscreen=shift+f11\n"
	    "release-cursor=shift+f12\nsecure-attention=ctrl+alt+end\n");
	free(s);
	v.type = (char *)"vnc";
	v.tls_port = -1;
	v.password = NULL;
	s = act_viewer_vv(&v);
	assert_null(strstr(s, "password="));
	assert_null(strstr(s, "tls-port="));
	free(s);
}

static void test_uri(void **state)
{
	char *user, *host, *key, *kh;
	int port;

	(void)state;
	assert_int_equal(act_viewer_uri("qemu+libssh://root@10.0.0.5:2222/"
	    "system?keyfile=/k/id&known_hosts=/k/kh", &user, &host, &port, &key,
	    &kh), 1);
	assert_string_equal(user, "root");
	assert_string_equal(host, "10.0.0.5");
	assert_int_equal(port, 2222);
	assert_string_equal(key, "/k/id");
	assert_string_equal(kh, "/k/kh");
	free(user); free(host); free(key); free(kh);
	assert_int_equal(act_viewer_uri("qemu+tcp://[fe80::1]:16509/system",
	    &user, &host, &port, &key, &kh), 0);
	assert_null(user);
	assert_string_equal(host, "fe80::1");
	assert_int_equal(port, 16509);
	free(host);
	assert_int_equal(act_viewer_uri("qemu:///system", &user, &host, &port,
	    &key, &kh), 0);
	assert_null(host);
}

static void test_viewer_json(void **state)
{
	struct viewer v = { 0 }, back;
	char *s, *cause = NULL;

	(void)state;
	v.name = xstrdup("class-01");
	v.host = xstrdup("hv1");
	v.type = xstrdup("spice");
	v.listen = xstrdup("127.0.0.1");
	v.address = xstrdup("127.0.0.1");
	v.port = 5901;
	v.tls_port = -1;
	v.password = xstrdup("p\"w\\d");
	v.ssh = xstrdup("ssh -N -L 5901:127.0.0.1:5901 root@hv1");
	s = act_viewer_json(&v);
	assert_int_equal(act_viewer_from_json(s, &back, &cause), 0);
	assert_string_equal(back.name, "class-01");
	assert_string_equal(back.host, "hv1");
	assert_string_equal(back.type, "spice");
	assert_string_equal(back.listen, "127.0.0.1");
	assert_string_equal(back.address, "127.0.0.1");
	assert_int_equal(back.port, 5901);
	assert_int_equal(back.tls_port, -1);
	assert_string_equal(back.password, "p\"w\\d");
	assert_false(back.password_unknown);
	assert_string_equal(back.ssh, v.ssh);
	free(s);
	viewer_free(&back);
	/* none set, unknown, no tunnel: nulls come back as NULL */
	free(v.password);
	v.password = NULL;
	v.password_unknown = 1;
	free(v.ssh);
	v.ssh = NULL;
	s = act_viewer_json(&v);
	assert_int_equal(act_viewer_from_json(s, &back, &cause), 0);
	assert_null(back.password);
	assert_true(back.password_unknown);
	assert_null(back.ssh);
	free(s);
	viewer_free(&back);
	viewer_free(&v);
	/* not an answer: refused with a cause */
	assert_int_equal(act_viewer_from_json("{\"port\": 1}", &back, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_int_equal(act_viewer_from_json("{", &back, &cause), -1);
	free(cause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_pools),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_vv),
		cmocka_unit_test(test_viewer_json),
		cmocka_unit_test(test_uri),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
