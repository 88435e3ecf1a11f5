/* Unit tests for act-derive.c: the overlay XML (backing store and its
 * format, qcow2 target, capacity, the qcow2 options), option checks, and
 * derive_one on libvirt's test driver: a good derive, and each refusal
 * leaves the pool's volume list unchanged. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "act/act-derive.h"
#include "core/util.h"

static void test_xml(void **state)
{
	struct derive_opts o = { 0, 65536, 1, 1 };
	char *x;

	(void)state;
	x = derive_volume_xml("d1.qcow2", "/p/t&<x>.qcow2", "qcow2", 1024, NULL);
	assert_non_null(strstr(x, "<name>d1.qcow2</name>"));
	assert_non_null(strstr(x, "<capacity unit='bytes'>1024</capacity>"));
	assert_non_null(strstr(x, "<target>\n    <format type='qcow2'/>\n"
	    "    <compat>1.1</compat>"));
	assert_non_null(strstr(x, "<path>/p/t&amp;&lt;x&gt;.qcow2</path>\n"
	    "    <format type='qcow2'/>\n  </backingStore>"));
	assert_null(strstr(x, "features"));
	assert_null(strstr(x, "clusterSize"));
	free(x);
	x = derive_volume_xml("d", "/p/base.img", "raw", 1, &o);
	assert_non_null(strstr(x, "<format type='raw'/>\n  </backingStore>"));
	assert_non_null(strstr(x, "<clusterSize unit='B'>65536</clusterSize>"));
	assert_non_null(strstr(x, "<lazy_refcounts/>"));
	assert_non_null(strstr(x, "<extended_l2/>"));
	free(x);
}

static void opts_refused(uint64_t cluster, int l2, const char *needle)
{
	struct derive_opts o = { 0, cluster, 0, l2 };
	char *cause = NULL;

	assert_int_equal(derive_opts_check(&o, &cause), -1);
	assert_non_null(strstr(cause, needle));
	free(cause);
}

static void test_opts(void **state)
{
	struct derive_opts o = { 0, 2u << 20, 1, 1 };
	char *cause = NULL;

	(void)state;
	assert_int_equal(derive_opts_check(NULL, &cause), 0);
	assert_int_equal(derive_opts_check(&o, &cause), 0);
	o.cluster_size = 0;
	assert_int_equal(derive_opts_check(&o, &cause), 0);
	opts_refused(65535, 0, "power of two");
	opts_refused(256, 0, "power of two");
	opts_refused(4u << 20, 0, "power of two");
	opts_refused(4096, 1, "extended L2 needs");
	assert_null(cause);
}

/* ---- derive_one on the test driver ---- */

static void quiet(void *ud, virErrorPtr e)
{
	(void)ud;
	(void)e;
}

static virConnectPtr conn;

static int setup(void **state)
{
	virStoragePoolPtr p;
	virStorageVolPtr v;

	(void)state;
	virSetErrorFunc(NULL, quiet);
	if ((conn = virConnectOpen("test:///default")) == NULL)
		return -1;
	p = virStoragePoolLookupByName(conn, "default-pool");
	v = virStorageVolCreateXML(p, "<volume><name>base.qcow2</name>"
	    "<capacity>1048576</capacity><target><format type='qcow2'/>"
	    "</target></volume>", 0);
	virStorageVolFree(v);
	v = virStorageVolCreateXML(p, "<volume><name>disc.iso</name>"
	    "<capacity>1048576</capacity><target><format type='iso'/>"
	    "</target></volume>", 0);
	virStorageVolFree(v);
	/* a dangling backing reference to a name not made yet: deriving
	 * that name from it would make a loop */
	v = virStorageVolCreateXML(p, "<volume><name>looped.qcow2</name>"
	    "<capacity>1048576</capacity><target><format type='qcow2'/>"
	    "</target><backingStore><path>/default-pool/ring.qcow2</path>"
	    "<format type='qcow2'/></backingStore></volume>", 0);
	virStorageVolFree(v);
	virStoragePoolFree(p);
	p = virStoragePoolDefineXML(conn, "<pool type='dir'><name>idle</name>"
	    "<target><path>/idle</path></target></pool>", 0);
	virStoragePoolFree(p);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	virConnectClose(conn);
	return 0;
}

static int nvols(void)
{
	virStoragePoolPtr p = virStoragePoolLookupByName(conn, "default-pool");
	int n = virStoragePoolNumOfVolumes(p);

	virStoragePoolFree(p);
	return n;
}

static void refused(const char *src_pool, const char *src, const char *dst,
    const char *name, const char *needle)
{
	char *cause = NULL;
	int before = nvols();

	assert_int_equal(derive_one(conn, src_pool, src, dst, name, NULL,
	    &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, needle) == NULL)
		fail_msg("%s: '%s', wanted '%s'", name, cause, needle);
	assert_int_equal(nvols(), before);
	free(cause);
}

static void test_derive_one(void **state)
{
	virStoragePoolPtr p;
	virStorageVolPtr v;
	char *cause = NULL, *xml;

	(void)state;
	assert_int_equal(derive_one(conn, "default-pool", "base.qcow2",
	    "default-pool", "t1.qcow2", NULL, &cause), 0);
	assert_null(cause);
	p = virStoragePoolLookupByName(conn, "default-pool");
	v = virStorageVolLookupByName(p, "t1.qcow2");
	assert_non_null(v);
	xml = virStorageVolGetXMLDesc(v, 0);
	assert_non_null(strstr(xml, "<path>/default-pool/base.qcow2</path>"));
	assert_non_null(strstr(xml, "<capacity unit='bytes'>1048576<"));
	free(xml);
	virStorageVolFree(v);
	virStoragePoolFree(p);

	refused("default-pool", "base.qcow2", "default-pool", "t1.qcow2",
	    "t1.qcow2 already exists in pool default-pool");
	refused("default-pool", "base.qcow2", "default-pool", "../x.qcow2",
	    "'/' at byte 3");
	refused("default-pool", "base.qcow2", "default-pool", "", "empty");
	refused("default-pool", "disc.iso", "default-pool", "d.qcow2",
	    "only qcow2 or raw");
	refused("default-pool", "nope", "default-pool", "d.qcow2",
	    "no volume nope in pool default-pool");
	refused("default-pool", "base.qcow2", "idle", "d.qcow2",
	    "pool idle is not active");
	refused("default-pool", "base.qcow2", "missing", "d.qcow2",
	    "no pool missing");
	refused("default-pool", "looped.qcow2", "default-pool", "ring.qcow2",
	    "in its own backing chain");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml),
		cmocka_unit_test(test_opts),
		cmocka_unit_test_setup_teardown(test_derive_one, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
