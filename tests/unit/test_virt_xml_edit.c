/* test_virt_xml_edit.c — a new desktop's XML from a template desktop's:
 * name, no UUID, no MACs, the disk on the new volume with its type kept,
 * and names that would break string-built XML stay inside their element.
 * Each result is read back with virt-xml (the parser hvdeck trusts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "virt/virt-xml.h"
#include "virt/virt-xml-edit.h"

static const char tmpl_file[] =
    "<domain type='qemu'>\n"
    "  <name>tmpl-win</name>\n"
    "  <uuid>0b8c6f0e-1111-2222-3333-444455556666</uuid>\n"
    "  <memory unit='MiB'>128</memory>\n"
    "  <devices>\n"
    "    <disk type='file' device='disk'>\n"
    "      <driver name='qemu' type='raw'/>\n"
    "      <source file='/pools/templates/tmpl-win.img' index='2'/>\n"
    "      <backingStore type='file'><format type='qcow2'/>"
    "<source file='/pools/bases/base.qcow2'/></backingStore>\n"
    "      <target dev='vda' bus='virtio'/>\n"
    "    </disk>\n"
    "    <disk type='file' device='cdrom'>\n"
    "      <source file='/iso/tools.iso'/>\n"
    "      <target dev='sda' bus='sata'/>\n"
    "    </disk>\n"
    "    <interface type='network'>\n"
    "      <mac address='52:54:00:aa:bb:cc'/>\n"
    "      <source network='default'/>\n"
    "    </interface>\n"
    "    <interface type='user'>\n"
    "      <mac address='52:54:00:aa:bb:cd'/>\n"
    "    </interface>\n"
    "  </devices>\n"
    "</domain>\n";

static const char tmpl_volume[] =
    "<domain type='kvm'><name>t</name><uuid>0b8c6f0e-1111-2222-3333-444455556666</uuid>"
    "<devices><disk type='volume' device='disk'><driver name='qemu' type='qcow2'/>"
    "<source pool='templates' volume='t.qcow2'/><target dev='vdb'/></disk>"
    "<disk type='block' device='disk'><source dev='/dev/sdz'/><target dev='vdc'/></disk>"
    "</devices></domain>";

static void test_file_disk(void **state)
{
	struct xml_new_disk nd = { "vda", "groups", "d1.qcow2",
	    "/pools/groups/d1.qcow2", "qcow2" };
	struct xml_domain d;
	char *out = NULL, *cause = NULL;

	(void)state;
	assert_int_equal(virtxml_domain_renew(tmpl_file, "desk-01", &nd, &out,
	    &cause), 0);
	assert_non_null(out);
	assert_int_equal(virtxml_parse_domain(out, &d, &cause), 0);
	assert_string_equal(d.name, "desk-01");
	assert_null(d.uuid);
	assert_int_equal(d.nnics, 2);
	assert_null(d.nics[0].mac);
	assert_null(d.nics[1].mac);
	assert_string_equal(d.nics[0].source, "default");
	assert_int_equal(d.ndisks, 2);
	assert_string_equal(d.disks[0].source, "/pools/groups/d1.qcow2");
	assert_string_equal(d.disks[0].format, "qcow2");
	assert_int_equal(d.disks[0].nbacking, 0);
	/* the other disk is the template's */
	assert_string_equal(d.disks[1].source, "/iso/tools.iso");
	assert_null(strstr(out, "index="));
	facts_domain_free(&d);
	free(out);
}

static void test_volume_disk(void **state)
{
	struct xml_new_disk nd = { "vdb", "groups", "d2.qcow2",
	    "/pools/groups/d2.qcow2", "qcow2" };
	struct xml_domain d;
	char *out = NULL, *cause = NULL;

	(void)state;
	assert_int_equal(virtxml_domain_renew(tmpl_volume, "d2", &nd, &out,
	    &cause), 0);
	assert_int_equal(virtxml_parse_domain(out, &d, &cause), 0);
	assert_string_equal(d.disks[0].source, "groups/d2.qcow2");
	assert_null(d.uuid);
	facts_domain_free(&d);
	free(out);
}

/* A name is text, never markup: quotes and brackets stay in <name>. */
static void test_hostile_name(void **state)
{
	struct xml_new_disk nd = { "vda", NULL, NULL, "/p/'x\"<y>.qcow2", "qcow2" };
	const char *name = "a</name><uuid>x</uuid><name>b";
	struct xml_domain d;
	char *out = NULL, *cause = NULL;

	(void)state;
	assert_int_equal(virtxml_domain_renew(tmpl_file, name, &nd, &out,
	    &cause), 0);
	assert_int_equal(virtxml_parse_domain(out, &d, &cause), 0);
	assert_string_equal(d.name, name);
	assert_null(d.uuid);
	assert_string_equal(d.disks[0].source, "/p/'x\"<y>.qcow2");
	facts_domain_free(&d);
	free(out);
}

static void test_refusals(void **state)
{
	struct xml_new_disk nd = { "vdc", "groups", "x", "/x", "qcow2" };
	char *out = NULL, *cause = NULL;

	(void)state;
	assert_int_equal(virtxml_domain_renew(tmpl_volume, "n", &nd, &out,
	    &cause), -1);
	assert_non_null(strstr(cause, "block"));
	assert_null(out);
	free(cause);
	cause = NULL;
	nd.target = "vdz";
	assert_int_equal(virtxml_domain_renew(tmpl_volume, "n", &nd, &out,
	    &cause), -1);
	assert_non_null(strstr(cause, "no disk vdz"));
	free(cause);
	cause = NULL;
	assert_int_equal(virtxml_domain_renew("<domain><name>", "n", &nd, &out,
	    &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(virtxml_domain_renew("<!DOCTYPE domain []><domain>"
	    "<name>x</name></domain>", "n", &nd, &out, &cause), -1);
	assert_non_null(strstr(cause, "DOCTYPE"));
	free(cause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_disk),
		cmocka_unit_test(test_volume_disk),
		cmocka_unit_test(test_hostile_name),
		cmocka_unit_test(test_refusals),
	};

	virtxml_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
