/* test_virt_xml.c — virt-xml against libvirt 9 XML (fixtures in
 * tests/unit/data/xml, three of them dumped from libvirt's test driver) and
 * against the live in-process test driver (test:///default, no daemon). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "core/util.h"
#include "virt/virt-xml.h"

#define RUNNING_DISK "/var/lib/libvirt/images/vdi/desk-alice.qcow2"
#define RUNNING_TMPL "/var/lib/libvirt/images/vdi/tmpl-win11.qcow2"
#define RUNNING_BASE "/var/lib/libvirt/images/vdi/base-win11.qcow2"

/* Fixtures live beside this file; HVDECK_XML_DATA overrides when the test
 * runs from elsewhere. */
static char *fixture(const char *name)
{
	const char *dir = getenv("HVDECK_XML_DATA");
	char *path, *buf;
	const char *slash;
	FILE *f;
	long len;

	if (dir != NULL)
		path = xasprintf("%s/%s", dir, name);
	else {
		slash = strrchr(__FILE__, '/');
		path = xasprintf("%.*sdata/xml/%s",
		    slash != NULL ? (int)(slash - __FILE__ + 1) : 0, __FILE__,
		    name);
	}
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open fixture %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	buf = xmalloc((size_t)len + 1);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	free(path);
	return buf;
}

static void parse_domain_file(const char *name, struct xml_domain *d)
{
	char *xml = fixture(name), *cause = NULL;

	assert_int_equal(virtxml_parse_domain(xml, d, &cause), 0);
	assert_null(cause);
	free(xml);
}

static void parse_volume_file(const char *name, struct xml_volume *v)
{
	char *xml = fixture(name), *cause = NULL;

	assert_int_equal(virtxml_parse_volume(xml, v, &cause), 0);
	assert_null(cause);
	free(xml);
}

static void parse_pool_file(const char *name, struct xml_pool *p)
{
	char *xml = fixture(name), *cause = NULL;

	assert_int_equal(virtxml_parse_pool(xml, p, &cause), 0);
	assert_null(cause);
	free(xml);
}

static void assert_disk(const struct xml_disk *d, const char *device,
    const char *target, const char *bus, const char *format,
    const char *source, size_t nbacking)
{
	if (device == NULL) assert_null(d->device);
	else assert_string_equal(d->device, device);
	if (target == NULL) assert_null(d->target);
	else assert_string_equal(d->target, target);
	if (bus == NULL) assert_null(d->bus);
	else assert_string_equal(d->bus, bus);
	if (format == NULL) assert_null(d->format);
	else assert_string_equal(d->format, format);
	if (source == NULL) assert_null(d->source);
	else assert_string_equal(d->source, source);
	assert_int_equal(d->nbacking, nbacking);
	if (nbacking == 0)
		assert_null(d->backing);
}

static void assert_nic(const struct xml_nic *n, const char *type,
    const char *mac, const char *source, const char *model,
    const char *target)
{
	assert_string_equal(n->type, type);
	assert_string_equal(n->mac, mac);
	if (source == NULL) assert_null(n->source);
	else assert_string_equal(n->source, source);
	if (model == NULL) assert_null(n->model);
	else assert_string_equal(n->model, model);
	if (target == NULL) assert_null(n->target);
	else assert_string_equal(n->target, target);
}

static void assert_graphics(const struct xml_graphics *g, const char *type,
    const char *listen, int port, int tls_port)
{
	assert_string_equal(g->type, type);
	if (listen == NULL) assert_null(g->listen);
	else assert_string_equal(g->listen, listen);
	assert_int_equal(g->port, port);
	assert_int_equal(g->tls_port, tls_port);
}

/* ---- fixtures ---------------------------------------------------------- */

static void test_domain_running(void **state)
{
	struct xml_domain d;

	(void)state;
	parse_domain_file("domain-running.xml", &d);
	assert_string_equal(d.name, "desk-alice");
	assert_string_equal(d.uuid, "3f8b2c1e-9a4d-4e6b-8c2f-7d1a5e9b0c42");
	assert_string_equal(d.title, "Alice M\xc3\xbcller \xe2\x80\x94 B\xc3\xbcro 2.14");
	assert_string_equal(d.description,
	    "Finance desktop, derived from tmpl-win11 (2024-05)");
	assert_int_equal(d.vcpus, 2);
	assert_int_equal(d.memory_kib, 6291456);
	assert_int_equal(d.max_memory_kib, 8388608);
	assert_null(d.os_kernel);

	assert_int_equal(d.ndisks, 2);
	assert_disk(&d.disks[0], "disk", "vda", "virtio", "qcow2",
	    RUNNING_DISK, 2);
	assert_string_equal(d.disks[0].backing[0], RUNNING_TMPL);
	assert_string_equal(d.disks[0].backing[1], RUNNING_BASE);
	assert_disk(&d.disks[1], "cdrom", "sda", "sata", "raw", NULL, 0);
	/* never boot a parent asks what may write to a disk */
	assert_string_equal(d.disks[0].type, "file");
	assert_false(d.disks[0].readonly);
	assert_true(d.disks[1].readonly);

	assert_int_equal(d.nnics, 2);
	assert_nic(&d.nics[0], "network", "52:54:00:3a:7c:01", "vdi-lan",
	    "virtio", "vnet12");
	assert_nic(&d.nics[1], "bridge", "52:54:00:3a:7c:02", "br-mgmt",
	    "e1000e", "vnet13");

	assert_int_equal(d.ngraphics, 2);
	assert_graphics(&d.graphics[0], "vnc", "127.0.0.1", 5901, -1);
	assert_graphics(&d.graphics[1], "spice", NULL, -1, -1);
	facts_domain_free(&d);
}

static void test_domain_inactive(void **state)
{
	struct xml_domain d;

	(void)state;
	parse_domain_file("domain-inactive.xml", &d);
	assert_string_equal(d.name, "tmpl-linux");
	assert_string_equal(d.uuid, "b7e1d2c3-4f5a-4b6c-8d7e-9f0a1b2c3d4e");
	assert_null(d.title);
	assert_null(d.description);
	assert_int_equal(d.vcpus, 2);
	/* unit='GiB' and no <currentMemory>: both from <memory>. */
	assert_int_equal(d.memory_kib, 2097152);
	assert_int_equal(d.max_memory_kib, 2097152);
	assert_string_equal(d.os_kernel,
	    "/var/lib/libvirt/boot/vmlinuz-6.1.0-21-amd64");

	assert_int_equal(d.ndisks, 3);
	assert_disk(&d.disks[0], "disk", "vda", "virtio", "qcow2",
	    "vdi/tmpl-linux.qcow2", 0);
	assert_disk(&d.disks[1], "disk", "vdb", "virtio", "raw",
	    "/dev/vg0/tmpl-linux-data", 0);
	assert_disk(&d.disks[2], "disk", "vdc", "virtio", "raw",
	    "vdi-pool/scratch", 0);
	assert_string_equal(d.disks[0].type, "volume");
	assert_string_equal(d.disks[1].type, "block");
	assert_true(d.disks[1].readonly);	/* <shareable/> */
	assert_false(d.disks[0].readonly);

	assert_int_equal(d.nnics, 2);
	assert_nic(&d.nics[0], "direct", "52:54:00:aa:bb:cc", "eno1",
	    "virtio", NULL);
	assert_nic(&d.nics[1], "user", "52:54:00:aa:bb:cd", NULL,
	    "rtl8139", NULL);

	assert_int_equal(d.ngraphics, 3);
	assert_graphics(&d.graphics[0], "vnc", "0.0.0.0", -1, -1);
	assert_graphics(&d.graphics[1], "spice", NULL, -1, -1);
	/* No <listen> child: the attribute is used. */
	assert_graphics(&d.graphics[2], "spice", "192.0.2.10", 5930, 5931);
	facts_domain_free(&d);
}

static void test_volume_backing(void **state)
{
	struct xml_volume v;

	(void)state;
	parse_volume_file("volume-backing.xml", &v);
	assert_string_equal(v.name, "desk-alice.qcow2");
	assert_string_equal(v.key, RUNNING_DISK);
	assert_string_equal(v.path, RUNNING_DISK);
	assert_string_equal(v.format, "qcow2");
	assert_int_equal(v.capacity, 42949672960ULL);
	assert_int_equal(v.allocation, 1945436160ULL);
	assert_string_equal(v.backing_path, RUNNING_TMPL);
	assert_string_equal(v.backing_format, "qcow2");
	virtxml_volume_free(&v);
}

static void test_pool_dir(void **state)
{
	struct xml_pool p;

	(void)state;
	parse_pool_file("pool-dir.xml", &p);
	assert_string_equal(p.name, "vdi");
	assert_string_equal(p.uuid, "0c6d2f1a-8b3e-4a7d-9e5f-1a2b3c4d5e6f");
	assert_string_equal(p.type, "dir");
	assert_string_equal(p.target_path, "/var/lib/libvirt/images/vdi");
	assert_null(p.source_host);
	assert_null(p.source_dir);
	virtxml_pool_free(&p);
}

static void test_pool_netfs(void **state)
{
	struct xml_pool p;

	(void)state;
	parse_pool_file("pool-netfs.xml", &p);
	assert_string_equal(p.name, "nas-vdi");
	assert_string_equal(p.uuid, "549e05a8-43cb-41b5-bb42-1a18813c1544");
	assert_string_equal(p.type, "netfs");
	assert_string_equal(p.target_path, "/var/lib/libvirt/images/nas-vdi");
	assert_string_equal(p.source_host, "nas1.example.org");
	assert_string_equal(p.source_dir, "/export/vdi");
	assert_null(p.source_name);
	assert_null(p.source_device);
	virtxml_pool_free(&p);
}

/* The source fields that identify network storage of the other types. */
static void test_pool_network_sources(void **state)
{
	struct xml_pool p;

	(void)state;
	parse_pool_file("pool-gluster.xml", &p);
	assert_string_equal(p.type, "gluster");
	assert_string_equal(p.source_host, "gluster1.example.org");
	assert_string_equal(p.source_dir, "/vdi");
	assert_string_equal(p.source_name, "gv0");
	assert_null(p.target_path);
	virtxml_pool_free(&p);
	parse_pool_file("pool-iscsi.xml", &p);
	assert_string_equal(p.source_host, "san.example.org");
	assert_string_equal(p.source_device, "iqn.2013-06.org.example:vdi");
	assert_null(p.source_name);
	virtxml_pool_free(&p);
	parse_pool_file("pool-rbd.xml", &p);
	assert_string_equal(p.source_host, "mon1.example.org");
	assert_string_equal(p.source_name, "vdi");
	assert_null(p.source_dir);
	virtxml_pool_free(&p);
}

/* Dumped with `virsh -c test:///default` (libvirt 9.0.0). */
static void test_testdriver_fixtures(void **state)
{
	struct xml_domain d;
	struct xml_volume v;
	struct xml_pool p;

	(void)state;
	parse_domain_file("testdrv-domain.xml", &d);
	assert_string_equal(d.name, "test");
	assert_string_equal(d.uuid, "6695eb01-f6a4-8304-79aa-97f2502e193f");
	assert_int_equal(d.vcpus, 2);
	assert_int_equal(d.memory_kib, 2097152);
	assert_int_equal(d.max_memory_kib, 8388608);
	assert_int_equal(d.ndisks, 1);
	assert_disk(&d.disks[0], "disk", "vda", "virtio", NULL,
	    "/guest/diskimage1", 0);
	assert_int_equal(d.nnics, 1);
	assert_nic(&d.nics[0], "network", "aa:bb:cc:dd:ee:ff", "default",
	    NULL, "testnet0");
	assert_int_equal(d.ngraphics, 0);
	assert_null(d.graphics);
	facts_domain_free(&d);

	parse_pool_file("testdrv-pool.xml", &p);
	assert_string_equal(p.name, "default-pool");
	assert_string_equal(p.type, "dir");
	assert_string_equal(p.target_path, "/default-pool");
	assert_null(p.source_host);
	virtxml_pool_free(&p);

	parse_volume_file("testdrv-volume.xml", &v);
	assert_string_equal(v.name, "tmpl.qcow2");
	assert_string_equal(v.key, "/default-pool/tmpl.qcow2");
	assert_string_equal(v.path, "/default-pool/tmpl.qcow2");
	assert_string_equal(v.format, "qcow2");
	assert_int_equal(v.capacity, 21474836480ULL);
	assert_int_equal(v.allocation, 21474836480ULL);
	assert_string_equal(v.backing_path, "/default-pool/base.qcow2");
	assert_string_equal(v.backing_format, "qcow2");
	virtxml_volume_free(&v);
}

/* ---- the live test driver --------------------------------------------- */

static void quiet_libvirt(void *data, virErrorPtr err)
{
	(void)data;
	(void)err;
}

static void check_live_volume(virStorageVolPtr vol)
{
	struct xml_volume v;
	virStorageVolInfo info;
	char *xml, *cause = NULL;

	xml = virStorageVolGetXMLDesc(vol, 0);
	assert_non_null(xml);
	assert_int_equal(virtxml_parse_volume(xml, &v, &cause), 0);
	assert_int_equal(virStorageVolGetInfo(vol, &info), 0);
	assert_string_equal(v.name, virStorageVolGetName(vol));
	assert_string_equal(v.key, virStorageVolGetKey(vol));
	assert_int_equal(v.capacity, info.capacity);
	assert_int_equal(v.allocation, info.allocation);
	virtxml_volume_free(&v);
	free(xml);
}

static void check_live_pool(virStoragePoolPtr pool)
{
	struct xml_pool p;
	virStorageVolPtr *vols = NULL;
	char uuid[VIR_UUID_STRING_BUFLEN], *xml, *cause = NULL;
	int i, n;

	xml = virStoragePoolGetXMLDesc(pool, 0);
	assert_non_null(xml);
	assert_int_equal(virtxml_parse_pool(xml, &p, &cause), 0);
	assert_int_equal(virStoragePoolGetUUIDString(pool, uuid), 0);
	assert_string_equal(p.name, virStoragePoolGetName(pool));
	assert_string_equal(p.uuid, uuid);
	assert_non_null(p.type);
	assert_non_null(p.target_path);
	virtxml_pool_free(&p);
	free(xml);

	n = virStoragePoolListAllVolumes(pool, &vols, 0);
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		check_live_volume(vols[i]);
		virStorageVolFree(vols[i]);
	}
	free(vols);
}

static void check_live_domain(virDomainPtr dom)
{
	struct xml_domain d;
	virDomainInfo info;
	char uuid[VIR_UUID_STRING_BUFLEN], *xml, *cause = NULL;

	xml = virDomainGetXMLDesc(dom, 0);
	assert_non_null(xml);
	assert_int_equal(virtxml_parse_domain(xml, &d, &cause), 0);
	assert_int_equal(virDomainGetInfo(dom, &info), 0);
	assert_int_equal(virDomainGetUUIDString(dom, uuid), 0);
	assert_string_equal(d.name, virDomainGetName(dom));
	assert_string_equal(d.uuid, uuid);
	assert_int_equal(d.max_memory_kib, info.maxMem);
	assert_int_equal(d.memory_kib, info.memory);
	assert_int_equal(d.vcpus, info.nrVirtCpu);
	facts_domain_free(&d);
	free(xml);
}

/* Every domain, pool and volume of test:///default, plus a backed volume
 * made here, read both through XML and through libvirt's own API. */
static void test_testdriver_live(void **state)
{
	static const char backed[] =
	    "<volume><name>desk.qcow2</name>"
	    "<capacity unit='GiB'>20</capacity>"
	    "<target><format type='qcow2'/></target>"
	    "<backingStore><path>/default-pool/base.qcow2</path>"
	    "<format type='qcow2'/></backingStore></volume>";
	virConnectPtr conn;
	virDomainPtr *doms = NULL;
	virStoragePoolPtr *pools = NULL, pool;
	virStorageVolPtr vol;
	int i, n;

	(void)state;
	virSetErrorFunc(NULL, quiet_libvirt);
	conn = virConnectOpen("test:///default");
	if (conn == NULL)
		skip();
	pool = virStoragePoolLookupByName(conn, "default-pool");
	if (pool != NULL) {
		vol = virStorageVolCreateXML(pool, backed, 0);
		assert_non_null(vol);
		virStorageVolFree(vol);
		virStoragePoolFree(pool);
	}

	n = virConnectListAllDomains(conn, &doms, 0);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		check_live_domain(doms[i]);
		virDomainFree(doms[i]);
	}
	free(doms);

	n = virConnectListAllStoragePools(conn, &pools, 0);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		check_live_pool(pools[i]);
		virStoragePoolFree(pools[i]);
	}
	free(pools);
	virConnectClose(conn);
}

/* ---- units and numbers ------------------------------------------------ */

struct unit_case {
	const char *unit;	/* NULL: no unit= attribute */
	const char *value;
	uint64_t want;
};

static char *memory_xml(const char *unit, const char *value)
{
	return xasprintf("<domain type='kvm'><name>u</name>"
	    "<memory%s%s%s>%s</memory></domain>",
	    unit != NULL ? " unit='" : "", unit != NULL ? unit : "",
	    unit != NULL ? "'" : "", value);
}

static void test_memory_units(void **state)
{
	static const struct unit_case cases[] = {
		{ NULL, "2097152", 2097152 },		/* default KiB */
		{ "", "7", 7 },
		{ "b", "1024", 1 },
		{ "b", "1", 1 },			/* rounds up */
		{ "byte", "1025", 2 },
		{ "bytes", "2048", 2 },
		{ "B", "0", 0 },
		{ "k", "5", 5 },
		{ "K", "5", 5 },
		{ "KiB", "5", 5 },
		{ "kib", "5", 5 },
		{ "KB", "1024", 1000 },
		{ "kb", "1", 1 },
		{ "M", "1", 1024 },
		{ "MiB", "512", 524288 },
		{ "MB", "1", 977 },
		{ "G", "1", 1048576 },
		{ "GiB", "4", 4194304 },
		{ "GB", "1", 976563 },
		{ "T", "2", 2147483648ULL },
		{ "TiB", "1", 1073741824ULL },
		{ "TB", "1", 976562500ULL },
		{ "PiB", "1", 1ULL << 40 },
		{ "PB", "1", 976562500000ULL },
		{ "EiB", "16383", 16383ULL << 50 },
		{ "EB", "1", 976562500000000ULL },
		{ "KiB", "18446744073709551615", UINT64_MAX },
		{ "b", "18446744073709551615", 18014398509481984ULL },
		{ "KiB", " 42\n", 42 },			/* XML whitespace */
		/* Rejected: overflow, unknown units, not plain decimal. */
		{ "EiB", "16384", 0 },
		{ "MiB", "18446744073709551615", 0 },
		{ "KiB", "18446744073709551616", 0 },
		{ "KB", "99999999999999999999999", 0 },
		{ "xB", "1", 0 },
		{ "KiBs", "1", 0 },
		{ "iB", "1", 0 },
		{ "Kib ", "1", 0 },
		{ "ZiB", "1", 0 },
		{ NULL, "-1", 0 },
		{ NULL, "+5", 0 },
		{ NULL, "0x10", 0 },
		{ NULL, "12abc", 0 },
		{ NULL, "1e3", 0 },
		{ NULL, "4 096", 0 },
		{ NULL, "", 0 },
		{ NULL, "   ", 0 },
		{ NULL, "\xef\xbc\x91", 0 },		/* fullwidth 1 */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct unit_case *c = &cases[i];
		struct xml_domain d;
		char *xml = memory_xml(c->unit, c->value), *cause = NULL;

		assert_int_equal(virtxml_parse_domain(xml, &d, &cause), 0);
		if (d.max_memory_kib != c->want || d.memory_kib != c->want)
			fail_msg("unit '%s' value '%s': got %llu, want %llu",
			    c->unit != NULL ? c->unit : "(none)", c->value,
			    (unsigned long long)d.max_memory_kib,
			    (unsigned long long)c->want);
		facts_domain_free(&d);
		free(xml);
	}
}

static void test_volume_units(void **state)
{
	static const struct unit_case cases[] = {
		{ NULL, "42949672960", 42949672960ULL },	/* default bytes */
		{ "bytes", "1945436160", 1945436160ULL },
		{ "B", "65536", 65536 },
		{ "KiB", "3", 3072 },
		{ "KB", "3", 3000 },
		{ "M", "1", 1048576 },
		{ "G", "40", 42949672960ULL },
		{ "GB", "40", 40000000000ULL },
		{ "TiB", "2", 2199023255552ULL },
		{ "bytes", "18446744073709551615", UINT64_MAX },
		{ "KiB", "18014398509481984", 0 },		/* 2^64 bytes */
		{ "bytes", "-42", 0 },
		{ "furlongs", "1", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct unit_case *c = &cases[i];
		struct xml_volume v;
		char *xml, *cause = NULL;

		xml = xasprintf("<volume><name>v</name>"
		    "<capacity%s%s%s>%s</capacity>"
		    "<allocation%s%s%s>%s</allocation></volume>",
		    c->unit != NULL ? " unit='" : "",
		    c->unit != NULL ? c->unit : "",
		    c->unit != NULL ? "'" : "", c->value,
		    c->unit != NULL ? " unit='" : "",
		    c->unit != NULL ? c->unit : "",
		    c->unit != NULL ? "'" : "", c->value);
		assert_int_equal(virtxml_parse_volume(xml, &v, &cause), 0);
		if (v.capacity != c->want || v.allocation != c->want)
			fail_msg("unit '%s' value '%s': got %llu, want %llu",
			    c->unit != NULL ? c->unit : "(none)", c->value,
			    (unsigned long long)v.capacity,
			    (unsigned long long)c->want);
		virtxml_volume_free(&v);
		free(xml);
	}
}

static void test_bad_numbers(void **state)
{
	static const char xml[] =
	    "<domain type='kvm'><name>bad</name>"
	    "<memory unit='KiB'>lots</memory>"
	    "<currentMemory unit='parsecs'>1</currentMemory>"
	    "<vcpu current='-2'>4</vcpu>"
	    "<devices>"
	    "<graphics type='vnc' port='59o1' tlsPort='65536'/>"
	    "<graphics type='vnc' port='65535' tlsPort='0'/>"
	    "<graphics type='vnc' port='-5900'/>"
	    "</devices></domain>";
	struct xml_domain d;
	char *cause = NULL;

	(void)state;
	assert_int_equal(virtxml_parse_domain(xml, &d, &cause), 0);
	assert_null(cause);
	assert_string_equal(d.name, "bad");
	assert_int_equal(d.memory_kib, 0);
	assert_int_equal(d.max_memory_kib, 0);
	assert_int_equal(d.vcpus, 0);
	assert_int_equal(d.ngraphics, 3);
	assert_int_equal(d.graphics[0].port, -1);
	assert_int_equal(d.graphics[0].tls_port, -1);
	assert_int_equal(d.graphics[1].port, 65535);
	assert_int_equal(d.graphics[1].tls_port, 0);
	assert_int_equal(d.graphics[2].port, -1);
	facts_domain_free(&d);
}

static void test_vcpus(void **state)
{
	static const struct {
		const char *vcpu;
		unsigned want;
	} cases[] = {
		{ "<vcpu>8</vcpu>", 8 },
		{ "<vcpu placement='static'>4</vcpu>", 4 },
		{ "<vcpu current='1'>4</vcpu>", 1 },
		{ "<vcpu current='x'>4</vcpu>", 0 },
		{ "<vcpu>4294967295</vcpu>", 4294967295U },
		{ "<vcpu>4294967296</vcpu>", 0 },
		{ "", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct xml_domain d;
		char *xml, *cause = NULL;

		xml = xasprintf("<domain><name>v</name>%s</domain>",
		    cases[i].vcpu);
		assert_int_equal(virtxml_parse_domain(xml, &d, &cause), 0);
		if (d.vcpus != cases[i].want)
			fail_msg("%s: got %u, want %u", cases[i].vcpu,
			    d.vcpus, cases[i].want);
		facts_domain_free(&d);
		free(xml);
	}
}

/* ---- disks and graphics corner cases ---------------------------------- */

static void test_disk_sources(void **state)
{
	static const char xml[] =
	    "<domain><name>s</name><devices>"
	    /* Chain that ends without an empty <backingStore/>, through a
	     * block device. */
	    "<disk type='file' device='disk'><driver type='qcow2'/>"
	    "<source file='/a.qcow2'/>"
	    "<backingStore type='block'><format type='qcow2'/>"
	    "<source dev='/dev/vg/b'/></backingStore>"
	    "<target dev='vda' bus='virtio'/></disk>"
	    /* A <backingStore> without source ends the chain. */
	    "<disk type='file' device='disk'><source file='/c.qcow2'/>"
	    "<backingStore type='file'><format type='raw'/>"
	    "<backingStore type='file'><source file='/never'/>"
	    "</backingStore></backingStore>"
	    "<target dev='vdb'/></disk>"
	    "<disk type='dir' device='disk'><source dir='/srv/fat'/>"
	    "<target dev='hdc' bus='ide'/></disk>"
	    "<disk type='volume' device='disk'><source volume='lonely'/>"
	    "<target dev='vdd'/></disk>"
	    "<disk type='file' device='floppy'><source file=''/>"
	    "<target dev='fda'/></disk>"
	    "<disk/>"
	    "</devices></domain>";
	struct xml_domain d;
	char *cause = NULL;

	(void)state;
	assert_int_equal(virtxml_parse_domain(xml, &d, &cause), 0);
	assert_int_equal(d.ndisks, 6);
	assert_disk(&d.disks[0], "disk", "vda", "virtio", "qcow2",
	    "/a.qcow2", 1);
	assert_string_equal(d.disks[0].backing[0], "/dev/vg/b");
	assert_disk(&d.disks[1], "disk", "vdb", NULL, NULL, "/c.qcow2", 0);
	assert_disk(&d.disks[2], "disk", "hdc", "ide", NULL, "/srv/fat", 0);
	assert_disk(&d.disks[3], "disk", "vdd", NULL, NULL, "lonely", 0);
	assert_disk(&d.disks[4], "floppy", "fda", NULL, NULL, "", 0);
	assert_disk(&d.disks[5], NULL, NULL, NULL, NULL, NULL, 0);
	facts_domain_free(&d);
}

/* <listen address=> wins over the legacy attribute, which is the fallback. */
static void test_graphics_listen(void **state)
{
	static const char xml[] =
	    "<domain><name>g</name><devices>"
	    "<graphics type='spice' port='5902' tlsPort='5903' autoport='yes'>"
	    "<listen type='network' address='10.0.0.5' network='vdi-lan'/>"
	    "</graphics>"
	    "<graphics type='vnc' port='5904' listen='0.0.0.0'>"
	    "<listen type='address' address='::1'/></graphics>"
	    "<graphics type='vnc' listen='192.0.2.1'>"
	    "<listen type='network' network='vdi-lan'/></graphics>"
	    "<graphics type='vnc' socket='/run/vnc.sock'>"
	    "<listen type='socket' socket='/run/vnc.sock'/></graphics>"
	    "<graphics type='sdl' display=':0'/>"
	    "</devices></domain>";
	struct xml_domain d;
	char *cause = NULL;

	(void)state;
	assert_int_equal(virtxml_parse_domain(xml, &d, &cause), 0);
	assert_int_equal(d.ngraphics, 5);
	assert_graphics(&d.graphics[0], "spice", "10.0.0.5", 5902, 5903);
	assert_graphics(&d.graphics[1], "vnc", "::1", 5904, -1);
	assert_graphics(&d.graphics[2], "vnc", "192.0.2.1", -1, -1);
	assert_graphics(&d.graphics[3], "vnc", NULL, -1, -1);
	assert_graphics(&d.graphics[4], "sdl", NULL, -1, -1);
	facts_domain_free(&d);
}

/* Ten levels of backing files, top first. */
static void test_deep_backing_chain(void **state)
{
	struct xml_domain d;
	char *xml, *tmp, *cause = NULL;
	int i;

	(void)state;
	xml = xstrdup("<backingStore/>");
	for (i = 10; i >= 1; i--) {
		tmp = xasprintf("<backingStore type='file'>"
		    "<source file='/img/%d'/>%s</backingStore>", i, xml);
		free(xml);
		xml = tmp;
	}
	tmp = xasprintf("<domain><name>deep</name><devices><disk>"
	    "<source file='/img/0'/>%s</disk></devices></domain>", xml);
	free(xml);
	assert_int_equal(virtxml_parse_domain(tmp, &d, &cause), 0);
	assert_int_equal(d.ndisks, 1);
	assert_int_equal(d.disks[0].nbacking, 10);
	for (i = 0; i < 10; i++) {
		char want[32];

		snprintf(want, sizeof want, "/img/%d", i + 1);
		assert_string_equal(d.disks[0].backing[i], want);
	}
	facts_domain_free(&d);
	free(tmp);
}

/* Elements outside <devices> or in another namespace are not devices. */
static void test_devices_only(void **state)
{
	static const char xml[] =
	    "<domain xmlns:q='http://libvirt.org/schemas/domain/qemu/1.0'>"
	    "<name>ns</name><disk device='disk'/>"
	    "<devices><q:disk device='cdrom'/><disk device='lun'/>"
	    "<hostdev><disk device='nope'/></hostdev></devices>"
	    "<q:commandline><q:arg value='-S'/></q:commandline></domain>";
	struct xml_domain d;
	char *cause = NULL;

	(void)state;
	assert_int_equal(virtxml_parse_domain(xml, &d, &cause), 0);
	assert_int_equal(d.ndisks, 1);
	assert_string_equal(d.disks[0].device, "lun");
	facts_domain_free(&d);
}

/* ---- text comes through as stored ------------------------------------- */

static void test_odd_characters(void **state)
{
	static const char xml[] =
	    "<domain>"
	    "<name>d\xc3\xa9sk-\xe6\xa1\x8c\xe9\x9d\xa2-\xf0\x9f\x96\xa5</name>"
	    "<title>tab&#9;nl&#10;cr&#13;del&#x7f;csi&#x9b;2J</title>"
	    "<description>&lt;b&gt; &amp; &apos;q&apos; &quot;"
	    "<![CDATA[<raw>]]></description>"
	    "<uuid>  padded  </uuid>"
	    "<devices><interface type='bridge'>"
	    "<source bridge='br&#x9b;0'/><mac address='&#10;'/>"
	    "</interface></devices></domain>";
	struct xml_domain d;
	char *cause = NULL;

	(void)state;
	assert_int_equal(virtxml_parse_domain(xml, &d, &cause), 0);
	assert_string_equal(d.name,
	    "d\xc3\xa9sk-\xe6\xa1\x8c\xe9\x9d\xa2-\xf0\x9f\x96\xa5");
	assert_string_equal(d.title,
	    "tab\tnl\ncr\rdel\x7f" "csi\xc2\x9b" "2J");
	assert_string_equal(d.description, "<b> & 'q' \"<raw>");
	assert_string_equal(d.uuid, "  padded  ");
	assert_string_equal(d.nics[0].source, "br\xc2\x9b" "0");
	/* A character reference survives attribute normalisation. */
	assert_string_equal(d.nics[0].mac, "\n");
	facts_domain_free(&d);
}

/* XML 1.0 cannot carry C0 controls other than tab, newline and CR, even as
 * character references; libxml2 says so and we pass it on. */
static void test_c0_control_rejected(void **state)
{
	struct xml_domain d;
	char *cause = NULL;

	(void)state;
	assert_int_equal(virtxml_parse_domain(
	    "<domain><name>a&#x1;b</name></domain>", &d, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "line 1"));
	free(cause);
	cause = NULL;
	assert_int_equal(virtxml_parse_domain(
	    "<domain><name>a\x01" "b</name></domain>", &d, &cause), -1);
	assert_non_null(cause);
	free(cause);
}

/* ---- errors ------------------------------------------------------------ */

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"<domain><name>x</name>",
		"<domain><name>x</nom></domain>",
		"<domain type='kvm><name>x</name></domain>",
		"<domain>&undefined;</domain>",
		"not xml at all",
		"<domain/><domain/>",
		"<?xml version='1.0'?>",
		"\xff\xfe<\0d\0",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct xml_domain d;
		struct xml_volume v;
		struct xml_pool p;
		char *cause = NULL;

		assert_int_equal(virtxml_parse_domain(bad[i], &d, &cause), -1);
		assert_non_null(cause);
		assert_true(strlen(cause) > 0);
		assert_null(d.name);
		assert_int_equal(d.ndisks, 0);
		facts_domain_free(&d);
		free(cause);
		cause = NULL;
		assert_int_equal(virtxml_parse_volume(bad[i], &v, &cause), -1);
		assert_true(cause != NULL && *cause != '\0');
		free(cause);
		cause = NULL;
		assert_int_equal(virtxml_parse_pool(bad[i], &p, &cause), -1);
		assert_true(cause != NULL && *cause != '\0');
		free(cause);
	}
}

static void test_malformed_cause_text(void **state)
{
	struct xml_domain d;
	char *cause = NULL;

	(void)state;
	assert_int_equal(virtxml_parse_domain(
	    "<domain>\n<name>x</nom>\n</domain>", &d, &cause), -1);
	/* libxml2's own words, with the line, no trailing newline. */
	assert_non_null(strstr(cause, "line 2"));
	assert_non_null(strstr(cause, "mismatch"));
	assert_int_not_equal(cause[strlen(cause) - 1], '\n');
	free(cause);
}

static void test_wrong_root(void **state)
{
	struct xml_domain d;
	struct xml_volume v;
	struct xml_pool p;
	char *pool = fixture("pool-dir.xml");
	char *dom = fixture("domain-running.xml");
	char *vol = fixture("volume-backing.xml");
	char *cause = NULL;

	(void)state;
	assert_int_equal(virtxml_parse_domain(pool, &d, &cause), -1);
	assert_string_equal(cause,
	    "expected <domain> as the root element, found <pool>");
	free(cause);
	cause = NULL;
	assert_int_equal(virtxml_parse_domain(vol, &d, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_int_equal(virtxml_parse_volume(dom, &v, &cause), -1);
	assert_non_null(strstr(cause, "found <domain>"));
	free(cause);
	cause = NULL;
	assert_int_equal(virtxml_parse_volume(pool, &v, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_int_equal(virtxml_parse_pool(vol, &p, &cause), -1);
	assert_non_null(strstr(cause, "found <volume>"));
	free(cause);
	cause = NULL;
	assert_int_equal(virtxml_parse_pool(dom, &p, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	/* A namespaced root is not libvirt's. */
	assert_int_equal(virtxml_parse_domain(
	    "<x:domain xmlns:x='urn:x'><x:name>n</x:name></x:domain>",
	    &d, &cause), -1);
	assert_non_null(strstr(cause, "found <x:domain>"));
	free(cause);
	cause = NULL;
	assert_int_equal(virtxml_parse_domain(
	    "<domain xmlns='urn:x'><name>n</name></domain>", &d, &cause), -1);
	assert_non_null(cause);
	free(cause);
	free(pool);
	free(dom);
	free(vol);
}

static void test_empty(void **state)
{
	static const char *const empty[] = { "", " ", "\n\n", "<!-- -->" };
	struct xml_domain d;
	struct xml_volume v;
	struct xml_pool p;
	char *cause = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof empty / sizeof empty[0]; i++) {
		assert_int_equal(virtxml_parse_domain(empty[i], &d, &cause), -1);
		assert_true(cause != NULL && *cause != '\0');
		free(cause);
		cause = NULL;
	}
	assert_int_equal(virtxml_parse_domain(NULL, &d, &cause), -1);
	assert_string_equal(cause, "empty XML document");
	free(cause);
	cause = NULL;
	assert_int_equal(virtxml_parse_volume("", &v, &cause), -1);
	assert_string_equal(cause, "empty XML document");
	free(cause);
	cause = NULL;
	assert_int_equal(virtxml_parse_pool("", &p, &cause), -1);
	assert_string_equal(cause, "empty XML document");
	free(cause);
	/* cause may be NULL when the caller does not care why. */
	assert_int_equal(virtxml_parse_pool("<pool", &p, NULL), -1);
	assert_int_equal(virtxml_parse_pool("<domain/>", &p, NULL), -1);
}

/* libvirt never writes a DOCTYPE; refusing it keeps entities out. */
static void test_doctype_refused(void **state)
{
	static const char *const bad[] = {
		"<!DOCTYPE domain [<!ENTITY n 'evil'>]>"
		"<domain><name>&n;</name></domain>",
		"<!DOCTYPE domain [<!ENTITY a 'aaaaaaaaaa'>"
		"<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>"
		"<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'>]>"
		"<domain><name>&c;</name><title t='&c;'/></domain>",
		"<!DOCTYPE domain SYSTEM 'http://127.0.0.1:1/x.dtd'>"
		"<domain><name>x</name></domain>",
		"<!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
		"<domain><name>&x;</name></domain>",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct xml_domain d;
		char *cause = NULL;

		assert_int_equal(virtxml_parse_domain(bad[i], &d, &cause), -1);
		assert_non_null(cause);
		assert_null(d.name);
		free(cause);
	}
}

static void test_no_devices(void **state)
{
	struct xml_domain d;
	char *cause = NULL;

	(void)state;
	assert_int_equal(virtxml_parse_domain(
	    "<domain type='kvm'><name>bare</name>"
	    "<memory>1024</memory></domain>", &d, &cause), 0);
	assert_string_equal(d.name, "bare");
	assert_null(d.uuid);
	assert_null(d.title);
	assert_null(d.description);
	assert_null(d.os_kernel);
	assert_int_equal(d.vcpus, 0);
	assert_int_equal(d.memory_kib, 1024);
	assert_int_equal(d.max_memory_kib, 1024);
	assert_int_equal(d.ndisks, 0);
	assert_null(d.disks);
	assert_int_equal(d.nnics, 0);
	assert_null(d.nics);
	assert_int_equal(d.ngraphics, 0);
	assert_null(d.graphics);
	facts_domain_free(&d);

	assert_int_equal(virtxml_parse_domain(
	    "<domain><devices/><title/></domain>", &d, &cause), 0);
	assert_null(d.name);
	assert_string_equal(d.title, "");
	assert_int_equal(d.ndisks + d.nnics + d.ngraphics, 0);
	facts_domain_free(&d);
}

static void test_minimal_volume_pool(void **state)
{
	struct xml_volume v;
	struct xml_pool p;
	char *cause = NULL;

	(void)state;
	assert_int_equal(virtxml_parse_volume("<volume/>", &v, &cause), 0);
	assert_null(v.name);
	assert_null(v.key);
	assert_null(v.path);
	assert_null(v.format);
	assert_int_equal(v.capacity, 0);
	assert_int_equal(v.allocation, 0);
	assert_null(v.backing_path);
	assert_null(v.backing_format);
	virtxml_volume_free(&v);

	assert_int_equal(virtxml_parse_pool(
	    "<pool type='logical'><name>vg0</name><source>"
	    "<device path='/dev/sdb'/><name>vg0</name></source>"
	    "<target><path>/dev/vg0</path></target></pool>", &p, &cause), 0);
	assert_string_equal(p.type, "logical");
	assert_string_equal(p.name, "vg0");
	assert_string_equal(p.target_path, "/dev/vg0");
	assert_null(p.uuid);
	assert_null(p.source_host);
	assert_null(p.source_dir);
	virtxml_pool_free(&p);
}

/* Freeing is NULL-safe and idempotent. */
static void test_free_safe(void **state)
{
	struct xml_domain d;
	struct xml_volume v;
	struct xml_pool p;

	(void)state;
	facts_domain_free(NULL);
	virtxml_volume_free(NULL);
	virtxml_pool_free(NULL);
	parse_domain_file("domain-running.xml", &d);
	facts_domain_free(&d);
	facts_domain_free(&d);
	parse_volume_file("volume-backing.xml", &v);
	virtxml_volume_free(&v);
	virtxml_volume_free(&v);
	parse_pool_file("pool-netfs.xml", &p);
	virtxml_pool_free(&p);
	virtxml_pool_free(&p);
}

static int setup(void **state)
{
	(void)state;
	virtxml_init();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	virtxml_cleanup();
	return 0;
}

/* Capabilities of a lab node (libvirt 9, QEMU 7.2, no usable KVM). */
static void test_caps_qemu(void **state)
{
	char *xml = fixture("caps-qemu.xml"), *cause = NULL;
	struct xml_caps c;

	(void)state;
	assert_int_equal(virtxml_parse_caps(xml, &c, &cause), 0);
	assert_string_equal(c.host_uuid, "6876646b-6c61-4200-8000-000000000001");
	assert_string_equal(c.arch, "x86_64");
	assert_string_equal(c.cpu_model, "Cascadelake-Server-noTSX");
	assert_string_equal(c.cpu_vendor, "Intel");
	assert_int_equal(c.sockets, 1);
	assert_int_equal(c.cores, 2);
	assert_int_equal(c.threads, 1);
	assert_int_equal(c.numa_cells, 1);
	assert_string_equal(c.guests, "hvm i686 (qemu kvm); hvm x86_64 (qemu kvm)");
	facts_caps_free(&c);
	facts_caps_free(&c);	/* twice is safe */
	free(xml);
	/* a domain is not capabilities */
	xml = fixture("domain-running.xml");
	assert_int_equal(virtxml_parse_caps(xml, &c, &cause), -1);
	assert_non_null(strstr(cause, "<capabilities>"));
	free(cause);
	free(xml);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain_running),
		cmocka_unit_test(test_domain_inactive),
		cmocka_unit_test(test_volume_backing),
		cmocka_unit_test(test_pool_dir),
		cmocka_unit_test(test_pool_netfs),
		cmocka_unit_test(test_pool_network_sources),
		cmocka_unit_test(test_testdriver_fixtures),
		cmocka_unit_test(test_testdriver_live),
		cmocka_unit_test(test_memory_units),
		cmocka_unit_test(test_volume_units),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_vcpus),
		cmocka_unit_test(test_disk_sources),
		cmocka_unit_test(test_graphics_listen),
		cmocka_unit_test(test_deep_backing_chain),
		cmocka_unit_test(test_devices_only),
		cmocka_unit_test(test_odd_characters),
		cmocka_unit_test(test_c0_control_rejected),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_malformed_cause_text),
		cmocka_unit_test(test_wrong_root),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_doctype_refused),
		cmocka_unit_test(test_no_devices),
		cmocka_unit_test(test_minimal_volume_pool),
		cmocka_unit_test(test_free_safe),
		cmocka_unit_test(test_caps_qemu),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
