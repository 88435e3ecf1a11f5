/* test_cpufit.c — where each desktop's CPU can run, on recorded answers:
 * the host-model CPUs read from recorded domain capabilities, which hosts
 * a baseline is over and what a recorded baseline of two differing hosts
 * names, libvirt's compare results turned into verdicts, the hosts that
 * fit each definition, a desktop that cannot leave its host, placement's
 * refusal with libvirt's reason, the bookkeeping of questions asked, and
 * the definition's <cpu> replaced. No libvirt connection: the answers
 * are the ones the lab's libvirt 9.0 (TCG) gave (data/cpufit/README). */
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

#include "core/cpufit.h"
#include "core/cpufit-json.h"
#include "core/json-read.h"
#include "core/model-json.h"
#include "core/model.h"
#include "core/place.h"
#include "core/util.h"
#include "virt/virt-cpu.h"
#include "virt/virt-xml-edit.h"
#include "virt/virt-xml.h"

#define DATA "tests/unit/data/cpufit/"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = xcalloc((size_t)n + 1, 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

static unsigned host(const char *name, enum host_role role)
{
	struct config_host ch = { .name = (char *)name,
	    .uri = (char *)"test:///default", .role = role };
	unsigned id = model_host_add(&ch);

	model_host_set_state(id, HOST_ONLINE, NULL);
	return id;
}

/* A shut-off desktop on host id whose domain XML asks for cpu (NULL:
 * no <cpu>). */
static void desktop(unsigned id, const char *uuid, const char *name,
    const char *cpu)
{
	struct xml_domain x;
	char *xml, *cause = NULL;

	xml = xasprintf("<domain type='qemu'><name>%s</name>"
	    "<os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type></os>"
	    "%s<devices><emulator>/usr/bin/qemu-system-x86_64</emulator>"
	    "</devices></domain>", name, cpu != NULL ? cpu : "");
	assert_int_equal(virtxml_parse_domain(xml, &x, &cause), 0);
	free(xml);
	model_desktop_seen(id, uuid, name, DS_SHUTOFF, 0, 1, &x);
	facts_domain_free(&x);
}

static char *key_of(const char *uuid)
{
	char *k;

	model_lock();
	k = xstrdup(model_desktop(uuid)->xml.cpu_key);
	model_unlock();
	return k;
}

static int setup(void **state)
{
	(void)state;
	model_init();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	model_free();	/* cpufit's table with it */
	return 0;
}

static void test_key_round_trip(void **state)
{
	struct facts_cpu d;
	char *k;

	(void)state;
	assert_null(facts_cpu_key("kvm", "x86_64", NULL, NULL, NULL));
	k = facts_cpu_key("qemu", "x86_64", NULL, "/usr/bin/qemu", "<cpu/>");
	assert_int_equal(facts_cpu_parse(k, &d), 0);
	assert_string_equal(d.virt_type, "qemu");
	assert_string_equal(d.arch, "x86_64");
	assert_null(d.machine);
	assert_string_equal(d.emulator, "/usr/bin/qemu");
	assert_string_equal(d.cpu_xml, "<cpu/>");
	facts_cpu_free(&d);
	free(k);
	/* a newline in a part would split the key elsewhere: that part goes */
	k = facts_cpu_key("qemu", "x86_64", "pc", "/usr/bin/q\nemu", "<cpu/>");
	assert_int_equal(facts_cpu_parse(k, &d), 0);
	assert_null(d.emulator);
	assert_string_equal(d.machine, "pc");
	assert_string_equal(d.cpu_xml, "<cpu/>");
	facts_cpu_free(&d);
	free(k);
	assert_int_equal(facts_cpu_parse("no key", &d), -1);
	assert_int_equal(facts_cpu_parse("a\nb\nc\nd\n", &d), -1);
}

/* The compare results libvirt gave on the lab (TCG): qemu64 a superset,
 * avx512f refused with VIR_ERR_CPU_INCOMPATIBLE, a hypervisor that
 * cannot compare (the test driver) an error of another kind. */
static void test_verdicts(void **state)
{
	(void)state;
	assert_int_equal(vcpu_verdict(VIR_CPU_COMPARE_SUPERSET, 0), CPUFIT_YES);
	assert_int_equal(vcpu_verdict(VIR_CPU_COMPARE_IDENTICAL, 0), CPUFIT_YES);
	assert_int_equal(vcpu_verdict(VIR_CPU_COMPARE_INCOMPATIBLE, 0),
	    CPUFIT_NO);
	assert_int_equal(vcpu_verdict(VIR_CPU_COMPARE_ERROR,
	    VIR_ERR_CPU_INCOMPATIBLE), CPUFIT_NO);
	assert_int_equal(vcpu_verdict(VIR_CPU_COMPARE_ERROR, VIR_ERR_NO_SUPPORT),
	    CPUFIT_UNSURE);
}

static void test_host_models(void **state)
{
	char *xml = slurp(DATA "domcaps-lab-tcg.xml"), *cpu, *model, *cause;
	size_t nf;

	(void)state;
	assert_int_equal(virtxml_domcaps_host_model(xml, &cpu, &cause), 0);
	assert_non_null(cpu);
	assert_int_equal(strncmp(cpu, "<cpu mode='custom'", 18), 0);
	assert_int_equal(virtxml_cpu_summary(cpu, &model, &nf, &cause), 0);
	assert_string_equal(model, "EPYC");
	assert_int_equal(nf, 18);	/* the required ones; 10 disabled */
	free(model);
	free(cpu);
	free(xml);
	/* no host-model mode: none, and no error */
	assert_int_equal(virtxml_domcaps_host_model("<domainCapabilities>"
	    "<cpu><mode name='host-model' supported='no'/></cpu>"
	    "</domainCapabilities>", &cpu, &cause), 0);
	assert_null(cpu);
	assert_int_equal(virtxml_domcaps_host_model("<capabilities/>", &cpu,
	    &cause), -1);
	free(cause);
}

/* Two hypervisors of different generations and a disk host: the baseline
 * is over the two hypervisors' host-model CPUs only, and libvirt's
 * recorded answer for them is what the cluster keeps. */
static void test_baseline_of_differing_hosts(void **state)
{
	unsigned sky = host("sky", ROLE_HYPERVISOR), brw = host("brw",
	    ROLE_MIXED), dsk = host("dsk", ROLE_DISK), *ids, *had;
	char *caps, *cpu, **xmls, *cause = NULL, *xml;
	const char *files[] = { "domcaps-skylake.xml", "domcaps-broadwell.xml",
	    "domcaps-lab-tcg.xml" };
	unsigned who[] = { sky, brw, dsk };
	struct cpufit_baseline b = { 0 }, old = { 0 }, *all;
	size_t i, n, k;
	uint64_t gen;

	(void)state;
	for (i = 0; i < 3; i++) {
		xml = xasprintf(DATA "%s", files[i]);
		caps = slurp(xml);
		assert_int_equal(virtxml_domcaps_host_model(caps, &cpu, &cause),
		    0);
		cpufit_host_model(who[i], "qemu", "x86_64", cpu);
		free(cpu);
		free(caps);
		free(xml);
	}
	n = cpufit_baseline_hosts(&ids);
	assert_int_equal(n, 2);
	k = cpufit_models_of(ids, n, "qemu", "x86_64", &xmls, &had, &gen);
	assert_int_equal(k, 2);
	assert_non_null(strstr(xmls[0], "Skylake-Client-IBRS"));
	assert_non_null(strstr(xmls[1], "Broadwell-IBRS"));
	assert_int_equal(had[0], sky);
	assert_int_equal(had[1], brw);
	/* another arch or virt type: none */
	for (i = 0; i < k; i++)
		free(xmls[i]);
	free(xmls);
	free(had);
	assert_int_equal(cpufit_models_of(ids, n, "kvm", "x86_64", &xmls, &had,
	    &gen), 0);
	free(xmls);
	free(had);
	free(ids);
	/* libvirt's answer for the two */
	b.virt_type = (char *)"qemu";
	b.arch = (char *)"x86_64";
	b.xml = slurp(DATA "baseline-skylake-broadwell.xml");
	assert_int_equal(virtxml_cpu_summary(b.xml, &b.model, &b.nfeatures,
	    &cause), 0);
	assert_string_equal(b.model, "Haswell-noTSX");
	assert_int_equal(b.nfeatures, 9);
	b.hosts = (char *)"sky, brw";
	b.gen = gen;
	cpufit_set_baseline(&b);
	/* a worker that read fewer models and finished later loses */
	old = b;
	old.hosts = (char *)"sky";
	old.gen = gen - 1;
	cpufit_set_baseline(&old);
	n = cpufit_baselines(&all);
	assert_int_equal(n, 1);
	assert_string_equal(all[0].model, "Haswell-noTSX");
	assert_string_equal(all[0].hosts, "sky, brw");
	cpufit_baselines_free(all, n);
	xml = cpufit_baseline_xml("qemu");
	assert_string_equal(xml, b.xml);
	free(xml);
	assert_null(cpufit_baseline_xml("kvm"));
	free(b.xml);
	free(b.model);
}

#define U1 "00000000-0000-4000-8000-000000000001"
#define U2 "00000000-0000-4000-8000-000000000002"
#define U3 "00000000-0000-4000-8000-000000000003"
#define SKYLAKE "<cpu mode='custom' match='exact'><model fallback='forbid'>" \
    "Skylake-Client-IBRS</model></cpu>"
#define QEMU64 "<cpu mode='custom' match='exact'><model fallback='forbid'>" \
    "qemu64</model></cpu>"
/* libvirt's text for Skylake-Client-IBRS on the lab's TCG (recorded) */
#define NO_SKYLAKE "the CPU is incompatible with host CPU: Host CPU does " \
    "not provide required features: vme, pcid, x2apic, tsc-deadline, hle, " \
    "invpcid, rtm, rdseed, spec-ctrl, xsavec, 3dnowprefetch"

/* Which hosts fit which definition, answered as the workers would. */
static void test_fit_per_definition(void **state)
{
	unsigned sky = host("sky", ROLE_HYPERVISOR), tcg = host("tcg",
	    ROLE_MIXED), dsk = host("dsk", ROLE_DISK), *ids;
	char *ksky, *kq, *s, **keys;
	size_t n, i;

	(void)state;
	desktop(sky, U1, "win11", SKYLAKE);
	desktop(sky, U2, "lin", QEMU64);
	desktop(tcg, U3, "plain", NULL);
	ksky = key_of(U1);
	kq = key_of(U2);
	assert_non_null(ksky);
	assert_non_null(kq);
	assert_null(key_of(U3));
	/* nothing connected yet: nobody to ask; a host that connects is
	 * asked every definition known */
	assert_int_equal(cpufit_want(ksky, &ids), 0);
	assert_int_equal(cpufit_want(kq, &ids), 0);
	n = cpufit_host_connected(sky, &keys);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	assert_int_equal(cpufit_pending(), 2);
	assert_int_equal(cpufit_want(ksky, &ids), 0);	/* asked already */
	cpufit_answer(ksky, sky, vcpu_verdict(VIR_CPU_COMPARE_IDENTICAL, 0), NULL);
	cpufit_answer(kq, sky, vcpu_verdict(VIR_CPU_COMPARE_SUPERSET, 0), NULL);
	n = cpufit_host_connected(tcg, &keys);
	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	cpufit_answer(ksky, tcg, vcpu_verdict(VIR_CPU_COMPARE_ERROR,
	    VIR_ERR_CPU_INCOMPATIBLE), NO_SKYLAKE);
	cpufit_answer(kq, tcg, vcpu_verdict(VIR_CPU_COMPARE_SUPERSET, 0), NULL);
	assert_int_equal(cpufit_pending(), 0);
	(void)dsk;

	model_lock();
	s = cpufit_runs_on(model_desktop(U1), NULL);
	assert_string_equal(s, "sky");
	free(s);
	s = cpufit_runs_on(model_desktop(U2), NULL);
	assert_string_equal(s, "sky, tcg");
	free(s);
	/* no <cpu>: every hypervisor-capable host, the disk host never */
	s = cpufit_runs_on(model_desktop(U3), NULL);
	assert_string_equal(s, "sky, tcg");
	free(s);
	assert_true(cpufit_stuck(model_desktop(U1)));
	assert_false(cpufit_stuck(model_desktop(U2)));
	assert_false(cpufit_stuck(model_desktop(U3)));
	/* placement: a migration or start of win11 on tcg is refused with
	 * libvirt's reason; disk work there is not a CPU's business */
	s = place_refusal_for(model_host(tcg), PLACE_MIGRATE, model_desktop(U1));
	assert_non_null(s);
	assert_string_equal(s, "tcg cannot run the CPU of win11: " NO_SKYLAKE);
	free(s);
	assert_null(place_refusal_for(model_host(tcg), PLACE_DISK,
	    model_desktop(U1)));
	assert_null(place_refusal_for(model_host(tcg), PLACE_MIGRATE,
	    model_desktop(U2)));
	model_unlock();
	assert_int_equal(place_hosts_for(PLACE_MIGRATE, sky, U1, &ids), 0);
	assert_null(ids);
	assert_int_equal(place_hosts_for(PLACE_MIGRATE, sky, U2, &ids), 1);
	assert_int_equal(ids[0], tcg);
	free(ids);
	free(ksky);
	free(kq);
}

/* A definition first seen after the hosts connected is asked of each of
 * them once; an unreachable host's answer keeps what it said before. */
static void test_new_definition_asked_once(void **state)
{
	unsigned a = host("a", ROLE_MIXED), b = host("b", ROLE_HYPERVISOR), *ids;
	char **keys, *k, *why;
	size_t n;

	(void)state;
	n = cpufit_host_connected(a, &keys);
	assert_int_equal(n, 0);
	free(keys);
	n = cpufit_host_connected(b, &keys);
	free(keys);
	desktop(a, U1, "new", QEMU64);
	k = key_of(U1);
	n = cpufit_want(k, &ids);
	assert_int_equal(n, 2);
	assert_true((ids[0] == a && ids[1] == b) || (ids[0] == b && ids[1] == a));
	free(ids);
	assert_int_equal(cpufit_want(k, &ids), 0);
	cpufit_answer(k, a, CPUFIT_NO, "no");
	cpufit_answer(k, b, CPUFIT_UNKNOWN, NULL);	/* went offline */
	assert_int_equal(cpufit_pending(), 0);
	assert_int_equal(cpufit_get(k, a, &why), CPUFIT_NO);
	assert_string_equal(why, "no");
	free(why);
	cpufit_answer(k, a, CPUFIT_UNKNOWN, NULL);
	assert_int_equal(cpufit_get(k, a, NULL), CPUFIT_NO);
	assert_int_equal(cpufit_get(k, b, NULL), CPUFIT_UNKNOWN);
	/* a removed host's answers go with it */
	model_host_remove(a);
	assert_int_equal(cpufit_get(k, a, NULL), CPUFIT_UNKNOWN);
	free(k);
}

/* The table as a server sends it and an attached console's mirror applies
 * it: the mirror's hosts have other ids (added in another order), its
 * desktops carry the key their add line brought, and its marks, "can run
 * on" and refusals come out as the server's. A desktop's change line
 * carries its key, its stats line does not. */
static void test_json_round_trip(void **state)
{
	unsigned sky = host("sky", ROLE_HYPERVISOR), tcg = host("tcg",
	    ROLE_MIXED);
	struct cpufit_baseline b = { .virt_type = (char *)"qemu",
	    .arch = (char *)"x86_64", .xml = (char *)QEMU64,
	    .model = (char *)"qemu64", .hosts = (char *)"sky, tcg",
	    .nfeatures = 0, .gen = 7 }, *got;
	char *ksky, *line, *change, *stats, *s, *cause = NULL;
	struct jread l;
	size_t n;

	(void)state;
	desktop(sky, U1, "win11", SKYLAKE);
	ksky = key_of(U1);
	cpufit_answer(ksky, sky, CPUFIT_YES, NULL);
	cpufit_answer(ksky, tcg, CPUFIT_NO, NO_SKYLAKE);
	cpufit_set_baseline(&b);
	model_lock();
	line = cpufit_json_line();
	change = model_json_change(MK_DESKTOP, MO_CHANGE, NULL,
	    model_desktop(U1));
	stats = model_json_change(MK_DESKTOP, MO_STATS, NULL,
	    model_desktop(U1));
	model_unlock();
	assert_non_null(strstr(change, "\"cpu_key\":"));
	assert_null(strstr(stats, "\"cpu_key\":"));

	/* the mirror: tcg first, so the ids differ */
	model_free();
	model_init();
	tcg = host("tcg", ROLE_MIXED);
	sky = host("sky", ROLE_HYPERVISOR);
	desktop(sky, U1, "win11", SKYLAKE);
	model_lock();
	assert_false(cpufit_stuck(model_desktop(U1)));	/* nothing known */
	model_unlock();
	assert_int_equal(jread_parse(line, &l, &cause), 0);
	cpufit_json_apply(&l);
	jread_free(&l);
	model_lock();
	assert_true(cpufit_stuck(model_desktop(U1)));
	s = cpufit_runs_on(model_desktop(U1), NULL);
	assert_string_equal(s, "sky");
	free(s);
	s = cpufit_refusal(model_host(tcg), model_desktop(U1));
	assert_string_equal(s, "tcg cannot run the CPU of win11: " NO_SKYLAKE);
	free(s);
	model_unlock();
	n = cpufit_baselines(&got);
	assert_int_equal(n, 1);
	assert_string_equal(got[0].model, "qemu64");
	assert_string_equal(got[0].hosts, "sky, tcg");
	cpufit_baselines_free(got, n);
	free(line);
	free(change);
	free(stats);
	free(ksky);
}

static void test_set_cpu_xml(void **state)
{
	const char *dom = "<domain type='qemu'><name>d</name>"
	    "<vcpu>1</vcpu><cpu mode='host-model'/><os/></domain>";
	char *out, *cause = NULL, *cpu = virtxml_cpu_custom("Broadwell-IBRS");
	struct xml_domain_cpu c;

	(void)state;
	assert_string_equal(cpu, "<cpu mode=\"custom\" match=\"exact\">"
	    "<model fallback=\"forbid\">Broadwell-IBRS</model></cpu>");
	assert_int_equal(virtxml_domain_set_cpu(dom, cpu, &out, &cause), 0);
	assert_null(strstr(out, "host-model"));
	assert_int_equal(virtxml_domain_cpu(out, &c, &cause), 0);
	assert_string_equal(c.cpu_xml, cpu);
	virtxml_domain_cpu_free(&c);
	free(out);
	/* none before: added after <vcpu> */
	assert_int_equal(virtxml_domain_set_cpu("<domain><vcpu>1</vcpu>"
	    "</domain>", cpu, &out, &cause), 0);
	assert_non_null(strstr(out, "<vcpu>1</vcpu><cpu mode="));
	free(out);
	assert_int_equal(virtxml_domain_set_cpu(dom, "<model/>", &out, &cause),
	    -1);
	free(cause);
	cause = NULL;
	assert_int_equal(virtxml_domain_set_cpu("<pool/>", cpu, &out, &cause),
	    -1);
	free(cause);
	free(cpu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_round_trip),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test_setup_teardown(test_host_models, setup, teardown),
		cmocka_unit_test_setup_teardown(test_baseline_of_differing_hosts,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fit_per_definition, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_new_definition_asked_once,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_round_trip, setup,
		    teardown),
		cmocka_unit_test(test_set_cpu_xml),
	};

	virtxml_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
