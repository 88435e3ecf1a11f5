/* test_virt_xml_edit.c — a new desktop's XML from a template desktop's:
 * name, no UUID, no MACs, the disk on the new volume with its type kept,
 * and names that would break string-built XML stay inside their element.
 * What a running domain writes is the copy's own (NVRAM, logs, sockets,
 * files, TPM state) and a graphics password is never the template's.
 * Each result is read back with virt-xml (the parser hvdeck trusts), and
 * with XPath for what virt-xml does not read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "core/text.h"
#include "core/util.h"
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

/* A UEFI template with every per-domain path and secret a definition can
 * hold, and what must stay shared (firmware, a host device, a host TPM). */
static const char tmpl_uefi[] =
    "<domain type='kvm'>\n"
    "  <name>tmpl-uefi</name>\n"
    "  <uuid>0b8c6f0e-1111-2222-3333-444455556666</uuid>\n"
    "  <sysinfo type='smbios'><system>"
    "<entry name='manufacturer'>Lab</entry>"
    "<entry name='uuid'>0b8c6f0e-1111-2222-3333-444455556666</entry>"
    "</system></sysinfo>\n"
    "  <os><type arch='x86_64' machine='q35'>hvm</type>\n"
    "    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>\n"
    "    <nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>"
    "/var/lib/libvirt/qemu/nvram/tmpl-uefi_VARS.fd</nvram>\n"
    "  </os>\n"
    "  <devices>\n"
    "    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
    "<source file='/pools/templates/tmpl-uefi.qcow2'/><target dev='vda'/></disk>\n"
    "    <interface type='network'><mac address='52:54:00:aa:bb:cc'/>"
    "<source network='default'/><target dev='tmplnic0'/></interface>\n"
    "    <serial type='pty'>"
    "<log file='/var/log/libvirt/qemu/tmpl-uefi-serial.log' append='on'/>"
    "<target port='0'/></serial>\n"
    "    <serial type='file'><source path='/var/log/guest/out.txt'/>"
    "<target port='1'/></serial>\n"
    "    <serial type='dev'><source path='/dev/ttyS0'/><target port='2'/></serial>\n"
    "    <console type='pty'>"
    "<log file='/var/log/libvirt/qemu/tmpl-uefi-serial.log' append='on'/>"
    "<target type='serial' port='0'/></console>\n"
    "    <channel type='unix'>"
    "<source mode='bind' path='/run/lab/tmpl-uefi.agent'/>"
    "<target type='virtio' name='org.qemu.guest_agent.0'/></channel>\n"
    "    <parallel type='pipe'><source path='/run/lab/pipe'/>"
    "<target port='0'/></parallel>\n"
    "    <graphics type='vnc' port='-1' autoport='yes' passwd='tmplsecret'/>\n"
    "    <graphics type='spice' autoport='yes' passwd='spicesecret'/>\n"
    "    <tpm model='tpm-crb'><backend type='emulator' version='2.0'>"
    "<encryption secret='6dd3e4a5-1d76-44ce-961f-f119f5aad935'/>"
    "<source type='dir' path='/var/lib/swtpm/tmpl'/>"
    "</backend></tpm>\n"
    "    <tpm model='tpm-tis'><backend type='passthrough'>"
    "<device path='/dev/tpm0'/></backend></tpm>\n"
    "  </devices>\n"
    "</domain>\n";

/* Every string XPath expr gives in xml, joined by '|' ("" when none).
 * Caller frees. */
static char *xp(const char *xml, const char *expr)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL, 0);
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	char *out = xstrdup(""), *t;
	int i, n = o != NULL && o->nodesetval != NULL ? o->nodesetval->nodeNr : 0;

	for (i = 0; i < n; i++) {
		xmlChar *v = xmlNodeGetContent(o->nodesetval->nodeTab[i]);

		t = xasprintf("%s%s%s", out, i > 0 ? "|" : "", (const char *)v);
		free(out);
		out = t;
		xmlFree(v);
	}
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return out;
}

static void assert_xp(const char *xml, const char *expr, const char *want)
{
	char *got = xp(xml, expr);

	assert_string_equal(got, want);
	free(got);
}

static char *renew_uefi(const char *name)
{
	struct xml_new_disk nd = { "vda", NULL, NULL, "/pools/groups/x.qcow2",
	    "qcow2" };
	char *out = NULL, *cause = NULL;

	assert_int_equal(virtxml_domain_renew(tmpl_uefi, name, &nd, &out,
	    &cause), 0);
	assert_null(cause);
	return out;
}

/* NVRAM: the firmware's template kept, the template's VARS file gone
 * (libvirt makes uefi-1_VARS.fd); SMBIOS UUID and the NIC's name gone. */
static void test_own_nvram(void **state)
{
	char *out = renew_uefi("uefi-1");

	(void)state;
	assert_xp(out, "/domain/os/nvram/@template",
	    "/usr/share/OVMF/OVMF_VARS_4M.fd");
	assert_xp(out, "/domain/os/nvram", "");
	assert_null(strstr(out, "tmpl-uefi_VARS"));
	assert_xp(out, "/domain/os/loader",
	    "/usr/share/OVMF/OVMF_CODE_4M.fd");
	assert_xp(out, "//sysinfo/system/entry[@name='uuid']", "");
	assert_xp(out, "//sysinfo/system/entry[@name='manufacturer']", "Lab");
	assert_null(strstr(out, "0b8c6f0e"));
	assert_xp(out, "//interface/target/@dev", "");
	assert_xp(out, "//interface/mac/@address", "");
	free(out);
}

/* Logs, sockets, pipes and output files: the copy's own, beside the
 * template's; a host device stays shared. */
static void test_own_chardevs(void **state)
{
	char *out = renew_uefi("uefi-1");

	(void)state;
	assert_xp(out, "//serial/log/@file|//console/log/@file",
	    "/var/log/libvirt/qemu/uefi-1-serial.log|"
	    "/var/log/libvirt/qemu/uefi-1-serial.log");
	assert_xp(out, "//serial[@type='file']/source/@path",
	    "/var/log/guest/uefi-1-out.txt");
	assert_xp(out, "//serial[@type='dev']/source/@path", "/dev/ttyS0");
	assert_xp(out, "//channel/source/@path", "/run/lab/uefi-1.agent");
	assert_xp(out, "//channel/source/@mode", "bind");
	assert_xp(out, "//parallel/source/@path", "/run/lab/uefi-1-pipe");
	assert_null(strstr(out, "tmpl-uefi-serial"));
	free(out);
}

/* TPM: no shared secret, no shared state; a host TPM is the host's. */
static void test_own_tpm(void **state)
{
	char *out = renew_uefi("uefi-1");

	(void)state;
	assert_xp(out, "//tpm/backend[@type='emulator']/@version", "2.0");
	assert_xp(out, "//tpm//encryption/@secret", "");
	assert_xp(out, "//tpm/backend[@type='emulator']/source/@path", "");
	assert_xp(out, "//tpm/backend[@type='passthrough']/device/@path",
	    "/dev/tpm0");
	assert_null(strstr(out, "6dd3e4a5"));
	free(out);
}

/* Graphics passwords: fresh, random, each copy its own (8 characters for
 * VNC, 16 for SPICE); none where the template had none. */
static void test_own_password(void **state)
{
	char *a = renew_uefi("uefi-1"), *b = renew_uefi("uefi-2");
	char *pa = xp(a, "//graphics[@type='vnc']/@passwd");
	char *pb = xp(b, "//graphics[@type='vnc']/@passwd");
	char *sa = xp(a, "//graphics[@type='spice']/@passwd");
	struct xml_new_disk nd = { "vda", NULL, NULL, "/p/d.qcow2", "qcow2" };
	char *plain = NULL, *cause = NULL;
	size_t i;

	(void)state;
	assert_int_equal(strlen(pa), 8);	/* libvirt refuses more for VNC */
	assert_int_equal(strlen(sa), 16);
	for (i = 0; pa[i] != '\0'; i++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
		    "opqrstuvwxyz0123456789", pa[i]));
	assert_string_not_equal(pa, pb);
	assert_string_not_equal(pa, sa);
	assert_null(strstr(a, "tmplsecret"));
	assert_null(strstr(a, "spicesecret"));
	assert_int_equal(virtxml_domain_renew(tmpl_file, "n", &nd, &plain,
	    &cause), 0);
	assert_null(strstr(plain, "passwd"));
	free(plain);
	free(pa);
	free(pb);
	free(sa);
	free(a);
	free(b);
}

/* A log whose file name does not start with the template's name: the
 * copy's name goes before it. */
static void test_own_other_name(void **state)
{
	struct xml_new_disk nd = { "vda", NULL, NULL, "/p/d.qcow2", "qcow2" };
	char *out = NULL, *cause = NULL;

	(void)state;
	assert_int_equal(virtxml_domain_renew("<domain><name>t</name><devices>"
	    "<disk type='file' device='disk'><source file='/a'/><target dev='vda'/>"
	    "</disk><serial type='pty'><log file='/logs/console.log'/></serial>"
	    "</devices></domain>", "d-01", &nd, &out, &cause), 0);
	assert_xp(out, "//serial/log/@file", "/logs/d-01-console.log");
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

/* A disk moved to another pool: only that disk changes (its source, its
 * driver type, no <backingStore>, no block job's <mirror>); the name, the
 * UUID, the MACs and the other disks stay. */
static void test_move_disk(void **state)
{
	struct xml_new_disk nd = { "vda", "fast", "tmpl-win.img",
	    "/pools/fast/tmpl-win.img", "qcow2" };
	struct xml_domain d;
	char *out = NULL, *cause = NULL, *mirrored;

	(void)state;
	mirrored = text_replace(tmpl_file, "<target dev='vda'",
	    "<mirror type='file' job='copy'><source file='/x'/></mirror>"
	    "<target dev='vda'");
	assert_int_equal(virtxml_domain_move_disk(mirrored, &nd, &out,
	    &cause), 0);
	assert_int_equal(virtxml_parse_domain(out, &d, &cause), 0);
	assert_string_equal(d.name, "tmpl-win");
	assert_string_equal(d.uuid, "0b8c6f0e-1111-2222-3333-444455556666");
	assert_string_equal(d.nics[0].mac, "52:54:00:aa:bb:cc");
	assert_string_equal(d.disks[0].source, "/pools/fast/tmpl-win.img");
	assert_string_equal(d.disks[0].format, "qcow2");
	assert_int_equal(d.disks[0].nbacking, 0);
	assert_string_equal(d.disks[1].source, "/iso/tools.iso");
	assert_null(strstr(out, "<mirror"));
	facts_domain_free(&d);
	free(out);
	free(mirrored);
	/* a volume disk names the new pool and volume */
	nd.target = "vdb";
	nd.volume = "t.qcow2";
	assert_int_equal(virtxml_domain_move_disk(tmpl_volume, &nd, &out,
	    &cause), 0);
	assert_int_equal(virtxml_parse_domain(out, &d, &cause), 0);
	assert_string_equal(d.disks[0].source, "fast/t.qcow2");
	assert_string_equal(d.name, "t");
	facts_domain_free(&d);
	free(out);
	/* a block disk cannot move, nor a disk it lacks */
	nd.target = "vdc";
	assert_int_equal(virtxml_domain_move_disk(tmpl_volume, &nd, &out,
	    &cause), -1);
	assert_non_null(strstr(cause, "block"));
	free(cause);
	nd.target = "vdz";
	assert_int_equal(virtxml_domain_move_disk(tmpl_volume, &nd, &out,
	    &cause), -1);
	assert_non_null(strstr(cause, "no disk vdz"));
	free(cause);
}

/* A block copy's destination: a path with quotes stays an attribute. */
static void test_disk_file(void **state)
{
	char *xml = virtxml_disk_file("/p/a'b\"<c>.qcow2", "qcow2");
	xmlDocPtr doc;
	xmlChar *v;

	(void)state;
	doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	v = xmlGetProp(xmlDocGetRootElement(doc)->children, (const xmlChar *)"file");
	assert_non_null(v);
	assert_string_equal((const char *)v, "/p/a'b\"<c>.qcow2");
	xmlFree(v);
	xmlFreeDoc(doc);
	free(xml);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_disk),
		cmocka_unit_test(test_volume_disk),
		cmocka_unit_test(test_hostile_name),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_move_disk),
		cmocka_unit_test(test_disk_file),
		cmocka_unit_test(test_own_nvram),
		cmocka_unit_test(test_own_chardevs),
		cmocka_unit_test(test_own_tpm),
		cmocka_unit_test(test_own_password),
		cmocka_unit_test(test_own_other_name),
	};

	virtxml_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
