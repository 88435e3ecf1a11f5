/* test_srv_mirror.c — the attached console's mirror: every line the
 * server's subscription sends for a model, applied to an empty model,
 * makes the same lines again (nothing the JSON carries is lost: a place's
 * state reason and a pending mark included), and a
 * removal or a broken line does what it should. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/job.h"
#include "core/model-json.h"
#include "core/model.h"
#include "srv/srv-mirror.h"
#include "model-fill.h"

#define UUID_A "00000000-0000-0000-0000-00000000000a"
#define UUID_B "00000000-0000-0000-0000-00000000000b"

/* Every object of the model as "add" lines, without their time. */
static char **render(size_t *n)
{
	struct m_host **h;
	struct m_desktop **d;
	size_t nh, nd, i, k;
	char **out = NULL, *l;

	*n = 0;
	model_lock();
	h = model_hosts(&nh);
	d = model_desktops(&nd);
	for (i = 0; i < nh; i++) {
		out = xreallocarray(out, *n + 1 + h[i]->npools, sizeof *out);
		out[(*n)++] = model_json_change(MK_HOST, MO_ADD, NULL, h[i]);
		for (k = 0; k < h[i]->npools; k++)
			out[(*n)++] = model_json_change(MK_POOL, MO_ADD, h[i],
			    h[i]->pools[k]);
	}
	for (i = 0; i < nd; i++) {
		out = xreallocarray(out, *n + 1, sizeof *out);
		out[(*n)++] = model_json_change(MK_DESKTOP, MO_ADD, NULL, d[i]);
	}
	model_unlock();
	for (i = 0; i < *n; i++) {	/* from "kind" on: no time */
		l = xstrdup(strstr(out[i], "\"kind\""));
		free(out[i]);
		out[i] = l;
	}
	return out;
}

static void free_lines(char **l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

static void fill(void)
{
	unsigned h1, h2;
	struct xml_domain x;

	fill_hosts(&h1, &h2);
	model_host_set_maintenance("hv2", 1);
	model_host_set_role("hv1", ROLE_HYPERVISOR);
	fill_bases(h1);
	memset(&x, 0, sizeof x);
	x.vcpus = 2;
	x.memory_kib = 1 << 20;
	x.ndisks = 1;
	x.disks = xcalloc(1, sizeof *x.disks);
	x.disks[0].target = xstrdup("vda");
	x.disks[0].source = xstrdup("/nfs/bases/tmpl.qcow2");
	x.disks[0].format = xstrdup("qcow2");
	x.disks[0].nbacking = 1;
	x.disks[0].backing = xcalloc(1, sizeof *x.disks[0].backing);
	x.disks[0].backing[0] = xstrdup("/nfs/bases/deb.qcow2");
	model_desktop_seen(h1, UUID_A, "desk-a", DS_RUNNING, 1, 1, &x);
	fill_desktop(h2, UUID_A, "desk-a", DS_SHUTOFF);
	fill_desktop(h2, UUID_B, "desk-b", DS_SHUTOFF);
	model_desktop_set_state(h2, UUID_B, DS_RUNNING, 1);	/* started_ms */
	model_desktop_job(UUID_A, 1, "migration", 42.0, 3);
	model_desktop_pending(UUID_B, "starting");	/* the row's spinner */
}

static void test_round_trip(void **state)
{
	char **sent, **got, *cause = NULL, *line;
	size_t ns, ng, i;
	int synced = 0;

	(void)state;
	fill();
	sent = render(&ns);
	assert_true(ns >= 5);
	assert_null(strstr(sent[ns - 1], "\"started_ms\":null"));
	assert_non_null(strstr(sent[ns - 1], "\"pending\":\"starting\""));
	assert_non_null(strstr(sent[ns - 2], "\"reason\":1"));
	model_free();
	model_init();
	model_set_mirror(1);
	for (i = 0; i < ns; i++) {
		line = xasprintf("{\"time_ms\":1,%s", sent[i]);
		assert_int_equal(srv_mirror_apply(line, &synced, &cause), 0);
		free(line);
	}
	assert_int_equal(srv_mirror_apply("{\"kind\":\"synced\"}", &synced,
	    &cause), 0);
	assert_int_equal(synced, 1);
	got = render(&ng);
	assert_int_equal(ng, ns);
	for (i = 0; i < ns; i++)
		assert_string_equal(got[i], sent[i]);
	free_lines(got, ng);
	free_lines(sent, ns);
	model_free();
}

static void test_remove_and_broken(void **state)
{
	char *cause = NULL;
	int synced = 0;
	size_t n;

	(void)state;
	fill();
	model_set_mirror(1);
	assert_int_equal(srv_mirror_apply("{\"kind\":\"desktop\",\"op\":"
	    "\"remove\",\"object\":{\"uuid\":\"" UUID_B "\"}}", &synced,
	    &cause), 0);
	assert_int_equal(srv_mirror_apply("{\"kind\":\"host\",\"op\":"
	    "\"remove\",\"object\":{\"name\":\"hv2\"}}", &synced, &cause), 0);
	model_lock();
	assert_null(model_desktop(UUID_B));
	assert_null(model_host_by_name("hv2"));
	assert_non_null(model_desktop(UUID_A));	/* still on hv1 */
	model_hosts(&n);
	assert_int_equal(n, 1);
	model_unlock();
	assert_int_equal(srv_mirror_apply("{\"kind\":", &synced, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_int_equal(srv_mirror_apply("[1]", &synced, &cause), -1);
	free(cause);
	model_set_mirror(0);
	model_free();
}

static void test_job_copy(void **state)
{
	char *cause = NULL;
	int synced = 0;
	struct job *j;

	(void)state;
	model_init();
	assert_int_equal(srv_mirror_apply("{\"kind\":\"job\",\"object\":{"
	    "\"id\":7,\"kind\":\"start\",\"state\":\"running\",\"name\":\"d\","
	    "\"host\":\"hv1\",\"pct\":50.0,\"done\":1,\"total\":2,"
	    "\"phase\":\"copy\"}}", &synced, &cause), 0);
	job_lock();
	j = job_find(7);
	assert_non_null(j);
	assert_int_equal(j->state, JOB_RUNNING);
	assert_int_equal(j->kind, JK_START);
	assert_string_equal(j->name, "d");
	assert_true(job_last_sample(j)->pct == 50.0);
	job_unlock();
	assert_int_equal(srv_mirror_apply("{\"kind\":\"job\",\"object\":{"
	    "\"id\":7,\"kind\":\"start\",\"state\":\"cancelled\",\"error\":"
	    "\"stopped\"}}", &synced, &cause), 0);
	assert_int_equal(job_wait(7, 0), JOB_CANCELLED);
	/* dismissed in the server: gone from the copy too */
	assert_int_equal(srv_mirror_apply("{\"kind\":\"job\",\"object\":{"
	    "\"id\":7,\"state\":\"gone\"}}", &synced, &cause), 0);
	assert_int_equal(job_wait(7, 0), JOB_GONE);
	/* a job never copied: nothing happens */
	assert_int_equal(srv_mirror_apply("{\"kind\":\"job\",\"object\":{"
	    "\"id\":8,\"state\":\"gone\"}}", &synced, &cause), 0);
	jobs_free();
	model_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_remove_and_broken),
		cmocka_unit_test(test_job_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
