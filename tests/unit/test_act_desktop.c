/* test_act_desktop.c — what act-desktop decides from the model alone (no
 * libvirt): the one lookup by name or UUID (a name two desktops share is
 * refused, naming their hosts), what a template desktop is, which template
 * desktops use a volume, and the refusals of desktop new, template from,
 * derive and desktop delete that come before anything is written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "act/act-derive.h"
#include "act/act-desktop.h"
#include "core/config.h"
#include "model-fill.h"

#define U_TMPL "11111111-0000-4000-8000-000000000001"
#define U_RUN  "11111111-0000-4000-8000-000000000002"
#define U_DUP1 "11111111-0000-4000-8000-000000000003"
#define U_DUP2 "11111111-0000-4000-8000-000000000004"
#define U_DESK "11111111-0000-4000-8000-000000000005"

static struct config cfg;
static unsigned h1, h2;

/* A desktop whose one disk is the file at path. */
static void desktop_on(unsigned host, const char *uuid, const char *name,
    enum desktop_state state, const char *path)
{
	struct xml_domain x;

	memset(&x, 0, sizeof x);
	x.disks = xcalloc(1, sizeof *x.disks);
	x.ndisks = 1;
	x.disks[0].device = xstrdup("disk");
	x.disks[0].target = xstrdup("vda");
	x.disks[0].source = xstrdup(path);
	model_desktop_seen(host, uuid, name, state, 1, 1, &x);
}

static void pool(unsigned host, const char *name, const char *vol,
    const char *backing)
{
	struct m_pool info;
	struct m_volume *v = xcalloc(1, sizeof *v);

	memset(&info, 0, sizeof info);
	info.name = (char *)name;
	info.target_path = xasprintf("/nfs/%s", name);
	info.type = (char *)"dir";
	info.active = 1;
	info.available = 1ull << 30;
	v[0].name = xstrdup(vol);
	v[0].path = xasprintf("/nfs/%s/%s", name, vol);
	v[0].format = xstrdup("qcow2");
	v[0].backing_path = backing != NULL ? xstrdup(backing) : NULL;
	model_pool_seen(host, &info, v, 1);
	free(info.target_path);
}

static int setup(void **state)
{
	(void)state;
	config_defaults(&cfg, NULL);
	fill_hosts(&h1, &h2);
	fill_bases(h2);	/* a pool no template desktop uses */
	pool(h1, "templates", "t.qcow2", NULL);
	pool(h1, "groups", "d.qcow2", "/nfs/templates/t.qcow2");
	desktop_on(h1, U_TMPL, "tmpl", DS_SHUTOFF, "/nfs/templates/t.qcow2");
	desktop_on(h1, U_RUN, "running-tmpl", DS_RUNNING, "/nfs/templates/t.qcow2");
	desktop_on(h1, U_DESK, "desk", DS_SHUTOFF, "/nfs/groups/d.qcow2");
	fill_desktop(h1, U_DUP1, "dup", DS_SHUTOFF);
	fill_desktop(h2, U_DUP2, "dup", DS_SHUTOFF);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	model_free();
	config_free(&cfg);
	return 0;
}

static void test_resolve(void **state)
{
	char *uuid, *host = NULL, *cause = NULL;

	(void)state;
	uuid = act_desktop_resolve("tmpl", &host, &cause);
	assert_string_equal(uuid, U_TMPL);
	assert_string_equal(host, "hv1");
	free(uuid);
	free(host);
	/* by UUID */
	uuid = act_desktop_resolve(U_DUP2, &host, &cause);
	assert_string_equal(uuid, U_DUP2);
	assert_string_equal(host, "hv2");
	free(uuid);
	free(host);
	/* a name two desktops share: refused, both hosts named */
	assert_null(act_desktop_resolve("dup", &host, &cause));
	assert_null(host);
	assert_non_null(strstr(cause, "2 desktops are named dup (on hv1, hv2)"));
	free(cause);
	cause = NULL;
	assert_null(act_desktop_resolve("nobody", NULL, &cause));
	assert_string_equal(cause, "no desktop named nobody");
	free(cause);
}

static void test_template(void **state)
{
	char **names = NULL, *why;
	size_t n;

	(void)state;
	model_lock();
	assert_null(act_desktop_not_template(&cfg, model_desktop(U_TMPL)));
	why = act_desktop_not_template(&cfg, model_desktop(U_RUN));
	assert_non_null(strstr(why, "it is running"));
	free(why);
	why = act_desktop_not_template(&cfg, model_desktop(U_DESK));
	assert_non_null(strstr(why, "in pool groups, not templates"));
	free(why);
	why = act_desktop_not_template(&cfg, model_desktop(U_DUP1));
	assert_non_null(strstr(why, "has no disk"));
	free(why);
	model_unlock();
	n = act_desktop_templates_using(&cfg, "/nfs/templates/t.qcow2", &names);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "tmpl");
	act_desktop_names_free(names, n);
	assert_int_equal(act_desktop_templates_using(&cfg, "/nfs/groups/d.qcow2",
	    &names), 0);
	assert_null(names);
}

/* Refusals before any job: nothing is written (no libvirt is reached). */
static void test_new_refusals(void **state)
{
	char *bad[] = { (char *)"../x" }, *dup[] = { (char *)"desk" };
	char *twice[] = { (char *)"a", (char *)"a" }, *digits[] = { (char *)"2" };
	struct desktop_new_req r = { "tmpl", bad, 1, NULL, 0 };
	char *host = NULL, *cause = NULL;
	unsigned job = 0;

	(void)state;
	assert_int_equal(act_desktop_new(&cfg, &r, &job, &host, &cause), -1);
	assert_non_null(strstr(cause, "'/'"));
	free(cause);
	r.names = digits;	/* {1..3}: virsh reads 1 as a domain id */
	assert_int_equal(act_desktop_new(&cfg, &r, &job, &host, &cause), -1);
	assert_string_equal(cause, "name \"2\" is all digits: virsh would "
	    "take it for a domain id");
	free(cause);
	r.names = dup;
	assert_int_equal(act_desktop_new(&cfg, &r, &job, &host, &cause), -1);
	assert_string_equal(cause, "a desktop named desk exists");
	free(cause);
	r.names = twice;
	r.n = 2;
	assert_int_equal(act_desktop_new(&cfg, &r, &job, &host, &cause), -1);
	assert_string_equal(cause, "a is named twice");
	free(cause);
	r.tmpl = "desk";	/* not a template */
	r.n = 1;
	assert_int_equal(act_desktop_new(&cfg, &r, &job, &host, &cause), -1);
	assert_non_null(strstr(cause, "no template desktop"));
	free(cause);
	assert_null(host);
	assert_int_equal(job, 0);
}

static void test_delete_refusals(void **state)
{
	char *name = NULL, *disk = NULL, *cause = NULL;

	(void)state;
	assert_int_equal(act_desktop_delete_check(&cfg, "running-tmpl", 0, &name,
	    &disk, &cause), -1);
	assert_non_null(strstr(cause, "it is running on hv1 (stop it first)"));
	free(cause);
	assert_int_equal(act_desktop_delete_check(&cfg, "tmpl", 1, &name,
	    &disk, &cause), -1);
	assert_non_null(strstr(cause, "templates/t.qcow2 is a template volume"));
	free(cause);
	/* without its disk the template desktop itself may go */
	assert_int_equal(act_desktop_delete_check(&cfg, "tmpl", 0, &name,
	    &disk, &cause), 0);
	assert_string_equal(name, "tmpl");
	assert_null(disk);
	free(name);
	/* an overlay nothing else uses: named for the question */
	assert_int_equal(act_desktop_delete_check(&cfg, "desk", 1, &name,
	    &disk, &cause), 0);
	assert_string_equal(disk, "groups/d.qcow2");
	free(name);
	free(disk);
	assert_int_equal(act_template_from(&cfg, "running-tmpl", "t2", 0, NULL,
	    &cause), -1);
	assert_non_null(strstr(cause, "it is running (shut it down first)"));
	free(cause);
}

/* running-tmpl runs on the template desktop's disk: no overlay, no copy
 * of it is made while it writes, by any verb; shut off, derive goes on. */
static void test_written_source(void **state)
{
	const char *want = "t.qcow2 is written by desktop running-tmpl running "
	    "on hv1: shut it down first";
	char *names[] = { (char *)"fresh" }, *host = NULL, *cause = NULL;
	struct desktop_new_req r = { "tmpl", names, 1, NULL, 0 };
	struct derive_req dr = { &cfg, "templates/t.qcow2", "ov", NULL, NULL,
	    NULL, { 0 } };
	struct derive_started out;
	unsigned job = 0;
	int usage = 0;

	(void)state;
	assert_int_equal(act_desktop_new(&cfg, &r, &job, &host, &cause), -1);
	assert_string_equal(cause, want);
	free(cause);
	assert_int_equal(act_template_from(&cfg, "tmpl", "t2", 0, &job, &cause),
	    -1);
	assert_string_equal(cause, want);
	free(cause);
	assert_int_equal(act_derive(&dr, &out, &usage, &cause), -1);
	assert_string_equal(cause, want);
	assert_int_equal(usage, 0);
	free(cause);
	assert_int_equal(derive_source_unwritten(h1, "templates", "t.qcow2",
	    &cause), -1);
	assert_string_equal(cause, want);
	free(cause);
	assert_int_equal(job, 0);
	/* shut off: nothing writes it */
	desktop_on(h1, U_RUN, "running-tmpl", DS_SHUTOFF, "/nfs/templates/t.qcow2");
	assert_int_equal(derive_source_unwritten(h1, "templates", "t.qcow2",
	    &cause), 0);
	assert_null(cause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_template, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_written_source, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
