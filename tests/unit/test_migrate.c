/* test_migrate.c — the migration engine without a hypervisor:
 *  - pre-flight checks (migrate-check.c) on facts and on a model filled by
 *    hand: memory with its reserve, cache modes, which disks the
 *    destination sees through shared pools (and the copy-storage flag);
 *  - the <cpu> element and the facts CPU comparison needs (virt-xml.c);
 *  - migrate_start's refusals before any job, and a job whose connection
 *    fails: failed with the reason, its checklist settled, its stats kept
 *    and requests refused once it ended. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <libvirt/libvirt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act/act-domain.h"
#include "act/act-migrate.h"
#include "core/checklist.h"
#include "core/job.h"
#include "act/migrate-check.h"
#include "core/model.h"
#include "core/util.h"
#include "virt/virt-xml.h"

#define GIB (1024 * 1024)       /* in KiB */

static void test_memory(void **state)
{
	char *why = NULL;

	(void)state;
	assert_int_equal(migrate_check_memory("hv2", "alice", 4 * GIB, 2 * GIB,
	    GIB, &why), 0);
	assert_non_null(strstr(why, "4096 MiB free"));
	free(why);
	/* exactly enough is enough; a KiB short is not */
	assert_int_equal(migrate_check_memory("hv2", "alice", 3 * GIB, 2 * GIB,
	    GIB, &why), 0);
	free(why);
	assert_int_equal(migrate_check_memory("hv2", "alice", 3 * GIB - 1,
	    2 * GIB, GIB, &why), -1);
	assert_string_equal(why, "hv2 has 3071 MiB free; alice needs 2048 MiB "
	    "+ the host's memory_reserve 1024 MiB");
	free(why);
}

/* A domain of disks: each "TARGET TYPE SOURCE CACHE [ro]" ("-" = none). */
static void disks(struct xml_domain *x, const char *const *spec, size_t n)
{
	size_t i;
	char t[16], ty[16], src[128], c[32], ro[8];

	memset(x, 0, sizeof *x);
	x->disks = xcalloc(n, sizeof *x->disks);
	x->ndisks = n;
	for (i = 0; i < n; i++) {
		ro[0] = '\0';
		assert_true(sscanf(spec[i], "%15s %15s %127s %31s %7s", t, ty,
		    src, c, ro) >= 4);
		x->disks[i].device = xstrdup("disk");
		x->disks[i].target = xstrdup(t);
		x->disks[i].type = xstrdup(ty);
		x->disks[i].source = strcmp(src, "-") == 0 ? NULL : xstrdup(src);
		x->disks[i].cache = strcmp(c, "-") == 0 ? NULL : xstrdup(c);
		x->disks[i].readonly = strcmp(ro, "ro") == 0;
	}
}

static void test_cache(void **state)
{
	static const char *const spec[] = {
		"vda file /s/a.qcow2 none",
		"vdb file /s/b.qcow2 writeback",
		"vdc file /s/c.qcow2 -",
		"vdd file /s/d.iso unsafe ro",          /* read-only: fine */
		"vde file /s/e.qcow2 directsync",
		"sda file - writeback",                 /* empty CD-ROM */
	};
	int copied[6] = { 0 };
	struct xml_domain x;
	unsigned flags = 0;
	char *why = NULL;

	(void)state;
	disks(&x, spec, 6);
	assert_int_equal(migrate_check_cache(&x, copied, 0, &flags, &why), -1);
	assert_non_null(strstr(why, "vdb cache=writeback; vdc cache=default "
	    "(writeback)"));
	assert_null(strstr(why, "vdd"));
	assert_null(strstr(why, "sda"));
	assert_int_equal(flags, 0);
	free(why);
	/* accepted with --unsafe: a warning and the flag */
	assert_int_equal(migrate_check_cache(&x, copied, 1, &flags, &why), 1);
	assert_true(flags & VIR_MIGRATE_UNSAFE);
	free(why);
	/* copied disks are not on shared storage: their cache is theirs */
	copied[1] = copied[2] = 1;
	flags = 0;
	assert_int_equal(migrate_check_cache(&x, copied, 0, &flags, &why), 0);
	free(why);
	facts_domain_free(&x);
}

/* ---- storage, on a model filled by hand ---- */

static unsigned h1, h2, h3;

static void pool(unsigned host, const char *name, const char *key,
    const char *dir, const char *vol)
{
	struct m_pool info;
	struct m_volume *v = NULL;

	memset(&info, 0, sizeof info);
	info.name = (char *)name;
	info.type = (char *)"dir";
	info.target_path = (char *)dir;
	info.share_key = (char *)key;
	info.active = 1;
	if (vol != NULL) {
		v = xcalloc(1, sizeof *v);
		v->name = xstrdup(vol);
		v->path = xasprintf("%s/%s", dir, vol);
	}
	model_pool_seen(host, &info, v, vol != NULL);
}

static int setup_model(void **state)
{
	struct config_host a = { .name = (char *)"hv1", .uri = (char *)"test:///default",
	    .memory_reserve_mib = 1024 };
	struct config_host b = { .name = (char *)"hv2", .uri = (char *)"test:///default" };
	struct config_host c = { .name = (char *)"hv3", .uri = (char *)"test:///default" };

	(void)state;
	model_init();
	act_set_read_only(0);
	h1 = model_host_add(&a);
	h2 = model_host_add(&b);
	h3 = model_host_add(&c);
	model_host_set_state(h1, HOST_ONLINE, NULL);
	model_host_set_state(h2, HOST_ONLINE, NULL);
	model_host_set_state(h3, HOST_ONLINE, NULL);
	pool(h1, "groups", "dir /s/groups", "/s/groups", "a.qcow2");
	pool(h2, "groups", "dir /s/groups", "/s/groups", NULL);
	pool(h1, "local", NULL, "/var/lib/local", "b.qcow2");
	pool(h2, "local", NULL, "/var/lib/local", NULL);
	pool(h3, "local", NULL, "/var/lib/local", NULL);
	return 0;
}

static int teardown_model(void **state)
{
	(void)state;
	jobs_free();
	model_free();
	return 0;
}

static void test_storage_shared(void **state)
{
	static const char *const spec[] = {
		"vda file /s/groups/a.qcow2 none",
		"vdb file /s/groups/new.qcow2 none",    /* not listed yet */
		"vdc network rbd/img none",
		"vdd volume groups/a.qcow2 none",
	};
	struct xml_domain x;
	int copied[4];
	unsigned flags = 0;
	char *why = NULL;

	(void)state;
	disks(&x, spec, 4);
	assert_int_equal(migrate_check_storage(&x, h1, h2, 0, copied, &flags,
	    &why), 0);
	assert_int_equal(copied[0] + copied[1] + copied[2] + copied[3], 0);
	assert_string_equal(why, "3 disks on storage the destination shares");
	/* libvirt cannot tell a configured shared directory from a local one */
	assert_int_equal(flags, VIR_MIGRATE_UNSAFE);
	free(why);
	facts_domain_free(&x);
}

static void test_storage_copy(void **state)
{
	static const char *const spec[] = {
		"vda file /s/groups/a.qcow2 none",
		"vdb file /var/lib/local/b.qcow2 none",
		"vdc file /elsewhere/c.raw none",
	};
	struct xml_domain x;
	int copied[3];
	unsigned flags = 0;
	char *why = NULL;

	(void)state;
	disks(&x, spec, 3);
	/* hv3 has no groups pool: every disk is unseen, each named */
	assert_int_equal(migrate_check_storage(&x, h1, h3, 0, copied, &flags,
	    &why), -1);
	assert_string_equal(why, "the destination does not see vda "
	    "(/s/groups/a.qcow2); vdb (/var/lib/local/b.qcow2); vdc "
	    "(/elsewhere/c.raw, in no storage pool): copy storage required "
	    "(--copy-storage)");
	free(why);
	/* hv2 sees vda only; the others are copied, whole (no backing) */
	assert_int_equal(migrate_check_storage(&x, h1, h2, 1, copied, &flags,
	    &why), 0);
	assert_int_equal(copied[0], 0);
	assert_int_equal(copied[1], 1);
	assert_int_equal(copied[2], 1);
	assert_true(flags & VIR_MIGRATE_NON_SHARED_DISK);
	assert_false(flags & VIR_MIGRATE_NON_SHARED_INC);
	free(why);
	facts_domain_free(&x);
}

static void test_storage_incremental(void **state)
{
	static const char *const spec[] = {
		"vda file /var/lib/local/b.qcow2 none",
	};
	struct xml_domain x;
	int copied[1];
	unsigned flags = 0;
	char *why = NULL;

	(void)state;
	disks(&x, spec, 1);
	x.disks[0].backing = xcalloc(1, sizeof *x.disks[0].backing);
	x.disks[0].backing[0] = xstrdup("/s/groups/a.qcow2");
	x.disks[0].nbacking = 1;
	assert_int_equal(migrate_check_storage(&x, h1, h2, 1, copied, &flags,
	    &why), 0);
	assert_int_equal(flags, VIR_MIGRATE_NON_SHARED_INC);
	assert_non_null(strstr(why, "backing chain is shared"));
	free(why);
	/* hv3 does not see the backing file: a whole copy */
	flags = 0;
	assert_int_equal(migrate_check_storage(&x, h1, h3, 1, copied, &flags,
	    &why), 0);
	assert_int_equal(flags, VIR_MIGRATE_NON_SHARED_DISK);
	free(why);
	facts_domain_free(&x);
}

static void test_storage_readonly(void **state)
{
	static const char *const spec[] = {
		"hdc file /var/lib/local/b.qcow2 none ro",
	};
	struct xml_domain x;
	int copied[1];
	unsigned flags = 0;
	char *why = NULL;

	(void)state;
	disks(&x, spec, 1);
	assert_int_equal(migrate_check_storage(&x, h1, h2, 1, copied, &flags,
	    &why), -1);
	assert_non_null(strstr(why, "hdc (/var/lib/local/b.qcow2, read-only"));
	free(why);
	facts_domain_free(&x);
}

/* ---- the CPU facts ---- */

static void test_domain_cpu(void **state)
{
	static const char xml[] =
	    "<domain type='kvm'><name>a</name>"
	    "<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>"
	    "<cpu mode='custom' match='exact'><model>qemu64</model>"
	    "<feature policy='require' name='avx512f'/></cpu>"
	    "<devices><emulator>/usr/bin/qemu-system-x86_64</emulator>"
	    "</devices></domain>";
	struct xml_domain_cpu c;
	char *cause = NULL;

	(void)state;
	assert_int_equal(virtxml_domain_cpu(xml, &c, &cause), 0);
	assert_non_null(c.cpu_xml);
	assert_int_equal(strncmp(c.cpu_xml, "<cpu mode=\"custom\"", 18), 0);
	assert_non_null(strstr(c.cpu_xml, "name=\"avx512f\""));
	assert_string_equal(c.arch, "x86_64");
	assert_string_equal(c.machine, "pc-q35-7.2");
	assert_string_equal(c.virt_type, "kvm");
	assert_string_equal(c.emulator, "/usr/bin/qemu-system-x86_64");
	virtxml_domain_cpu_free(&c);
	assert_int_equal(virtxml_domain_cpu("<domain type='qemu'/>", &c,
	    &cause), 0);
	assert_null(c.cpu_xml);
	virtxml_domain_cpu_free(&c);
	assert_int_equal(virtxml_domain_cpu("<pool/>", &c, &cause), -1);
	free(cause);
}

/* ---- migrate_start ---- */

#define U_RUN "cccccccc-0000-0000-0000-000000000001"
#define U_OFF "cccccccc-0000-0000-0000-000000000002"

static void desktop(unsigned host, const char *uuid, const char *name,
    enum desktop_state s)
{
	struct xml_domain x;

	memset(&x, 0, sizeof x);
	model_desktop_seen(host, uuid, name, s, 1, 1, &x);
}

static void refused(const char *desktop_key, const char *dest,
    const char *why)
{
	struct migrate_req r;
	unsigned job = 99;
	char *cause = NULL;

	memset(&r, 0, sizeof r);
	r.desktop = desktop_key;
	r.dest = dest;
	assert_int_equal(migrate_start(&r, NULL, &job, &cause), -1);
	assert_int_equal(job, 0);
	if (cause == NULL || strstr(cause, why) == NULL)
		fail_msg("'%s' does not say '%s'", cause, why);
	free(cause);
	assert_int_equal(job_active_count(), 0);
}

static void test_start_refusals(void **state)
{
	(void)state;
	desktop(h1, U_RUN, "alice", DS_RUNNING);
	desktop(h1, U_OFF, "bob", DS_SHUTOFF);
	refused("nobody", "hv2", "no desktop named nobody");
	refused("bob", "hv2", "cannot migrate bob: it is not running");
	refused("alice", "hv1", "cannot migrate alice: it already runs on hv1");
	refused(U_RUN, "hv9", "no host named hv9");
	refused("alice", "", "a desktop and a destination host are needed");
	act_set_read_only(1);
	refused("alice", "hv2", "read-only");
	act_set_read_only(0);
	/* a second copy running elsewhere: no migration of a split brain */
	desktop(h3, U_RUN, "alice", DS_RUNNING);
	refused("alice", "hv2", "it runs on hv1 and hv3");
	model_desktop_gone(h3, U_RUN);
}

static void test_job_fails_with_reason(void **state)
{
	struct migrate_req r;
	struct migrate_stats st;
	struct checklist *cl = checklist_new();
	struct check_step *steps;
	size_t n;
	unsigned job = 0;
	char *cause = NULL, *err;

	(void)state;
	desktop(h1, U_RUN, "alice", DS_RUNNING);
	/* hv1's own connection opens (test driver) but knows no alice */
	memset(&r, 0, sizeof r);
	r.desktop = "alice";
	r.dest = "hv2";
	r.bandwidth_mibs = 7;
	if (migrate_start(&r, cl, &job, &cause) < 0)
		fail_msg("%s", cause);
	assert_int_not_equal(job, 0);
	assert_int_equal(job_wait(job, 30000), JOB_FAILED);
	err = job_error(job);
	assert_non_null(err);
	assert_non_null(strstr(err, "alice on hv1: "));
	free(err);
	checklist_snapshot(cl, &steps, &n);
	assert_int_equal(n, 7);
	assert_int_equal(steps[0].state, CHECK_OK);      /* destination */
	assert_int_equal(steps[1].state, CHECK_FAIL);    /* connect */
	assert_int_equal(steps[2].state, CHECK_PENDING); /* never reached */
	free(steps);
	/* the record stays for the view, with its hosts and request */
	assert_int_equal(migrate_stats(job, &st), 0);
	assert_false(st.active);
	assert_string_equal(st.source, "hv1");
	assert_string_equal(st.dest, "hv2");
	assert_int_equal(st.bandwidth_mibs, 7);
	assert_int_equal(migrate_stats(job + 1000, &st), -1);
	/* nothing to change once it ended */
	assert_int_equal(migrate_set_speed(job, 50, &cause), -1);
	assert_non_null(strstr(cause, "ended"));
	free(cause);
	assert_int_equal(migrate_postcopy(job, &cause), -1);
	free(cause);
	assert_null(migrate_running_names());
	checklist_free(cl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_domain_cpu),
		cmocka_unit_test_setup_teardown(test_storage_shared, setup_model,
		    teardown_model),
		cmocka_unit_test_setup_teardown(test_storage_copy, setup_model,
		    teardown_model),
		cmocka_unit_test_setup_teardown(test_storage_incremental,
		    setup_model, teardown_model),
		cmocka_unit_test_setup_teardown(test_storage_readonly,
		    setup_model, teardown_model),
		cmocka_unit_test_setup_teardown(test_start_refusals, setup_model,
		    teardown_model),
		cmocka_unit_test_setup_teardown(test_job_fails_with_reason,
		    setup_model, teardown_model),
	};

	virtxml_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
